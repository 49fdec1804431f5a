import ts from './typescript.cjs';
import { calleeName, isFunctionWithBody, skipParens } from './ast.js';

/**
 * One-shot listeners: a listener that runs for one event only — registered with `once`,
 * `prependOnceListener` or `{ once: true }`, or one that removes itself when it runs
 * (`port.removeEventListener('message', ready)` inside `ready`, the usual "wait for the
 * ready message" idiom). Such a listener continues the operation that registered it,
 * rather than starting a turn of its own for every event.
 */

/** `once(…)`, `prependOnceListener(…)`, `addEventListener(type, f, { once: true })`. */
export function isOnceRegistration(call: ts.CallExpression): boolean {
  const name = calleeName(call.expression);
  if (name === 'once' || name === 'prependOnceListener') return true;
  const options = call.arguments[2] && skipParens(call.arguments[2]);
  return (
    options !== undefined &&
    ts.isObjectLiteralExpression(options) &&
    options.properties.some(
      (property) => ts.isPropertyAssignment(property) && property.name.getText() === 'once' && property.initializer.kind === ts.SyntaxKind.TrueKeyword,
    )
  );
}

const REMOVALS = new Set(['removeEventListener', 'removeListener', 'off']);

/** Whether a listener function removes itself (by its own name, or the name of the variable holding it) when it runs. */
export function removesItself(listener: ts.Node): boolean {
  if (!isFunctionWithBody(listener) || !listener.body) return false;
  const names = new Set<string>();
  if (listener.name && ts.isIdentifier(listener.name)) names.add(listener.name.text);
  const holder = listener.parent;
  if (ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name)) names.add(holder.name.text);
  if (names.size === 0) return false;
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && REMOVALS.has(calleeName(node.expression) ?? '')) {
      found = node.arguments.some((argument) => ts.isIdentifier(argument) && names.has(argument.text));
    }
    if (!found) ts.forEachChild(node, visit);
  };
  visit(listener.body);
  return found;
}

/** Whether the listener registered at `registration` runs for one event only. */
export function isOneShotListener(registration: ts.Node, listener: ts.Node): boolean {
  return (ts.isCallExpression(registration) && isOnceRegistration(registration)) || removesItself(listener);
}
