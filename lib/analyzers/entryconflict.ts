import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { freshnessAnalyzer, setsEntry } from './freshness.js';
import { keyOf, readsAnalyzer } from './reads.js';
import type { MapWrite } from './mutations.js';
import { beforeSuspension, type ActivationStep } from './staleness.js';
import type { WriteSite } from './syntax.js';

/**
 * entryconflict: a turn that sets an entry, gives control back, and then deletes or
 * overwrites that entry (`pending.set(id, job); try { await job.run() } finally {
 * pending.delete(id) }`). When another overlapping turn can set the same key — the key
 * comes from message data, a parameter, a peer — the later delete removes the other
 * turn's entry, or the overwrite replaces it. A key this side generates fresh for each
 * activation (see `freshness`) belongs to this turn alone, so its set-then-delete
 * lifecycle is not a conflict. The earlier write is searched in the activation reach walked (the
 * write's function and its callers up to the turn's start) before the suspension.
 */
export const entryConflictAnalyzer = defineAnalyzer<EntryConflicts>({
  name: 'entryconflict',
  doc: 'Finds deletes/overwrites of an entry the same turn set before a suspension, keyed by something another turn can also use.',
  requires: [readsAnalyzer, freshnessAnalyzer],
  run(pass) {
    const reads = pass.resultOf(readsAnalyzer);
    const freshness = pass.resultOf(freshnessAnalyzer);

    const entryConflict = (activation: readonly ActivationStep[], write: MapWrite): EntryConflict | undefined => {
      const key = keyOf(write.site);
      if (!key || !(write.site.operation === 'delete' || write.site.operation === 'set' || write.site.kind === 'assign')) return undefined;
      for (const { step, index, cut } of beforeSuspension(activation)) {
        const earlier = step.unit.writes.find(
          (site) => site.node.end <= cut && site !== write.site && setsEntry(site) && reads.sameContainer(site.receiver, write.site.receiver) && sameKeyOf(site, key),
        );
        if (!earlier) continue;
        if (freshness.isFresh(key, activation, 0) || freshness.isFresh(keyOf(earlier)!, activation, index)) return undefined;
        return { earlier: earlier.node, key };
      }
      return undefined;
    };

    const sameKeyOf = (site: WriteSite, key: ts.Expression): boolean => {
      const other = keyOf(site);
      return other !== undefined && reads.sameKey(other, key);
    };

    return { entryConflict };
  },
});

export interface EntryConflict {
  /** The turn's own earlier write of the entry, before the suspension. */
  readonly earlier: ts.Node;
  /** The key both writes use. */
  readonly key: ts.Expression;
}

export interface EntryConflicts {
  /** The entry this turn set before a suspension that the write now deletes or overwrites, when another turn can use its key. */
  entryConflict(activation: readonly ActivationStep[], write: MapWrite): EntryConflict | undefined;
}
