import ts from './typescript.cjs';
import { calleeName, isFunctionWithBody, skipParens } from './ast.js';

/**
 * Event names that are not written as string literals, and project methods that forward
 * to an emitter. Real event buses name their events through an enum or a const object
 * (`Events.Loaded`, `Names.Ready`) and wrap the emitter in a class of their own
 * (`player.trigger(Events.X, data)` forwarding to `this.emitter.emit(event, data)`); the
 * literal-only matching of `emit`/`on` sees neither. Both answers are cheap: a syntactic
 * test comes before every checker call, and a method's forwarding shape is decided once.
 */

/** How the arguments after the event line up with the listener's parameters: from this index on, or not known. */
export type EventArgumentOffset = number | 'unknown';

/**
 * The one event name an expression denotes: a string literal, or a name whose type is one
 * string literal (a string enum member, a property of an `as const` object, a `const`).
 * Undefined for anything else (a parameter typed `string`, a computed name).
 */
export function eventNameOf(checker: ts.TypeChecker, expression: ts.Expression): string | undefined {
  const node = skipParens(expression);
  if (ts.isStringLiteralLike(node)) return node.text;
  if (!ts.isPropertyAccessExpression(node) && !ts.isIdentifier(node) && !ts.isElementAccessExpression(node)) return undefined;
  const type = checker.getTypeAtLocation(node);
  return type.isStringLiteral() ? type.value : undefined;
}

/** An event name written as something other than a literal, worth asking the checker about. */
export function mayNameEvent(expression: ts.Expression): boolean {
  const node = skipParens(expression);
  return ts.isPropertyAccessExpression(node) || ts.isIdentifier(node) || ts.isElementAccessExpression(node);
}

/** A method that forwards its first parameter as the event of an `emit` or a `dispatchEvent(new …(event))`. */
export interface Forwarding {
  readonly declaration: ts.FunctionLikeDeclaration;
  readonly argumentOffset: EventArgumentOffset;
}

const forwardingMemo = new WeakMap<ts.Node, Forwarding | null>();

/**
 * Whether `call` (`player.trigger(Events.X, m)`) calls a project method whose body emits
 * the event it is given (`this.emitter.emit(event, data)`); the call then fires that
 * event on its own receiver, as an `emit` would. `isProject` says whether a declaration
 * is the project's own (a library's body is not read).
 */
export function forwardingOf(
  checker: ts.TypeChecker,
  call: ts.CallExpression,
  isProject: (declaration: ts.Node) => boolean,
): Forwarding | undefined {
  const callee = skipParens(call.expression);
  const first = call.arguments[0];
  if (!ts.isPropertyAccessExpression(callee) || !first || !(ts.isStringLiteralLike(skipParens(first)) || mayNameEvent(first))) return undefined;
  const symbol = checker.getSymbolAtLocation(callee.name);
  const declaration = symbol?.declarations?.find((d) => isFunctionWithBody(d) || (ts.isPropertyDeclaration(d) && d.initializer && isFunctionWithBody(skipParens(d.initializer))));
  if (!declaration || !isProject(declaration)) return undefined;
  const method = (ts.isPropertyDeclaration(declaration) ? skipParens(declaration.initializer!) : declaration) as ts.FunctionLikeDeclaration;
  let known = forwardingMemo.get(method);
  if (known === undefined) forwardingMemo.set(method, (known = forwardingShape(method) ?? null));
  return known ?? undefined;
}

function forwardingShape(method: ts.FunctionLikeDeclaration): Forwarding | undefined {
  const parameters = method.parameters;
  const event = parameters[0]?.name;
  if (!event || !ts.isIdentifier(event) || !method.body) return undefined;
  let found: Forwarding | undefined;
  const isEvent = (e: ts.Expression | undefined): boolean => e !== undefined && ts.isIdentifier(skipParens(e)) && (skipParens(e) as ts.Identifier).text === event.text;
  const visit = (node: ts.Node): void => {
    if (found || (node !== method.body && isFunctionWithBody(node))) return;
    if (ts.isCallExpression(node)) {
      const name = calleeName(node.expression);
      if (name === 'emit' && isEvent(node.arguments[0])) found = { declaration: method, argumentOffset: lineUp(parameters, node.arguments) };
      const fired = node.arguments[0] && skipParens(node.arguments[0]);
      if (name === 'dispatchEvent' && fired && ts.isNewExpression(fired) && isEvent(fired.arguments?.[0])) found = { declaration: method, argumentOffset: 'unknown' };
    }
    ts.forEachChild(node, visit);
  };
  visit(method.body);
  return found;
}

/** 1 when the emit passes the method's own parameters after the event, in order (`emit(event, data)` in `trigger(event, data)`). */
function lineUp(parameters: readonly ts.ParameterDeclaration[], args: readonly ts.Expression[]): EventArgumentOffset {
  if (args.length !== parameters.length) return 'unknown';
  for (let i = 1; i < args.length; i++) {
    const arg = skipParens(args[i]!);
    const name = parameters[i]!.name;
    if (!ts.isIdentifier(arg) || !ts.isIdentifier(name) || arg.text !== name.text) return 'unknown';
  }
  return 1;
}
