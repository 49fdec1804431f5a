// The example project (examples/) reports exactly what examples/README.md says,
// in both interleaving modes, and `npm run demo` prints it and exits 0.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { RULE, examples, root, run } from './example-sandbox.js';

/** `file:line` of the first line in an example file that contains `needle`. */
function at(file: string, needle: string): string {
  const lines = fs.readFileSync(path.join(examples, file), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(needle));
  assert.ok(index >= 0, `"${needle}" not found in examples/${file}`);
  return `${file}:${index + 1}`;
}

async function findings(interleaving?: 'any'): Promise<string[]> {
  const eslint = new ESLint({
    cwd: examples,
    overrideConfig: interleaving
      ? [{ files: ['src/**/*.ts'], rules: { [RULE]: ['error', { interleaving }] } }]
      : undefined,
  });
  const results = await eslint.lintFiles(['.']);
  const fatal = results.flatMap((r) => r.messages.filter((m) => m.fatal || !m.ruleId).map((m) => `${r.filePath}: ${m.message}`));
  assert.deepEqual(fatal, [], 'no parse or config errors');
  return results
    .flatMap((r) => r.messages.filter((m) => m.ruleId === RULE).map((m) => `${path.relative(examples, r.filePath).split(path.sep).join('/')}:${m.line}`))
    .sort();
}

const remember = at('src/shared/cache.ts', 'results.set(query, hits);');
const countEvent = at('src/shared/cache.ts', 'stats[name] =');
const pendingDelete = at('src/pool/pool.ts', 'this.#pending.delete(reply.id);');

test('examples type-check', { timeout: 120_000 }, () => {
  const tsc = run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'examples'], root);
  assert.equal(tsc.status, 0, tsc.output);
});

test("recommended ('await'): only the write after an await is reported", { timeout: 120_000 }, async () => {
  assert.deepEqual(await findings(), [remember]);
});

test("'any': synchronous handler writes are reported too; guarded writes never are", { timeout: 120_000 }, async () => {
  assert.deepEqual(await findings('any'), [pendingDelete, countEvent, remember].sort());
});

test('npm run demo prints the stylish report and exits 0 despite findings', { timeout: 180_000 }, () => {
  // --no-build: `npm test` has just built dist/; don't rebuild from a working tree that may be mid-edit.
  const demo = run(process.execPath, [path.join(root, 'scripts/demo.mjs'), '--no-build'], root);
  assert.equal(demo.status, 0, demo.output);
  assert.match(demo.output, /src\/shared\/cache\.ts/);
  assert.match(demo.output, new RegExp(`${remember.split(':')[1]}:\\d+\\s+error\\s.*${RULE.replace('/', '\\/')}`));
  assert.match(demo.output, /1 problem \(1 error, 0 warnings\)/);
});
