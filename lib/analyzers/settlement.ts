import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { CrossProgramCache, DependencyTracker, recordUsage, type Probe } from '../analysis/cross-program-cache.js';
import { configKey } from '../analysis/config.js';
import { isFunctionWithBody, outermostWrapper, PROMISE_METHODS, referencesTo, returnedExpressions, skipParens, type FunctionWithBody } from '../util/ast.js';
import { isLibraryDeclaration } from '../util/types.js';
import { flowSitesAnalyzer } from './flowsites.js';
import { syntaxAnalyzer, type Unit } from './syntax.js';
import { ELEMENT_READS, invocationNames, isWithResolversCall, promiseOfExecutor, valueFlowAnalyzer } from './valueflow.js';

/**
 * settlement: the code that runs because a call settles a promise. A message handler
 * that calls a stored resolver (`pending.get(id)?.resolve(reply)`, `resolveReady(m)`)
 * runs, in that message's consequence, whatever waits for the promise that resolver
 * belongs to: the rest of each function that awaits it (`const reply = await
 * request(); cache.set(…)`), and its `then`/`catch`/`finally` callbacks. A call is a
 * resolver call when value flow finds its callee coming from a parameter of a `new
 * Promise(executor)` of the global `Promise`. From that promise the analysis follows
 * the value forward: returned from a function (`return new Promise(…)`, also an arrow's
 * body) to the calls of that function, held in a `const`/`let` of the same function or
 * module, kept in a field (`this.promise = new Promise(…)`: its reads, on the objects the
 * resolver was called on), passed through `await` and `then` chains, up to a few steps deep; each
 * `await` it reaches is a continuation that resumes after that `await`, and an async
 * function resumed so settles its own promise, so its callers' awaits resume too. A promise
 * stored in a collection (`pending.set(id, p)`, `queue.push(p)`) is followed to where the same
 * collection hands it back (`await pending.get(id)`, `queue.shift()`). `Promise.withResolvers()`
 * makes a promise with its resolvers beside it: a call of its `resolve`/`reject` (by member,
 * destructured, or kept in a collection) settles its `promise` member, followed the same way.
 * Asked only for unresolved calls of functions the reach walk visits; answers are kept across
 * programs while the files they consulted are unchanged.
 */
export const settlementAnalyzer = defineAnalyzer<Settlement>({
  name: 'settlement',
  doc: 'Finds the continuations (code after an await, then/catch/finally callbacks) that a call of a promise resolver runs.',
  requires: [syntaxAnalyzer, valueFlowAnalyzer, flowSitesAnalyzer],
  run(pass) {
    const { checker, program } = pass;
    const syntax = pass.resultOf(syntaxAnalyzer);
    const valueflow = pass.resultOf(valueFlowAnalyzer);
    const sites = pass.resultOf(flowSitesAnalyzer);
    const tracker = new DependencyTracker(program);
    const cache = continuationCacheFor(configKey(pass.config));

    /** Reused by a later program (the editor's, after an edit) while the files the answer consulted are unchanged. */
    const continuationsOf = (call: ts.CallExpression): readonly Continuation[] => {
      if (!hasEscapingResolvers()) return [];
      return tracker.memoize(cache, call, call, () => {
        if (!mayBeResolverCall(call)) return [];
        const holders = holdersOf(call);
        return settledPromisesOf(call).flatMap(({ promise, outcome }) =>
          isWithResolversCall(promise) ? followDeferred(promise, outcome, 0) : followPromise(promise, outcome, 0, holders),
        );
      });
    };

    /**
     * Whether any `new Promise(executor)` of the program lets its `resolve` or `reject` out
     * of the executor (stores it, passes it on) for later code to call: without one, no
     * call elsewhere settles a promise and no call needs the checker or value flow here.
     */
    let escaping: boolean | undefined;
    const hasEscapingResolvers = (): boolean => {
      recordUsage([], [sites.probe('invoke', 'Promise'), sites.probe('invoke', 'withResolvers')]);
      return (escaping ??= sites.sites('invoke', 'withResolvers').length > 0 || sites.sites('invoke', 'Promise').some((site) => {
        const executor = site.node.arguments?.[0] && skipParens(site.node.arguments[0]);
        return executor !== undefined && isFunctionWithBody(executor) && executor.parameters.slice(0, 2).some((parameter) => ts.isIdentifier(parameter.name) && escapesExecutor(parameter.name, executor));
      }));
    };

    /** A cheap test before value flow: a resolver takes at most one argument and returns nothing. */
    const mayBeResolverCall = (call: ts.CallExpression): boolean => {
      if (call.arguments.length > 1) return false;
      const callee = skipParens(call.expression);
      if (isFunctionWithBody(callee) || callee.kind === ts.SyntaxKind.SuperKeyword || callee.kind === ts.SyntaxKind.ImportKeyword) return false;
      const signatures = checker.getNonNullableType(checker.getTypeAtLocation(callee)).getCallSignatures();
      // The callee's type comes from its declarations: an edit there recomputes the answer.
      tracker.current.addSymbol(checker.getSymbolAtLocation(ts.isPropertyAccessExpression(callee) ? callee.name : callee));
      for (const signature of signatures) tracker.current.addNode(signature.declaration);
      return signatures.length > 0 && signatures.every((signature) => (checker.getReturnTypeOfSignature(signature).flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Any)) !== 0);
    };

    /**
     * The `new Promise(…)` expressions whose resolver (`resolve`, the executor's first parameter)
     * or rejecter the call's callee can be, and the `Promise.withResolvers()` calls whose.
     */
    const settledPromisesOf = (call: ts.CallExpression): { promise: ts.NewExpression | ts.CallExpression; outcome: Outcome }[] => {
      const found: { promise: ts.NewExpression | ts.CallExpression; outcome: Outcome }[] = [];
      for (const origin of valueflow.originsOf(call.expression)) {
        for (const deferred of deferredsOf(origin)) {
          if (!found.some((known) => known.promise === deferred.promise && known.outcome === deferred.outcome)) found.push(deferred);
        }
        const parameter = ts.isIdentifier(origin) && ts.isParameter(origin.parent) ? origin.parent : undefined;
        const executor = parameter?.parent;
        const promise = executor && promiseOfExecutor(executor);
        if (!promise || !isGlobalPromise(promise) || !ts.isFunctionLike(executor)) continue;
        const outcome: Outcome = executor.parameters.indexOf(parameter) === 0 ? 'fulfilled' : 'rejected';
        if (!found.some((known) => known.promise === promise && known.outcome === outcome)) found.push({ promise, outcome });
      }
      return found;
    };

    /**
     * Value flow ends a `Promise.withResolvers()` resolver at the place it is taken from: `d.resolve`
     * (the calls `d` can be) or `const { resolve } = d` (the binding's initializer).
     */
    const deferredsOf = (origin: ts.Expression): { promise: ts.CallExpression; outcome: Outcome }[] => {
      let holder: ts.Expression | undefined;
      let name: string | undefined;
      if (ts.isPropertyAccessExpression(origin)) {
        holder = origin.expression;
        name = origin.name.text;
      } else if (ts.isIdentifier(origin) && ts.isBindingElement(origin.parent) && ts.isVariableDeclaration(origin.parent.parent.parent)) {
        holder = origin.parent.parent.parent.initializer;
        name = memberKey(origin.parent);
      }
      if (!holder || (name !== 'resolve' && name !== 'reject')) return [];
      const outcome: Outcome = name === 'resolve' ? 'fulfilled' : 'rejected';
      return valueflow.originsOf(holder).filter(isWithResolversCall).filter(isGlobalPromise).map((promise) => ({ promise, outcome }));
    };

    const isGlobalPromise = (promise: ts.NewExpression | ts.CallExpression): boolean => {
      const callee = skipParens(promise.expression);
      const symbol = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(callee) ? callee.expression : callee);
      return (symbol?.declarations ?? []).some((declaration) => isLibraryDeclaration(program, declaration));
    };

    /**
     * `task.resolve(x)`: the objects the resolver was called on (their allocations), so that
     * only the same objects' promise fields count as settled (`await task.promise`), not
     * those of every instance of the class. Undefined for a resolver called by name.
     */
    const holdersOf = (call: ts.CallExpression): readonly ts.Expression[] | undefined => {
      const callee = skipParens(call.expression);
      return ts.isPropertyAccessExpression(callee) ? valueflow.originsOf(callee.expression) : undefined;
    };

    /**
     * Where a promise value goes from `expression`, and the continuations it meets there when
     * it settles with `outcome`. `holders`: for a promise kept in a field, the objects whose field it is.
     */
    const followPromise = (expression: ts.Expression, outcome: Outcome, depth: number, holders?: readonly ts.Expression[]): Continuation[] => {
      if (depth > MAX_DEPTH) return [];
      recordUsage([expression.getSourceFile()]);
      const { node, parent } = outermostWrapper(expression);
      const field = fieldHolding(node, parent);
      if (field) return fieldUses(field, outcome, depth, holders);
      if (ts.isAwaitExpression(parent)) return awaitContinuation(parent, outcome, depth);
      if (ts.isPropertyAccessExpression(parent) && parent.expression === node) return chainContinuations(parent, outcome, depth);
      if (ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === node)) {
        const returning = ts.isArrowFunction(parent) ? parent : ts.findAncestor(parent, isFunctionWithBody);
        return returning ? callersOf(returning, outcome, depth) : [];
      }
      if (ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isIdentifier(parent.name)) {
        return usesOf(parent.name, (use) => followPromise(use, outcome, depth + 1));
      }
      return collectionReads(node, parent).flatMap((read) => followPromise(read, outcome, depth + 1));
    };

    /**
     * Where a `Promise.withResolvers()` result goes from `expression`, and the continuations its
     * `promise` member meets: `d.promise`, `const { promise } = d`, and `d` kept in a variable or a collection.
     */
    const followDeferred = (expression: ts.Expression, outcome: Outcome, depth: number): Continuation[] => {
      if (depth > MAX_DEPTH) return [];
      recordUsage([expression.getSourceFile()]);
      const { node, parent } = outermostWrapper(expression);
      if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
        return parent.name.text === 'promise' ? followPromise(parent, outcome, depth) : [];
      }
      if (ts.isVariableDeclaration(parent) && parent.initializer === node) {
        if (ts.isIdentifier(parent.name)) return usesOf(parent.name, (use) => followDeferred(use, outcome, depth + 1));
        const element = ts.isObjectBindingPattern(parent.name) ? parent.name.elements.find((e) => memberKey(e) === 'promise') : undefined;
        return element && ts.isIdentifier(element.name) ? usesOf(element.name, (use) => followPromise(use, outcome, depth + 1)) : [];
      }
      if (ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === node)) {
        const returning = ts.isArrowFunction(parent) ? parent : ts.findAncestor(parent, isFunctionWithBody);
        return returning ? callSitesOf(returning).flatMap((site) => followDeferred(site, outcome, depth + 1)) : [];
      }
      return collectionReads(node, parent).flatMap((read) => followDeferred(read, outcome, depth + 1));
    };

    /**
     * `pending.set(id, value)`, `queue.push(value)`, `set.add(value)`: the reads that hand an
     * element of the same collection back (`pending.get(id)`, `queue.shift()`), the collection
     * told by the checker's symbol of the variable or property holding it.
     */
    const collectionReads = (node: ts.Expression, parent: ts.Node): ts.CallExpression[] => {
      if (!ts.isCallExpression(parent) || !parent.arguments.includes(node)) return [];
      const callee = skipParens(parent.expression);
      if (!ts.isPropertyAccessExpression(callee) || !COLLECTION_STORES.has(callee.name.text)) return [];
      if (callee.name.text === 'set' && parent.arguments[1] !== node) return [];
      const collection = collectionSymbol(callee.expression);
      if (!collection) return [];
      const found: ts.CallExpression[] = [];
      for (const method of ELEMENT_READS) {
        recordUsage([], [sites.probe('invoke', method)]);
        for (const site of sites.sites('invoke', method)) {
          const read = site.node;
          if (!ts.isCallExpression(read)) continue;
          const reader = skipParens(read.expression);
          if (ts.isPropertyAccessExpression(reader) && collectionSymbol(reader.expression) === collection) found.push(read);
        }
      }
      return found;
    };

    const collectionSymbol = (expression: ts.Expression): ts.Symbol | undefined => {
      const node = skipParens(expression);
      const symbol = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(node) ? node.name : node);
      return symbol && !(symbol.declarations ?? []).some((declaration) => isLibraryDeclaration(program, declaration)) ? symbol : undefined;
    };

    /**
     * `await p`: the rest of the awaiting function, resumed after the `await`. A rejection
     * resumes it only where a `try` around the `await` catches it (its `catch`/`finally`).
     */
    const awaitContinuation = (awaited: ts.AwaitExpression, outcome: Outcome, depth: number): Continuation[] => {
      const owner = ts.findAncestor(awaited.parent, (node) => isFunctionWithBody(node) || ts.isSourceFile(node));
      const unit = owner && syntax.unitOf(owner);
      if (!unit) return [];
      // An async function that resumes then settles its own promise: its callers' awaits resume in turn.
      const settlesOwn = owner && isFunctionWithBody(owner) && isAsync(owner) ? callersOf(owner, 'fulfilled', depth) : [];
      if (outcome === 'rejected' && !insideTry(awaited, owner)) return callersOf(owner as FunctionWithBody, 'rejected', depth);
      return [{ unit, resumeAt: awaited, via: awaited }, ...settlesOwn];
    };

    /**
     * `p.then(f, g)`, `p.catch(g)`, `p.finally(h)`: the callbacks for the outcome run (`f` on
     * fulfilment, `g` on rejection, `h` on both); the chained promise goes on, settled either way.
     */
    const chainContinuations = (access: ts.PropertyAccessExpression, outcome: Outcome, depth: number): Continuation[] => {
      const call = access.parent;
      const method = access.name.text;
      if (!PROMISE_METHODS.has(method) || !ts.isCallExpression(call) || call.expression !== access) return [];
      const runs =
        method === 'finally' ? call.arguments.slice(0, 1) : method === 'catch' ? (outcome === 'rejected' ? call.arguments.slice(0, 1) : []) : call.arguments.slice(outcome === 'fulfilled' ? 0 : 1, outcome === 'fulfilled' ? 1 : 2);
      const found: Continuation[] = [];
      for (const argument of runs) {
        for (const target of valueflow.functionsOf(argument)) found.push({ unit: target.unit, resumeAt: undefined, via: call });
      }
      // `finally`, and a `then` without a handler for a rejection, pass the outcome on to the next link.
      const passesOn = method === 'finally' || (method === 'then' && outcome === 'rejected' && call.arguments.length < 2);
      return found.concat(followPromise(call, passesOn ? outcome : 'fulfilled', depth + 1));
    };

    /** The calls of a function that returns the promise: each call's value is the promise. */
    const callersOf = (fn: FunctionWithBody, outcome: Outcome, depth: number): Continuation[] => {
      if (!isFunctionWithBody(fn) || ts.isSourceFile(fn) || (!isAsync(fn) && !returnedExpressions(fn).length)) return [];
      return callSitesOf(fn).flatMap((site) => followPromise(site, outcome, depth + 1));
    };

    /** The calls of `fn`, found by its names and checked by value flow. */
    const callSitesOf = (fn: FunctionWithBody): ts.CallExpression[] => {
      const found: ts.CallExpression[] = [];
      for (const name of invocationNames(fn)) {
        recordUsage([], [sites.probe('invoke', name)]);
        for (const site of sites.sites('invoke', name)) {
          if (ts.isCallExpression(site.node) && valueflow.functionsOf(site.node.expression).some((target) => target.unit.node === fn)) found.push(site.node);
        }
      }
      return found;
    };

    /**
     * A promise kept in a field (`this.promise = new Promise(…)`, `promise = new Promise(…)`
     * as a class field): every read of that property elsewhere (`await task.promise`), on an
     * object allocated where the resolver's object was when the resolver was called through
     * one, else on any.
     */
    const fieldUses = (field: ts.MemberName, outcome: Outcome, depth: number, holders: readonly ts.Expression[] | undefined): Continuation[] => {
      const symbol = checker.getSymbolAtLocation(field);
      if (!symbol || ts.isPrivateIdentifier(field)) return [];
      const found: Continuation[] = [];
      for (const read of propertyReads(field.text)) {
        if (checker.getSymbolAtLocation(read.name) !== symbol) continue;
        if (holders && holders.length > 0) {
          const origins = valueflow.originsOf(read.expression);
          if (origins.length > 0 && !origins.some((origin) => holders.includes(origin))) continue;
        }
        found.push(...followPromise(read, outcome, depth + 1));
      }
      return found;
    };

    /** Every `x.name` read in the program's own files, by name, found once per name (the file's text is searched before its tree). */
    const readsByName = new Map<string, readonly ts.PropertyAccessExpression[]>();
    const propertyReads = (name: string): readonly ts.PropertyAccessExpression[] => {
      let reads = readsByName.get(name);
      if (!reads) {
        const found: ts.PropertyAccessExpression[] = [];
        for (const file of program.getSourceFiles()) {
          if (file.isDeclarationFile || pass.config.isIgnoredFile(file.fileName) || !file.text.includes(`.${name}`)) continue;
          const visit = (node: ts.Node): void => {
            if (ts.isPropertyAccessExpression(node) && node.name.text === name && !isWriteTarget(node)) found.push(node);
            ts.forEachChild(node, visit);
          };
          visit(file);
        }
        readsByName.set(name, (reads = found));
      }
      recordUsage(new Set(reads.map((read) => read.getSourceFile())), [propertyReadProbe(name, reads)]);
      return reads;
    };

    /** A local or module variable holding the promise: what `follow` finds from every read of it in its scope. */
    const usesOf = (name: ts.Identifier, follow: (use: ts.Identifier) => Continuation[]): Continuation[] => {
      const symbol = checker.getSymbolAtLocation(name);
      const scope = ts.findAncestor(name.parent, (node) => isFunctionWithBody(node) || ts.isSourceFile(node));
      if (!symbol || !scope) return [];
      return referencesTo(name, symbol, scope, checker).flatMap(follow);
    };

    return { continuationsOf };
  },
});

/** Continuations per configuration (ignored files differ), by call, across programs. */
const continuationCaches = new Map<string, CrossProgramCache<ts.Node, readonly Continuation[]>>();

function continuationCacheFor(key: string): CrossProgramCache<ts.Node, readonly Continuation[]> {
  let cache = continuationCaches.get(key);
  if (!cache) continuationCaches.set(key, (cache = new CrossProgramCache()));
  return cache;
}

/** `this.promise = <node>` or a class field `promise = <node>`: the field's name. */
function fieldHolding(node: ts.Expression, parent: ts.Node): ts.MemberName | undefined {
  if (ts.isBinaryExpression(parent) && parent.right === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(parent.left)) {
    return parent.left.name;
  }
  if (ts.isPropertyDeclaration(parent) && parent.initializer === node && (ts.isIdentifier(parent.name) || ts.isPrivateIdentifier(parent.name))) return parent.name;
  return undefined;
}

/** `o.p = v`, `o.p += v`, `o.p++`, `delete o.p`: a write of the property, not a read of its value. */
function isWriteTarget(node: ts.PropertyAccessExpression): boolean {
  const parent = node.parent;
  if (ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return true;
  return ts.isDeleteExpression(parent);
}

/** How a resolver settles its promise: `resolve` fulfils it, `reject` rejects it. */
type Outcome = 'fulfilled' | 'rejected';

/** Whether a resolver parameter is used other than by calling it (`resolve(x)`) inside the executor: stored or passed on. */
function escapesExecutor(name: ts.Identifier, executor: FunctionWithBody): boolean {
  let escapes = false;
  const visit = (node: ts.Node): void => {
    if (escapes) return;
    if (ts.isIdentifier(node) && node !== name && node.text === name.text) {
      const { node: use, parent } = outermostWrapper(node);
      if (!(ts.isCallExpression(parent) && parent.expression === use)) escapes = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  if (executor.body) visit(executor.body);
  return escapes;
}

function isAsync(fn: FunctionWithBody): boolean {
  return (ts.getCombinedModifierFlags(fn as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
}

/** Whether a `try` block of the same function encloses `node`: a rejection there goes to its `catch`/`finally`. */
function insideTry(node: ts.Node, owner: ts.Node | undefined): boolean {
  for (let current = node.parent; current && current !== owner; current = current.parent) {
    if (ts.isBlock(current) && ts.isTryStatement(current.parent) && current.parent.tryBlock === current) return true;
  }
  return false;
}

/** The calls that put a value in a collection. */
const COLLECTION_STORES: ReadonlySet<string> = new Set(['set', 'push', 'unshift', 'add']);

/** A binding element's property name: `promise` in `{ promise }` and `{ promise: p }`. */
function memberKey(element: ts.BindingElement): string | undefined {
  const key = element.propertyName ?? element.name;
  return ts.isIdentifier(key) ? key.text : undefined;
}

/** How many returns, chains and variables a promise is followed through. */
const MAX_DEPTH = 4;


/** Code that waits for a promise, run when a resolver of it is called. */
export interface Continuation {
  readonly unit: Unit;
  /** The `await` after which `unit` resumes; undefined for a `then`/`catch`/`finally` callback, which runs whole. */
  readonly resumeAt: ts.AwaitExpression | undefined;
  /** The `await` or the `then`/`catch`/`finally` call, for the chain. */
  readonly via: ts.Node;
}

export interface Settlement {
  /** What a call of a promise's resolver runs: the continuations of that promise. */
  continuationsOf(call: ts.CallExpression): readonly Continuation[];
}

/**
 * Whether a later program's reads of `name` are in the same files (the cached continuations
 * still hold). Made outside `run` so that it holds file names only, not the pass's program
 * (see flowsites.ts `searchProbe`).
 */
function propertyReadProbe(name: string, reads: readonly ts.PropertyAccessExpression[]): Probe {
  const files = new Set(reads.map((read) => read.getSourceFile().fileName));
  return (later) => later.getSourceFiles().every((file) => file.isDeclarationFile || files.has(file.fileName) === file.text.includes(`.${name}`));
}
