import { parentPort } from 'node:worker_threads';
import { pending } from './settle-pending.js';

parentPort?.on('message', (m: { id: string; reply: string }) => {
  void pending.size;
  void m;
});
