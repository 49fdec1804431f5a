import ts from '../util/typescript.cjs';
import { isOnceRegistration } from '../util/listeners.js';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { calleeName, contains, skipParens } from '../util/ast.js';
import type { Unit } from './syntax.js';

/**
 * interleaving: where a function gives the event loop back. Inside one function, code
 * after an `await`, a `yield` or a `for await` (also on one branch only, or in a later
 * iteration of a loop that awaits; not on the other branch of the `if`/`else` or `?:`
 * that awaits) runs after other handlers may have run. A function passed to a timer
 * (`setTimeout`, `setInterval`, `setImmediate`, `queueMicrotask`, `requestAnimationFrame`,
 * `process.nextTick`), to a promise's `then`/`catch`/`finally`, registered as a listener,
 * or stored in a collection (`push`, `set`, `add`) runs later, outside the caller's
 * synchronous part and outside any lock region around the call — unless the promise
 * chain is awaited or returned from there, which keeps a lock held by the caller. A
 * listener subscribed for every future event (`on`, `addEventListener`) is marked as
 * such: each of its runs is an invocation of its own, unlike a one-shot `once`.
 */
export const interleavingAnalyzer = defineAnalyzer<Interleaving>({
  name: 'interleaving',
  doc: 'Finds the points where a function gives control back (await, yield) and the callbacks that run later (timers, promise callbacks, listeners).',
  requires: [],
  run(pass) {
    const { checker } = pass;
    const deferralMemo = new Map<ts.CallExpression | ts.NewExpression, Deferral | null>();

    const pointBefore = (unit: Unit, node: ts.Node): ts.Node | undefined => {
      if (unit.suspensions.length === 0) return undefined;
      let point: ts.Node | undefined;
      for (const suspension of unit.suspensions) {
        // The body of a `for await` runs after each step of the iterator is awaited.
        if (precedes(suspension, node) || (ts.isForOfStatement(suspension) && contains(suspension.statement, node))) point = suspension;
      }
      if (point) return point;
      for (const loop of unit.suspendingLoops) {
        if (contains(loop.statement, node)) {
          return unit.suspensions.find((suspension) => contains(loop, suspension));
        }
      }
      return undefined;
    };

    const computeDeferral = (call: ts.CallExpression | ts.NewExpression): Deferral | null => {
      if (!ts.isCallExpression(call)) return null;
      const name = calleeName(call.expression);
      if (name === undefined) return null;
      const callee = skipParens(call.expression);
      if (TIMERS.has(name) || (name === 'nextTick' && ts.isPropertyAccessExpression(callee))) {
        return { kind: 'timer', keepsLock: false, label: name };
      }
      if (PROMISE_METHODS.has(name) && ts.isPropertyAccessExpression(callee)) {
        const receiverType = checker.getTypeAtLocation(callee.expression);
        if (checker.getPropertyOfType(checker.getApparentType(receiverType), 'then')) {
          return { kind: 'promise', keepsLock: isAwaitedOrReturned(call), label: `.${name}` };
        }
        return null;
      }
      if (LISTENER_METHODS.has(name) && ts.isPropertyAccessExpression(callee)) {
        return { kind: 'listener', keepsLock: false, label: name, subscription: isSubscription(call) };
      }
      if (STORING_METHODS.has(name) && ts.isPropertyAccessExpression(callee)) {
        return { kind: 'stored', keepsLock: false, label: name };
      }
      return null;
    };

    const deferral = (call: ts.CallExpression | ts.NewExpression, argumentIndex: number): Deferral | undefined => {
      let found = deferralMemo.get(call);
      if (found === undefined) {
        found = computeDeferral(call);
        deferralMemo.set(call, found);
      }
      if (!found) return undefined;
      if (found.kind === 'listener' && argumentIndex === 0) return undefined;
      return found;
    };

    return { pointBefore, deferral };
  },
});

const TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'requestAnimationFrame', 'requestIdleCallback']);
const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);
/** Methods that keep a function in a collection to be called later. */
const STORING_METHODS = new Set(['push', 'unshift', 'set', 'add', 'splice']);
const LISTENER_METHODS = new Set(['addEventListener', 'on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

function isSubscription(call: ts.CallExpression): boolean {
  return !isOnceRegistration(call);
}

/**
 * Whether suspension point `point` has happened by the time `node` runs: it ends
 * before `node` starts, or it sits inside `node`'s own operands (`m.set(k, await v)`).
 */
function precedes(point: ts.Node, node: ts.Node): boolean {
  // A node's leading trivia starts where the token before it ends.
  if (point.end <= node.pos) return !inOtherBranch(point, node);
  return point.pos >= node.pos && point.end <= node.end && point !== node && !contains(point, node);
}

/**
 * Whether `point` and `node` sit in different branches of one `if`/`else` or `?:`, so
 * that one run of the function never passes both (a later iteration of a loop around
 * both is the loop rule's business).
 */
function inOtherBranch(point: ts.Node, node: ts.Node): boolean {
  for (let child: ts.Node = point, parent: ts.Node | undefined = point.parent; parent; child = parent, parent = parent.parent) {
    if (!contains(parent, node)) continue;
    // `parent` is the nearest ancestor of both: they are in different branches when it branches between them.
    if (ts.isIfStatement(parent)) {
      return (parent.thenStatement === child && parent.elseStatement !== undefined && contains(parent.elseStatement, node)) ||
        (parent.elseStatement === child && contains(parent.thenStatement, node));
    }
    if (ts.isConditionalExpression(parent)) {
      return (parent.whenTrue === child && contains(parent.whenFalse, node)) || (parent.whenFalse === child && contains(parent.whenTrue, node));
    }
    return false;
  }
  return false;
}

/** Whether a promise chain's value is awaited or returned, so that a lock held around it waits for it. */
function isAwaitedOrReturned(call: ts.CallExpression): boolean {
  let node: ts.Node = call;
  for (;;) {
    const parent = node.parent;
    if (ts.isPropertyAccessExpression(parent) && ts.isCallExpression(parent.parent) && parent.parent.expression === parent) {
      node = parent.parent;
    } else if (ts.isParenthesizedExpression(parent)) {
      node = parent;
    } else {
      break;
    }
  }
  const parent = node.parent;
  return ts.isAwaitExpression(parent) || ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === node);
}

export interface Deferral {
  readonly kind: 'timer' | 'promise' | 'listener' | 'stored';
  /**
   * For a listener: registered for every future event (`on`, `addEventListener`), so each
   * run is an invocation of its own, rather than once (`once`, `{ once: true }`), which
   * continues the operation that registered it.
   */
  readonly subscription?: boolean;
  /** A promise chain awaited or returned inside a lock's callback keeps the lock held. */
  readonly keepsLock: boolean;
  readonly label: string;
}

export interface Interleaving {
  /** The last point before `node` at which `unit` gave control back, if any. */
  pointBefore(unit: Unit, node: ts.Node): ts.Node | undefined;
  /** How the function passed as argument `argumentIndex` of `call` runs later, if it does. */
  deferral(call: ts.CallExpression | ts.NewExpression, argumentIndex: number): Deferral | undefined;
}
