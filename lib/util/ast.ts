import ts from './typescript.cjs';

export type FunctionWithBody =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

export function isFunctionWithBody(node: ts.Node): node is FunctionWithBody {
  switch (node.kind) {
    case ts.SyntaxKind.FunctionDeclaration:
    case ts.SyntaxKind.FunctionExpression:
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.Constructor:
    case ts.SyntaxKind.GetAccessor:
    case ts.SyntaxKind.SetAccessor:
      return (node as ts.FunctionLikeDeclarationBase).body !== undefined;
    default:
      return false;
  }
}

/** The last name of a callee: `withLock` for `withLock(…)`, `a.b.withLock(…)` and `a?.withLock(…)`. */
export function calleeName(callee: ts.Expression): string | undefined {
  // The last name of `memberChain(callee)`, without building the chain: it runs for every call of every file.
  let current = callee;
  for (;;) {
    while (ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current)) current = current.expression;
    if (ts.isIdentifier(current) || ts.isPrivateIdentifier(current)) return current.text;
    if (current.kind === ts.SyntaxKind.ThisKeyword) return 'this';
    if (ts.isPropertyAccessExpression(current)) return current.name.text;
    if (ts.isElementAccessExpression(current) && ts.isStringLiteralLike(current.argumentExpression)) return current.argumentExpression.text;
    if (!ts.isCallExpression(current)) return undefined;
    current = current.expression;
  }
}

/**
 * The names of a callee's member chain, `['navigator', 'locks', 'request']` for
 * `navigator.locks.request`, with `this` for `this`, and calls in the chain kept by
 * name (`getLocks().request` → `['getLocks', 'request']`). Undefined when the chain
 * contains something without a name (an element access with a non-literal key).
 */
export function memberChain(expression: ts.Expression): string[] | undefined {
  const names: string[] = [];
  let current: ts.Expression = expression;
  for (;;) {
    while (ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current)) current = current.expression;
    if (ts.isIdentifier(current) || ts.isPrivateIdentifier(current)) {
      names.unshift(current.text);
      return names;
    }
    if (current.kind === ts.SyntaxKind.ThisKeyword) {
      names.unshift('this');
      return names;
    }
    if (ts.isPropertyAccessExpression(current)) {
      names.unshift(current.name.text);
      current = current.expression;
    } else if (ts.isElementAccessExpression(current) && ts.isStringLiteralLike(current.argumentExpression)) {
      names.unshift(current.argumentExpression.text);
      current = current.expression;
    } else if (ts.isCallExpression(current)) {
      current = current.expression;
    } else {
      return names.length > 0 ? names : undefined;
    }
  }
}

/** Whether a configured dotted name (`locks.run`) matches the end of a callee's member chain. */
export function matchesDottedName(callee: ts.Expression, dottedName: string): boolean {
  const chain = memberChain(callee);
  if (!chain) return false;
  const wanted = dottedName.split('.');
  if (wanted.length > chain.length) return false;
  const tail = chain.slice(chain.length - wanted.length);
  return tail.every((name, index) => name === wanted[index]);
}

/** `file.ts:12`, relative to a base directory when the file lies inside it. */
export function positionLabel(node: ts.Node, baseDir: string | undefined): string {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  let name = file.fileName;
  if (baseDir && name.startsWith(baseDir.endsWith('/') ? baseDir : `${baseDir}/`)) {
    name = name.slice(baseDir.length + (baseDir.endsWith('/') ? 0 : 1));
  }
  return `${name}:${line + 1}`;
}

/** Whether `inner` lies inside `outer` (or is it). */
export function contains(outer: ts.Node, inner: ts.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end;
}

/** Parentheses, type assertions and non-null assertions around an expression, removed. */
export function skipParens(node: ts.Expression): ts.Expression {
  let current = node;
  while (isWrapper(current)) current = current.expression;
  return current;
}

/** The module specifiers a file imports, as TypeScript collected them while building its program (an internal field). */
export function importLiteralsOf(file: ts.SourceFile): readonly ts.StringLiteralLike[] {
  return (file as unknown as { imports?: readonly ts.StringLiteralLike[] }).imports ?? [];
}

/** The identifiers below `scope` other than `name` itself that refer to `symbol` (the uses of a local declared as `name`). */
export function referencesTo(name: ts.Identifier, symbol: ts.Symbol, scope: ts.Node, checker: ts.TypeChecker): ts.Identifier[] {
  const uses: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node !== name && node.text === name.text && checker.getSymbolAtLocation(node) === symbol) uses.push(node);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(scope, visit);
  return uses;
}

/** Whether a node only wraps its expression: parentheses, type assertions, `!`, `satisfies`. */
function isWrapper(node: ts.Node): node is ts.ParenthesizedExpression | ts.AsExpression | ts.NonNullExpression | ts.SatisfiesExpression | ts.TypeAssertion {
  return ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node);
}

/** The outermost of the wrappers around an expression (`skipParens` upwards), and the node that holds it. */
export function outermostWrapper<T extends ts.Node>(inner: T): { node: T | ts.Expression; parent: ts.Node } {
  let node: T | ts.Expression = inner;
  while (node.parent && isWrapper(node.parent)) node = node.parent;
  return { node, parent: node.parent };
}

/** Unwraps `f.bind(…)`, parentheses and type assertions around a function reference. */
export function unwrapFunctionReference(expression: ts.Expression): ts.Expression {
  let current = skipParens(expression);
  while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression) && current.expression.name.text === 'bind') {
    current = skipParens(current.expression.expression);
  }
  return current;
}

/** What a function returns: its expression body, or the operands of its own `return`s (nested functions' excluded). */
export function returnedExpressions(node: FunctionWithBody): ts.Expression[] {
  if (!node.body) return [];
  if (!ts.isBlock(node.body)) return [node.body];
  const returned: ts.Expression[] = [];
  const visit = (child: ts.Node): void => {
    if (isFunctionWithBody(child) || ts.isClassLike(child)) return;
    if (ts.isReturnStatement(child) && child.expression) returned.push(child.expression);
    ts.forEachChild(child, visit);
  };
  ts.forEachChild(node.body, visit);
  return returned;
}

/** `Object.create(…)`: a fresh object (with `null`, a dictionary without a prototype). */
export function isObjectCreate(node: ts.Expression): boolean {
  if (!ts.isCallExpression(node)) return false;
  const callee = skipParens(node.expression);
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'create' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Object';
}

/** The `Object` functions that return the very object they are given, only made read-only or closed. */
const IDENTITY_OBJECT_CALLS: ReadonlySet<string> = new Set(['freeze', 'seal', 'preventExtensions']);

/**
 * `x` for `Object.freeze(x)`, `Object.seal(x)` or `Object.preventExtensions(x)`: a call that
 * returns its argument itself (by name: a project's own `Object` namespace is rare). Frozen
 * tables of functions (`export const RIL = Object.freeze({ timer: { … } })`) are common in
 * libraries, and following their members needs the literal, not the library call.
 */
export function returnedArgumentOf(node: ts.Expression): ts.Expression | undefined {
  if (!ts.isCallExpression(node) || node.arguments.length !== 1) return undefined;
  const callee = skipParens(node.expression);
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || callee.expression.text !== 'Object') return undefined;
  return IDENTITY_OBJECT_CALLS.has(callee.name.text) ? node.arguments[0] : undefined;
}

/** The methods of a promise that take callbacks run when it settles. */
export const PROMISE_METHODS: ReadonlySet<string> = new Set(['then', 'catch', 'finally']);

/** Whether a statement always leaves the enclosing block (`return`, `throw`, `break`, `continue`), also as a block's last statement. */
export function alwaysJumps(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement) || ts.isBreakStatement(statement) || ts.isContinueStatement(statement)) return true;
  if (ts.isBlock(statement)) {
    const last = statement.statements[statement.statements.length - 1];
    return last !== undefined && alwaysJumps(last);
  }
  return false;
}
