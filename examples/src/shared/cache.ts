/**
 * A search cache shared by every message handler that runs in the same realm
 * (the web worker, or one worker_threads worker). Each realm has its own copy
 * of this module, but inside a realm every handler invocation sees the same
 * `results` map and `stats` record — and handlers interleave at every `await`.
 */

export interface SearchHit {
  id: string;
  score: number;
}

/** Query → hits. Module-level, so shared by all handler invocations. */
export const results = new Map<string, SearchHit[]>();

/** Event counters (`requests`, `hits`, `misses`, …). */
export const stats: Record<string, number> = {};

export function lookup(query: string): SearchHit[] | undefined {
  return results.get(query);
}

/** Bumps a counter. Callers only use it in the synchronous part of a handler. */
export function countEvent(name: string): void {
  stats[name] = (stats[name] ?? 0) + 1;
}

/** Stores a fresh result. The web worker calls this after an `await`. */
export function remember(query: string, hits: SearchHit[]): void {
  results.set(query, hits);
}

/** Seeds the cache from a precomputed index. The pool worker calls this under a mutex. */
export function prime(entries: Iterable<[string, SearchHit[]]>): void {
  for (const [key, hits] of entries) {
    results.set(key, hits);
  }
}

/** Drops one query. The web worker calls this inside `navigator.locks.request`. */
export function evict(query: string): void {
  results.delete(query);
}
