// Helpers shared by the integration tests: a throw-away copy of examples/ as a
// standalone project (own git repo, own package.json) whose node_modules links
// to this repository's installed packages and to the plugin itself. Not a test
// file itself.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
export const examples = path.join(root, 'examples');
export const RULE = 'map-race/no-unguarded-map-write';
export const DOCS_URL = 'https://github.com/map-race/eslint-plugin-map-race/blob/main/docs/rules/no-unguarded-map-write.md';
export const eslintBin = path.join(root, 'node_modules/eslint/bin/eslint.js');

/** The environment for child processes: no GIT_* leaking in from an outer hook, no colours. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_') && key !== 'HUSKY' && key !== 'FORCE_COLOR') env[key] = value;
  }
  return {
    ...env,
    NO_COLOR: '1',
    GIT_AUTHOR_NAME: 'Example Dev',
    GIT_AUTHOR_EMAIL: 'dev@example.invalid',
    GIT_COMMITTER_NAME: 'Example Dev',
    GIT_COMMITTER_EMAIL: 'dev@example.invalid',
    GIT_CONFIG_NOSYSTEM: '1',
    // Ignore the user's ~/.gitconfig (signing, global hooksPath, templates …).
    GIT_CONFIG_GLOBAL: os.devNull,
    ...extra,
  };
}

export interface Run {
  status: number | null;
  output: string;
}

export function run(command: string, args: readonly string[], cwd: string, options: { shell?: boolean; timeoutMs?: number } = {}): Run {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd,
    env: childEnv(),
    encoding: 'utf8',
    shell: options.shell ?? false,
    timeout: options.timeoutMs ?? 180_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

export function git(cwd: string, ...args: string[]): string {
  const result = run('git', args, cwd);
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed (${result.status}):\n${result.output}`);
  return result.output.trim();
}

/**
 * Copies examples/ to a fresh temp directory as a standalone project with its
 * own git repository (one initial commit) and returns its path.
 */
export function makeExampleRepo(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  fs.cpSync(examples, dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'map-race-example', private: true, type: 'module' }, null, 2)}\n`,
  );
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n');
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(path.join(root, 'node_modules'))) {
    fs.symlinkSync(path.join(root, 'node_modules', entry), path.join(modules, entry));
  }
  // What `npm install -D eslint-plugin-map-race` would give the project.
  fs.symlinkSync(root, path.join(modules, 'eslint-plugin-map-race'), 'dir');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '--no-verify', '-m', 'example project');
  return dir;
}

export function removeDir(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/** Replaces exactly one occurrence of `from` in `file`. */
export function editFile(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const index = text.indexOf(from);
  if (index < 0 || text.indexOf(from, index + 1) >= 0) throw new Error(`expected exactly one "${from}" in ${file}`);
  fs.writeFileSync(file, text.slice(0, index) + to + text.slice(index + from.length));
}

/** The edit that fixes the example's 'await'-mode finding: remember() writes under navigator.locks. */
export const LOCK_REMEMBER = {
  from: 'results.set(query, hits);',
  to: "void navigator.locks.request('search-cache', () => {\n    results.set(query, hits);\n  });",
};

/**
 * A handler edit that makes a new 'await'-mode finding in cache.ts, an unchanged file: after
 * its await the web worker seeds the cache with what it read before the await (a stale read,
 * reported at the write in prime()).
 */
export const PRIME_STALE = [
  { from: 'import { countEvent, evict, lookup, remember }', to: 'import { countEvent, evict, lookup, prime, remember }' },
  { from: '  remember(request.query, hits);', to: '  remember(request.query, hits);\n  prime([[request.query, cached ?? hits]]);' },
] as const;

/** Applies PRIME_STALE to the example's web worker. */
export function primeStale(worker: string): void {
  for (const edit of PRIME_STALE) editFile(worker, edit.from, edit.to);
}
