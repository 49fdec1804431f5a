import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { unwrapFunctionReference } from '../util/ast.js';
import { resolveAlias } from '../util/types.js';
import { CrossProgramCache, DependencyTracker, recordUsage, trackUsage } from '../analysis/cross-program-cache.js';
import { syntaxAnalyzer, type Unit } from './syntax.js';

/**
 * callgraph: where control goes from a function. For each function the reach walk
 * visits, it resolves through the checker the functions its calls invoke (plain
 * functions, methods through instances and `this`, static methods, constructors,
 * imports and re-exports, functions held in variables and object properties), the
 * functions it passes as arguments (`setTimeout(flush)`, `lock.run(write)`,
 * `.forEach(x => …)`), and the functions it creates and stores for later. Resolution
 * is memoised per call and asked only for functions that are reached.
 */
export const callgraphAnalyzer = defineAnalyzer<CallGraph>({
  name: 'callgraph',
  doc: 'Resolves the calls, function arguments and stored closures of reached functions to the functions they run.',
  requires: [syntaxAnalyzer],
  run(pass) {
    const syntax = pass.resultOf(syntaxAnalyzer);
    const { checker } = pass;
    const { program } = pass;
    const edgeMemo = new Map<Unit, { edges: Edge[]; files: ReadonlySet<ts.SourceFile> }>();
    /** Collects the files each cached resolution looked at. */
    const tracker = new DependencyTracker(program);

    /** Memoised per program, and across programs while the files it depended on are unchanged. */
    const cached = (node: ts.Node, compute: () => Unit[]): Unit[] =>
      tracker.memoize(resolutionCache, node, node, () => {
        const resolved = compute();
        for (const unit of resolved) tracker.current.addNode(unit.node);
        return resolved;
      });

    const unitsOfDeclaration = (declaration: ts.Node, depth: number): Unit[] => {
      const direct = syntax.unitOf(declaration);
      if (direct) return [direct];
      if (depth > 4) return [];
      if (
        (ts.isVariableDeclaration(declaration) ||
          ts.isPropertyAssignment(declaration) ||
          ts.isPropertyDeclaration(declaration)) &&
        declaration.initializer
      ) {
        return resolve(declaration.initializer, depth + 1);
      }
      if (ts.isShorthandPropertyAssignment(declaration)) {
        const value = checker.getShorthandAssignmentValueSymbol(declaration);
        tracker.current.addSymbol(value);
        return (value?.declarations ?? []).flatMap((inner) => unitsOfDeclaration(inner, depth + 1));
      }
      if (ts.isBindingElement(declaration) || ts.isParameter(declaration)) return [];
      return [];
    };

    /** The symbol an alias stands for, with every file on the way (re-exports included) as a dependency. */
    const followAlias = (symbol: ts.Symbol): ts.Symbol => {
      let current = symbol;
      tracker.current.addSymbol(current);
      for (let hops = 0; current.flags & ts.SymbolFlags.Alias && hops < 10; hops++) {
        const next = checker.getImmediateAliasedSymbol(current);
        if (!next) return resolveAlias(checker, symbol)!;
        current = next;
        tracker.current.addSymbol(current);
      }
      return current.flags & ts.SymbolFlags.Alias ? resolveAlias(checker, current)! : current;
    };

    const unitsOfSymbol = (symbol: ts.Symbol | undefined, depth: number): Unit[] => {
      if (!symbol) return [];
      const target = followAlias(symbol);
      const units: Unit[] = [];
      for (const declaration of target.declarations ?? []) {
        for (const unit of unitsOfDeclaration(declaration, depth)) {
          if (!units.includes(unit)) units.push(unit);
        }
      }
      return units;
    };

    const resolve = (expression: ts.Expression, depth: number): Unit[] => {
      const node = unwrapFunctionReference(expression);
      const literal = syntax.unitOf(node);
      if (literal) return [literal];
      if (ts.isIdentifier(node)) return unitsOfSymbol(checker.getSymbolAtLocation(node), depth);
      if (ts.isPropertyAccessExpression(node)) return unitsOfSymbol(checker.getSymbolAtLocation(node.name), depth);
      if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
        return unitsOfSymbol(checker.getSymbolAtLocation(node.argumentExpression), depth);
      }
      return [];
    };

    const functionsOf = (expression: ts.Expression): Unit[] => cached(expression, () => resolve(expression, 0));

    const calleesOf = (call: ts.CallExpression | ts.NewExpression): Unit[] =>
      cached(call, () => {
        if (ts.isNewExpression(call)) return constructorsOf(call);
        if (call.expression.kind === ts.SyntaxKind.SuperKeyword) return superConstructorsOf(call);
        const units = resolve(call.expression, 0);
        return units.length > 0 ? units : signatureTarget(call);
      });

    /**
     * A callee the symbol walk did not reach (a call through a value whose type carries
     * the signature). Overload resolution is costly, so it is skipped for plain names and
     * for callees declared only in typings (`push`, `then`, `console.log`).
     */
    const signatureTarget = (call: ts.CallExpression): Unit[] => {
      const callee = unwrapFunctionReference(call.expression);
      if (ts.isIdentifier(callee)) return [];
      const nameNode = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
      const symbol = checker.getSymbolAtLocation(nameNode);
      if (symbol?.declarations?.length && symbol.declarations.every((declaration) => declaration.getSourceFile().isDeclarationFile)) {
        return [];
      }
      const declaration = checker.getResolvedSignature(call)?.declaration;
      tracker.current.addNode(declaration);
      const unit = declaration && syntax.unitOf(declaration);
      return unit ? [unit] : [];
    };

    const classOf = (expression: ts.Expression): ts.ClassLikeDeclaration | undefined => {
      const symbol = checker.getSymbolAtLocation(expression);
      const target = symbol && followAlias(symbol);
      return target?.declarations?.find(ts.isClassLike);
    };

    const baseClassOf = (classDeclaration: ts.ClassLikeDeclaration): ts.ClassLikeDeclaration | undefined => {
      const base = classDeclaration.heritageClauses
        ?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)
        ?.types[0]?.expression;
      const baseClass = base && classOf(base);
      return baseClass !== classDeclaration ? baseClass : undefined;
    };

    /** The constructor that `new C()` runs: C's own, or the nearest base class's. */
    const constructorUnits = (classDeclaration: ts.ClassLikeDeclaration, depth = 0): Unit[] => {
      const ctor = classDeclaration.members.find(
        (member): member is ts.ConstructorDeclaration => ts.isConstructorDeclaration(member) && member.body !== undefined,
      );
      const unit = ctor && syntax.unitOf(ctor);
      if (unit) return [unit];
      const base = depth < 20 ? baseClassOf(classDeclaration) : undefined;
      return base ? constructorUnits(base, depth + 1) : [];
    };

    const constructorsOf = (call: ts.NewExpression): Unit[] => {
      const classDeclaration = classOf(call.expression);
      return classDeclaration ? constructorUnits(classDeclaration) : [];
    };

    const superConstructorsOf = (call: ts.CallExpression): Unit[] => {
      const classDeclaration = ts.findAncestor(call, ts.isClassLike);
      const base = classDeclaration && baseClassOf(classDeclaration);
      return base ? constructorUnits(base) : [];
    };

    /** A function's edges, with the files their resolutions depend on (reported again on every use). */
    const edgesOf = (unit: Unit): Edge[] => {
      let known = edgeMemo.get(unit);
      if (!known) {
        const { value, files } = trackUsage(() => computeEdges(unit));
        known = { edges: value, files };
        edgeMemo.set(unit, known);
      } else {
        recordUsage(known.files);
      }
      return known.edges;
    };

    const computeEdges = (unit: Unit): Edge[] => {
      const edges: Edge[] = [];
      const passedAsArgument = new Set<Unit>();
      for (const call of unit.calls) {
        for (const callee of calleesOf(call)) edges.push({ kind: 'call', from: unit, to: callee, site: call, call });
        call.arguments?.forEach((argument, argumentIndex) => {
          for (const target of functionsOf(argument)) {
            passedAsArgument.add(target);
            edges.push({ kind: 'argument', from: unit, to: target, site: argument, call, argumentIndex });
          }
        });
      }
      for (const nested of unit.nested) {
        if (passedAsArgument.has(nested)) continue;
        const kind = laterUseOf(nested.node as ts.Node);
        if (kind) edges.push({ kind, from: unit, to: nested, site: nested.node });
      }
      return edges;
    };

    return { edgesOf, calleesOf, functionsOf };
  },
});

/** Resolved callees and function references, reused by later programs while their files are unchanged. */
const resolutionCache = new CrossProgramCache<ts.Node, Unit[]>();

export type EdgeKind = 'call' | 'argument' | 'stored' | 'handler';

/** One way control goes from `from` into `to`. */
export interface Edge {
  readonly kind: EdgeKind;
  readonly from: Unit;
  readonly to: Unit;
  /** The call, the argument, or the stored function: where the chain passes. */
  readonly site: ts.Node;
  readonly call?: ts.CallExpression | ts.NewExpression;
  readonly argumentIndex?: number;
}

export interface CallGraph {
  edgesOf(unit: Unit): readonly Edge[];
  calleesOf(call: ts.CallExpression | ts.NewExpression): readonly Unit[];
  /** The functions an expression refers to: a literal, a name, a method, `f.bind(…)`. */
  functionsOf(expression: ts.Expression): readonly Unit[];
}

/**
 * How a function created inside another runs when it is neither called by name (a
 * declaration, a variable's initializer, a class member: calls reach those), nor passed
 * as an argument, nor returned: assigned to an `on…` event property it is a `handler`
 * that runs in a later task; otherwise it is `stored` somewhere (an object, a property,
 * a getter) for whoever calls it later.
 */
function laterUseOf(node: ts.Node): 'stored' | 'handler' | undefined {
  if (ts.isFunctionDeclaration(node) || ts.isClassLike(node.parent)) return undefined;
  let current = node;
  while (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent) || ts.isSatisfiesExpression(current.parent)) {
    current = current.parent;
  }
  const parent = current.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === current) return undefined;
  if (ts.isPropertyDeclaration(parent) && parent.initializer === current) return undefined;
  if (ts.isReturnStatement(parent)) return undefined;
  if (ts.isArrowFunction(parent) && parent.body === current) return undefined;
  if (ts.isCallExpression(parent) && parent.expression === current) return undefined;
  if (ts.isMethodDeclaration(node) && ts.isObjectLiteralExpression(node.parent) && ts.isReturnStatement(node.parent.parent)) return undefined;
  if (
    ts.isBinaryExpression(parent) &&
    parent.right === current &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isPropertyAccessExpression(parent.left) &&
    /^on[a-z]/.test(parent.left.name.text)
  ) {
    return 'handler';
  }
  return 'stored';
}
