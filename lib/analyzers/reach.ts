import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import type { MapKind } from '../util/types.js';
import { CrossProgramCache, trackUsage } from '../analysis/cross-program-cache.js';
import { configKey } from '../analysis/config.js';
import { callgraphAnalyzer, type Edge } from './callgraph.js';
import { contextsAnalyzer, type Context } from './contexts.js';
import { guardsAnalyzer } from './guards.js';
import { interleavingAnalyzer } from './interleaving.js';
import { mutationsAnalyzer, type MapWrite } from './mutations.js';
import { ownershipAnalyzer, THIS_PARAMETER, type Ownership, type OwnershipScope } from './ownership.js';
import type { Unit } from './syntax.js';
import { outermostWrapper, positionLabel, referencesTo, skipParens } from '../util/ast.js';
import { projectDirOf } from '../workspace/boundaries.js';
import { ELEMENT_CALLBACKS } from './valueflow.js';
import { isOneShotListener } from '../util/listeners.js';
import { contained, throwIfInjected, type AnalysisFailure } from '../analysis/faults.js';
import { stalenessAnalyzer, type ActivationStep } from './staleness.js';
import { entryConflictAnalyzer } from './entryconflict.js';
import { freshnessAnalyzer } from './freshness.js';
import { serialisationAnalyzer } from './serialisation.js';
import { publicationAnalyzer } from './publication.js';
import { readsAnalyzer } from './reads.js';

/**
 * reach: the unguarded writes to shared maps that contexts reach. From each context it
 * walks the call graph breadth-first with a state per function — whether a lock is
 * held, and (for `interleaving: "await"`) whether control has been given back on the
 * way — keeping a few states per function (lock held, control given back, entered
 * through something that runs it again and again) and the predecessor of each, so that
 * the walk is linear in the reached graph, cycles cost nothing, and the first path
 * found to a state is a shortest one. A write is reported when some path reaches it
 * with no lock held (and, in "await" mode, after control was given back), on a
 * container the ownership analysis finds shared for that path. Writes reached from
 * several contexts are reported once, with the shortest chain and the number of
 * contexts; a container also written under a lock elsewhere is flagged as such. In
 * "await" mode a write found suspended and unguarded is then judged on its activation
 * (the functions from the turn's start to the write): it is reported only as a stale
 * read (`staleness`) or an entry conflict (`entryconflict`), each naming another turn's
 * write of the same container found by the walks; the rest of the program is never
 * looked at for reads or keys.
 */
export const reachAnalyzer = defineAnalyzer<ReachResult>({
  name: 'reach',
  doc: 'Walks from every context through the call graph with lock and suspension state and reports unguarded writes to shared maps.',
  requires: [contextsAnalyzer, callgraphAnalyzer, guardsAnalyzer, interleavingAnalyzer, mutationsAnalyzer, ownershipAnalyzer, stalenessAnalyzer, entryConflictAnalyzer, freshnessAnalyzer, serialisationAnalyzer, publicationAnalyzer, readsAnalyzer],
  run(pass) {
    const { config, checker } = pass;
    const contexts = pass.resultOf(contextsAnalyzer);
    const callgraph = pass.resultOf(callgraphAnalyzer);
    const guards = pass.resultOf(guardsAnalyzer);
    const interleaving = pass.resultOf(interleavingAnalyzer);
    const mutations = pass.resultOf(mutationsAnalyzer);
    const ownership = pass.resultOf(ownershipAnalyzer);
    const staleness = pass.resultOf(stalenessAnalyzer);
    const entryConflicts = pass.resultOf(entryConflictAnalyzer);
    const freshness = pass.resultOf(freshnessAnalyzer);
    const serialisation = pass.resultOf(serialisationAnalyzer);
    const publication = pass.resultOf(publicationAnalyzer);
    const reads = pass.resultOf(readsAnalyzer);
    const awaitMode = config.interleaving === 'await';
    const walkKey = configKey(config);

    const best = new Map<ts.Node, { finding: Finding; contexts: Set<Context> }>();
    const lockedContainers = new Map<ts.Node, ts.Node>();

    /** One context's walk: reused from an earlier program while every file it consulted is unchanged. */
    const walkOf = (context: Context): WalkResult => {
      const cache = walkCacheFor(walkKey, context.registration);
      const known = cache.get(pass.program, context.unit.node);
      if (known?.helpersAlive()) return known;
      const { value, files, probes } = trackUsage(() => walk(context));
      cache.set(pass.program, context.unit.node, value, [...files, ...value.files], probes);
      return value;
    };

    /** A walk that threw outside every unit it contains fails for its context alone, at the registration. */
    const containedWalkOf = (context: Context): WalkResult =>
      contained(pass.failures, context.registration, 'reach', EMPTY_WALK, () => walkOf(context));

    const walk = (context: Context): WalkResult & { files: ts.SourceFile[] } => {
      const records: WalkRecord[] = [];
      const locked: (readonly [ts.Node, ts.Node])[] = [];
      // Kept with the walk, so that a walk reused from an earlier program reports them again.
      const failures: AnalysisFailure[] = [];
      const visits = new Map<Unit, Visit[]>();
      const incoming = new Map<Unit, { edge: Edge; from: Visit }[]>();
      const root: Visit = { unit: context.unit, guarded: false, point: undefined, previous: undefined };
      // A listener for one event (`once`, or one that removes itself: "wait for ready") that
      // settles a promise resumes start-up code, not a turn of every message.
      const oneShot = isOneShotListener(context.registration, context.unit.node);
      visits.set(context.unit, [root]);
      const queue: Visit[] = [root];
      // A function value that came into a function through its parameter at call site C can
      // run there only on a visit that entered that function at C, or into which a visit that
      // did was merged (the same state): on any other visit the edge waits until one is. Kept
      // per visit, not per function: a callback passed at C under a lock, or after an await,
      // runs in that visit's state, and its chain goes through C, not through whichever other
      // call entered the function first.
      const entriesOf = new Map<Visit, Set<ts.Node>>();
      const parkedOn = new Map<Visit, Map<ts.Node, Edge[]>>();
      const take = (visit: Visit, edge: Edge): void => {
        let list = incoming.get(edge.to);
        if (!list) incoming.set(edge.to, (list = []));
        list.push({ edge, from: visit });
        const next = follow(visit, edge);
        const known = visits.get(edge.to) ?? [];
        const same = known.find((other) => sameState(other, next));
        if (same) {
          if (edge.kind === 'call' && edge.call) enter(same, edge.call);
          return;
        }
        if (edge.kind === 'call' && edge.call) entriesOf.set(next, new Set([edge.call]));
        known.push(next);
        visits.set(edge.to, known);
        queue.push(next);
      };
      const enter = (visit: Visit, call: ts.Node): void => {
        let entries = entriesOf.get(visit);
        if (!entries) entriesOf.set(visit, (entries = new Set()));
        if (entries.has(call)) return;
        entries.add(call);
        const released = parkedOn.get(visit)?.get(call);
        parkedOn.get(visit)?.delete(call);
        for (const edge of released ?? []) take(visit, edge);
      };
      const waitsForEntry = (visit: Visit, edge: Edge): boolean => {
        const entry = edge.passedThrough?.[0];
        if (!entry || entry.into !== visit.unit.node || entriesOf.get(visit)?.has(entry.call)) return false;
        let byCall = parkedOn.get(visit);
        if (!byCall) parkedOn.set(visit, (byCall = new Map()));
        const parked = byCall.get(entry.call) ?? [];
        parked.push(edge);
        byCall.set(entry.call, parked);
        return true;
      };
      for (let head = 0; head < queue.length; head++) {
        const visit = queue[head]!;
        const edges = contained(failures, visit.unit.node, 'callgraph', [] as readonly Edge[], () => callgraph.edgesOf(visit.unit));
        for (const edge of edges) {
          if (config.isIgnoredFile(edge.to.file.fileName) || isNotRunByCaller(edge) || isRunByLock(edge)) continue;
          if (before(visit, edge.site) || (edge.kind === 'settles' && oneShot && !repeatsOnTheWay(visit))) continue;
          if (waitsForEntry(visit, edge)) continue;
          take(visit, edge);
        }
      }

      const scope: OwnershipScope = { context: context.unit, isReached: (unit) => visits.has(unit) };
      const parameterMemo = new Map<string, boolean>();
      const isShared = (result: Ownership, visit?: Visit): boolean => {
        if (result.kind === 'closure') {
          return outlivesOwner(result.owner, result.user, visit) || isShared(result.otherwise, visit);
        }
        if (result.kind !== 'parameter') return result.kind === 'shared';
        return isParameterShared(result.owner, result.index);
      };
      /**
       * Whether a closure runs beyond one run of the function whose local it uses: it is
       * the context itself or reached without that function running first, or on the way
       * from it control passed through a listener, an event property or a stored function,
       * each of which may run it again and again.
       */
      const outlivesOwner = (owner: Unit, user: Unit, visit: Visit | undefined): boolean => {
        const candidates = visit ? [visit] : (visits.get(user) ?? []);
        return candidates.some((candidate) => {
          for (let step: Visit | undefined = candidate; step; step = step.previous) {
            if (step.unit === owner) return false;
            if (step.repeats) return true;
          }
          return true;
        });
      };
      const isParameterShared = (owner: Unit, index: number): boolean => {
        if (owner === context.unit) return index === THIS_PARAMETER;
        if (!visits.has(owner)) return true;
        const key = `${owner.file.fileName}:${owner.node.pos}:${index}`;
        const known = parameterMemo.get(key);
        if (known !== undefined) return known;
        parameterMemo.set(key, false);
        let shared = false;
        for (const { edge } of incoming.get(owner) ?? []) {
          const argument = argumentFor(edge, index);
          if (argument === 'shared') shared = true;
          else if (argument) shared = isShared(ownership.ownershipOf(argument, scope));
          if (shared) break;
        }
        parameterMemo.set(key, shared);
        return shared;
      };

      // "await" mode: writes reached with nothing given back, kept only to name the other
      // side of a reported race (checked for sharing only for containers that have one).
      const quiet: { write: MapWrite; visit: Visit }[] = [];
      const others: OtherWrite[] = [];
      /** One write, in each state its function was reached in: reported on the first unguarded path to a shared container. */
      const checkWrite = (write: MapWrite, unitVisits: readonly Visit[]): void => {
        for (const visit of unitVisits) {
          if (before(visit, write.site.node)) continue;
          if (isHeld(visit, write.site.node)) {
            const declaration = containerDeclaration(write);
            if (declaration) locked.push([declaration, write.site.node]);
            continue;
          }
          const point = awaitMode ? pointAt(visit, write.site.node) : undefined;
          if (awaitMode && !point) {
            quiet.push({ write, visit });
            continue;
          }
          if (!isShared(ownership.ownershipOf(write.site.receiver, scope), visit)) continue;
          const chain = chainOf(visit, write.site.node.getSourceFile());
          const declaration = containerDeclaration(write);
          if (awaitMode) {
            const activation = activationOf(visit, write.site.node);
            const loop = serialisation.loopOf(activation);
            others.push({ declaration, node: write.site.node, chain, loop });
            const verdict = judge(activation, write);
            if (!verdict) continue;
            records.push({ write, chain, point, sharedLock: visit.sharedLock, declaration, verdict: { ...verdict, loop }, unitNode: visit.unit.node });
            return;
          }
          records.push({ write, chain, point, sharedLock: visit.sharedLock, declaration, unitNode: visit.unit.node });
          return;
        }
      };

      for (const [unit, unitVisits] of visits) {
        if (config.isIgnoredFile(unit.file.fileName)) continue;
        const writes = contained(failures, unit.node, 'mutations', [] as readonly MapWrite[], () => {
          throwIfInjected(unit.name);
          return mutations.writesOf(unit);
        });
        for (const write of writes) {
          contained(failures, write.site.node, 'reach', undefined, () => checkWrite(write, unitVisits));
        }
      }
      const raced = new Set(records.map((found) => found.declaration));
      const quietOthers = new Map<ts.Node | undefined, OtherWrite[]>();
      /** The shared writes of a container reached with nothing given back: the other side for a race another walk found. */
      const quietOthersOf = (declaration: ts.Node | undefined): readonly OtherWrite[] => {
        let known = quietOthers.get(declaration);
        if (known) return known;
        quietOthers.set(declaration, (known = []));
        for (const { write, visit } of quiet) {
          if (containerDeclaration(write) !== declaration || others.some((other) => other.node === write.site.node) || known.some((other) => other.node === write.site.node)) continue;
          if (!isShared(ownership.ownershipOf(write.site.receiver, scope), visit)) continue;
          known.push({ declaration, node: write.site.node, chain: chainOf(visit, write.site.node.getSourceFile()), loop: serialisation.loopOf(activationOf(visit, write.site.node)) });
        }
        return known;
      };
      /** The functions of this walk that look `container` up by key (`get`, `has`, `in`, an index), each with its chain. */
      const keyedReadersOf = (container: ts.Expression, except: ts.Node): readonly OtherWrite[] => {
        const found: OtherWrite[] = [];
        for (const [unit, unitVisits] of visits) {
          if (unit.node === except || config.isIgnoredFile(unit.file.fileName)) continue;
          const read = reads.directReadsOf(unit, container).find((candidate) => reads.keyOfRead(candidate) !== undefined);
          if (read && unitVisits[0]) found.push({ declaration: undefined, node: read, chain: chainOf(unitVisits[0], read.getSourceFile()), loop: undefined });
        }
        return found;
      };
      return {
        records,
        locked,
        failures,
        others: others.filter((other) => raced.has(other.declaration)),
        // The helpers close over this walk and this program's analysis; only "await" mode asks them.
        ...(awaitMode ? heldByProgram(pass.program, { quietOthersOf, keyedReadersOf }) : NO_HELPERS),
        files: [...visits.keys()].map((unit) => unit.file).concat(context.registration.getSourceFile()),
      };
    };

    /** A suspended, unguarded write judged on its activation: a stale read, an entry conflict, or nothing an interleaving can make wrong. */
    const judge = (activation: readonly ActivationStep[], write: MapWrite): Verdict | undefined => {
      // A fresh key sent out before the suspension: an answer may look the entry up before it exists.
      const late = publication.latePublish(activation, write);
      if (late) return { kind: 'latePublish', evidence: late.sent };
      // An entry keyed by something this activation generated is this turn's alone; a
      // delete from a table whose every entry is keyed fresh removes its own request's entry.
      if (freshness.freshKey(activation, write) || freshness.freshlyKeyed(write)) return undefined;
      const conflict = entryConflicts.entryConflict(activation, write);
      if (conflict) return { kind: 'entryConflict', evidence: conflict.earlier };
      const stale = staleness.staleRead(activation, write);
      if (stale) return { kind: 'staleRead', evidence: stale.read, onlySetsMatter: stale.absent === true && !removes(write.site.node) };
      return undefined;
    };

    /**
     * The functions of one activation, from the write's up to where the turn began (the
     * context, or a stored function or subscribed listener, each a turn of its own), with
     * the node each runs next and the suspension before it.
     */
    const activationOf = (visit: Visit, node: ts.Node): ActivationStep[] => {
      const steps: ActivationStep[] = [];
      for (let step: Visit | undefined = visit, at = node; step && steps.length < MAX_ACTIVATION; ) {
        const previous: Visit | undefined = step.previous;
        const edge: Edge | undefined = step.edge;
        const enteredDeferred = previous !== undefined && edge !== undefined && step.point !== undefined && step.point !== pointAt(previous, edge.site);
        steps.push({ unit: step.unit, node: at, point: interleaving.pointBefore(step.unit, at), enteredDeferred });
        if (!previous || !edge || startsTurn(edge)) break;
        at = edge.site;
        step = previous;
      }
      return steps;
    };

    /** An edge into a function stored or subscribed for later events: each run starts a turn. */
    const startsTurn = (edge: Edge): boolean => {
      if (edge.kind === 'stored' || edge.kind === 'settles') return true;
      const deferral = edge.kind === 'argument' && edge.call && edge.argumentIndex !== undefined ? interleaving.deferral(edge.call, edge.argumentIndex) : undefined;
      return deferral?.kind === 'stored' || (deferral?.kind === 'listener' && deferral.subscription === true);
    };

    /**
     * A function passed to project code that the walk follows: that code runs it (or
     * stores it) where the walk will find it, in the state of that moment, unless the call
     * is itself a lock or a deferral that says how the function runs. A function passed
     * to library code that does not take it as a function is not run there at all.
     */
    const isNotRunByCaller = (edge: Edge): boolean =>
      edge.kind === 'argument' &&
      edge.call !== undefined &&
      edge.argumentIndex !== undefined &&
      !guards.callbackLock(edge.call, edge.argumentIndex) &&
      !interleaving.deferral(edge.call, edge.argumentIndex) &&
      // Library code runs only what it takes as a function (`Promise.resolve(f)` holds f).
      (edge.calleeSeen === true || !callgraph.libraryRunsArgument(edge.call, edge.argumentIndex));

    /**
     * The other half of the same rule: a lock (`mutex.runExclusive(fn)`, a configured
     * `withLock(fn)`) says how the function it is handed runs, so its own body calling
     * that parameter is not another way in.
     */
    const isRunByLock = (edge: Edge): boolean =>
      edge.passedThrough?.some((passed) => guards.callbackLock(passed.call, passed.index) !== undefined) === true;

    /** The functions from the context to `visit`, in the order control reaches them, with the values called on the way. */
    const chainOf = (visit: Visit, writeFile: ts.SourceFile): string[] => {
      const chain: string[] = [];
      for (let step: Visit | undefined = visit; step; step = step.previous) {
        chain.unshift(hopLabel(step.unit, step.previous?.unit.file ?? writeFile, config.cwd));
        const through = step.edge;
        if (through?.storedAt && through.call) {
          chain.unshift(`${calleeText(through.call)} (stored at ${positionLabel(through.storedAt, config.cwd)})`);
        } else if (through?.registeredAt && through.call) {
          chain.unshift(`${calleeText(through.call)} (listener registered at ${positionLabel(through.registeredAt, config.cwd)})`);
        } else if (through?.handedAt && through.call) {
          chain.unshift(`${calleeText(through.call)} (calls back the object handed to it at ${positionLabel(through.handedAt, config.cwd)})`);
        } else if (through?.kind === 'settles' && through.call && through.settledVia) {
          chain.unshift(`${calleeText(through.call)} (settles the promise awaited at ${positionLabel(through.settledVia, config.cwd)})`);
        }
      }
      return chain;
    };

    /** Whether a lock is held where `node` runs, in the function and state of `visit`. */
    const isHeld = (visit: Visit, node: ts.Node): boolean =>
      visit.guarded ||
      guards.bracketAt(visit.unit, node) !== undefined ||
      (visit.lockIfChecked === true && guards.lockCheckedAt(visit.unit, node));

    /** Where control was last given back before `node` runs: in its own function if there, else on the way in. */
    const pointAt = (visit: Visit, node: ts.Node): ts.Node | undefined => interleaving.pointBefore(visit.unit, node) ?? visit.point;

    /** A listener, or a function stored in a collection: called once per event, not once per call. */
    const repeatsCallback = (edge: Edge): boolean => {
      const deferral = edge.call && edge.argumentIndex !== undefined ? interleaving.deferral(edge.call, edge.argumentIndex) : undefined;
      return (deferral?.kind === 'listener' && deferral.subscription === true) || deferral?.kind === 'stored' || (deferral?.kind === 'timer' && deferral.label === 'setInterval');
    };

    /** The state in which `edge` enters its target from `visit`. */
    const follow = (visit: Visit, edge: Edge): Visit => {
      const heldAtSite = isHeld(visit, edge.site);
      const pointAtSite = awaitMode ? pointAt(visit, edge.site) : undefined;
      let guarded = heldAtSite;
      let point = pointAtSite;
      let sharedLock = visit.sharedLock;
      let lockIfChecked = false;
      if (edge.kind === 'argument' && edge.call && edge.argumentIndex !== undefined) {
        const lock = guards.callbackLock(edge.call, edge.argumentIndex);
        const deferral = interleaving.deferral(edge.call, edge.argumentIndex);
        if (lock?.kind === 'exclusive') {
          guarded = true;
        } else if (lock?.kind === 'ifAvailable') {
          lockIfChecked = !heldAtSite;
        } else if (lock?.kind === 'shared') {
          sharedLock = lock.label;
        } else if (deferral?.kind === 'stored' || (deferral?.kind === 'listener' && deferral.subscription)) {
          // Stored, or subscribed to future events: each run is a turn of its own, with no
          // lock and nothing given back until it awaits itself (a listener the context
          // registers is a context in its own right, not a continuation of this one).
          guarded = false;
          point = undefined;
        } else if (deferral) {
          guarded = deferral.keepsLock && heldAtSite;
          if (awaitMode) point = edge.call;
        }
      } else if (edge.kind === 'handler') {
        // An `on…` event property: the function runs in a later task, outside any lock.
        guarded = false;
        if (awaitMode) point = edge.site;
      } else if (edge.kind === 'stored') {
        // Stored for whoever calls it later, in a turn of its own: no lock, and nothing
        // given back yet until the function itself awaits.
        guarded = false;
        point = undefined;
      } else if (edge.kind === 'settles') {
        // What waits for the settled promise resumes in a later microtask, with the lock
        // state of the code that waits, having given control back at its await.
        guarded = heldByWaiter(edge);
        sharedLock = undefined;
        point = awaitMode ? (edge.resumeAt ?? edge.settledVia) : undefined;
      }
      const repeats = edge.kind === 'stored' || edge.kind === 'handler' || edge.kind === 'settles' || (edge.kind === 'argument' && repeatsCallback(edge));
      return { unit: edge.to, guarded, point, previous: visit, edge, sharedLock, lockIfChecked, repeats, resumeAt: edge.kind === 'settles' ? edge.resumeAt : undefined };
    };

    /**
     * Whether the code a settled promise resumes holds a lock: its function is the callback
     * of an exclusive lock (`locks.request('k', async () => { await reply; … })`), or a local
     * function every use of whose name is as such a callback (`locks.request('k', open)`,
     * `mutex.runExclusive(open)`). A lock its callers hold otherwise is not seen.
     */
    const heldByWaiter = (edge: Edge): boolean => {
      const fn = edge.to.node;
      if (isLockCallback(fn)) return true;
      const holder = outermostWrapper(fn).parent;
      const declaration = ts.isFunctionDeclaration(fn) ? fn : holder && ts.isVariableDeclaration(holder) ? holder : undefined;
      const name = declaration?.name;
      if (!declaration || !name || !ts.isIdentifier(name)) return false;
      const symbol = checker.getSymbolAtLocation(name);
      const scope = ts.findAncestor(declaration.parent, (node) => ts.isBlock(node) || ts.isSourceFile(node));
      // An exported function may be called from other files, outside any lock.
      if (!symbol || !scope || (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Export) !== 0) return false;
      const uses = referencesTo(name, symbol, scope, checker);
      return uses.length > 0 && uses.every((use) => isLockCallback(use));
    };

    /** Whether `node` is an argument that an exclusive lock calls back (`locks.request('k', node)`). */
    const isLockCallback = (node: ts.Node): boolean => {
      const holder = outermostWrapper(node).parent;
      if (!holder || !(ts.isCallExpression(holder) || ts.isNewExpression(holder))) return false;
      const index = holder.arguments?.findIndex((argument) => skipParens(argument) === node) ?? -1;
      return index >= 0 && guards.callbackLock(holder, index)?.kind === 'exclusive';
    };

    const argumentFor = (edge: Edge, index: number): ts.Expression | 'shared' | undefined => {
      if (edge.kind === 'argument' && edge.call && index !== THIS_PARAMETER) return elementSourceFor(edge, index);
      if (edge.kind !== 'call' || !edge.call) {
        // Called back by code we do not see: the function's own parameters carry fresh
        // values, but a method passed by reference keeps its long-lived instance.
        return index === THIS_PARAMETER && !ts.isArrowFunction(edge.to.node) && ts.isClassLike(edge.to.node.parent) ? 'shared' : undefined;
      }
      if (index === THIS_PARAMETER) {
        if (ts.isNewExpression(edge.call)) return undefined;
        const callee = edge.call.expression;
        return ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee) ? callee.expression : undefined;
      }
      if (edge.argumentOffset === 'unknown') return undefined;
      return edge.call.arguments?.[index + (edge.argumentOffset ?? 0)];
    };

    /**
     * A callback that library code calls with the elements of a collection (`maps.forEach(m
     * => m.clear())`, `map`, `filter`, `reduce`'s second parameter …): those elements come
     * out of the receiver, so the parameter is as shared as the receiver.
     */
    const elementSourceFor = (edge: Edge, index: number): ts.Expression | undefined => {
      const callee = skipParens(edge.call!.expression);
      if (!ts.isPropertyAccessExpression(callee)) return undefined;
      const name = callee.name.text;
      const elementIndex = name === 'reduce' || name === 'reduceRight' ? 1 : ELEMENT_CALLBACKS.has(name) ? 0 : undefined;
      if (index === elementIndex) return callee.expression;
      if (index === 0 && elementIndex === 1) return edge.call!.arguments?.[1];
      return undefined;
    };

    /** The declaration of the written container (a variable, a field): its identity across writes. */
    const containerDeclaration = (write: MapWrite): ts.Node | undefined => {
      const receiver = write.site.receiver;
      const known = containerCache.get(pass.program, receiver);
      if (known !== undefined) return known ?? undefined;
      const name = ts.isPropertyAccessExpression(receiver) ? receiver.name : receiver;
      const symbol = checker.getSymbolAtLocation(name);
      const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
      containerCache.set(pass.program, receiver, declaration ?? null, [receiver.getSourceFile(), ...(declaration ? [declaration.getSourceFile()] : [])]);
      return declaration;
    };

    const record = (context: Context, found: WalkRecord): void => {
      const { write } = found;
      const finding: Finding = {
        file: write.site.node.getSourceFile(),
        node: write.site.node,
        container: describeContainer(write),
        mapKind: write.mapKind,
        context,
        chain: found.chain,
        contextCount: 1,
        suspendedAt: found.point,
        sharedLock: found.sharedLock,
        lockedElsewhere: undefined,
        declaration: found.declaration,
        kind: found.verdict?.kind ?? 'unguarded',
        evidence: found.verdict?.evidence,
        otherTurn: undefined,
        loop: found.verdict?.loop,
        onlySetsMatter: found.verdict?.onlySetsMatter === true,
        receiver: write.site.receiver,
        unitNode: found.unitNode,
      };
      const existing = best.get(write.site.node);
      if (!existing) {
        best.set(write.site.node, { finding, contexts: new Set([context]) });
        return;
      }
      existing.contexts.add(context);
      if (finding.chain.length < existing.finding.chain.length) existing.finding = finding;
    };

    /** Per container, the writes other turns make, with the context that reaches each: the other side of a race. */
    const otherTurns = new Map<ts.Node | undefined, OtherTurn[]>();
    const addOther = (context: Context, other: OtherWrite): void => {
      let list = otherTurns.get(other.declaration);
      if (!list) otherTurns.set(other.declaration, (list = []));
      if (!list.some((known) => known.node === other.node)) list.push({ node: other.node, context, chain: other.chain, loop: other.loop });
    };
    const walks: [Context, WalkResult][] = [];
    for (const context of contexts) {
      const result = containedWalkOf(context);
      walks.push([context, result]);
      for (const failure of result.failures) if (!pass.failures.some((known) => known.node === failure.node)) pass.failures.push(failure);
      for (const found of result.records) record(context, found);
      for (const other of result.others) addOther(context, other);
      for (const [declaration, write] of result.locked) if (!lockedContainers.has(declaration)) lockedContainers.set(declaration, write);
    }
    // The other side of a race one walk found may be a write another context makes with nothing given back.
    const racedAnywhere = new Set([...best.values()].map(({ finding }) => finding.declaration));
    for (const [context, result] of walks) {
      for (const declaration of racedAnywhere) for (const other of result.quietOthersOf(declaration)) addOther(context, other);
    }

    const byFile = new Map<string, Finding[]>();
    /** For a late publish: another turn that looks the entry up by key (the one that finds nothing). */
    const readerOf = (finding: Finding): OtherTurn | undefined => {
      const receiver = finding.receiver;
      const except = finding.unitNode;
      let best: OtherTurn | undefined;
      for (const [context, result] of walks) {
        for (const reader of result.keyedReadersOf(receiver, except)) {
          if (!best || reader.chain.length < best.chain.length) best = { node: reader.node, context, chain: reader.chain, reads: true };
        }
      }
      return best;
    };
    for (const { finding, contexts: reaching } of best.values()) {
      const lockedAt = finding.declaration && lockedContainers.get(finding.declaration);
      const otherTurn = finding.kind === 'latePublish' ? readerOf(finding) : otherTurnOf(finding, otherTurns);
      // Every other write of the container runs in the same receive loop's turns, which never overlap this one.
      // (or, for a late publish, nobody else looks the entry up).
      if (finding.kind !== 'unguarded' && !otherTurn) continue;
      const complete: Finding = { ...finding, contextCount: reaching.size, lockedElsewhere: lockedAt, otherTurn };
      let list = byFile.get(complete.file.fileName);
      if (!list) byFile.set(complete.file.fileName, (list = []));
      list.push(complete);
    }
    for (const list of byFile.values()) list.sort((a, b) => a.node.getStart() - b.node.getStart());
    return { findingsFor: (fileName) => byFile.get(fileName) ?? [], contexts };
  },
});

/** The longest activation judged: deeper chains of callers rarely carry a read to the write. */
const MAX_ACTIVATION = 8;

/**
 * The other side of a race: another write of the container, preferring one at another
 * place (the shortest chain), else the same write run by another turn of its context.
 * Writes in the turns of the receive loop the finding runs in are not candidates (they
 * never overlap it), so a finding inside such a loop may have no other side at all.
 */
function otherTurnOf(finding: Finding, otherTurns: ReadonlyMap<ts.Node | undefined, readonly OtherTurn[]>): OtherTurn | undefined {
  if (finding.kind === 'unguarded') return undefined;
  const candidates = otherTurns.get(finding.declaration) ?? [];
  let best: OtherTurn | undefined;
  for (const candidate of candidates) {
    if (candidate.node === finding.node || (finding.loop && candidate.loop === finding.loop)) continue;
    // A set after "not there yet": another turn's delete leaves it not there.
    if (finding.onlySetsMatter && removes(candidate.node)) continue;
    if (!best || candidate.chain.length < best.chain.length) best = candidate;
  }
  if (best || finding.loop) return best;
  return { node: finding.node, context: finding.context, chain: finding.chain };
}

interface OtherWrite {
  readonly declaration: ts.Node | undefined;
  readonly node: ts.Node;
  readonly chain: readonly string[];
  /** The receive loop whose awaited handling this write runs in, if any (see `serialisation`). */
  readonly loop: ts.Node | undefined;
}

/** Another turn's write of a container: where, from which context, through which functions. */
export interface OtherTurn {
  readonly node: ts.Node;
  readonly context: Context;
  readonly chain: readonly string[];
  readonly loop?: ts.Node;
  /** The other turn looks the entry up (a late publish) rather than writing it. */
  readonly reads?: boolean;
}

/** What "await" mode makes of a suspended, unguarded write. */
interface Verdict {
  readonly kind: 'staleRead' | 'entryConflict' | 'latePublish';
  /** The stale read, or the turn's own earlier write of the entry. */
  readonly evidence: ts.Node;
  /** The receive loop the write's turn runs in (see `serialisation`). */
  readonly loop?: ts.Node;
  /** A set under a check that found nothing: only another turn's set can make it wrong. */
  readonly onlySetsMatter?: boolean;
}

/** What one context's walk found: its unguarded writes, and the containers it reached written under a lock. */
interface WalkResult {
  readonly records: readonly WalkRecord[];
  /** "await" mode: the shared writes of containers with a reported race, to name the other side. */
  readonly others: readonly OtherWrite[];
  /** "await" mode: the shared writes of a container reached with nothing given back (for races other walks found). */
  quietOthersOf(declaration: ts.Node | undefined): readonly OtherWrite[];
  /** "await" mode: the functions this walk reaches that look a container up by key, except one. */
  keyedReadersOf(container: ts.Expression, except: ts.Node): readonly OtherWrite[];
  /** (container declaration, write) pairs reached under a lock. */
  readonly locked: readonly (readonly [ts.Node, ts.Node])[];
  /** The units of this walk whose analysis threw. */
  readonly failures: readonly AnalysisFailure[];
  /** Whether the two helpers above can still answer (the program whose walk made them is alive); else the walk is redone. */
  helpersAlive(): boolean;
}

type WalkHelpers = Pick<WalkResult, 'quietOthersOf' | 'keyedReadersOf'>;

/** The helpers of an "any"-mode walk: that mode never asks them (nothing is quiet, nothing is a late publish). */
const NO_HELPERS: WalkHelpers & Pick<WalkResult, 'helpersAlive'> = { quietOthersOf: () => [], keyedReadersOf: () => [], helpersAlive: () => true };

const EMPTY_WALK: WalkResult = { records: [], locked: [], others: [], failures: [], ...NO_HELPERS };

/**
 * A walk's helpers close over the walk's state and its program's analysis (ownership, reads,
 * the checker). Walk results are cross-program cache entries, kept as long as the context's
 * node, so across every later program; holding the helpers there kept every program the
 * analysis ever saw alive, with its checker and every analyzer's results (the rule's project
 * service and the workspace view make many: out of memory on vitest). The entry holds them
 * weakly, the program that made them strongly: they live as long as that program, and a later
 * program that finds them gone redoes the walk.
 */
const helpersByProgram = new WeakMap<ts.Program, WalkHelpers[]>();

function heldByProgram(program: ts.Program, helpers: WalkHelpers): WalkHelpers & Pick<WalkResult, 'helpersAlive'> {
  let kept = helpersByProgram.get(program);
  if (!kept) helpersByProgram.set(program, (kept = []));
  kept.push(helpers);
  return weakHelpers(new WeakRef(helpers));
}

/** Separate from heldByProgram so that these closures' scope holds the weak reference only. */
function weakHelpers(ref: WeakRef<WalkHelpers>): WalkHelpers & Pick<WalkResult, 'helpersAlive'> {
  return {
    quietOthersOf: (declaration) => ref.deref()?.quietOthersOf(declaration) ?? [],
    keyedReadersOf: (container, except) => ref.deref()?.keyedReadersOf(container, except) ?? [],
    helpersAlive: () => ref.deref() !== undefined,
  };
}

interface WalkRecord {
  readonly write: MapWrite;
  readonly chain: readonly string[];
  readonly point: ts.Node | undefined;
  readonly sharedLock: string | undefined;
  readonly declaration: ts.Node | undefined;
  readonly verdict?: Verdict;
  readonly unitNode: ts.Node;
}

/** Walks per configuration and registration, reused across programs while the files they consulted are unchanged. */
const walkCaches = new Map<string, WeakMap<ts.Node, CrossProgramCache<ts.Node, WalkResult>>>();

function walkCacheFor(key: string, registration: ts.Node): CrossProgramCache<ts.Node, WalkResult> {
  let byRegistration = walkCaches.get(key);
  if (!byRegistration) walkCaches.set(key, (byRegistration = new WeakMap()));
  let cache = byRegistration.get(registration);
  if (!cache) byRegistration.set(registration, (cache = new CrossProgramCache()));
  return cache;
}

/** One function reached in one state, with how it was reached. */
interface Visit {
  readonly unit: Unit;
  readonly guarded: boolean;
  /** Where control was given back on the way here ("await" mode only). */
  readonly point: ts.Node | undefined;
  readonly previous: Visit | undefined;
  /** The edge from `previous`. */
  readonly edge?: Edge;
  /** Entered through something that may run it many times (a listener, an event property, a stored function). */
  readonly repeats?: boolean;
  /** A shared lock (Web Locks `mode: 'shared'`) held on the way: named in the report. */
  readonly sharedLock?: string;
  /** Entered as a Web Lock callback with `ifAvailable: true`: guarded where it checked the lock. */
  readonly lockIfChecked?: boolean;
  /** Entered where a settled promise resumes it: only what runs after this `await` is reached. */
  readonly resumeAt?: ts.Node;
}

/** Whether the path to `visit` entered something run again and again (a listener, a stored function). */
function repeatsOnTheWay(visit: Visit): boolean {
  for (let step: Visit | undefined = visit; step; step = step.previous) if (step.repeats) return true;
  return false;
}

/** Whether `node` runs before the `await` at which `visit` resumed its function: not reached on this visit. */
function before(visit: Visit, node: ts.Node): boolean {
  return visit.resumeAt !== undefined && node.getStart() < visit.resumeAt.end;
}

/** Whether a write removes entries (`delete`, `clear`, `delete r[k]`) rather than setting one. */
function removes(node: ts.Node): boolean {
  if (ts.isDeleteExpression(node)) return true;
  if (!ts.isCallExpression(node)) return false;
  const callee = skipParens(node.expression);
  return ts.isPropertyAccessExpression(callee) && (callee.name.text === 'delete' || callee.name.text === 'clear');
}

/** `this.onData`, `handlers[op]`: the callee as written, short. */
function calleeText(call: ts.CallExpression | ts.NewExpression): string {
  const text = call.expression.getText().replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function sameState(a: Visit, b: Visit): boolean {
  return a.guarded === b.guarded && !a.point === !b.point && !a.lockIfChecked === !b.lockIfChecked && !a.repeats === !b.repeats && a.resumeAt === b.resumeAt;
}

/** An unguarded write to a shared map, as the rule reports it. */
export interface Finding {
  readonly file: ts.SourceFile;
  readonly node: ts.Node;
  /** `Map 'sessions'` */
  readonly container: string;
  readonly mapKind: MapKind;
  readonly context: Context;
  /** Function names from the context to the writing function. */
  readonly chain: readonly string[];
  readonly contextCount: number;
  /** Where control was given back before the write ("await" mode). */
  readonly suspendedAt: ts.Node | undefined;
  readonly sharedLock: string | undefined;
  /** A write to the same container made under a lock, if any. */
  readonly lockedElsewhere: ts.Node | undefined;
  /** The declaration of the container, its identity. */
  readonly declaration: ts.Node | undefined;
  /**
   * `unguarded` in "any" mode; in "await" mode `staleRead` (the write acts on a read taken
   * before the suspension) or `entryConflict` (it removes or replaces an entry the turn set
   * before the suspension, whose key another turn can use) or `latePublish` (it sets an
   * entry whose fresh key the turn sent out before the suspension, while another turn looks
   * the container up by key).
   */
  readonly kind: 'unguarded' | 'staleRead' | 'entryConflict' | 'latePublish';
  /** The stale read, or the turn's earlier write of the entry ("await" mode). */
  readonly evidence: ts.Node | undefined;
  /** Another turn's write of the container ("await" mode). */
  readonly otherTurn: OtherTurn | undefined;
  /** The receive loop whose turns the write runs in ("await" mode; see `serialisation`). */
  readonly loop: ts.Node | undefined;
  /** A set under a check that found nothing ("await" mode): other turns' deletes are not its other side. */
  readonly onlySetsMatter: boolean;
  /** The written container expression and the writing function (to find another turn's lookups). */
  readonly receiver: ts.Expression;
  readonly unitNode: ts.Node;
}

export interface ReachResult {
  findingsFor(fileName: string): readonly Finding[];
  readonly contexts: readonly Context[];
}

/** Which declaration each write's receiver names, reused across programs while both files are unchanged. */
const containerCache = new CrossProgramCache<ts.Node, ts.Node | null>();

function describeContainer(write: MapWrite): string {
  const text = write.site.receiver.getText().replace(/\s+/g, ' ');
  const name = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return `${write.mapKind} '${name}'`;
}

/**
 * A function of a chain, with its file when control crossed into another package or
 * project on the way to it (`packages/core/src/network.ts: NetworkSubsystem.onMessage`):
 * the context's function is measured against the written file (so a context in another
 * package says where it is), every later function against its caller.
 */
function hopLabel(unit: Unit, from: ts.SourceFile, cwd: string): string {
  if (projectDirOf(unit.file.fileName) === projectDirOf(from.fileName)) return unit.name;
  return `${positionLabel(unit.node, cwd).replace(/:\d+$/, '')}: ${unit.name}`;
}
