// Backs the warning in docs/integrations.md: ESLint's --cache replays a file's
// old result when that file did not change, but a map-race result depends on
// other files. Edit only a handler, and the new finding in the (unchanged) store
// file is missed by a cached run and found by an uncached one.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { LOCK_REMEMBER, RULE, editFile, eslintBin, makeExampleRepo, primeStale, removeDir, run } from './example-sandbox.js';

let dir: string | undefined;
after(() => removeDir(dir));

test('eslint --cache misses a finding caused by an edit to another file', { timeout: 240_000 }, () => {
  dir = makeExampleRepo('map-race-cache-');
  const project = dir;
  const lint = (...args: string[]) => run(process.execPath, [eslintBin, ...args, '.'], project);
  editFile(path.join(project, 'src/shared/cache.ts'), LOCK_REMEMBER.from, LOCK_REMEMBER.to);

  const clean = lint('--cache');
  assert.equal(clean.status, 0, `the fixed example is clean:\n${clean.output}`);

  // Only the handler changes: after its await it now seeds the cache from what it read
  // before the await (a stale read, reported in cache.ts).
  primeStale(path.join(project, 'src/web/search.worker.ts'));

  const cached = lint('--cache');
  assert.equal(cached.status, 0, 'the cached run replays cache.ts’s old, clean result');
  assert.doesNotMatch(cached.output, new RegExp(RULE.replace('/', '\\/')));

  const uncached = lint();
  assert.equal(uncached.status, 1, uncached.output);
  assert.match(uncached.output, /cache\.ts/);
  assert.match(uncached.output, new RegExp(RULE.replace('/', '\\/')));
});
