// One benchmark measurement in a fresh process. Spawned by bench/run.mjs:
//
//   node bench/lint-child.mjs '<json>'
//
// json: { cwd, config, mode: 'full' | 'editor', patterns?, edits?: [{ filePath, text }], cpuProfile? }
// cpuProfile: write a .cpuprofile (node:inspector) of lintFiles ('full') or of the re-lints only ('editor').
//
// Prints one JSON line on stdout: lint time of the whole project (ESLint construction,
// config + plugin loading, parsing, program creation, rules), message counts per rule,
// fatal errors, maxRSS (from process.resourceUsage, kB) and, in editor mode, the time
// of each lintText() re-lint on the same long-lived ESLint instance. Every time is given
// twice: wall clock (…Ms) and CPU time of this process, user + system, all threads (…CpuMs);
// the latter is far less disturbed by other load on a shared machine.

import { writeFileSync } from 'node:fs';
import { ESLint } from 'eslint';

const args = JSON.parse(process.argv[2]);
const cpuMs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};

let session;
async function startProfile() {
  const { Session } = await import('node:inspector/promises');
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}
async function stopProfile() {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(args.cpuProfile, JSON.stringify(profile));
  session.disconnect();
}

if (args.cpuProfile && args.mode !== 'editor') await startProfile();
const c0 = process.cpuUsage();
const t0 = performance.now();
const eslint = new ESLint({ cwd: args.cwd, overrideConfigFile: args.config, cache: false });
const results = await eslint.lintFiles(args.patterns ?? ['src']);
const lintMs = performance.now() - t0;
const lintCpuMs = cpuMs(c0);
if (args.cpuProfile && args.mode !== 'editor') await stopProfile();

const byRule = {};
let fatal = 0;
const fatalSamples = [];
for (const r of results) {
  for (const m of r.messages) {
    if (m.fatal) {
      fatal++;
      if (fatalSamples.length < 3) fatalSamples.push(`${r.filePath}:${m.line}: ${m.message}`);
    } else byRule[m.ruleId ?? '(none)'] = (byRule[m.ruleId ?? '(none)'] ?? 0) + 1;
  }
}

const out = { lintMs, lintCpuMs, files: results.length, byRule, fatal, fatalSamples };

if (args.mode === 'editor') {
  const relintMs = [];
  const relintCpuMs = [];
  const relintMessages = [];
  if (args.cpuProfile) await startProfile();
  for (const edit of args.edits) {
    const c = process.cpuUsage();
    const t = performance.now();
    const [res] = await eslint.lintText(edit.text, { filePath: edit.filePath });
    relintMs.push(performance.now() - t);
    relintCpuMs.push(cpuMs(c));
    relintMessages.push(res.messages.length);
    const fatalMsg = res.messages.find((m) => m.fatal);
    if (fatalMsg) {
      fatal++;
      if (fatalSamples.length < 3) fatalSamples.push(`${edit.filePath}:${fatalMsg.line}: ${fatalMsg.message}`);
    }
  }
  if (args.cpuProfile) await stopProfile();
  out.relintMs = relintMs;
  out.relintCpuMs = relintCpuMs;
  out.relintMessages = relintMessages;
  out.fatal = fatal;
}

out.maxRSSkB = process.resourceUsage().maxRSS;
// Heap still in use after a full GC (run with --expose-gc): the program, the checker's caches
// and whatever rules keep, without the garbage V8 let pile up before its last mark-compact.
if (typeof globalThis.gc === 'function') {
  globalThis.gc();
  out.retainedHeapKB = Math.round(process.memoryUsage().heapUsed / 1024);
}
process.stdout.write(JSON.stringify(out) + '\n');
