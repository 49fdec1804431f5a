import type { SearchHit } from './cache.js';

export type SearchRequest =
  | { kind: 'search'; id: number; query: string }
  | { kind: 'evict'; id: number; query: string };

export interface SearchReply {
  id: number;
  hits: SearchHit[];
  cached: boolean;
}
