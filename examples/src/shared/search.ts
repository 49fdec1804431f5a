import type { SearchHit } from './cache.js';

/** Pretend search backend: a tiny in-memory index scored by substring position. */
const documents = ['alpha worker', 'beta pool', 'gamma cache', 'delta lock', 'epsilon message'];

export async function runSearch(query: string): Promise<SearchHit[]> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  const hits: SearchHit[] = [];
  documents.forEach((text, index) => {
    const at = text.indexOf(query);
    if (at >= 0) hits.push({ id: `doc-${index}`, score: 1 / (1 + at) });
  });
  return hits.sort((a, b) => b.score - a.score);
}
