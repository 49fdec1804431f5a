import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { calleeName, matchesDottedName, memberChain, skipParens } from '../util/ast.js';
import { lineageIncludes, typeLineage } from '../util/types.js';
import { CrossProgramCache, DependencyTracker } from '../analysis/cross-program-cache.js';
import type { GuardSpec } from '../analysis/config.js';
import { callgraphAnalyzer } from './callgraph.js';
import type { Unit } from './syntax.js';

/**
 * guards: where code runs under a lock. Two shapes of lock are recognised. Callback
 * locks run a function while they hold the lock: Web Locks' `request(name[, options],
 * cb)` on any `LockManager` (`mode: 'shared'` is reported as a shared lock, `steal:
 * true` is none, `ifAvailable: true` guards only code that checked the granted lock),
 * `runExclusive(cb)` on any receiver (async-mutex or a project's own mutex), async-lock's
 * `acquire(key, cb)` (in the done-callback form, until `done()`), a `.then(release =>
 * …)` on an async-mutex `acquire()` (until `release()`), and configured `{ callback }`
 * guards. Brackets hold the lock between an acquire and the matching release in one
 * function: `const release = await m.acquire()` … `release()`, `[, release] = await
 * semaphore.acquire()`, `await lock.acquireAsync()` … `lock.release()`, await-lock's
 * `if (lock.tryAcquire()) { … }`, a project's Atomics spin lock (an acquire function
 * looping on `Atomics.compareExchange`, a release that `Atomics.store`s and
 * `Atomics.notify`s the same cell), and configured `{ acquire, release }` guards. An
 * async-mutex `Semaphore` guards only when it admits one holder. The checker is asked
 * only about calls whose names can be locks.
 */
export const guardsAnalyzer = defineAnalyzer<Guards>({
  name: 'guards',
  doc: 'Finds lock callbacks and acquire…release brackets: the code that runs while a lock is held.',
  requires: [callgraphAnalyzer],
  run(pass) {
    const { checker, program, config } = pass;
    const caches = guardCachesFor(config.guards);
    const callgraph = pass.resultOf(callgraphAnalyzer);
    const spinMemo = new Map<Unit, SpinRole | null>();

    /** Collects the files each cached decision looked at. */
    const tracker = new DependencyTracker(program);

    const lineageOf = (expression: ts.Expression): ts.Symbol[] => {
      const lineage = typeLineage(checker, checker.getTypeAtLocation(expression));
      for (const symbol of lineage) tracker.current.addSymbol(symbol);
      return lineage;
    };

    const receiverIs = (receiver: ts.Expression, typeNames: readonly string[], packages: readonly string[]): boolean =>
      lineageIncludes(program, lineageOf(receiver), typeNames, packages);

    const isFunctionArgument = (argument: ts.Expression): boolean => {
      const node = skipParens(argument);
      if (ts.isFunctionExpression(node) || ts.isArrowFunction(node)) return true;
      if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node) || ts.isCallExpression(node)) {
        const type = checker.getTypeAtLocation(node);
        tracker.current.addSymbol(type.getSymbol());
        return type.getCallSignatures().length > 0;
      }
      return false;
    };

    /** A semaphore admits one holder only when it is made with `new Semaphore(1)` (or `withTimeout`/`tryAcquire` of one). */
    const semaphoreCapacity = (receiver: ts.Expression): number | undefined => {
      if (!receiverIs(receiver, ['Semaphore', 'SemaphoreInterface'], ['async-mutex'])) return undefined;
      let expression: ts.Expression | undefined = skipParens(receiver);
      for (let depth = 0; expression && depth < 5; depth++) {
        if (ts.isNewExpression(expression)) {
          const first = expression.arguments?.[0];
          return first && ts.isNumericLiteral(first) ? Number(first.text) : Number.POSITIVE_INFINITY;
        }
        if (ts.isCallExpression(expression) && expression.arguments[0]) {
          expression = skipParens(expression.arguments[0]);
          continue;
        }
        const nameNode: ts.Node = ts.isPropertyAccessExpression(expression) ? expression.name : expression;
        const declaration: ts.Declaration | undefined = checker.getSymbolAtLocation(nameNode)?.valueDeclaration;
        tracker.current.addNode(declaration);
        const initializer: ts.Expression | undefined =
          declaration && (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) ? declaration.initializer : undefined;
        expression = initializer && skipParens(initializer);
      }
      return Number.POSITIVE_INFINITY;
    };

    const admitsOne = (receiver: ts.Expression): boolean => {
      const capacity = semaphoreCapacity(receiver);
      return capacity === undefined || capacity === 1;
    };

    const webLockOf = (call: ts.CallExpression): CallbackLock | undefined => {
      const options = call.arguments.length >= 3 ? skipParens(call.arguments[1]!) : undefined;
      let kind: CallbackLock['kind'] = 'exclusive';
      if (options && ts.isObjectLiteralExpression(options)) {
        for (const property of options.properties) {
          if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
          const value = skipParens(property.initializer);
          const isTrue = value.kind === ts.SyntaxKind.TrueKeyword;
          if (property.name.text === 'mode' && ts.isStringLiteralLike(value) && value.text === 'shared') {
            return { kind: 'shared', label: "navigator.locks.request with mode: 'shared'" };
          }
          if (property.name.text === 'steal' && isTrue) return undefined;
          if (property.name.text === 'ifAvailable' && isTrue) kind = 'ifAvailable';
        }
      }
      return { kind, label: 'navigator.locks.request' };
    };

    const computeCallbackLocks = (call: ts.CallExpression | ts.NewExpression): (CallbackLock | undefined)[] => {
      const locks: (CallbackLock | undefined)[] = [];
      if (!ts.isCallExpression(call)) return locks;
      const args = call.arguments;
      for (const spec of config.guards) {
        if ('callback' in spec && matchesDottedName(call.expression, spec.callback)) {
          args.forEach((argument, index) => {
            if (isFunctionArgument(argument)) locks[index] = { kind: 'exclusive', label: spec.callback };
          });
          return locks;
        }
      }
      const spinCallback = args.length > 0 ? spinRoleOfCall(call, 'callback') : undefined;
      if (spinCallback) {
        args.forEach((argument, index) => {
          if (isFunctionArgument(argument)) locks[index] = { kind: 'exclusive', label: `${calleeName(call.expression) ?? 'call'} (Atomics spin lock)` };
        });
        return locks;
      }
      const callee = skipParens(call.expression);
      if (!ts.isPropertyAccessExpression(callee) || args.length === 0) return locks;
      const receiver = callee.expression;
      const label = `${memberChain(receiver)?.join('.') ?? 'lock'}.${callee.name.text}`;
      switch (callee.name.text) {
        case 'request':
          if (args.length >= 2 && receiverIs(receiver, ['LockManager'], [])) locks[args.length - 1] = webLockOf(call);
          break;
        case 'runExclusive':
          if (isFunctionArgument(args[0]!) && admitsOne(receiver)) locks[0] = { kind: 'exclusive', label };
          break;
        case 'acquire':
          if (args.length >= 2 && receiverIs(receiver, ['AsyncLock'], ['async-lock'])) {
            const index = args.findIndex((argument, i) => i > 0 && isFunctionArgument(argument));
            if (index > 0) {
              const callback = skipParens(args[index]!);
              const takesDone = (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) && callback.parameters.length > 0;
              // The done-callback form holds the lock until `done()`: a bracket inside the callback.
              locks[index] = takesDone ? undefined : { kind: 'exclusive', label };
            }
          }
          break;
      }
      return locks;
    };

    const callbackLock = (call: ts.CallExpression | ts.NewExpression, argumentIndex: number): CallbackLock | undefined => {
      return tracker.memoize(caches.callbackLocks, call, call, () => computeCallbackLocks(call))[argumentIndex];
    };

    /** The role a function plays in a hand-written Atomics spin lock, with the cell it works on. */
    const spinRoleOf = (unit: Unit): SpinRole | null => {
      let role = spinMemo.get(unit);
      if (role !== undefined) return role;
      role = null;
      const atomics = unit.calls.filter(
        (call): call is ts.CallExpression =>
          ts.isCallExpression(call) && memberChain(call.expression)?.[0] === 'Atomics' && call.arguments.length >= 2,
      );
      const cellOf = (call: ts.CallExpression): string => `${call.arguments[0]!.getText()}[${call.arguments[1]!.getText()}]`;
      const exchange = atomics.find(
        (call) => calleeName(call.expression) === 'compareExchange' && ts.findAncestor(call, (node) => node === unit.node || ts.isIterationStatement(node, false)) !== unit.node,
      );
      const store = atomics.find((call) => calleeName(call.expression) === 'store');
      const notify = atomics.find((call) => calleeName(call.expression) === 'notify');
      const releases = store !== undefined && notify !== undefined && cellOf(store) === cellOf(notify);
      if (exchange) {
        // Taken and given back before it returns: the lock is held only while it runs its callback.
        role = { kind: releases && cellOf(store) === cellOf(exchange) ? 'callback' : 'acquire', cell: cellOf(exchange) };
      } else if (releases) {
        role = { kind: 'release', cell: cellOf(store) };
      }
      spinMemo.set(unit, role);
      return role;
    };

    const spinRoleOfCall = (call: ts.CallExpression, kind: SpinRole['kind']): SpinRole | undefined => {
      for (const callee of callgraph.calleesOf(call)) {
        tracker.current.addNode(callee.node);
        const role = spinRoleOf(callee);
        if (role?.kind === kind) return role;
      }
      return undefined;
    };

    /** If `call` takes a lock that later code of the same function releases: the bracket's shape. */
    const openingOf = (call: ts.CallExpression): Opening | undefined => {
      for (const spec of config.guards) {
        if ('acquire' in spec && matchesDottedName(call.expression, spec.acquire)) {
          return { label: spec.acquire, isRelease: (candidate) => matchesDottedName(candidate.expression, spec.release) };
        }
      }
      const name = calleeName(call.expression);
      const callee = skipParens(call.expression);
      if ((name === 'acquire' || name === 'acquireAsync' || name === 'tryAcquire') && ts.isPropertyAccessExpression(callee)) {
        const opening = lockMethodOpening(call, callee, name);
        if (opening) return opening;
      }
      {
        const role = spinRoleOfCall(call, 'acquire');
        if (role) {
          return {
            label: `${name} (Atomics spin lock)`,
            isRelease: (candidate) =>
              ts.isCallExpression(candidate) && spinRoleOfCall(candidate, 'release') !== undefined,
          };
        }
      }
      return undefined;
    };

    const lockMethodOpening = (call: ts.CallExpression, callee: ts.PropertyAccessExpression, name: string): Opening | undefined => {
      if (call.arguments.some((argument) => isFunctionArgument(argument))) return undefined;
      const receiver = callee.expression;
      const receiverText = receiver.getText();
      const label = `${memberChain(receiver)?.join('.') ?? 'lock'}.${name}`;
      const isReceiverRelease = (candidate: ts.CallExpression): boolean => {
        const target = skipParens(candidate.expression);
        return ts.isPropertyAccessExpression(target) && target.name.text === 'release' && target.expression.getText() === receiverText;
      };
      if (name === 'tryAcquire') {
        // await-lock: only the branch where tryAcquire() returned true holds the lock.
        if (!receiverIs(receiver, ['AwaitLock'], ['await-lock'])) return undefined;
        const statement = call.parent;
        if (!ts.isIfStatement(statement) || statement.expression !== call) return undefined;
        return { label, isRelease: isReceiverRelease, region: { start: statement.thenStatement.pos, end: statement.thenStatement.end } };
      }
      // The lock is held once the acquire's promise is awaited; `acquire().then(release => …)` is a callback form.
      if (!isAwaited(call) || !admitsOne(receiver)) return undefined;
      const releaseBinding = releaseBindingOf(call);
      const fromLockPackage = receiverIs(
        receiver,
        ['Mutex', 'MutexInterface', 'Semaphore', 'SemaphoreInterface', 'AwaitLock'],
        ['async-mutex', 'await-lock'],
      );
      // Any other receiver: a lock of the project's own, when the same function later calls
      // `receiver.release()`, and not when it asks for a shared mode (`acquire('shared')`).
      const asksShared = call.arguments.some((argument) => ts.isStringLiteralLike(argument) && /^(shared|read)$/i.test(argument.text));
      if (asksShared || (!fromLockPackage && !releaseBinding && !isLockMethodPair(receiver))) return undefined;
      return {
        requiresRelease: !fromLockPackage && !releaseBinding,
        label,
        isRelease: (candidate) => {
          const target = skipParens(candidate.expression);
          return (releaseBinding !== undefined && ts.isIdentifier(target) && target.text === releaseBinding) || isReceiverRelease(candidate);
        },
      };
    };

    /**
     * A function whose first parameter releases the lock it runs under: async-lock's
     * `acquire(key, (done) => …)` and `mutex.acquire().then((release) => …)`.
     */
    const releaseParameterOf = (unit: Unit): { name: string; label: string } | undefined => {
      const node = unit.node;
      if (!(ts.isArrowFunction(node) || ts.isFunctionExpression(node))) return undefined;
      const first = node.parameters[0];
      if (!first || !ts.isIdentifier(first.name)) return undefined;
      let argument: ts.Node = node;
      while (ts.isParenthesizedExpression(argument.parent)) argument = argument.parent;
      const call = argument.parent;
      if (!ts.isCallExpression(call) || !call.arguments.includes(argument as ts.Expression)) return undefined;
      const callee = skipParens(call.expression);
      if (!ts.isPropertyAccessExpression(callee)) return undefined;
      if (callee.name.text === 'then' && call.arguments[0] === argument) {
        const acquire = skipParens(callee.expression);
        if (
          ts.isCallExpression(acquire) &&
          calleeName(acquire.expression) === 'acquire' &&
          ts.isPropertyAccessExpression(skipParens(acquire.expression)) &&
          admitsOne((skipParens(acquire.expression) as ts.PropertyAccessExpression).expression) &&
          receiverIs((skipParens(acquire.expression) as ts.PropertyAccessExpression).expression, ['Mutex', 'MutexInterface', 'Semaphore', 'SemaphoreInterface'], ['async-mutex'])
        ) {
          return { name: first.name.text, label: `${acquire.expression.getText()}().then` };
        }
      }
      if (callee.name.text === 'acquire' && call.arguments.indexOf(argument as ts.Expression) > 0 && receiverIs(callee.expression, ['AsyncLock'], ['async-lock'])) {
        const firstFunction = call.arguments.findIndex((candidate, i) => i > 0 && isFunctionArgument(candidate));
        if (call.arguments[firstFunction] === argument) return { name: first.name.text, label: `${callee.getText()}` };
      }
      return undefined;
    };

    const computeBrackets = (unit: Unit): Bracket[] => {
      const brackets: Bracket[] = [];
      const calls = unit.calls.filter(ts.isCallExpression);
      const released = releaseParameterOf(unit);
      if (released && !ts.isSourceFile(unit.node) && unit.node.body) {
        const release = calls.find((call) => {
          const target = skipParens(call.expression);
          return ts.isIdentifier(target) && target.text === released.name;
        });
        brackets.push({ start: unit.node.body.pos, end: release ? release.getStart() : unit.node.end, label: released.label });
      }
      for (const call of calls) {
        const opened = openingOf(call);
        if (!opened) continue;
        const region = opened.region ?? { start: call.end, end: enclosingBlockEnd(call) };
        const release = calls.find(
          (candidate) => candidate.pos >= region.start && candidate.pos < region.end && candidate !== call && opened.isRelease(candidate),
        );
        if (!release && opened.requiresRelease) continue;
        brackets.push({ start: region.start, end: release ? release.getStart() : region.end, label: opened.label });
      }
      return brackets;
    };

    /** Whether the receiver's type has both `acquire` and `release` methods (a project's own lock class). */
    const isLockMethodPair = (receiver: ts.Expression): boolean => {
      const type = checker.getTypeAtLocation(receiver);
      tracker.current.addSymbol(type.getSymbol());
      const release = checker.getPropertyOfType(type, 'release');
      return release !== undefined && checker.getPropertyOfType(type, 'acquire') !== undefined;
    };

    const bracketAt = (unit: Unit, node: ts.Node): Bracket | undefined => {
      const brackets = tracker.memoize(caches.brackets, unit, unit.node, () => computeBrackets(unit));
      if (brackets.length === 0) return undefined;
      const start = node.getStart();
      return brackets.find((bracket) => start >= bracket.start && start < bracket.end);
    };

    /** Inside a Web Lock callback with `ifAvailable: true`: code that runs only when the granted lock is not null. */
    const lockCheckedAt = (unit: Unit, node: ts.Node): boolean => {
      const fn = unit.node;
      if (ts.isSourceFile(fn) || !fn.body || !ts.isBlock(fn.body)) return false;
      const parameter = fn.parameters[0];
      if (!parameter || !ts.isIdentifier(parameter.name)) return false;
      const lockName = parameter.name.text;
      const start = node.getStart();
      for (let current: ts.Node = node; current !== fn; current = current.parent) {
        const parent = current.parent;
        if (ts.isIfStatement(parent) && parent.thenStatement === current && checksPresent(parent.expression, lockName)) return true;
        if (ts.isBlock(parent) || ts.isSourceFile(parent)) {
          for (const statement of parent.statements) {
            if (statement.end > start) break;
            if (ts.isIfStatement(statement) && checksAbsent(statement.expression, lockName) && exits(statement.thenStatement)) return true;
          }
        }
        if (ts.isConditionalExpression(parent) && parent.whenTrue === current && checksPresent(parent.condition, lockName)) return true;
      }
      return false;
    };

    return { callbackLock, bracketAt, lockCheckedAt };
  },
});

/** The end of the block (or case clause, or file) whose statement makes `call`: a lock taken there is held at most until then. */
function enclosingBlockEnd(call: ts.CallExpression): number {
  const container = ts.findAncestor(call.parent, (node) => ts.isBlock(node) || ts.isSourceFile(node) || ts.isCaseOrDefaultClause(node) || ts.isModuleBlock(node));
  return container ? container.end : call.getSourceFile().end;
}

/**
 * Lock decisions, reused across programs while the files they looked at are unchanged.
 * They depend on the configured `guards`, so each configuration has its own.
 */
interface GuardCaches {
  readonly callbackLocks: CrossProgramCache<ts.Node, readonly (CallbackLock | undefined)[]>;
  readonly brackets: CrossProgramCache<Unit, readonly Bracket[]>;
}
const guardCachesByConfig = new Map<string, GuardCaches>();

function guardCachesFor(guards: readonly GuardSpec[]): GuardCaches {
  const key = JSON.stringify(guards);
  let caches = guardCachesByConfig.get(key);
  if (!caches) {
    caches = { callbackLocks: new CrossProgramCache(), brackets: new CrossProgramCache() };
    guardCachesByConfig.set(key, caches);
  }
  return caches;
}

function isAwaited(call: ts.CallExpression): boolean {
  let node: ts.Node = call;
  while (ts.isParenthesizedExpression(node.parent)) node = node.parent;
  return ts.isAwaitExpression(node.parent);
}

function isNullish(node: ts.Expression): boolean {
  return node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined');
}

/** `lock`, `lock !== null`, `lock != null`, `lock !== undefined`. */
function checksPresent(condition: ts.Expression, name: string): boolean {
  const node = skipParens(condition);
  if (ts.isIdentifier(node)) return node.text === name;
  if (ts.isBinaryExpression(node)) {
    const operator = node.operatorToken.kind;
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken) return checksPresent(node.left, name) || checksPresent(node.right, name);
    if (operator === ts.SyntaxKind.ExclamationEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsToken) {
      return isNamed(node.left, name) ? isNullish(node.right) : isNamed(node.right, name) && isNullish(node.left);
    }
  }
  return false;
}

/** `!lock`, `lock === null`, `lock == null`. */
function checksAbsent(condition: ts.Expression, name: string): boolean {
  const node = skipParens(condition);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) return isNamed(node.operand, name);
  if (ts.isBinaryExpression(node)) {
    const operator = node.operatorToken.kind;
    if (operator === ts.SyntaxKind.BarBarToken) return checksAbsent(node.left, name) || checksAbsent(node.right, name);
    if (operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.EqualsEqualsToken) {
      return isNamed(node.left, name) ? isNullish(node.right) : isNamed(node.right, name) && isNullish(node.left);
    }
  }
  return false;
}

function isNamed(node: ts.Expression, name: string): boolean {
  const inner = skipParens(node);
  return ts.isIdentifier(inner) && inner.text === name;
}

/** Whether a statement always leaves the function (`return`, `throw`, or a block ending in one). */
function exits(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  if (ts.isBlock(statement)) {
    const last = statement.statements[statement.statements.length - 1];
    return last !== undefined && exits(last);
  }
  return false;
}

/** The name a lock's release is bound to: `release` in `const release = await m.acquire()` or `const [, release] = …`. */
function releaseBindingOf(call: ts.CallExpression): string | undefined {
  let node: ts.Node = call;
  while (ts.isParenthesizedExpression(node.parent) || ts.isAwaitExpression(node.parent)) node = node.parent;
  const declaration = node.parent;
  if (!ts.isVariableDeclaration(declaration) || declaration.initializer !== node) return undefined;
  if (ts.isIdentifier(declaration.name)) return declaration.name.text;
  if (ts.isArrayBindingPattern(declaration.name)) {
    const second = declaration.name.elements[1];
    if (second && ts.isBindingElement(second) && ts.isIdentifier(second.name)) return second.name.text;
  }
  return undefined;
}

interface Opening {
  readonly label: string;
  /** Recognised only by its shape: a lock only when the matching release follows. */
  readonly requiresRelease?: boolean;
  isRelease(candidate: ts.CallExpression): boolean;
  /** Where the lock may be held; by default from the acquire to the end of the function. */
  readonly region?: { readonly start: number; readonly end: number };
}

interface SpinRole {
  readonly kind: 'acquire' | 'release' | 'callback';
  /** The shared cell, as `array[index]` text. */
  readonly cell: string;
}

export interface CallbackLock {
  /**
   * `exclusive`: the callback runs under the lock. `shared`: Web Locks' `mode: 'shared'`,
   * whose holders run together, so no guard for writes. `ifAvailable`: the callback may
   * get `null` instead of a lock; only code that checked guards.
   */
  readonly kind: 'exclusive' | 'shared' | 'ifAvailable';
  readonly label: string;
}

export interface Bracket {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

export interface Guards {
  /** The lock under which the function passed as argument `argumentIndex` of `call` runs, if any. */
  callbackLock(call: ts.CallExpression | ts.NewExpression, argumentIndex: number): CallbackLock | undefined;
  /** The acquire…release bracket of `unit` that holds a lock where `node` starts, if any. */
  bracketAt(unit: Unit, node: ts.Node): Bracket | undefined;
  /** Whether `node` runs only after `unit` (a Web Lock callback) checked that its lock was granted. */
  lockCheckedAt(unit: Unit, node: ts.Node): boolean;
}
