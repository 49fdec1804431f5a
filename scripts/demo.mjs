#!/usr/bin/env node
// Lints the example project (examples/) with the plugin, the way a user would.
//
//   npm run demo                 recommended preset (interleaving: 'await')
//   npm run demo -- --any        same, with interleaving: 'any'
//   npm run demo -- --no-build   use dist/ as it is (fails if it is missing)
//
// Builds the plugin first when dist/index.js is missing or older than its
// sources. Prints ESLint's stylish report. Exits 0 whenever the lint ran (with or
// without findings); non-zero only when the build or the lint itself failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const examples = path.join(root, 'examples');
const distEntry = path.join(root, 'dist', 'index.js');
const args = process.argv.slice(2);
const any = args.includes('--any');
const noBuild = args.includes('--no-build');

function newestMtime(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return /\.(ts|json)$/.test(entry) ? stat.mtimeMs : 0;
  let newest = 0;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

function needsBuild() {
  if (!fs.existsSync(distEntry)) return 'dist/index.js is missing';
  const built = fs.statSync(distEntry).mtimeMs;
  const sources = ['index.ts', 'lib', 'rules', 'tsconfig.json', 'tsconfig.build.json'].map((p) => path.join(root, p));
  const newest = Math.max(...sources.map(newestMtime));
  return newest > built ? 'sources changed since the last build' : undefined;
}

const reason = needsBuild();
if (reason && noBuild && fs.existsSync(distEntry)) {
  console.log(`> ${reason}; --no-build: using dist/ as it is`);
} else if (reason && noBuild) {
  console.error('demo: dist/index.js is missing and --no-build was given; run npm run build first.');
  process.exit(1);
} else if (reason) {
  console.log(`> ${reason}: npm run build`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) {
    console.error(`demo: the build failed (exit ${build.status ?? build.signal}); nothing was linted.`);
    process.exit(build.status || 1);
  }
}

try {
  const { ESLint } = await import('eslint');
  const overrideConfig = any
    ? [{ files: ['src/**/*.ts'], rules: { 'map-race/no-unguarded-map-write': ['error', { interleaving: 'any' }] } }]
    : undefined;
  // cwd = examples/ makes ESLint pick up examples/eslint.config.js, exactly like
  // `cd examples && npx eslint .`.
  const eslint = new ESLint({ cwd: examples, overrideConfig });
  console.log(`> eslint examples/ (map-race/no-unguarded-map-write, interleaving: '${any ? 'any' : 'await'}')`);
  const results = await eslint.lintFiles(['.']);
  const formatter = await eslint.loadFormatter('stylish');
  const output = await formatter.format(results, { cwd: examples, rulesMeta: eslint.getRulesMetaForResults(results) });
  const findings = results.reduce((n, r) => n + r.messages.filter((m) => m.ruleId === 'map-race/no-unguarded-map-write').length, 0);
  const fatal = results.reduce((n, r) => n + r.messages.filter((m) => m.fatal || !m.ruleId).length, 0);
  process.stdout.write(output || 'No problems found.\n');
  console.log(`> ${results.length} files linted, ${findings} map-race finding(s)${fatal ? `, ${fatal} parse/config error(s)` : ''}.`);
  if (!any) console.log('> Run `npm run demo -- --any` to also see writes in the synchronous part of handlers.');
  process.exit(0);
} catch (error) {
  console.error('demo: ESLint could not run on examples/:');
  console.error(error instanceof Error ? error.stack : error);
  process.exit(2);
}
