/**
 * The editor's flow: one long-lived ESLint instance, files edited through `lintText`.
 * Each edit makes a new ts.Program in which unchanged files keep their ts.SourceFile, and
 * the analysis reuses what it derived from them. A finding in store.ts must follow edits
 * to worker.ts (which reaches it) in both directions, and to store.ts itself.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import plugin from '../dist/index.js';

const dir = path.join(import.meta.dirname, 'incremental');
const store = path.join(dir, 'src/store.ts');
const worker = path.join(dir, 'src/worker.ts');
const audit = path.join(dir, 'src/audit.ts');
const pluginFile = path.join(dir, 'src/plugin.ts');
const storeText = fs.readFileSync(store, 'utf8');
const auditText = fs.readFileSync(audit, 'utf8');
const pluginText = fs.readFileSync(pluginFile, 'utf8');
const workerText = fs.readFileSync(worker, 'utf8');

function linter(): ESLint {
  const config: Linter.Config[] = [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser as Linter.Parser, parserOptions: { projectService: true, tsconfigRootDir: dir } },
      plugins: { 'map-race': plugin },
      rules: { 'map-race/no-unguarded-map-write': 'error' },
    },
  ];
  return new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config });
}

/** The rule's reports (`line:ruleId`) on a file's unchanged text, re-linted by the same instance. */
async function findingsIn(eslint: ESLint, filePath: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath });
  return result!.messages.map((message) => `${message.line}:${message.ruleId}`);
}

/** An edit through the editor's path: the file's new text, linted without parse errors. */
async function edit(eslint: ESLint, filePath: string, text: string): Promise<void> {
  const [result] = await eslint.lintText(text, { filePath });
  assert.deepEqual(result!.messages.filter((message) => message.fatal), []);
}

test('findings follow edits to other files through one long-lived ESLint instance', { timeout: 120_000 }, async () => {
  const eslint = linter();
  const storeFindings = (): Promise<string[]> => findingsIn(eslint, store, storeText);
  const editWorker = (text: string): Promise<void> => edit(eslint, worker, text);

  await eslint.lintFiles([store, worker]);
  assert.deepEqual(await storeFindings(), ['4:map-race/no-unguarded-map-write'], 'reached from the handler');

  await editWorker(workerText.replace('  touch(id);\n', '  void id;\n'));
  assert.deepEqual(await storeFindings(), [], 'the handler no longer calls touch');

  await editWorker(workerText);
  assert.deepEqual(await storeFindings(), ['4:map-race/no-unguarded-map-write'], 'the call is back');

  await editWorker(
    `import { Mutex } from 'async-mutex';\nconst mutex = new Mutex();\n${workerText.replace('  touch(id);', '  void mutex.runExclusive(() => touch(id));')}`,
  );
  assert.deepEqual(await storeFindings(), [], 'the call now holds a lock');

  await editWorker(workerText);
  const [edited] = await eslint.lintText(storeText.replace('sessions.set(id, Date.now());', 'void id;'), { filePath: store });
  assert.deepEqual(edited!.messages, [], 'the write itself is gone');
  assert.deepEqual(await storeFindings(), ['4:map-race/no-unguarded-map-write'], 'and back');
});

test('a function registered by a file that did not register it before is found (value flow across an edit)', { timeout: 120_000 }, async () => {
  const eslint = linter();
  const auditFindings = (): Promise<string[]> => findingsIn(eslint, audit, auditText);
  const editPlugin = (text: string): Promise<void> => edit(eslint, pluginFile, text);

  await eslint.lintFiles([audit, worker, pluginFile]);
  assert.deepEqual(await auditFindings(), [], 'nobody registers audit yet');

  // plugin.ts now hands audit to the registry whose listeners the handler runs: the walk
  // cached before this edit never looked at plugin.ts, so only its whole-program probes see it.
  await editPlugin(`import { onId } from './registry.js';\nimport { audit } from './audit.js';\n\nonId(audit);\n`);
  assert.deepEqual(await auditFindings(), ['4:map-race/no-unguarded-map-write'], 'registered through the listener list');

  await editPlugin(pluginText);
  assert.deepEqual(await auditFindings(), [], 'the registration is gone again');
});

test('the code a handler resumes by settling a promise follows edits on both sides (promise settlement)', { timeout: 120_000 }, async () => {
  const eslint = linter();
  const settleWorker = path.join(dir, 'src/settle-worker.ts');
  const settleCaller = path.join(dir, 'src/settle-caller.ts');
  const workerSource = fs.readFileSync(settleWorker, 'utf8');
  const callerSource = fs.readFileSync(settleCaller, 'utf8');
  const callerFindings = (text = callerSource): Promise<string[]> => findingsIn(eslint, settleCaller, text);

  await eslint.lintFiles([settleWorker, settleCaller]);
  assert.deepEqual(await callerFindings(), [], 'the handler settles nothing yet');

  const settling = workerSource.replace('  void pending.size;\n', '  pending.get(m.id)?.(m.reply);\n');
  await edit(eslint, settleWorker, settling);
  assert.deepEqual(await callerFindings(), ['7:map-race/no-unguarded-map-write'], 'the reply resumes fetchReply after its await');

  // A second waiter in the caller's file: the handler's walk, cached with the first, must see it.
  const second = `${callerSource}\nexport async function refetch(id: string): Promise<void> {\n  await request(id);\n  replies.delete(id);\n}\n`;
  await edit(eslint, settleCaller, second);
  assert.deepEqual(await callerFindings(second), ['7:map-race/no-unguarded-map-write', '12:map-race/no-unguarded-map-write'], 'the new waiter is resumed too');

  await edit(eslint, settleWorker, workerSource);
  assert.deepEqual(await callerFindings(second), [], 'the handler no longer settles');
  await edit(eslint, settleCaller, callerSource);
});
