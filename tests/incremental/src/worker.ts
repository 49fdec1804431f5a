import { parentPort } from 'node:worker_threads';
import { touch } from './store.js';
import { listeners } from './registry.js';

parentPort?.on('message', (id: string) => {
  touch(id);
  for (const listener of listeners) listener(id);
});
