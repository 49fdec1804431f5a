#!/usr/bin/env node
// Robustness run: does the analysis survive every file of a real repository? Runs the rule
// in both interleaving modes through the ESLint API with the project service (exactly as
// scripts/field-run.mjs does, which it runs) and the map-race command line over the same
// checkout, and prints, per mode and for the CLI: files, units whose analysis failed
// (`analysisFailed` reports, each a contained fault; see lib/analysis/faults.ts), crashes
// (the rule, ESLint or the CLI threw), time, and the value-flow walks that stopped at a work
// bound (`cut walks`: each answered with what it had found, so calls resolved only beyond the
// cut go unseen; counted from the `MAP_RACE_DEBUG=1` lines the analysis writes for them, for
// the rule's two modes together, since they run in one process).
//
//   node scripts/robustness.mjs <checkout-dir> [--json out.json] [--skip-cli | --skip-rule] [--cli-project <tsconfig>]... [field-run options…]
//
// Exit code: 0 when nothing failed and nothing crashed, 1 otherwise, 3 bad usage.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const scriptDir = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const dir = argv.find((arg) => !arg.startsWith('-'));
if (!dir) {
  console.error('usage: node scripts/robustness.mjs <checkout-dir> [--json out.json] [--skip-cli | --skip-rule] [--cli-project <tsconfig>]... [field-run options…]');
  process.exit(3);
}
const jsonAt = argv.indexOf('--json');
const jsonOut = jsonAt >= 0 ? argv[jsonAt + 1] : undefined;
const skipCli = argv.includes('--skip-cli');
// --skip-rule: only the CLI (e.g. to rerun it after a CLI change without the slow ESLint passes).
const skipRule = argv.includes('--skip-rule');
// --cli-project <tsconfig> (repeatable): passed to the CLI as -p, for a checkout without a
// root tsconfig.json (a monorepo whose packages each have one).
const cliProjects = argv.flatMap((arg, index) => (arg === '--cli-project' && index + 1 < argv.length ? [argv[index + 1]] : []));
// Arguments this script reads itself; the rest go to field-run.
const own = new Set(argv.flatMap((arg, index) => (arg === '--json' || arg === '--cli-project' ? [index, index + 1] : [])));
const passOn = argv.filter((arg, index) => arg !== dir && arg !== '--skip-cli' && arg !== '--skip-rule' && !own.has(index));
const root = fs.realpathSync(path.resolve(dir));
const maxBuffer = 512 * 1024 * 1024;
// MAP_RACE_DEBUG=1: the analysis names each cut walk (and prints a contained failure's stack) on stderr.
const debugEnv = { ...process.env, MAP_RACE_DEBUG: '1' };
const CUT_WALK = /^map-race: valueflow: a walk from /gmu;
const cutWalksIn = (stderr) => (stderr ?? '').match(CUT_WALK)?.length ?? 0;

function ruleModes() {
  const raw = path.join(os.tmpdir(), `robustness-${process.pid}.json`);
  const started = performance.now();
  const run = spawnSync(process.execPath, [path.join(scriptDir, 'field-run.mjs'), root, '--mode', 'both', '--json', raw, ...passOn], { encoding: 'utf8', maxBuffer, env: debugEnv });
  const ms = performance.now() - started;
  if (!fs.existsSync(raw)) return { error: `field-run printed no results (exit ${run.status}): ${run.stderr.slice(-2000)}` };
  const out = JSON.parse(fs.readFileSync(raw, 'utf8'));
  fs.rmSync(raw, { force: true });
  const modes = {};
  for (const [mode, result] of Object.entries(out.modes)) {
    const failed = result.reports.filter((report) => report.messageId === 'analysisFailed');
    modes[mode] = { files: result.filesLinted, failed: failed.length, failures: failed, crashes: result.crashes.length, crashList: result.crashes, reports: result.reportCount, timeMs: result.timeMs };
  }
  return { modes, cutWalks: cutWalksIn(run.stderr), timeMs: ms };
}

function cli() {
  const started = performance.now();
  const run = spawnSync(process.execPath, [path.join(scriptDir, '../bin/map-race.js'), ...cliProjects.flatMap((project) => ['-p', project]), '--interleaving', 'any', '--format', 'json'], { cwd: root, encoding: 'utf8', maxBuffer, env: debugEnv });
  const ms = performance.now() - started;
  let problems;
  try {
    problems = JSON.parse(run.stdout).problems;
  } catch {
    // Exit 2 is the CLI's "cannot run here" (no tsconfig, bad options): said, not a crash.
    return { exit: run.status, files: 0, failed: 0, crashes: run.status === 2 ? 0 : 1, note: run.stderr.trim().split('\n').slice(-3).join(' '), timeMs: ms };
  }
  const failed = problems.filter((problem) => problem.messageId === 'analysisFailed');
  // The CLI lists problems, not the files it read: `files` here counts the files with reports.
  return { exit: run.status, files: new Set(problems.map((problem) => problem.file)).size, failed: failed.length, failures: failed, crashes: 0, reports: problems.length, cutWalks: cutWalksIn(run.stderr), timeMs: ms };
}

const result = { root, rule: skipRule ? {} : ruleModes(), cli: skipCli ? undefined : cli() };
const line = (label, r) =>
  console.log(`${label.padEnd(6)} ${r.exit === undefined ? 'files' : `exit ${r.exit}  files with reports`} ${String(r.files).padStart(6)}  failed units ${String(r.failed).padStart(4)}  crashes ${String(r.crashes).padStart(3)}  ${(r.timeMs / 1000).toFixed(1)}s${r.note ? `  (${r.note})` : ''}`);
console.log(`robustness ${root}`);
if (result.rule.error) console.log(`rule: ${result.rule.error}`);
for (const [mode, r] of Object.entries(result.rule.modes ?? {})) {
  line(mode, r);
  for (const failure of r.failures.slice(0, 20)) console.log(`  ${failure.file}:${failure.line}:${failure.column}  ${failure.message}`);
  for (const crash of r.crashList.slice(0, 5)) console.log(`  CRASH ${crash.file}: ${crash.message}`);
}
if (result.rule.modes) console.log(`cut walks (both rule modes): ${result.rule.cutWalks}`);
if (result.cli) {
  line('cli', result.cli);
  if (result.cli.cutWalks !== undefined) console.log(`cut walks (cli): ${result.cli.cutWalks}`);
  for (const failure of result.cli.failures?.slice(0, 20) ?? []) console.log(`  ${failure.file}:${failure.line}:${failure.column}  ${failure.message}`);
}
if (jsonOut) fs.writeFileSync(jsonOut, `${JSON.stringify(result, null, 2)}\n`);
const bad = result.rule.error || Object.values(result.rule.modes ?? {}).some((r) => r.failed || r.crashes) || (result.cli && (result.cli.failed || result.cli.crashes));
process.exit(bad ? 1 : 0);
