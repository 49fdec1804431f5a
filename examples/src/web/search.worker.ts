/// <reference lib="webworker" />
import { countEvent, evict, lookup, remember } from '../shared/cache.js';
import type { SearchReply, SearchRequest } from '../shared/protocol.js';
import { runSearch } from '../shared/search.js';

declare const self: DedicatedWorkerGlobalScope;

self.onmessage = async (event: MessageEvent<SearchRequest>) => {
  const request = event.data;
  countEvent('requests');

  if (request.kind === 'evict') {
    // Guarded: every write inside the lock callback is serialised.
    await navigator.locks.request('search-cache', () => evict(request.query));
    return;
  }

  const cached = lookup(request.query);
  if (cached) {
    const reply: SearchReply = { id: request.id, hits: cached, cached: true };
    self.postMessage(reply);
    return;
  }

  const hits = await runSearch(request.query);
  // Unguarded, after an await: another message may have been handled meanwhile.
  remember(request.query, hits);
  const reply: SearchReply = { id: request.id, hits, cached: false };
  self.postMessage(reply);
};
