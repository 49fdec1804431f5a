// The package installs on any later day and ships what a user needs:
// - no dependency anywhere in the tree is requested by a dist-tag that `overrides` leaves
//   unpinned (such a lockfile stops satisfying `npm ci` the day the tag moves);
// - `npm pack` holds dist, the map-race executable, docs, README and LICENSE and nothing else;
// - the packed tarball installs into an empty project beside only its peer dependencies,
//   and its `map-race` executable runs there.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isDistTag, unpinnedDistTags, type Lockfile } from './harness/dist-tags.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as T;
const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });

test('dist-tags are told apart from versions, ranges and other specs', () => {
  for (const tag of ['latest', 'next', 'beta', 'canary-2']) assert.equal(isDistTag(tag), true, tag);
  for (const spec of ['1.2.3', '^4.0.0', '~6.0.3', '>=5 <6.1', '*', 'x', '', '1.x', 'npm:foo@1', 'github:a/b', 'file:../x', 'https://e.org/a.tgz', 'workspace:*']) {
    assert.equal(isDistTag(spec), false, spec);
  }
});

test('a dependency requested by a dist-tag is reported unless overrides pin it', () => {
  const lock: Lockfile = {
    packages: {
      '': { dependencies: { a: '^1.0.0' }, devDependencies: { tool: 'next' } },
      'node_modules/@x/formatter': { dependencies: { jschardet: 'latest', b: '2.0.0' } },
      'node_modules/@x/formatter/node_modules/c': { optionalDependencies: { d: 'beta' }, devDependencies: { e: 'latest' } },
    },
  };
  assert.deepEqual(unpinnedDistTags(lock, {}), [
    { name: 'tool', tag: 'next', requester: '' },
    { name: 'jschardet', tag: 'latest', requester: 'node_modules/@x/formatter' },
    { name: 'd', tag: 'beta', requester: 'node_modules/@x/formatter/node_modules/c' },
  ]);
  assert.deepEqual(unpinnedDistTags(lock, { jschardet: '4.1.0', tool: '1.0.0', c: { d: '3.0.0' } }), []);
  // An override by another tag pins nothing.
  assert.deepEqual(unpinnedDistTags(lock, { jschardet: 'latest', tool: '1.0.0', d: '1.0.0' }).map((r) => r.name), ['jschardet']);
});

test('package-lock.json has no dependency requested by an unpinned dist-tag', () => {
  const { overrides } = readJson<{ overrides?: Record<string, unknown> }>('package.json');
  const unpinned = unpinnedDistTags(readJson<Lockfile>('package-lock.json'), overrides);
  assert.deepEqual(
    unpinned.map((r) => `${r.name}@${r.tag}, asked for by ${r.requester || 'package.json'}`),
    [],
    'pin each of these through "overrides" in package.json, then run npm install to update the lockfile',
  );
});

interface PackEntry {
  files: { path: string }[];
}

test('npm pack holds dist, bin, docs, README and LICENSE, nothing else', { timeout: 120_000 }, () => {
  const [pack] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], root)) as PackEntry[];
  const files = pack!.files.map((file) => file.path).sort();
  for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/rules/no-unguarded-map-write.js', 'dist/lib/cli/main.js', 'bin/map-race.js', 'docs/rules/no-unguarded-map-write.md', 'docs/cli.md']) {
    assert.ok(files.includes(needed), `${needed} is packed`);
  }
  const unexpected = files.filter((file) => !/^(package\.json|README\.md|LICENSE|bin\/map-race\.js|dist\/.*\.(js|cjs|d\.ts|d\.cts)|docs\/.*\.md)$/.test(file));
  assert.deepEqual(unexpected, [], 'nothing but the built plugin and its documentation is packed');
});

test('the packed plugin installs into an empty project with only its peer dependencies', { timeout: 300_000 }, async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'map-race-pack-'));
  try {
    const [pack] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], root)) as { filename: string }[];
    const project = path.join(work, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    const { devDependencies } = readJson<{ devDependencies: Record<string, string> }>('package.json');
    // The peers at the versions this repo tests with; everything else must come from the plugin's own dependencies.
    npm(['install', '--prefer-offline', '--no-save', path.join(work, pack!.filename), `eslint@${devDependencies.eslint}`, `typescript@${devDependencies.typescript}`], project);
    const probe = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "const { default: p } = await import('eslint-plugin-map-race'); console.log(JSON.stringify({ rules: Object.keys(p.rules), configs: Object.keys(p.configs), name: p.meta.name }))"],
      { cwd: project, encoding: 'utf8' },
    );
    assert.deepEqual(JSON.parse(probe), { rules: ['no-unguarded-map-write'], configs: ['recommended', 'strict'], name: 'eslint-plugin-map-race' });
    const version = execFileSync(path.join(project, 'node_modules/.bin/map-race'), ['--version'], { cwd: project, encoding: 'utf8' });
    assert.equal(version.trim(), readJson<{ version: string }>('package.json').version, 'the installed map-race executable runs');
    const listed = npm(['ls', '--all', '--json'], project);
    assert.doesNotMatch(listed, /"(missing|invalid)":/, 'every dependency of the installed plugin is satisfied');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
