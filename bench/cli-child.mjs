// One measurement of the map-race command line in a fresh process, the counterpart of
// bench/lint-child.mjs for the `cli` row. Spawned by bench/run.mjs:
//
//   node bench/cli-child.mjs '<json>'
//
// json: { cwd, cli, args }: cli = path of dist/lib/cli/main.js, args = its argv (with --format json).
//
// Prints one JSON line on stdout in lint-child's shape: the time of the whole run (loading the
// CLI and TypeScript, reading the tsconfig, building the program, the analysis, the report),
// wall clock (lintMs) and CPU time of this process, user + system, all threads (lintCpuMs);
// message counts by rule; maxRSS (kB); the heap still in use after a full GC (--expose-gc).
// Loading ESLint is outside lint-child's timed part, but ESLint loads TypeScript inside it;
// here TypeScript is loaded inside the timed part too.

import { pathToFileURL } from 'node:url';

const args = JSON.parse(process.argv[2]);
const c0 = process.cpuUsage();
const t0 = performance.now();
const { main } = await import(pathToFileURL(args.cli).href);
let stdout = '';
let stderr = '';
const status = main(args.args, {
  cwd: args.cwd,
  env: { ...process.env, NO_COLOR: '1' },
  stdout: { write: (text) => (stdout += text) },
  stderr: { write: (text) => (stderr += text) },
});
const lintMs = performance.now() - t0;
const { user, system } = process.cpuUsage(c0);
const lintCpuMs = (user + system) / 1000;

const out = { lintMs, lintCpuMs, status, byRule: {}, fatal: 0, fatalSamples: [] };
if (status === 2) {
  out.fatal = 1;
  out.fatalSamples.push(stderr.trim());
} else {
  const { problems } = JSON.parse(stdout);
  for (const problem of problems) out.byRule[problem.ruleId] = (out.byRule[problem.ruleId] ?? 0) + 1;
  out.files = new Set(problems.map((problem) => problem.file)).size;
}
out.maxRSSkB = process.resourceUsage().maxRSS;
if (typeof globalThis.gc === 'function') {
  globalThis.gc();
  out.retainedHeapKB = Math.round(process.memoryUsage().heapUsed / 1024);
}
process.stdout.write(JSON.stringify(out) + '\n');
