import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { isFunctionWithBody, returnedExpressions, skipParens, type FunctionWithBody } from '../util/ast.js';
import type { Unit, WriteSite } from './syntax.js';
import { CrossProgramCache, DependencyTracker } from '../analysis/cross-program-cache.js';

/**
 * reads: which reads of a container a function makes, and which of its locals carry a
 * value computed from one. A read is `c.get(k)`, `c.has(k)`, `k in c`, `c[k]` (not as
 * a write target), `c.size`, iterating `c` (`for … of c`, `c.keys()`, `c.forEach`,
 * `Object.keys(c)`), or a call of a helper — awaited or not — whose return value is
 * such a read (followed through the helper's own locals and helpers, a few levels
 * deep, across files). A local is derived from a read when its initializer or an
 * assignment to it contains a read or another derived local, and a `for … of` over
 * the container binds derived loop variables. The staleness and entry-conflict
 * analyzers ask these questions only for writes that reach found in a suspended,
 * unguarded state, so nothing here runs for the rest of the program.
 */
export const readsAnalyzer = defineAnalyzer<Reads>({
  name: 'reads',
  doc: 'Finds the reads of a container a function makes (get/has/in/index/size/iteration, helpers returning one) and the locals derived from them.',
  requires: [],
  run(pass) {
    const { checker } = pass;

    // Every candidate read is compared with the container of each write asked about: one checker lookup per expression.
    const identities = new Map<ts.Node, ts.Symbol | string | undefined>();
    /** The declaration that names a container expression: its identity across functions. */
    const identityOf = (expression: ts.Expression): ts.Symbol | string | undefined => {
      if (identities.has(expression)) return identities.get(expression);
      const identity = computeIdentity(expression);
      identities.set(expression, identity);
      return identity;
    };
    const computeIdentity = (expression: ts.Expression): ts.Symbol | string | undefined => {
      const target = skipParens(expression);
      if (target.kind === ts.SyntaxKind.ThisKeyword) return 'this';
      const name = ts.isPropertyAccessExpression(target) ? target.name : ts.isIdentifier(target) ? target : undefined;
      if (!name) return target.getText();
      const symbol = checker.getSymbolAtLocation(name);
      if (!symbol) return target.getText();
      return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    };

    const sameContainer = (a: ts.Expression, b: ts.Expression): boolean => {
      const left = identityOf(a);
      return left !== undefined && left === identityOf(b);
    };

    /** Whether `node` reads `container` itself (not through a helper). */
    const directRead = (node: ts.Node, container: ts.Expression): boolean => {
      if (ts.isCallExpression(node)) {
        const callee = skipParens(node.expression);
        if (ts.isPropertyAccessExpression(callee) && READ_METHODS.has(callee.name.text) && sameContainer(callee.expression, container)) return true;
        if (ts.isPropertyAccessExpression(callee) && OBJECT_READS.has(callee.name.text) && node.arguments[0] && sameContainer(node.arguments[0], container)) {
          return ts.isIdentifier(callee.expression) && (callee.expression.text === 'Object' || callee.expression.text === 'Reflect');
        }
        return false;
      }
      if (ts.isPropertyAccessExpression(node)) return (node.name.text === 'size' || node.name.text === 'length') && sameContainer(node.expression, container);
      if (ts.isElementAccessExpression(node)) return !isWriteTarget(node) && sameContainer(node.expression, container);
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.InKeyword) return sameContainer(node.right, container);
      return false;
    };

    const helperMemo = new Map<ts.Node, Map<ts.Symbol | string, boolean>>();
    /** Whether the function a call runs returns a read of `container` (a few levels deep). */
    const helperReturnsRead = (call: ts.CallExpression, container: ts.Expression, depth: number): boolean => {
      if (depth > 3) return false;
      const declaration = calledFunction(call);
      if (!declaration) return false;
      const identity = identityOf(container);
      if (identity === undefined) return false;
      let byContainer = helperMemo.get(declaration);
      if (!byContainer) helperMemo.set(declaration, (byContainer = new Map()));
      const known = byContainer.get(identity);
      if (known !== undefined) return known;
      byContainer.set(identity, false);
      const derived = lazyDerived(declaration, container, depth + 1);
      const result = returnedExpressions(declaration).some((returned) => findRead(returned, container, derived, depth + 1) !== undefined);
      byContainer.set(identity, result);
      return result;
    };

    const calledFunctions = new Map<ts.CallExpression, FunctionWithBody | undefined>();
    const calledFunction = (call: ts.CallExpression): FunctionWithBody | undefined => {
      if (calledFunctions.has(call)) return calledFunctions.get(call);
      const declaration = resolveCalledFunction(call);
      calledFunctions.set(call, declaration);
      return declaration;
    };
    // The function a call runs, reused by a later program while its files are unchanged: an edit elsewhere asks the checker nothing here.
    const tracker = new DependencyTracker(pass.program);
    const resolveCalledFunction = (call: ts.CallExpression): FunctionWithBody | undefined =>
      tracker.memoize(calledFunctionCache, call, call, () => resolveCalled(call) ?? null) ?? undefined;
    const resolveCalled = (call: ts.CallExpression): FunctionWithBody | undefined => {
      const symbol = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(call.expression) ? call.expression.name : call.expression);
      const resolved = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      // Every file the alias chain runs through (re-exports included) and the declaration's.
      for (let alias = symbol; alias && alias.flags & ts.SymbolFlags.Alias; alias = checker.getImmediateAliasedSymbol(alias)) tracker.current.addSymbol(alias);
      tracker.current.addSymbol(resolved);
      let declaration: ts.Node | undefined = resolved?.valueDeclaration ?? resolved?.declarations?.[0];
      if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer) declaration = skipParens(declaration.initializer);
      if (declaration && (ts.isPropertyAssignment(declaration) || ts.isPropertyDeclaration(declaration)) && declaration.initializer) declaration = skipParens(declaration.initializer);
      return declaration && isFunctionWithBody(declaration) && !declaration.getSourceFile().isDeclarationFile ? declaration : undefined;
    };

    /**
     * The first read of `container` inside `node` — direct, through a derived local, or
     * through a helper — not looking into functions created there (they run later).
     */
    const findRead = (node: ts.Node, container: ts.Expression, derived: DerivedSource, depth = 0): ts.Node | undefined => {
      let found: ts.Node | undefined;
      const visit = (current: ts.Node): void => {
        if (found || (current !== node && isFunctionWithBody(current))) return;
        if (directRead(current, container)) {
          found = current;
          return;
        }
        // A derived local is named by an identifier of its own name: no checker call (and no
        // search for the function's derived locals) for any other identifier.
        const locals = ts.isIdentifier(current) ? derivedNamed(derived, current.text) : undefined;
        if (locals) {
          const symbol = checker.getSymbolAtLocation(current);
          const source = symbol && locals.get(symbol);
          if (source) {
            found = source;
            return;
          }
        }
        if (ts.isCallExpression(current) && helperReturnsRead(current, container, depth)) {
          found = current;
          return;
        }
        ts.forEachChild(current, visit);
      };
      visit(node);
      return found;
    };

    const localsMemo = new Map<ts.Node, Map<ts.Symbol | string, Map<ts.Symbol, ts.Node>>>();
    /** The locals of a function whose value comes from a read of `container`, each with that read. */
    const derivedLocals = (body: ts.Node, container: ts.Expression, depth = 0): ReadonlyMap<ts.Symbol, ts.Node> => {
      const identity = identityOf(container);
      if (identity === undefined) return new Map();
      let byContainer = localsMemo.get(body);
      if (!byContainer) localsMemo.set(body, (byContainer = new Map()));
      const known = byContainer.get(identity);
      if (known) return known;
      const derived = new Map<ts.Symbol, ts.Node>();
      byContainer.set(identity, derived);
      const bind = (name: ts.BindingName, source: ts.Node): void => {
        if (ts.isIdentifier(name)) {
          const symbol = checker.getSymbolAtLocation(name);
          if (symbol && !derived.has(symbol)) derived.set(symbol, source);
          return;
        }
        for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name, source);
      };
      const visit = (current: ts.Node): void => {
        if (current !== body && isFunctionWithBody(current)) return;
        if (ts.isVariableDeclaration(current) && current.initializer) {
          const source = findRead(current.initializer, container, derived, depth);
          if (source) bind(current.name, source);
        } else if (ts.isBinaryExpression(current) && current.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(current.left)) {
          const source = findRead(current.right, container, derived, depth);
          const symbol = source && checker.getSymbolAtLocation(current.left);
          if (source && symbol && !derived.has(symbol)) derived.set(symbol, source);
        } else if ((ts.isForOfStatement(current) || ts.isForInStatement(current)) && ts.isVariableDeclarationList(current.initializer)) {
          const source = isIteration(current.expression, container) ? current.expression : findRead(current.expression, container, derived, depth);
          if (source) for (const declaration of current.initializer.declarations) bind(declaration.name, source);
        }
        ts.forEachChild(current, visit);
      };
      visit(body);
      return derived;
    };

    /**
     * A function's derived locals, searched for only when an expression asks about an
     * identifier the function declares or assigns (most operands name none of them).
     */
    const lazyDerived = (body: ts.Node, container: ts.Expression, depth = 0): DerivedSource => ({
      names: localNamesOf(body),
      get: () => derivedLocals(body, container, depth),
    });

    const isIteration = (expression: ts.Expression, container: ts.Expression): boolean => sameContainer(expression, container);

    const symbolOf = (node: ts.Expression): ts.Symbol | undefined => {
      const target = skipParens(node);
      return ts.isIdentifier(target) ? checker.getSymbolAtLocation(target) : undefined;
    };

    /** The same variable, or the same property path / template written the same way (calls excluded: they may differ). */
    const sameKey = (a: ts.Expression, b: ts.Expression): boolean => {
      const left = symbolOf(a);
      if (left) return left === symbolOf(b);
      return normalized(a) === normalized(b) && !containsCall(a);
    };

    /** A lookup of the same key in any table (`files.has(path)` for a write of `handles[path]`): a check on a sibling entry. */
    const keyedReadIn = (node: ts.Node, key: ts.Expression): ts.Node | undefined => {
      let found: ts.Node | undefined;
      const visit = (current: ts.Node): void => {
        if (found || (current !== node && isFunctionWithBody(current))) return;
        const isLookup =
          (ts.isCallExpression(current) && ts.isPropertyAccessExpression(skipParens(current.expression)) && LOOKUPS.has((skipParens(current.expression) as ts.PropertyAccessExpression).name.text)) ||
          (ts.isBinaryExpression(current) && current.operatorToken.kind === ts.SyntaxKind.InKeyword);
        const lookedUp = isLookup ? keyOfRead(current) : undefined;
        if (lookedUp && sameKey(lookedUp, key)) {
          found = current;
          return;
        }
        ts.forEachChild(current, visit);
      };
      visit(node);
      return found;
    };

    /** Every direct read of `container` in a function's own code (functions created there excluded), in source order. */
    const directReadsOf = (unit: Unit, container: ts.Expression): ts.Node[] => {
      const found: ts.Node[] = [];
      const visit = (current: ts.Node): void => {
        if (current !== unit.node && isFunctionWithBody(current)) return;
        if (directRead(current, container)) found.push(current);
        ts.forEachChild(current, visit);
      };
      visit(unit.node);
      return found;
    };

    return {
      identityOf,
      sameContainer,
      sameKey,
      keyedReadIn,
      directReadsOf,
      keyOfRead,
      derivedLocals: (unit, container) => derivedLocals(unit.node, container),
      readIn: (node, unit, container) => findRead(node, container, lazyDerived(unit.node, container)),
      iterationOf: (statement, container) =>
        (ts.isForOfStatement(statement) || ts.isForInStatement(statement)) &&
        (isIteration(statement.expression, container) || findRead(statement.expression, container, new Map()) !== undefined),
    };
  },
});

/** The function each call runs (null: none with a body), by call node, across programs (see `resolveCalledFunction`). */
const calledFunctionCache = new CrossProgramCache<ts.Node, FunctionWithBody | null>();

/** Derived locals known (while `derivedLocals` builds them), or to be searched for on demand among these names. */
type DerivedSource = ReadonlyMap<ts.Symbol, ts.Node> | { readonly names: ReadonlySet<string>; get(): ReadonlyMap<ts.Symbol, ts.Node> };

/** The derived locals to look `name` up in, when a local of that name can be among them. */
function derivedNamed(derived: DerivedSource, name: string): ReadonlyMap<ts.Symbol, ts.Node> | undefined {
  if (derived instanceof Map) {
    for (const symbol of derived.keys()) if (symbol.name === name) return derived;
    return undefined;
  }
  const lazy = derived as Exclude<DerivedSource, ReadonlyMap<ts.Symbol, ts.Node>>;
  return lazy.names.has(name) ? lazy.get() : undefined;
}

const localNames = new WeakMap<ts.Node, ReadonlySet<string>>();

/**
 * The names `derivedLocals` can bind in a function: those its own code declares with an
 * initializer, assigns (`x = …`) or binds in a `for … of`/`for … in`, functions created
 * there excluded (the same places its walk looks at).
 */
function localNamesOf(body: ts.Node): ReadonlySet<string> {
  let names = localNames.get(body);
  if (names) return names;
  const found = new Set<string>();
  const bindName = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) found.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindName(element.name);
  };
  const visit = (current: ts.Node): void => {
    if (current !== body && isFunctionWithBody(current)) return;
    if (ts.isVariableDeclaration(current)) bindName(current.name);
    else if (ts.isBinaryExpression(current) && current.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(current.left)) found.add(current.left.text);
    ts.forEachChild(current, visit);
  };
  visit(body);
  localNames.set(body, (names = found));
  return names;
}

/** Methods that look a key up in a table. */
const LOOKUPS = new Set(['get', 'has']);
const READ_METHODS = new Set(['get', 'has', 'keys', 'values', 'entries', 'forEach', 'hasOwnProperty']);
const OBJECT_READS = new Set(['keys', 'values', 'entries', 'hasOwn', 'get', 'has', 'getOwnPropertyNames']);

/** The key a write sets or deletes: `m.set(k, …)`, `m.delete(k)`, `r[k] = …`, `delete r[k]`. */
export function keyOf(site: WriteSite): ts.Expression | undefined {
  const node = site.node;
  if (ts.isCallExpression(node)) return site.operation === 'set' || site.operation === 'delete' ? node.arguments[0] : undefined;
  const target = ts.isBinaryExpression(node) ? skipParens(node.left) : ts.isDeleteExpression(node) ? skipParens(node.expression) : undefined;
  return target && ts.isElementAccessExpression(target) ? target.argumentExpression : undefined;
}

/** The key a read looks up (`m.get(k)`, `m.has(k)`, `k in r`, `r[k]`); undefined for a key-less read (size, iteration, a helper). */
function keyOfRead(read: ts.Node): ts.Expression | undefined {
  if (ts.isCallExpression(read)) {
    const callee = skipParens(read.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const name = callee.name.text;
    if (name === 'get' || name === 'has' || name === 'hasOwnProperty') return OBJECT_READS.has(name) && ts.isIdentifier(callee.expression) && (callee.expression.text === 'Reflect' || callee.expression.text === 'Object') ? read.arguments[1] : read.arguments[0];
    if (name === 'hasOwn') return read.arguments[1];
    return undefined;
  }
  if (ts.isElementAccessExpression(read)) return read.argumentExpression;
  if (ts.isBinaryExpression(read) && read.operatorToken.kind === ts.SyntaxKind.InKeyword) return read.left;
  return undefined;
}

function normalized(node: ts.Expression): string {
  return skipParens(node).getText().replace(/\s+/g, '');
}

function containsCall(node: ts.Node): boolean {
  return ts.isCallExpression(node) || ts.forEachChild(node, containsCall) === true;
}

function isWriteTarget(node: ts.ElementAccessExpression): boolean {
  const parent = node.parent;
  if (ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return true;
  return ts.isDeleteExpression(parent);
}

export interface Reads {
  /** The declaration (or, failing that, the text) that names a container: its identity across functions. */
  identityOf(expression: ts.Expression): ts.Symbol | string | undefined;
  /** Whether two expressions name the same container (the same variable, field or property). */
  sameContainer(a: ts.Expression, b: ts.Expression): boolean;
  /** The locals of `unit` computed from a read of `container`, each with the read it comes from. */
  derivedLocals(unit: Unit, container: ts.Expression): ReadonlyMap<ts.Symbol, ts.Node>;
  /** The read of `container` that `node` (an expression of `unit`) contains or computes from, if any. */
  readIn(node: ts.Node, unit: Unit, container: ts.Expression): ts.Node | undefined;
  /** Whether two keys are the same variable, or the same expression without calls. */
  sameKey(a: ts.Expression, b: ts.Expression): boolean;
  /** A `get`/`has`/`in` lookup of `key` in any table inside `node` (functions created there excluded). */
  keyedReadIn(node: ts.Node, key: ts.Expression): ts.Node | undefined;
  /** The direct reads of `container` in `unit`'s own code, in source order. */
  directReadsOf(unit: Unit, container: ts.Expression): ts.Node[];
  /** The key a read looks up, if it looks one up. */
  keyOfRead(read: ts.Node): ts.Expression | undefined;
  /** Whether a `for … of` / `for … in` statement iterates `container`. */
  iterationOf(statement: ts.Node, container: ts.Expression): boolean;
}
