#!/usr/bin/env node
// Field run of the command line: `map-race` at the root of a real checkout, as a user runs
// `npx map-race` there, in both interleaving modes, beside what the ESLint rule reported on
// the same checkout (a `scripts/field-run.mjs --json` result).
//
//   node scripts/field-cli.mjs <checkout-dir> [--typescript <dir>] [--ignore <glob>]... [--rule <field-run.json>] [--json out.json]
//
// --typescript  the TypeScript the command line loads (default: the one next to this script).
//               Installed in a project, the plugin loads the project's own TypeScript (its peer
//               dependency); to run with another one without touching the checkout, this script
//               lays out a scratch node_modules in the OS temp dir — a copy of this package's
//               bin/ and dist/, its dependencies linked, `typescript` linked to <dir> — and runs
//               Node with --preserve-symlinks so that everything resolves from there.
// --ignore      files ESLint would not lint (the globs field-run.mjs was given, relative to the
//               checkout): their reports are left out, as field-run.mjs's ESLint ignores leave
//               them unlinted. They stay in the analysis (not --ignore-path, which would drop
//               their handlers too), as they stay in the rule's programs. Field-run's own ignores
//               (dependencies, build output, minified files) apply as well.
// --rule        compare with this field-run result: counts per mode, and the reports only one side has
// --json        write the CLI's exit status, stderr and reports per mode
//
// The checkout is only read (the CLI writes nothing there).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const scriptDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(scriptDir, '..');
const argv = process.argv.slice(2);
const opts = { dir: null, typescript: null, ignore: [], rule: null, json: null };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => argv[++i] ?? usage(`${a} needs a value`);
  if (a === '--typescript') opts.typescript = path.resolve(val());
  else if (a === '--ignore') opts.ignore.push(val());
  else if (a === '--rule') opts.rule = path.resolve(val());
  else if (a === '--json') opts.json = path.resolve(val());
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else if (!opts.dir) opts.dir = path.resolve(a);
  else usage(`one checkout only, not also ${a}`);
}
if (!opts.dir) usage('no checkout given');

function usage(message) {
  console.error(`field-cli: ${message}`);
  console.error('usage: node scripts/field-cli.mjs <checkout-dir> [--typescript <dir>] [--ignore <glob>]... [--rule <field-run.json>] [--json out.json]');
  process.exit(3);
}

/** bin/map-race.js, in a scratch install whose `typescript` is `typescript`. */
function installWith(typescript) {
  if (!typescript) return { bin: path.join(root, 'bin/map-race.js'), nodeArgs: [] };
  const version = JSON.parse(fs.readFileSync(path.join(typescript, 'package.json'), 'utf8')).version;
  const scratch = path.join(os.tmpdir(), `map-race-field-cli-${version}-${process.pid}`);
  const modules = path.join(scratch, 'node_modules');
  const plugin = path.join(modules, 'eslint-plugin-map-race');
  fs.mkdirSync(plugin, { recursive: true });
  for (const part of ['bin', 'dist', 'package.json']) fs.cpSync(path.join(root, part), path.join(plugin, part), { recursive: true });
  for (const entry of fs.readdirSync(path.join(root, 'node_modules'))) {
    if (entry === 'typescript' || entry === '.bin' || entry === '.package-lock.json') continue;
    fs.symlinkSync(path.join(root, 'node_modules', entry), path.join(modules, entry));
  }
  fs.symlinkSync(typescript, path.join(modules, 'typescript'));
  process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));
  return { bin: path.join(plugin, 'bin/map-race.js'), nodeArgs: ['--preserve-symlinks', '--preserve-symlinks-main'] };
}

const { bin, nodeArgs } = installWith(opts.typescript);
// scripts/field-run.mjs's ESLint ignores: dependencies, VCS, build output and caches, minified files.
const SKIP_DIRS = ['node_modules', '.git', '.hg', '.svn', 'dist', 'build', 'out', 'coverage', '.nyc_output', '.yarn', '.pnpm-store', '.next', '.nuxt', '.turbo', '.cache', '.output', '.vercel', '.svelte-kit'];
const picomatch = createRequire(import.meta.url)('picomatch');
const eslintIgnored = picomatch([...SKIP_DIRS.map((dir) => `**/${dir}/**`), '**/*.min.js', '**/*.min.mjs', ...opts.ignore], { dot: true });
const rule = opts.rule ? JSON.parse(fs.readFileSync(opts.rule, 'utf8')) : null;
const key = (report) => `${report.file}:${report.line}:${report.column} ${report.messageId}`;
const result = { checkout: opts.dir, typescript: opts.typescript ?? 'bundled', modes: {} };

for (const mode of ['any', 'await']) {
  const started = Date.now();
  const run = spawnSync(process.execPath, [...nodeArgs, bin, '--quiet', '--format', 'json', '--interleaving', mode], {
    cwd: opts.dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const stderr = run.stderr.split('\n').filter(Boolean);
  let problems = [];
  try {
    problems = JSON.parse(run.stdout).problems;
  } catch {
    // exit 2: no JSON, the reason is on stderr
  }
  const unlinted = problems.filter((problem) => eslintIgnored(problem.file));
  problems = problems.filter((problem) => !eslintIgnored(problem.file));
  const writes = problems.filter((problem) => problem.messageId !== 'blindSpot');
  const notices = problems.length - writes.length;
  console.log(`${mode}: exit ${run.status}, ${writes.length} write reports, ${notices} blind-spot notices, ${unlinted.length} in files ESLint does not lint, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const line of stderr) console.log(`  ${line}`);
  const entry = { status: run.status, stderr, reports: problems, unlinted: unlinted.length };
  if (rule?.modes?.[mode]) {
    const ruleReports = rule.modes[mode].reports.filter((report) => report.messageId !== 'blindSpot');
    const cliKeys = new Set(writes.map(key));
    const ruleKeys = new Set(ruleReports.map(key));
    const onlyRule = ruleReports.filter((report) => !cliKeys.has(key(report)));
    const onlyCli = writes.filter((report) => !ruleKeys.has(key(report)));
    const ruleNotices = rule.modes[mode].reports.length - ruleReports.length;
    console.log(`  rule: ${ruleReports.length} write reports, ${ruleNotices} blind-spot notices; both ${writes.length - onlyCli.length}, rule only ${onlyRule.length}, CLI only ${onlyCli.length}`);
    for (const report of onlyRule) console.log(`    rule only: ${key(report)}`);
    for (const report of onlyCli) console.log(`    CLI only:  ${key(report)}`);
    Object.assign(entry, { rule: ruleReports.length, ruleNotices, onlyRule: onlyRule.map(key), onlyCli: onlyCli.map(key) });
  }
  result.modes[mode] = entry;
}
if (opts.json) fs.writeFileSync(opts.json, `${JSON.stringify(result, null, 2)}\n`);
