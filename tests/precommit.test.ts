// Pre-commit recipes, end to end, on a throw-away git copy of examples/:
//  - husky 9 + lint-staged 16 (examples/.husky/pre-commit, examples/lint-staged.config.js):
//    real `git commit`s through the installed hook;
//  - the pre-commit framework's `repo: local` hook (examples/.pre-commit-config.yaml):
//    run by `pre-commit` itself when it is installed, otherwise by replaying what
//    pre-commit does for a `language: system` hook (match staged files against
//    `files`, run `entry` from the repository root, fail on a non-zero exit).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { LOCK_REMEMBER, PRIME_STALE, RULE, editFile, git, makeExampleRepo, primeStale, removeDir, root, run } from './example-sandbox.js';

const huskyBin = path.join(root, 'node_modules/husky/bin.js');
const dirs: string[] = [];
after(() => dirs.forEach(removeDir));

const head = (dir: string) => git(dir, 'rev-parse', 'HEAD');
/** 1-based line of the first line of `file` containing `needle`. */
function lineOf(file: string, needle: string): number {
  const index = fs.readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(needle));
  assert.ok(index >= 0, `${needle} not in ${file}`);
  return index + 1;
}

test('husky + lint-staged: the commit fails on a finding, passes once fixed, and catches cross-file findings', { timeout: 300_000 }, () => {
  const dir = makeExampleRepo('map-race-husky-');
  dirs.push(dir);
  const installed = run(process.execPath, [huskyBin], dir);
  assert.equal(installed.status, 0, installed.output);
  assert.equal(git(dir, 'config', 'core.hooksPath'), '.husky/_');

  const cache = path.join(dir, 'src/shared/cache.ts');
  const worker = path.join(dir, 'src/web/search.worker.ts');

  // 1. Touch the store and commit: the hook lints and the commit is refused.
  fs.appendFileSync(cache, '\n// touched\n');
  git(dir, 'add', 'src/shared/cache.ts');
  const before = head(dir);
  const refused = run('git', ['commit', '-m', 'touch cache'], dir);
  assert.notEqual(refused.status, 0, `commit should have been refused:\n${refused.output}`);
  assert.match(refused.output, new RegExp(RULE.replace('/', '\\/')), refused.output);
  assert.match(refused.output, /cache\.ts/);
  assert.match(refused.output, new RegExp(`\\b${lineOf(cache, 'results.set(query, hits);')}:\\d+\\s+error`), 'reported at the write in remember()');
  assert.equal(head(dir), before, 'no commit was made');
  assert.ok(fs.readFileSync(cache, 'utf8').includes('// touched'), 'lint-staged restored the staged edit');

  // 2. Fix it (write under navigator.locks) and commit: the hook passes — even
  //    though the working tree also holds an *unstaged* handler edit that would
  //    be a finding: `lint-staged --hide-unstaged` lints what is committed.
  primeStale(worker);
  const primeEdit = PRIME_STALE[1].to;
  editFile(cache, LOCK_REMEMBER.from, LOCK_REMEMBER.to);
  git(dir, 'add', 'src/shared/cache.ts');
  const accepted = run('git', ['commit', '-m', 'lock the cache write'], dir);
  assert.equal(accepted.status, 0, `commit should pass after the fix:\n${accepted.output}`);
  assert.notEqual(head(dir), before);
  assert.ok(fs.readFileSync(worker, 'utf8').includes(primeEdit), 'the unstaged handler edit was put back');
  assert.equal(git(dir, 'diff', '--name-only'), 'src/web/search.worker.ts', 'and is still unstaged');
  assert.equal(git(dir, 'diff', '--cached', '--name-only'), '');

  // 3. Now stage only that handler edit: after an await it acts on a read from before. The
  //    new finding is in cache.ts (the write), which is not staged: the recipe
  //    lints the whole project, so the commit is refused.
  git(dir, 'add', 'src/web/search.worker.ts');
  const crossFile = run('git', ['commit', '-m', 'count misses'], dir);
  assert.notEqual(crossFile.status, 0, `commit should have been refused (finding in an unstaged file):\n${crossFile.output}`);
  assert.match(crossFile.output, new RegExp(RULE.replace('/', '\\/')), crossFile.output);
  assert.match(crossFile.output, /cache\.ts/, 'the finding is reported in the store file, not the staged handler');
  assert.match(crossFile.output, new RegExp(`\\b${lineOf(cache, 'results.set(key, hits);')}:\\d+\\s+error`), 'reported at the write in prime()');
  assert.doesNotMatch(git(dir, 'status', '--porcelain'), /cache\.ts/, 'cache.ts was not part of the commit attempt');
});

interface LocalHook {
  id: string;
  entry: string;
  files: RegExp;
  passFilenames: boolean;
}

/** Reads the one local hook from examples/.pre-commit-config.yaml (a fixed, simple shape). */
function readLocalHook(dir: string): LocalHook {
  const yaml = fs.readFileSync(path.join(dir, '.pre-commit-config.yaml'), 'utf8');
  const field = (name: string) => {
    const match = new RegExp(`^\\s+-?\\s*${name}:\\s*(.+?)\\s*$`, 'm').exec(yaml);
    assert.ok(match, `.pre-commit-config.yaml has no ${name}`);
    return match[1]!;
  };
  assert.match(yaml, /^\s+- repo: local\s*$/m);
  assert.equal(field('language'), 'system');
  return {
    id: field('id'),
    entry: field('entry'),
    files: new RegExp(field('files')),
    passFilenames: field('pass_filenames') !== 'false',
  };
}

function hasPreCommit(): boolean {
  try {
    return run('pre-commit', ['--version'], root).status === 0;
  } catch {
    return false;
  }
}

/** Runs the hook on the staged files like `pre-commit run` does for a `language: system` hook. */
function runHook(dir: string, hook: LocalHook): { ran: boolean; status: number | null; output: string } {
  if (hasPreCommit()) {
    const result = run('pre-commit', ['run', hook.id], dir);
    return { ran: !/\(no files to check\)Skipped/.test(result.output), ...result };
  }
  const staged = git(dir, 'diff', '--cached', '--name-only').split('\n').filter(Boolean);
  const matching = staged.filter((file) => hook.files.test(file));
  if (matching.length === 0) return { ran: false, status: 0, output: '' };
  const command = hook.passFilenames ? `${hook.entry} ${matching.join(' ')}` : hook.entry;
  return { ran: true, ...run(command, [], dir, { shell: true }) };
}

test('pre-commit framework (repo: local): the hook fails on a finding and passes once fixed', { timeout: 300_000 }, () => {
  const dir = makeExampleRepo('map-race-pre-commit-');
  dirs.push(dir);
  const hook = readLocalHook(dir);
  assert.equal(hook.passFilenames, false, 'the hook lints the whole program, not only the staged files');

  // Staging a non-TypeScript file does not trigger the hook.
  fs.appendFileSync(path.join(dir, 'README.md'), '\nnotes\n');
  git(dir, 'add', 'README.md');
  assert.equal(runHook(dir, hook).ran, false);

  const cache = path.join(dir, 'src/shared/cache.ts');
  fs.appendFileSync(cache, '\n// touched\n');
  git(dir, 'add', 'src/shared/cache.ts');
  const failing = runHook(dir, hook);
  assert.equal(failing.ran, true);
  assert.notEqual(failing.status, 0, `hook should fail:\n${failing.output}`);
  assert.match(failing.output, new RegExp(RULE.replace('/', '\\/')), failing.output);

  editFile(cache, LOCK_REMEMBER.from, LOCK_REMEMBER.to);
  git(dir, 'add', 'src/shared/cache.ts');
  const passing = runHook(dir, hook);
  assert.equal(passing.ran, true);
  assert.equal(passing.status, 0, `hook should pass after the fix:\n${passing.output}`);
});
