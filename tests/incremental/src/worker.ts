import { parentPort } from 'node:worker_threads';
import { touch } from './store.js';

parentPort?.on('message', (id: string) => {
  touch(id);
});
