import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { contains, isFunctionWithBody, skipParens } from '../util/ast.js';
import { callgraphAnalyzer } from './callgraph.js';
import type { ActivationStep } from './staleness.js';
import type { Unit } from './syntax.js';

/**
 * serialisation: receive loops that handle one message at a time. A function that takes
 * the next message itself — a `for await` over a stream, a loop whose body awaits a
 * receive (`await port.next()`) or makes a blocking one (a call into a function that
 * `Atomics.wait`s, as a SharedArrayBuffer channel's reader does), or calls itself again
 * after such a receive or with its own parameters (tail recursion, `listen(reader, writer)`
 * at the end of each case: the next message comes from the channel it holds) — and
 * awaits the handling of each message before it takes the next, runs its handlers' turns
 * one after another: they never overlap. So a check, await, act inside one handled message
 * cannot meet the same loop's other messages; only a turn outside the loop can interleave
 * with it. The part of an activation that belongs to the loop's turn is what runs inside
 * the awaited handler call: its callees, and callbacks that settle the promise it awaits
 * (a `req.onsuccess` that calls the executor's `resolve`); a listener, a timer or an event
 * property that settles nothing may run any time later and is not serialised. A loop over
 * the items of one message (no receive in it) serialises nothing, and a loop started anew
 * by each message of a context is assumed to be started once (as an 'init' message does).
 */
export const serialisationAnalyzer = defineAnalyzer<Serialisation>({
  name: 'serialisation',
  doc: 'Finds receive loops that await each message\'s handling before taking the next: their turns never overlap.',
  requires: [callgraphAnalyzer],
  run(pass) {
    const { checker } = pass;
    const callgraph = pass.resultOf(callgraphAnalyzer);

    /** Whether a call blocks on shared memory: its callee, or one it calls, `Atomics.wait`s. */
    const blocks = (call: ts.CallExpression | ts.NewExpression, depth = 0): boolean =>
      callgraph.calleesOf(call).some((unit) => unit.atomicsWaits.length > 0 || (depth < 2 && unit.calls.some((inner) => blocks(inner, depth + 1))));

    /** A receive in `scope` that runs before `handler`: an await, a `for await` step or a blocking call not part of the handling. */
    const receivesBefore = (unit: Unit, scope: ts.Node, handler: ts.Node): boolean =>
      unit.suspensions.some((point) => contains(scope, point) && point.end <= handler.getStart() && !contains(point, handler)) ||
      unit.calls.some((call) => contains(scope, call) && call.end <= handler.getStart() && blocks(call));

    /**
     * Whether `node` (in `unit`) runs in one message's turn of a receive loop that `unit` is:
     * a handler call the loop awaits before it takes the next message, or (`direct`) the
     * loop's own code, which runs before it takes the next one.
     */
    const serialisedAt = (unit: Unit, node: ts.Node, direct: boolean): boolean => {
      const awaited = direct ? node : awaitOf(node);
      if (!awaited) return false;
      for (let current: ts.Node = node.parent; current && current !== unit.node; current = current.parent) {
        if (isFunctionWithBody(current)) return false;
        if (ts.isForOfStatement(current) && current.awaitModifier && contains(current.statement, node)) return true;
        if (isLoop(current) && receivesBefore(unit, current.statement, node)) return true;
      }
      // Tail recursion: after the handling, the function calls itself to take the next
      // message — after a receive, or with its own parameters (the next message comes from the
      // channel it holds, not from its arguments).
      return unit.calls.some(
        (other) => other.getStart() >= awaited.end && callsItself(unit, other) && (passesOwnParameters(unit, other) || receivesBefore(unit, unit.node, node)),
      );
    };

    const callsItself = (unit: Unit, call: ts.CallExpression | ts.NewExpression): boolean => {
      if (!ts.isCallExpression(call)) return false;
      const callee = skipParens(call.expression);
      // Only a callee spelled with one of the function's own names can resolve to it: no checker call for the others.
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
      if (name === undefined || !ownNamesOf(unit.node).includes(name)) return false;
      const symbol = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
      return symbol?.declarations?.some((declaration) => declaration === unit.node || (ts.isVariableDeclaration(declaration) && declaration.initializer === unit.node)) === true;
    };

    const passesOwnParameters = (unit: Unit, call: ts.CallExpression | ts.NewExpression): boolean => {
      const parameters = isFunctionWithBody(unit.node) ? unit.node.parameters : [];
      const args = call.arguments ?? [];
      return (
        args.length === parameters.length &&
        args.every((argument, index) => {
          const target = skipParens(argument);
          return ts.isIdentifier(target) && checker.getSymbolAtLocation(target)?.valueDeclaration === parameters[index];
        })
      );
    };

    const settlesMemo = new Map<Unit, boolean>();
    /** Whether a function calls the `resolve`/`reject` of a `new Promise` executor: it finishes an awaited operation. */
    const settles = (unit: Unit): boolean => {
      let known = settlesMemo.get(unit);
      if (known === undefined) {
        known = unit.calls.some((call) => {
          const declaration = ts.isIdentifier(call.expression) ? checker.getSymbolAtLocation(call.expression)?.valueDeclaration : undefined;
          return declaration !== undefined && ts.isParameter(declaration) && isExecutor(declaration.parent);
        });
        settlesMemo.set(unit, known);
      }
      return known;
    };

    const loopOf = (activation: readonly ActivationStep[]): ts.Node | undefined => {
      for (const [index, step] of activation.entries()) {
        if (serialisedAt(step.unit, step.node, index === 0)) return step.unit.node;
        // A callback that runs later and settles nothing is a turn of its own, not part of the handling.
        if (step.enteredDeferred && !settles(step.unit)) return undefined;
      }
      return undefined;
    };

    return { loopOf };
  },
});

/**
 * The names a call can reach a function by, when its symbol's declaration is the function
 * itself or a variable it initialises: its own name and that variable's.
 */
function ownNamesOf(node: ts.Node): string[] {
  const names: string[] = [];
  const own = (node as ts.Node & { name?: ts.Node }).name;
  if (own && (ts.isIdentifier(own) || ts.isPrivateIdentifier(own) || ts.isStringLiteral(own) || ts.isNumericLiteral(own))) names.push(own.text);
  else if (own && ts.isComputedPropertyName(own) && ts.isStringLiteralLike(own.expression)) names.push(own.expression.text);
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isIdentifier(parent.name)) names.push(parent.name.text);
  return names;
}

/** The `await` whose operand is `call` (through parentheses), if any. */
function awaitOf(call: ts.Node): ts.AwaitExpression | undefined {
  let node = call;
  while (ts.isParenthesizedExpression(node.parent)) node = node.parent;
  return ts.isAwaitExpression(node.parent) ? node.parent : undefined;
}

function isLoop(node: ts.Node): node is ts.IterationStatement {
  return ts.isWhileStatement(node) || ts.isDoStatement(node) || ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node);
}

/** Whether a function is the executor passed to `new Promise(…)`. */
function isExecutor(node: ts.Node): boolean {
  const parent = node.parent;
  return (
    parent !== undefined &&
    ts.isNewExpression(parent) &&
    parent.arguments?.[0] === node &&
    ts.isIdentifier(parent.expression) &&
    parent.expression.text === 'Promise'
  );
}

export interface Serialisation {
  /**
   * The receive loop whose awaited handling the activation runs in (the loop's function),
   * if any: the turns of that loop never overlap.
   */
  loopOf(activation: readonly ActivationStep[]): ts.Node | undefined;
}
