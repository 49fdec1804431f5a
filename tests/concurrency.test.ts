// `eslint --concurrency` must report exactly what a single thread reports: the plugin's
// whole-program analysis may not depend on which files happen to share a worker thread.
// Lints a generated ~60-file project (bench/generate.mjs) with the ESLint API twice:
// concurrency 'off' (main thread) and concurrency 2 (two worker threads).
// Needs dist/ (npm test builds first).

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { DEFAULT_PLUGIN_PATH, generateProject } from '../bench/generate.mjs';

interface Finding {
  file: string;
  line: number;
  column: number;
  endLine: number | undefined;
  endColumn: number | undefined;
  ruleId: string | null;
  message: string;
}

const RULE = 'map-race/no-unguarded-map-write';

async function lint(cwd: string, configFile: string, concurrency: 'off' | number): Promise<Finding[]> {
  // With concurrency enabled, ESLint options must be cloneable: the config goes by file path.
  // The generated project's writes after an await are blind (nothing read before the
  // await), which "await" mode leaves alone: "any" mode gives the threads findings to agree on.
  const overrideConfig = { rules: { [RULE]: ['error', { interleaving: 'any' }] as ['error', { interleaving: string }] } };
  const eslint = new ESLint({ cwd, overrideConfigFile: configFile, overrideConfig, concurrency, cache: false });
  const results = await eslint.lintFiles(['src']);
  const findings = results.flatMap((r) =>
    r.messages.map((m) => ({
      file: path.relative(cwd, r.filePath).split(path.sep).join('/'),
      line: m.line,
      column: m.column,
      endLine: m.endLine,
      endColumn: m.endColumn,
      ruleId: m.ruleId,
      message: m.message,
    })),
  );
  const key = (f: Finding) => `${f.file}\0${String(f.line).padStart(6, '0')}\0${String(f.column).padStart(6, '0')}\0${f.ruleId}\0${f.message}`;
  return findings.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

test('concurrency 2 gives exactly the findings of one thread', { timeout: 180_000 }, async (t) => {
  assert.ok(existsSync(DEFAULT_PLUGIN_PATH), `${DEFAULT_PLUGIN_PATH} is missing: run npm run build first`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'map-race-concurrency-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const project = generateProject({ files: 60, outDir: dir, seed: 7 });
  assert.equal(project.files, 60);

  // Two threads on 60 files on a small machine: ESLint rightly warns that it may not pay
  // off. The point here is equal findings, so keep that warning out of the test output.
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'ESLintPoorConcurrencyWarning') return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  t.after(() => {
    process.emitWarning = emitWarning;
  });

  const single = await lint(dir, project.configs.plugin, 'off');
  const multi = await lint(dir, project.configs.plugin, 2);

  const fatal = single.filter((f) => f.ruleId === null);
  assert.deepEqual(fatal, [], 'the generated project parses and type-checks under projectService');
  const found = single.filter((f) => f.ruleId === RULE);
  assert.ok(found.length > 0, `expected at least one ${RULE} finding in the generated project`);
  assert.deepEqual(multi, single);
});
