import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { calleeName, skipParens, unwrapFunctionReference } from '../util/ast.js';
import { isLibraryDeclaration, mayBeFunctionType, resolveAlias } from '../util/types.js';
import { eventNameOf, forwardingOf, mayNameEvent } from '../util/events.js';
import { CrossProgramCache, DependencyTracker, recordUsage, trackUsage, type Probe } from '../analysis/cross-program-cache.js';
import { syntaxAnalyzer, type Unit } from './syntax.js';
import { ANY_EVENT } from './flowsites.js';
import { valueFlowAnalyzer, type FlowTarget, type PassedArgument } from './valueflow.js';
import { settlementAnalyzer } from './settlement.js';
import { handedObjectsAnalyzer } from './handedobjects.js';

/**
 * callgraph: where control goes from a function. For each function the reach walk
 * visits, it resolves what its calls run — through value flow, so a call reaches the
 * functions that can be its callee wherever they were declared, stored, passed or
 * returned (plain functions, methods through instances, `this` and interfaces,
 * constructors, imports and re-exports, callbacks, fields, collections, dispatch tables,
 * `bind`/`call`/`apply`) — plus the listeners an `emit`/`dispatchEvent` runs, the functions
 * it passes as arguments (`setTimeout(flush)`, `lock.run(write)`, `.forEach(x => …)`; a
 * removal such as `off(…)` or `clearTimeout(…)` passes nothing that runs), the methods of
 * objects it hands to library code that the library calls back (`handedobjects`), the
 * functions it creates or names in object literals and stores for later, and the code
 * that waits for a promise its call of a resolver settles (`settlement`). Resolution is
 * memoised per call and asked only for functions that are reached.
 */
export const callgraphAnalyzer = defineAnalyzer<CallGraph>({
  name: 'callgraph',
  doc: 'Resolves the calls, function arguments and stored closures of reached functions to the functions they run.',
  requires: [syntaxAnalyzer, valueFlowAnalyzer, settlementAnalyzer, handedObjectsAnalyzer],
  run(pass) {
    const syntax = pass.resultOf(syntaxAnalyzer);
    const valueflow = pass.resultOf(valueFlowAnalyzer);
    const settlement = pass.resultOf(settlementAnalyzer);
    const handed = pass.resultOf(handedObjectsAnalyzer);
    const { checker } = pass;
    const { program } = pass;
    const edgeMemo = new Map<Unit, { edges: Edge[]; files: ReadonlySet<ts.SourceFile>; probes: ReadonlySet<Probe> }>();
    /** Collects the files each cached resolution looked at. */
    const tracker = new DependencyTracker(program);

    /** The functions an expression can be, memoised across programs while what the flow consulted is unchanged. */
    const functionsOf = (expression: ts.Expression): readonly FlowTarget[] =>
      tracker.memoize(resolutionCache, expression, expression, () => valueflow.functionsOf(expression));

    /** The functions a call runs, with where each was stored on the way, and how its arguments map to their parameters. */
    const callTargetsOf = (call: ts.CallExpression | ts.NewExpression): CallTargets =>
      tracker.memoize(callTargetCache, call, call, () => {
        if (ts.isNewExpression(call)) return { targets: constructorsOf(call).map((unit) => ({ unit })) };
        if (call.expression.kind === ts.SyntaxKind.SuperKeyword) return { targets: superConstructorsOf(call).map((unit) => ({ unit })) };
        const indirect = indirectCallOf(call);
        if (indirect) return { targets: valueflow.functionsOf(indirect.callee), argumentOffset: indirect.argumentOffset };
        const targets = valueflow.functionsOf(call.expression);
        return { targets: targets.length > 0 ? targets : signatureTarget(call).map((unit) => ({ unit })) };
      });

    const calleesOf = (call: ts.CallExpression | ts.NewExpression): Unit[] => callTargetsOf(call).targets.map((target) => target.unit);

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
      tracker.current.addSymbol(symbol);
      const target = resolveAlias(checker, symbol);
      tracker.current.addSymbol(target);
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
        const { value, files, probes } = trackUsage(() => computeEdges(unit));
        known = { edges: value, files, probes };
        edgeMemo.set(unit, known);
      } else {
        recordUsage(known.files, known.probes);
      }
      return known.edges;
    };

    const computeEdges = (unit: Unit): Edge[] => {
      const edges: Edge[] = [];
      const passedAsArgument = new Set<Unit>();
      for (const call of unit.calls) {
        const { targets, argumentOffset } = callTargetsOf(call);
        for (const { unit: callee, storedAt, passedThrough } of targets) {
          edges.push({ kind: 'call', from: unit, to: callee, site: call, call, storedAt, passedThrough, argumentOffset });
        }
        if (ts.isCallExpression(call)) {
          for (const { unit: waiting, resumeAt, via } of settlement.continuationsOf(call)) {
            edges.push({ kind: 'settles', from: unit, to: waiting, site: call, call, resumeAt, settledVia: via });
          }
          for (const listener of emittedListenersOf(call)) {
            edges.push({ kind: 'call', from: unit, to: listener.unit, site: call, call, registeredAt: listener.storedAt, argumentOffset: listener.argumentOffset });
          }
        }
        if (isRemoval(call)) continue;
        const calleeSeen = targets.some((target) => !ts.isSourceFile(target.unit.node));
        if (!calleeSeen) {
          for (const { unit: method, argument } of handed.methodsCalledBack(call)) {
            edges.push({ kind: 'stored', from: unit, to: method, site: argument, call, handedAt: argument });
          }
        }
        call.arguments?.forEach((argument, argumentIndex) => {
          for (const { unit: target } of functionsOf(argument)) {
            passedAsArgument.add(target);
            edges.push({ kind: 'argument', from: unit, to: target, site: argument, call, argumentIndex, calleeSeen });
          }
        });
      }
      for (const nested of unit.nested) {
        if (passedAsArgument.has(nested)) continue;
        const kind = laterUseOf(nested.node as ts.Node);
        if (kind) edges.push({ kind, from: unit, to: nested, site: nested.node });
      }
      for (const reference of unit.storedReferences) {
        for (const { unit: target } of functionsOf(reference)) {
          if (!passedAsArgument.has(target)) edges.push({ kind: 'stored', from: unit, to: target, site: reference });
        }
      }
      return edges;
    };

    /** The listeners that `bus.emit('ev', …)` or `target.dispatchEvent(new CustomEvent('ev'))` runs, synchronously. */
    const emittedListenersOf = (call: ts.CallExpression): readonly (FlowTarget & { argumentOffset?: ArgumentOffset })[] => {
      const literal = emittedEvent(call);
      if (!literal && !mayForward(call)) return [];
      return tracker.memoize(emitCache, call, call, () => {
        const event = literal ? namedEmittedEvent(literal, call) : forwardedEvent(call);
        if (!event) return [];
        return valueflow.listenersOf(call, event.name).map((target) => ({ ...target, argumentOffset: event.argumentOffset }));
      });
    };

    /** `emit(Events.Loaded, …)`: the one literal the checker gives the event's name, instead of any event. */
    const namedEmittedEvent = (event: EmittedEvent, call: ts.CallExpression): EmittedEvent => {
      if (event.name !== ANY_EVENT || !call.arguments[0] || !mayNameEvent(call.arguments[0])) return event;
      return { ...event, name: eventNameOf(checker, call.arguments[0]) ?? ANY_EVENT };
    };

    /** `player.trigger(Events.X, m)` where `trigger` emits its first parameter: the call fires that event on `player`. */
    const forwardedEvent = (call: ts.CallExpression): EmittedEvent | undefined => {
      const forwarding = forwardingOf(checker, call, (declaration) => !isLibraryDeclaration(pass.program, declaration));
      if (!forwarding) return undefined;
      tracker.current.addNode(forwarding.declaration);
      const name = eventNameOf(checker, call.arguments[0]!);
      return name === undefined ? undefined : { name, argumentOffset: forwarding.argumentOffset };
    };

    /**
     * Whether library code (whose body the walk does not see) can call the function passed
     * at `index`: its declared parameter there is a function type (a callback, a listener,
     * `TimerHandler`), or the callee has no declaration at all (untyped JavaScript). A
     * parameter of a free type (`Promise.resolve<T>(value: T)`, `structuredClone<T>`), of a
     * data type or of `any` (`console.log(...data: any[])`) only holds the function.
     */
    const libraryRunsArgument = (call: ts.CallExpression | ts.NewExpression, index: number): boolean =>
      tracker.memoize(runsArgumentCache, call, call, () => {
        const signature = checker.getResolvedSignature(call);
        const declaration = signature?.getDeclaration();
        tracker.current.addNode(declaration);
        if (!declaration || !('parameters' in declaration)) return [true];
        return (call.arguments ?? []).map((_, position) => {
          const parameters = declaration.parameters;
          const last = parameters[parameters.length - 1];
          const parameter = parameters[position] ?? (last?.dotDotDotToken ? last : undefined);
          if (!parameter) return false;
          let type = checker.getTypeAtLocation(parameter);
          if (parameter.dotDotDotToken && checker.isArrayType(type)) type = checker.getTypeArguments(type as ts.TypeReference)[0] ?? type;
          return mayBeFunctionType(checker, type, LIBRARY_PARAMETERS);
        });
      })[index] ?? true;

    return { edgesOf, calleesOf, libraryRunsArgument, functionsOf: (expression) => functionsOf(expression).map((target) => target.unit) };
  },
});

/**
 * A trap of a `new Proxy(target, { get, apply, … })` handler runs when the proxy is used
 * (a property read, a call), by whoever uses it: not a function stored for later by the
 * code that creates the proxy. Uses of a proxy reach its traps through value flow
 * (`proxiedMember`, `proxyCall`).
 */
function isProxyTrap(node: ts.Node): boolean {
  const member = ts.isObjectLiteralExpression(node.parent) ? node : node.parent;
  const handler = member.parent;
  if (!ts.isObjectLiteralExpression(handler) || !(ts.isMethodDeclaration(member) || ts.isPropertyAssignment(member))) return false;
  let holder: ts.Node = handler.parent;
  while (ts.isParenthesizedExpression(holder) || ts.isAsExpression(holder) || ts.isSatisfiesExpression(holder)) holder = holder.parent;
  return ts.isNewExpression(holder) && ts.isIdentifier(holder.expression) && holder.expression.text === 'Proxy' && holder.arguments?.[1] !== undefined && skipParens(holder.arguments[1]) === handler;
}

/** Function references, call targets and emitted listeners, reused by later programs while what they consulted is unchanged. */
const resolutionCache = new CrossProgramCache<ts.Node, readonly FlowTarget[]>();
const callTargetCache = new CrossProgramCache<ts.Node, CallTargets>();
const runsArgumentCache = new CrossProgramCache<ts.Node, readonly boolean[]>();
const emitCache = new CrossProgramCache<ts.Node, readonly (FlowTarget & { argumentOffset?: ArgumentOffset })[]>();

/**
 * How a call's arguments reach the callee's parameters: shifted by one for `f.call(self, a)`
 * and `bus.emit('ev', a)`; `'unknown'` for `f.apply(self, args)`, `Reflect.apply` and events.
 */
export type ArgumentOffset = number | 'unknown';

interface CallTargets {
  readonly targets: readonly FlowTarget[];
  readonly argumentOffset?: ArgumentOffset;
}

/**
 * A library parameter takes a function when its declared type is one. Typings say `any` for
 * data they pass along (`console.log(...data: any[])`), and a free type parameter
 * (`Promise.resolve<T>(value: T)`) only holds what it is given.
 */
const LIBRARY_PARAMETERS = { untyped: false, freeTypeParameter: false } as const;

/** `f.call(self, …)`, `f.apply(self, args)`, `Reflect.apply(f, self, args)`: the function really called. */
function indirectCallOf(call: ts.CallExpression): { callee: ts.Expression; argumentOffset: ArgumentOffset } | undefined {
  const callee = skipParens(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const name = callee.name.text;
  if (ts.isIdentifier(callee.expression) && callee.expression.text === 'Reflect' && name === 'apply' && call.arguments[0]) {
    return { callee: call.arguments[0], argumentOffset: 'unknown' };
  }
  if (name === 'call') return { callee: callee.expression, argumentOffset: 1 };
  if (name === 'apply') return { callee: callee.expression, argumentOffset: 'unknown' };
  return undefined;
}

/** The event an `emit('ev', …)` (any event, for `emit(msg.type, …)`) or `dispatchEvent(new CustomEvent('ev'))` fires. */
interface EmittedEvent {
  readonly name: string;
  readonly argumentOffset: ArgumentOffset;
}

/** A method call with an event-like first argument, which may be a wrapper's `trigger(Events.X, …)`: a syntactic test only. */
function mayForward(call: ts.CallExpression): boolean {
  const first = call.arguments[0];
  return ts.isPropertyAccessExpression(skipParens(call.expression)) && first !== undefined && (ts.isStringLiteralLike(first) || mayNameEvent(first));
}

function emittedEvent(call: ts.CallExpression): EmittedEvent | undefined {
  const name = calleeName(call.expression);
  const first = call.arguments[0] && skipParens(call.arguments[0]);
  if (!first) return undefined;
  if (name === 'emit') return { name: ts.isStringLiteralLike(first) ? first.text : ANY_EVENT, argumentOffset: 1 };
  if (name === 'dispatchEvent' && ts.isNewExpression(first) && first.arguments?.[0] && ts.isStringLiteralLike(first.arguments[0])) {
    return { name: first.arguments[0].text, argumentOffset: 'unknown' };
  }
  return undefined;
}

/** Calls that take a function away (`off`, `removeEventListener`, `clearTimeout`, `unsubscribe`): they never run it. */
const REMOVALS = new Set(['off', 'removeListener', 'removeEventListener', 'removeAllListeners', 'clearTimeout', 'clearInterval', 'clearImmediate', 'unsubscribe', 'cancelAnimationFrame', 'cancelIdleCallback']);

function isRemoval(call: ts.CallExpression | ts.NewExpression): boolean {
  const name = ts.isCallExpression(call) ? calleeName(call.expression) : undefined;
  return name !== undefined && REMOVALS.has(name);
}

export type EdgeKind = 'call' | 'argument' | 'stored' | 'handler' | 'settles';

/** One way control goes from `from` into `to`. */
export interface Edge {
  readonly kind: EdgeKind;
  readonly from: Unit;
  readonly to: Unit;
  /** The call, the argument, or the stored function: where the chain passes. */
  readonly site: ts.Node;
  readonly call?: ts.CallExpression | ts.NewExpression;
  readonly argumentIndex?: number;
  /** For a call through a value: where the function was stored on the way (`this.onData = onData`). */
  readonly storedAt?: ts.Node;
  /** For an emit: where the listener it runs was registered (`bus.on('cancel', f)`). */
  readonly registeredAt?: ts.Node;
  /** For a call through a parameter: the calls that passed the function in, on the way. */
  readonly passedThrough?: readonly PassedArgument[];
  /** For a call: how its arguments map to the callee's parameters, when not one to one. */
  readonly argumentOffset?: ArgumentOffset;
  /** For an argument: the call's callee is project code the walk follows, which runs (or stores) the function itself. */
  readonly calleeSeen?: boolean;
  /** For `stored`: the argument that handed library code the object whose method `to` is, for the library to call back. */
  readonly handedAt?: ts.Expression;
  /** For `settles` (a resolver's call runs what waits for its promise): the `await` after which `to` resumes; none for a `then` callback. */
  readonly resumeAt?: ts.AwaitExpression;
  /** For `settles`: the `await` or `then`/`catch`/`finally` call that waits. */
  readonly settledVia?: ts.Node;
}

export interface CallGraph {
  edgesOf(unit: Unit): readonly Edge[];
  calleesOf(call: ts.CallExpression | ts.NewExpression): readonly Unit[];
  /** Whether library code can call the function that `call` passes at `index` (see callgraph). */
  libraryRunsArgument(call: ts.CallExpression | ts.NewExpression, index: number): boolean;
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
  if (isProxyTrap(node)) return undefined;
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
