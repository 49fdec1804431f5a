import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { isFunctionWithBody, returnedExpressions, skipParens, type FunctionWithBody } from '../util/ast.js';
import { isDefaultLibDeclaration } from '../util/types.js';
import { CrossProgramCache } from '../analysis/cross-program-cache.js';
import { callgraphAnalyzer } from './callgraph.js';
import { syntaxAnalyzer, type Unit } from './syntax.js';

/**
 * ownership: whether a written container outlives one invocation of a context. It
 * follows the receiver of a write to its root: module-level and imported bindings,
 * globals, instance and static fields, and variables that a handler's closure captures
 * from an enclosing function are shared, and so is anything read out of a shared
 * container (`shared.get(k)`, `shards.at(i)`, `[a, b].find(…)`) and what a `reduce` may
 * hand back unchanged, its initial value; a container created during the invocation (`new Map()`, `{}`, a helper's
 * fresh return value, the message's own data, which `postMessage` copied) is owned. A
 * root that is a parameter (or `this`) is answered as such, and the reach walk decides
 * it from the arguments that reaching calls pass.
 */
export const ownershipAnalyzer = defineAnalyzer<OwnershipQueries>({
  name: 'ownership',
  doc: 'Classifies the root of a written container as shared, owned, or a parameter whose callers decide.',
  requires: [syntaxAnalyzer, callgraphAnalyzer],
  run(pass) {
    const { checker, program } = pass;
    const syntax = pass.resultOf(syntaxAnalyzer);
    const callgraph = pass.resultOf(callgraphAnalyzer);
    const memoByScope = new WeakMap<OwnershipScope, Map<ts.Node, Ownership>>();

    const ownershipOf = (expression: ts.Expression, scope: OwnershipScope): Ownership => {
      let memo = memoByScope.get(scope);
      if (!memo) memoByScope.set(scope, (memo = new Map()));
      const known = memo.get(expression);
      if (known) return known;
      memo.set(expression, OWNED); // a cycle (a = f(a)) resolves to owned
      const result = compute(expression, scope);
      memo.set(expression, result);
      return result;
    };

    /** A variable declared in `owner` lives for one invocation when the context created it. */
    const isPerInvocation = (owner: Unit, scope: OwnershipScope): boolean => {
      if (owner === scope.context) return true;
      for (let unit = owner.parent; unit; unit = unit.parent) if (unit === scope.context) return true;
      return scope.isReached(owner);
    };

    const enclosingUnit = (node: ts.Node): Unit => {
      const owner = ts.findAncestor(node.parent, (ancestor) => isFunctionWithBody(ancestor) || ts.isSourceFile(ancestor));
      return syntax.unitOf(owner ?? node.getSourceFile())!;
    };

    const parameterOwnership = (parameter: ts.ParameterDeclaration): Ownership => {
      const owner = syntax.unitOf(parameter.parent);
      if (!owner) return OWNED;
      const index = parameter.parent.parameters.indexOf(parameter);
      return { kind: 'parameter', owner, index };
    };

    const declarationOwnership = (declaration: ts.Declaration, scope: OwnershipScope): Ownership => {
      const file = declaration.getSourceFile();
      if (file.isDeclarationFile) return { kind: 'shared', reason: 'global' };
      let root: ts.Node = declaration;
      while (ts.isBindingElement(root)) root = root.parent.parent;
      if (ts.isParameter(root)) return parameterOwnership(root);
      if (ts.isVariableDeclaration(root)) {
        const list = root.parent;
        const statement = list.parent;
        const owner = enclosingUnit(root);
        if (ts.isSourceFile(owner.node)) return { kind: 'shared', reason: 'module' };
        if (!isPerInvocation(owner, scope)) return { kind: 'shared', reason: 'captured' };
        if (ts.isCatchClause(root.parent)) return OWNED;
        if (ts.isForOfStatement(statement) && statement.initializer === list) return ownershipOf(statement.expression, scope);
        if (ts.isForInStatement(statement)) return OWNED;
        return root.initializer ? ownershipOf(root.initializer, scope) : OWNED;
      }
      if (ts.isImportSpecifier(root) || ts.isImportClause(root) || ts.isNamespaceImport(root) || ts.isImportEqualsDeclaration(root)) {
        return { kind: 'shared', reason: 'module' };
      }
      const owner = enclosingUnit(root);
      if (ts.isSourceFile(owner.node)) return { kind: 'shared', reason: 'module' };
      return isPerInvocation(owner, scope) ? OWNED : { kind: 'shared', reason: 'captured' };
    };

    /** What an identifier names, as a declaration node (or a shared/owned answer when it has none), cached across programs. */
    const bindingOf = (identifier: ts.Identifier): ts.Declaration | Ownership => {
      const known = bindingCache.get(program, identifier);
      if (known) return known;
      const symbol = checker.getSymbolAtLocation(identifier);
      let binding: ts.Declaration | Ownership;
      if (!symbol) binding = OWNED;
      else if (symbol.escapedName === 'globalThis' && !symbol.valueDeclaration) binding = { kind: 'shared', reason: 'global' };
      else if (symbol.flags & ts.SymbolFlags.Alias) binding = { kind: 'shared', reason: 'module' };
      else {
        const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
        binding = declaration ?? (symbol.flags & ts.SymbolFlags.Variable ? { kind: 'shared', reason: 'global' } : OWNED);
      }
      const files = [identifier.getSourceFile()];
      if ('kind' in binding && typeof binding.kind === 'number') files.push((binding as ts.Declaration).getSourceFile());
      bindingCache.set(program, identifier, binding, files);
      return binding;
    };

    const identifierOwnership = (identifier: ts.Identifier, scope: OwnershipScope): Ownership => {
      const binding = bindingOf(identifier);
      if (typeof binding.kind !== 'number') return binding as Ownership;
      const declaration = binding as ts.Declaration;
      return capturedByClosure(identifier, declaration, declarationOwnership(declaration, scope));
    };

    /**
     * A function's local used from a function nested in it (a listener, a stored closure,
     * a method of a returned object) lives as long as that closure: whether it is shared
     * depends on how the closure runs, which only the reach walk knows. Locals that are
     * shared anyway, and uses in the declaring function itself, are answered as they are.
     */
    const capturedByClosure = (use: ts.Identifier, declaration: ts.Declaration, ownership: Ownership): Ownership => {
      if (ownership.kind === 'shared' || ts.isParameter(declaration)) return ownership;
      let root: ts.Node = declaration;
      while (ts.isBindingElement(root)) root = root.parent.parent;
      if (!ts.isVariableDeclaration(root) && !ts.isFunctionDeclaration(root)) return ownership;
      const owner = enclosingUnit(root);
      if (ts.isSourceFile(owner.node)) return ownership;
      const user = enclosingUnit(use);
      if (user === owner) return ownership;
      return { kind: 'closure', owner, user, otherwise: ownership };
    };

    const thisOwnership = (node: ts.Node, scope: OwnershipScope): Ownership => {
      const owner = ts.findAncestor(node.parent, (ancestor) =>
        (isFunctionWithBody(ancestor) && !ts.isArrowFunction(ancestor)) || ts.isClassLike(ancestor) || ts.isSourceFile(ancestor),
      );
      if (!owner || ts.isSourceFile(owner) || ts.isClassLike(owner)) return { kind: 'shared', reason: 'field' };
      const unit = syntax.unitOf(owner);
      if (!unit) return { kind: 'shared', reason: 'field' };
      if (ts.isConstructorDeclaration(owner)) return scope.isReached(unit) ? OWNED : { kind: 'shared', reason: 'field' };
      return { kind: 'parameter', owner: unit, index: THIS_PARAMETER };
    };

    const callOwnership = (call: ts.CallExpression, scope: OwnershipScope): Ownership => {
      const callees = callgraph.calleesOf(call);
      if (callees.length > 0) {
        return combineAll(callees.map((callee) => returnOwnership(callee, call, scope)));
      }
      const callee = skipParens(call.expression);
      if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
        const receiver = skipParens(callee.expression);
        if (ts.isIdentifier(receiver) && isBuiltinNamespace(receiver)) {
          return receiver.text === 'Object' && ts.isPropertyAccessExpression(callee) && callee.name.text === 'assign' && call.arguments[0]
            ? ownershipOf(call.arguments[0], scope)
            : OWNED;
        }
        const read = ownershipOf(receiver, scope);
        return isReduceWithInitialValue(call, callee) ? combine(read, ownershipOf(call.arguments[1]!, scope)) : read;
      }
      return OWNED;
    };

    const isBuiltinNamespace = (identifier: ts.Identifier): boolean => {
      const symbol = checker.getSymbolAtLocation(identifier);
      return (symbol?.declarations ?? []).some((declaration) => isDefaultLibDeclaration(program, declaration)) && /^[A-Z]/.test(identifier.text);
    };

    /** What a function returns, seen from one call: its fresh values, shared values, or what the call passed in. */
    const returning = new Set<Unit>();
    const returnOwnership = (callee: Unit, call: ts.CallExpression, scope: OwnershipScope): Ownership => {
      const node = callee.node;
      if (ts.isSourceFile(node) || !node.body || returning.has(callee)) return OWNED; // recursion: the other returns decide
      returning.add(callee);
      try {
        return returnOwnershipOf(callee, node, call, scope);
      } finally {
        returning.delete(callee);
      }
    };

    const returnOwnershipOf = (callee: Unit, node: FunctionWithBody, call: ts.CallExpression, scope: OwnershipScope): Ownership => {
      const returned = returnedExpressions(node);
      const calleeScope: OwnershipScope = { context: scope.context, isReached: (unit) => unit === callee || scope.isReached(unit) };
      return combineAll(
        returned.map((expression) => {
          const result = ownershipOf(expression, calleeScope);
          if (result.kind !== 'parameter' || result.owner !== callee) return result;
          if (result.index === THIS_PARAMETER) {
            const target = skipParens(call.expression);
            return ts.isPropertyAccessExpression(target) ? ownershipOf(target.expression, scope) : OWNED;
          }
          const argument = call.arguments[result.index];
          return argument ? ownershipOf(argument, scope) : OWNED;
        }),
      );
    };

    const compute = (expression: ts.Expression, scope: OwnershipScope): Ownership => {
      const node = skipParens(expression);
      switch (node.kind) {
        case ts.SyntaxKind.Identifier:
          return identifierOwnership(node as ts.Identifier, scope);
        case ts.SyntaxKind.ThisKeyword:
        case ts.SyntaxKind.SuperKeyword:
          return thisOwnership(node, scope);
        case ts.SyntaxKind.PropertyAccessExpression:
        case ts.SyntaxKind.ElementAccessExpression:
          return ownershipOf((node as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression, scope);
        case ts.SyntaxKind.CallExpression:
          return callOwnership(node as ts.CallExpression, scope);
        case ts.SyntaxKind.AwaitExpression:
          return ownershipOf((node as ts.AwaitExpression).expression, scope);
        case ts.SyntaxKind.ArrayLiteralExpression:
          // `[a, b].find(…)` reads one of the elements back.
          return combineAll(
            (node as ts.ArrayLiteralExpression).elements.map((element) =>
              ownershipOf(ts.isSpreadElement(element) ? element.expression : element, scope),
            ),
          );
        case ts.SyntaxKind.ConditionalExpression: {
          const conditional = node as ts.ConditionalExpression;
          return combine(ownershipOf(conditional.whenTrue, scope), ownershipOf(conditional.whenFalse, scope));
        }
        case ts.SyntaxKind.BinaryExpression: {
          const binary = node as ts.BinaryExpression;
          switch (binary.operatorToken.kind) {
            case ts.SyntaxKind.QuestionQuestionToken:
            case ts.SyntaxKind.BarBarToken:
              return combine(ownershipOf(binary.left, scope), ownershipOf(binary.right, scope));
            case ts.SyntaxKind.AmpersandAmpersandToken:
            case ts.SyntaxKind.CommaToken:
            case ts.SyntaxKind.EqualsToken:
            case ts.SyntaxKind.QuestionQuestionEqualsToken:
            case ts.SyntaxKind.BarBarEqualsToken:
              return ownershipOf(binary.right, scope);
            default:
              return OWNED;
          }
        }
        default:
          return OWNED;
      }
    };

    return { ownershipOf };
  },
});

/**
 * `xs.reduce(f, initial)` / `reduceRight`: the result may be `initial` itself (an empty
 * `xs`, or an `f` that walks down from it: `path.reduce((o, k) => o[k], root)`).
 */
function isReduceWithInitialValue(call: ts.CallExpression, callee: ts.PropertyAccessExpression | ts.ElementAccessExpression): boolean {
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  return (name === 'reduce' || name === 'reduceRight') && call.arguments.length >= 2;
}

/** What each identifier names, reused across programs while its file and the declaration's file are unchanged. */
const bindingCache = new CrossProgramCache<ts.Identifier, ts.Declaration | Ownership>();

/** The index that stands for `this` in a parameter ownership. */
export const THIS_PARAMETER = -1;

export type SharedReason = 'module' | 'global' | 'field' | 'captured';

export type Ownership =
  | { readonly kind: 'owned' }
  | { readonly kind: 'shared'; readonly reason: SharedReason }
  | { readonly kind: 'parameter'; readonly owner: Unit; readonly index: number }
  /** A local of `owner` used from the nested function `user`: shared when `user` runs beyond one run of `owner`, else `otherwise`. */
  | { readonly kind: 'closure'; readonly owner: Unit; readonly user: Unit; readonly otherwise: Ownership };

/** The invocation an ownership question is asked for: which context, and which functions it reaches. */
export interface OwnershipScope {
  readonly context: Unit;
  isReached(unit: Unit): boolean;
}

export interface OwnershipQueries {
  ownershipOf(expression: ts.Expression, scope: OwnershipScope): Ownership;
}

const OWNED: Ownership = { kind: 'owned' };

function combine(a: Ownership, b: Ownership): Ownership {
  if (a.kind === 'shared') return a;
  if (b.kind === 'shared') return b;
  if (a.kind === 'parameter' || a.kind === 'closure') return a;
  return b;
}

function combineAll(list: readonly Ownership[]): Ownership {
  return list.reduce(combine, OWNED);
}
