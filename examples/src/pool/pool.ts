import { Worker } from 'node:worker_threads';
import type { SearchHit } from '../shared/cache.js';
import type { SearchReply, SearchRequest } from '../shared/protocol.js';

interface Pending {
  resolve(hits: SearchHit[]): void;
  reject(error: Error): void;
}

/** A fixed-size pool of worker_threads workers running ./worker.ts. */
export class SearchPool {
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;

  constructor(size = 2) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./worker.js', import.meta.url));
      worker.on('message', (reply: SearchReply) => {
        const pending = this.#pending.get(reply.id);
        this.#pending.delete(reply.id);
        pending?.resolve(reply.hits);
      });
      worker.on('error', (error) => {
        for (const pending of this.#pending.values()) pending.reject(error);
        this.#pending.clear();
      });
      this.#workers.push(worker);
    }
  }

  search(query: string): Promise<SearchHit[]> {
    const id = this.#nextId++;
    const worker = this.#workers[id % this.#workers.length]!;
    return new Promise<SearchHit[]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const request: SearchRequest = { kind: 'search', id, query };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }
}
