import ts from 'typescript';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { calleeName, matchesDottedName, memberChain } from '../util/ast.js';
import { isFromPackage, isLibraryDeclaration, typeLineage } from '../util/types.js';
import { skipParens, type Unit } from './syntax.js';

/**
 * guards: where code runs under a lock. A function passed as the callback of a lock
 * call (`navigator.locks.request(name[, options], cb)`, `mutex.runExclusive(cb)`,
 * async-lock's `lock.acquire(key, cb)`, a configured `{ callback }` guard) runs under
 * it; statements between an acquire (`const release = await mutex.acquire()`, a
 * configured `{ acquire }` call) and the matching release in the same function run
 * under it. A Web Lock requested with `mode: 'shared'` is reported as a shared lock,
 * which does not order writers; `steal: true` is no lock at all. The checker is asked
 * only about calls whose names can be locks.
 */
export const guardsAnalyzer = defineAnalyzer<Guards>({
  name: 'guards',
  doc: 'Finds lock callbacks and acquire…release brackets: the code that runs while a lock is held.',
  requires: [],
  run(pass) {
    const { checker, program, config } = pass;
    const callbackMemo = new Map<ts.CallExpression | ts.NewExpression, readonly (CallbackLock | undefined)[]>();
    const bracketMemo = new Map<Unit, readonly Bracket[]>();

    const receiverIs = (receiver: ts.Expression, typeNames: readonly string[], packages: readonly string[]): boolean => {
      const type = checker.getTypeAtLocation(receiver);
      return typeLineage(checker, type).some(
        (symbol) =>
          typeNames.includes(symbol.name) &&
          (symbol.declarations ?? []).some(
            (declaration) =>
              packages.length === 0 ? isLibraryDeclaration(program, declaration) : isFromPackage(declaration, packages),
          ),
      );
    };

    const isFunctionArgument = (argument: ts.Expression): boolean => {
      const node = skipParens(argument);
      if (ts.isFunctionExpression(node) || ts.isArrowFunction(node)) return true;
      if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node) || ts.isCallExpression(node)) {
        return checker.getTypeAtLocation(node).getCallSignatures().length > 0;
      }
      return false;
    };

    const webLockOf = (call: ts.CallExpression): CallbackLock | undefined => {
      const options = call.arguments.length >= 3 ? skipParens(call.arguments[1]!) : undefined;
      if (options && ts.isObjectLiteralExpression(options)) {
        for (const property of options.properties) {
          if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
          const value = skipParens(property.initializer);
          if (property.name.text === 'mode' && ts.isStringLiteralLike(value) && value.text === 'shared') {
            return { kind: 'shared', label: "navigator.locks.request with mode: 'shared'" };
          }
          if (property.name.text === 'steal' && value.kind === ts.SyntaxKind.TrueKeyword) return undefined;
          if (property.name.text === 'ifAvailable' && value.kind === ts.SyntaxKind.TrueKeyword) return undefined;
        }
      }
      return { kind: 'exclusive', label: 'navigator.locks.request' };
    };

    const computeCallbackLocks = (call: ts.CallExpression | ts.NewExpression): (CallbackLock | undefined)[] => {
      const locks: (CallbackLock | undefined)[] = [];
      if (!ts.isCallExpression(call)) return locks;
      const args = call.arguments;
      const name = calleeName(call.expression);
      const callee = skipParens(call.expression);
      const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
      for (const spec of config.guards) {
        if ('callback' in spec && matchesDottedName(call.expression, spec.callback)) {
          args.forEach((argument, index) => {
            if (isFunctionArgument(argument)) locks[index] = { kind: 'exclusive', label: spec.callback };
          });
          return locks;
        }
      }
      if (!receiver || args.length === 0) return locks;
      if (name === 'request' && args.length >= 2 && receiverIs(receiver, ['LockManager'], [])) {
        locks[args.length - 1] = webLockOf(call);
      } else if (name === 'runExclusive' && isFunctionArgument(args[0]!)) {
        locks[0] = { kind: 'exclusive', label: `${memberChain(receiver)?.join('.') ?? 'mutex'}.runExclusive` };
      } else if (name === 'acquire' && args.length >= 2 && receiverIs(receiver, ['AsyncLock'], ['async-lock'])) {
        const index = args.findIndex((argument, i) => i > 0 && isFunctionArgument(argument));
        if (index > 0) locks[index] = { kind: 'exclusive', label: 'AsyncLock.acquire' };
      }
      return locks;
    };

    const callbackLock = (call: ts.CallExpression | ts.NewExpression, argumentIndex: number): CallbackLock | undefined => {
      let locks = callbackMemo.get(call);
      if (!locks) {
        locks = computeCallbackLocks(call);
        callbackMemo.set(call, locks);
      }
      return locks[argumentIndex];
    };

    const computeBrackets = (unit: Unit): Bracket[] => {
      const brackets: Bracket[] = [];
      const calls = unit.calls.filter(ts.isCallExpression);
      for (const call of calls) {
        const opened = openingOf(call);
        if (!opened) continue;
        const release = calls.find((candidate) => candidate.pos >= call.end && opened.isRelease(candidate));
        brackets.push({
          start: call.end,
          end: release ? release.getStart() : unit.node.end,
          label: opened.label,
          acquire: call,
        });
      }
      return brackets;
    };

    /** If `call` takes a lock that later code of the same function releases, how to know the release. */
    const openingOf = (call: ts.CallExpression): { label: string; isRelease(candidate: ts.CallExpression): boolean } | undefined => {
      for (const spec of config.guards) {
        if ('acquire' in spec && matchesDottedName(call.expression, spec.acquire)) {
          return { label: spec.acquire, isRelease: (candidate) => matchesDottedName(candidate.expression, spec.release) };
        }
      }
      const name = calleeName(call.expression);
      if (name !== 'acquire' && name !== 'acquireAsync') return undefined;
      if (call.arguments.some((argument) => isFunctionArgument(argument))) return undefined;
      const callee = skipParens(call.expression);
      if (!ts.isPropertyAccessExpression(callee)) return undefined;
      const receiverText = callee.expression.getText();
      const releaseBinding = releaseBindingOf(call);
      const isRelease = (candidate: ts.CallExpression): boolean => {
        const target = skipParens(candidate.expression);
        if (releaseBinding && ts.isIdentifier(target) && target.text === releaseBinding) return true;
        return (
          ts.isPropertyAccessExpression(target) &&
          target.name.text === 'release' &&
          target.expression.getText() === receiverText
        );
      };
      const fromLockPackage = receiverIs(callee.expression, ['Mutex', 'MutexInterface', 'Semaphore', 'SemaphoreInterface', 'AwaitLock'], ['async-mutex', 'await-lock']);
      if (!fromLockPackage && !releaseBinding) return undefined;
      return { label: `${memberChain(callee.expression)?.join('.') ?? 'mutex'}.${name}`, isRelease };
    };

    const bracketAt = (unit: Unit, node: ts.Node): Bracket | undefined => {
      let brackets = bracketMemo.get(unit);
      if (!brackets) {
        brackets = computeBrackets(unit);
        bracketMemo.set(unit, brackets);
      }
      const start = node.getStart();
      return brackets.find((bracket) => start >= bracket.start && start < bracket.end);
    };

    return { callbackLock, bracketAt };
  },
});

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

export interface CallbackLock {
  /** `shared` locks (Web Locks `mode: 'shared'`) let holders run together: no guard for writes. */
  readonly kind: 'exclusive' | 'shared';
  readonly label: string;
}

export interface Bracket {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  readonly acquire: ts.CallExpression;
}

export interface Guards {
  /** The lock under which the function passed as argument `argumentIndex` of `call` runs, if any. */
  callbackLock(call: ts.CallExpression | ts.NewExpression, argumentIndex: number): CallbackLock | undefined;
  /** The acquire…release bracket of `unit` that holds a lock where `node` starts, if any. */
  bracketAt(unit: Unit, node: ts.Node): Bracket | undefined;
}
