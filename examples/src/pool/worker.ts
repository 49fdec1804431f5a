import { parentPort } from 'node:worker_threads';
import { Mutex } from 'async-mutex';
import { countEvent, lookup, prime, type SearchHit } from '../shared/cache.js';
import type { SearchReply, SearchRequest } from '../shared/protocol.js';
import { runSearch } from '../shared/search.js';

const cacheLock = new Mutex();
const port = parentPort;
if (!port) throw new Error('pool/worker.ts must run inside a worker thread');

port.on('message', async (request: SearchRequest) => {
  countEvent('pool.requests');
  if (request.kind !== 'search') return;

  const cached = lookup(request.query);
  if (cached) {
    port.postMessage({ id: request.id, hits: cached, cached: true } satisfies SearchReply);
    return;
  }

  const hits: SearchHit[] = await cacheLock.runExclusive(async () => {
    const fresh = await runSearch(request.query);
    // Guarded: the mutex is held until this callback settles.
    prime([[request.query, fresh]]);
    return fresh;
  });
  port.postMessage({ id: request.id, hits, cached: false } satisfies SearchReply);
});
