#!/usr/bin/env node
// Benchmark for eslint-plugin-map-race (issue 5). `npm run bench` runs everything:
//
//   main     1,000-file project: baseline / peer / plugin typed lint runs and the map-race
//            command line (cli), each in a fresh process, alternating for --rounds rounds;
//            medians, ratios, peak RSS
//   scaling  --sizes projects (250,500,1000,2000): baseline and plugin, time + memory growth
//   editor   one long-lived ESLint instance lints the project, then lintText() re-lints
//            edited handler/store files many times; median ms per re-lint vs baseline
//   profile  (not in the default set) CPU profile of a plugin run (node:inspector, like
//            --cpu-prof), summarized: where the time goes, which plugin functions are hot
//
// Options:
//   real     real TypeScript projects with their own dependencies installed, baseline / peer /
//            plugin side by side like main: the bench's set (REAL_PROJECTS below: poolifier,
//            excalidraw, pixijs, vitest's packages, the vscode-wasm monorepo with a workspace-reach-off
//            config beside the plugin, each looked for under --field; one that is not
//            checked out is skipped with how to get it), or the --real checkouts
//   --only main,scaling,editor,profile,real   parts to run (default: main,scaling,editor,real)
//   --real DIR           a real project's checkout instead of the bench's set (repeatable; its
//                        tsconfig files are found by the project service)
//   --generated DIR      where the generated projects go (default bench/generated; another DIR lets
//                        two bench runs go on side by side without rewriting each other's files)
//   --real-projects a,b  only these of the bench's set (poolifier, excalidraw, pixijs, vitest-packages,
//                        vscode-wasm-monorepo)
//   --real-patterns a,b  what the real part lints in a --real DIR, relative to it (default src)
//   --field DIR          where the bench's real projects are checked out (default $MAP_RACE_FIELD,
//                        else ../field or ../../field beside this repository)
//   --real-rounds N      rounds for the real part (default 3)
//   --size N             project size for main/editor/profile (default 1000)
//   --sizes a,b,c        scaling sizes (default 250,500,1000,2000)
//   --rounds N           rounds for main (default 5)
//   --scaling-rounds N   rounds per size for scaling (default 3)
//   --edits N            timed re-lints per editor process (default 40, + 4 untimed warm-up)
//   --editor-rounds N    editor processes per config (default 2)
//   --seed N             generator seed (default 1)
//   --no-warmup          skip the untimed warm-up run before main
//   --no-peer-editor     editor scenario without the no-floating-promises config
//   --profile-mode full,editor   what the profile part records (default both): the whole
//                        project's lintFiles, and/or only the editor scenario's re-lints
//   --no-noop            main part without the 'noop' reference config (typed parser + one rule
//                        that does nothing: what enabling any rule at all costs ESLint)
//   --no-cli             main part without the 'cli' row (map-race on the command line, in
//                        'await' mode like configs.recommended; needs dist/lib/cli/main.js)
//   --json FILE          where to write the raw results (default bench/results/bench-<time>.json)
//   --check              exit with status 1 when a target is missed
//   --metric cpu|wall    time the targets are judged on (default cpu): CPU time of the child
//                        (user + system, all threads) or wall clock; both are printed. On a
//                        shared, loaded machine wall time mostly measures the neighbours.
//   --before FILE        another build of the plugin (e.g. a copy of dist/ made before a change),
//                        run as config 'before' beside 'plugin' in main, editor and real: before/after
//                        ratios from the same alternating rounds
//   --plugin FILE        plugin entry to benchmark (default dist/index.js; e.g. a copy of dist/
//                        so that a rebuild during the run cannot disturb it)
//
// Quick run: npm run bench -- --only main --rounds 1 --size 250

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eslintConfig, generateProject, DEFAULT_PLUGIN_PATH, REPO_ROOT } from './generate.mjs';
import { summarizeProfile, formatProfileSummary, setPluginDir } from './profile.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(HERE, 'lint-child.mjs');
const CLI_CHILD = path.join(HERE, 'cli-child.mjs');
const RESULTS_DIR = path.join(HERE, 'results');

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = {
    only: ['main', 'scaling', 'editor', 'real'],
    real: [],
    field: null,
    before: null,
    realPatterns: ['src'],
    realRounds: 3,
    size: 1000,
    sizes: [250, 500, 1000, 2000],
    rounds: 5,
    scalingRounds: 3,
    edits: 40,
    warmupEdits: 4,
    editorRounds: 2,
    seed: 1,
    warmup: true,
    peerEditor: true,
    noop: true,
    cli: true,
    profileModes: ['full', 'editor'],
    json: null,
    check: false,
    plugin: DEFAULT_PLUGIN_PATH,
    metric: 'cpu',
  };
  const list = (v) => v.split(',').map((s) => s.trim()).filter(Boolean);
  const num = (v, name) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      v = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const val = () => (v !== undefined ? v : argv[++i]);
    switch (a) {
      case '--only': opts.only = list(val()); break;
      case '--real': opts.real.push(path.resolve(val())); break;
      case '--field': opts.field = path.resolve(val()); break;
      case '--before': opts.before = path.resolve(val()); break;
      case '--real-patterns': opts.realPatterns = list(val()); break;
      case '--real-projects': opts.realProjects = list(val()); break;
      case '--generated': opts.generated = path.resolve(val()); break;
      case '--real-rounds': opts.realRounds = num(val(), a); break;
      case '--size': opts.size = num(val(), a); break;
      case '--sizes': opts.sizes = list(val()).map((s) => num(s, a)); break;
      case '--rounds': opts.rounds = num(val(), a); break;
      case '--scaling-rounds': opts.scalingRounds = num(val(), a); break;
      case '--edits': opts.edits = num(val(), a); break;
      case '--editor-rounds': opts.editorRounds = num(val(), a); break;
      case '--seed': opts.seed = num(val(), a); break;
      case '--no-warmup': opts.warmup = false; break;
      case '--no-peer-editor': opts.peerEditor = false; break;
      case '--no-noop': opts.noop = false; break;
      case '--no-cli': opts.cli = false; break;
      case '--profile-mode': opts.profileModes = list(val()); break;
      case '--json': opts.json = val(); break;
      case '--check': opts.check = true; break;
      case '--plugin': opts.plugin = path.resolve(val()); break;
      case '--metric': opts.metric = val(); break;
      case '-h':
      case '--help':
        console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${a} (see --help)`);
    }
  }
  if (!['cpu', 'wall'].includes(opts.metric)) throw new Error(`--metric is cpu or wall, got ${opts.metric}`);
  for (const part of opts.only) {
    if (!['main', 'scaling', 'editor', 'profile', 'real'].includes(part)) throw new Error(`unknown part ${part}`);
  }
  if (opts.before && !existsSync(opts.before)) throw new Error(`--before ${opts.before}: no such file (copy a build first: cp -r dist dist-before)`);
  return opts;
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, q) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const fmtMs = (ms) => (Number.isFinite(ms) ? (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`) : 'n/a');
const fmtMB = (kB) => (Number.isFinite(kB) ? `${Math.round(kB / 1024)} MB` : 'n/a');
const fmtX = (x, d = 2) => (Number.isFinite(x) ? `${x.toFixed(d)}×` : 'n/a');
const padR = (s, n) => String(s).padEnd(n);
const padL = (s, n) => String(s).padStart(n);

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => '  ' + cells.map((c, i) => (i === 0 ? padR(c, widths[i]) : padL(c, widths[i]))).join('  ');
  return [line(headers), '  ' + widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const TIME_BIN = '/usr/bin/time';
const haveGnuTime = (() => {
  try {
    return existsSync(TIME_BIN) && statSync(TIME_BIN).isFile();
  } catch {
    return false;
  }
})();

function machineLine() {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return (
    `machine: ${cpus[0]?.model?.trim() ?? 'unknown CPU'}, ${cpus.length} cores (availableParallelism ${os.availableParallelism()}), ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, node ${process.version}, ${os.platform()} ${os.release()}, load avg ${load}`
  );
}

/** Run one lint-child process (cli-child for mode 'cli'); returns its JSON plus wall time and peak RSS. */
function runChild(payload, { nodeArgs = [] } = {}) {
  return new Promise((resolve, reject) => {
    const argv = ['--expose-gc', ...nodeArgs, payload.mode === 'cli' ? CLI_CHILD : CHILD, JSON.stringify(payload)];
    const [cmd, args] = haveGnuTime ? [TIME_BIN, ['-v', process.execPath, ...argv]] : [process.execPath, argv];
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: payload.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      const jsonLine = stdout.trim().split('\n').pop();
      let res;
      try {
        res = JSON.parse(jsonLine);
      } catch {
        reject(new Error(`child failed (exit ${code}):\n${stderr.slice(-4000)}`));
        return;
      }
      let rssKB = res.maxRSSkB;
      const m = stderr.match(/Maximum resident set size \(kbytes\): (\d+)/);
      if (m) rssKB = Number(m[1]);
      const childStderr = stderr.replace(/\tCommand being timed:[\s\S]*$/, '').trim();
      if (childStderr) res.stderr = childStderr.slice(0, 2000);
      resolve({ ...res, wallMs, rssKB, rssSource: m ? '/usr/bin/time -v' : 'process.resourceUsage' });
    });
  });
}

function check(name, ok, detail) {
  const status = ok === null ? 'n/a ' : ok ? 'PASS' : 'FAIL';
  return { name, ok, line: `  [${status}] ${name}: ${detail}` };
}

let PLUGIN_PATH = DEFAULT_PLUGIN_PATH;
const pluginBuilt = () => existsSync(PLUGIN_PATH);
/** The command line's entry beside the plugin's (dist/lib/cli/main.js next to dist/index.js). */
const cliPath = () => path.join(path.dirname(PLUGIN_PATH), 'lib', 'cli', 'main.js');
const CLI_ARGS = ['-p', 'tsconfig.json', '--interleaving', 'await', '--format', 'json', '--quiet'];

function describeProject(meta) {
  return `${meta.files} files, ${meta.lines} lines (${Object.entries(meta.counts).map(([k, v]) => `${k} ${v}`).join(', ')})`;
}

function messagesLine(res) {
  const parts = Object.entries(res.byRule).map(([rule, n]) => `${rule} ${n}`);
  return parts.length ? parts.join(', ') : 'no messages';
}

function sanity(kind, res) {
  if (res.fatal) console.log(`    ! ${kind}: ${res.fatal} fatal parse errors, e.g. ${res.fatalSamples.join(' | ')}`);
  if (res.stderr) console.log(`    ! ${kind} stderr: ${res.stderr.split('\n').slice(0, 5).join(' / ')}`);
}

// ---------------------------------------------------------------------------
// Parts
// ---------------------------------------------------------------------------

/** The two time measures of a lint-child result, and the one targets are judged on. */
const cpuOf = (res) => res.lintCpuMs;
const wallOf = (res) => res.lintMs;
let METRIC = 'cpu';
const timeOf = (res) => (METRIC === 'cpu' ? cpuOf(res) : wallOf(res));
const metricName = () => (METRIC === 'cpu' ? 'CPU time' : 'wall time');

async function mainPart(opts, report) {
  console.log(`\n== main: ${opts.size}-file project, ${opts.rounds} rounds, fresh process per run, alternating ==`);
  const meta = generateProject({ files: opts.size, seed: opts.seed, pluginPath: PLUGIN_PATH, outDir: generatedDir(opts, opts.size) });
  console.log(`  project: ${describeProject(meta)}`);
  const withCli = opts.cli && existsSync(cliPath());
  const kinds = ['baseline', ...(opts.noop ? ['noop'] : []), 'peer', ...(pluginBuilt() ? ['plugin'] : []), ...(opts.before ? ['before'] : []), ...(withCli ? ['cli'] : [])];
  if (opts.before) {
    meta.configs.before = path.join(meta.outDir, 'eslint.before.config.mjs');
    writeFileSync(meta.configs.before, eslintConfig('plugin', opts.before));
  }
  if (!pluginBuilt()) console.log(`  ! ${path.relative(REPO_ROOT, PLUGIN_PATH)} not built: plugin runs skipped (npm run build)`);
  if (opts.cli && !withCli) console.log(`  ! ${path.relative(REPO_ROOT, cliPath())} not built: cli runs skipped (npm run build)`);
  const payload = (kind) =>
    kind === 'cli' ? { cwd: meta.outDir, mode: 'cli', cli: cliPath(), args: CLI_ARGS } : { cwd: meta.outDir, config: meta.configs[kind], mode: 'full' };
  if (opts.warmup) {
    const w = await runChild(payload('baseline'));
    console.log(`  warm-up (untimed) baseline: ${fmtMs(w.lintCpuMs)} CPU, ${fmtMs(w.lintMs)} wall`);
  }
  const runs = Object.fromEntries(kinds.map((k) => [k, []]));
  for (let r = 0; r < opts.rounds; r++) {
    const order = kinds.map((_, i) => kinds[(i + r) % kinds.length]);
    const cells = [];
    for (const kind of order) {
      const res = await runChild(payload(kind));
      sanity(kind, res);
      runs[kind].push(res);
      cells.push(`${kind} ${fmtMs(res.lintCpuMs)} CPU ${fmtMs(res.lintMs)} wall ${fmtMB(res.rssKB)}`);
    }
    console.log(`  round ${r + 1}/${opts.rounds}: ${cells.join(' | ')}`);
  }
  const med = Object.fromEntries(
    kinds.map((k) => [
      k,
      {
        cpuMs: median(runs[k].map(cpuOf)),
        wallMs: median(runs[k].map(wallOf)),
        timeMs: median(runs[k].map(timeOf)),
        processWallMs: median(runs[k].map((x) => x.wallMs)),
        rssKB: median(runs[k].map((x) => x.rssKB)),
        maxRssKB: Math.max(...runs[k].map((x) => x.rssKB)),
        retainedKB: median(runs[k].map((x) => x.retainedHeapKB ?? NaN)),
      },
    ]),
  );
  const range = (k, f) => `${fmtMs(Math.min(...runs[k].map(f)))}..${fmtMs(Math.max(...runs[k].map(f)))}`;
  console.log('');
  console.log(
    table(
      ['config', 'median CPU', 'CPU min..max', 'median wall', 'wall min..max', 'peak RSS (median)', 'peak RSS (max)', 'heap after GC', 'messages'],
      kinds.map((k) => [
        k,
        fmtMs(med[k].cpuMs),
        range(k, cpuOf),
        fmtMs(med[k].wallMs),
        range(k, wallOf),
        fmtMB(med[k].rssKB),
        fmtMB(med[k].maxRssKB),
        fmtMB(med[k].retainedKB),
        messagesLine(runs[k][0]),
      ]),
    ),
  );
  console.log(
    `  (times cover ESLint construction + lintFiles in the child (cli: loading the CLI and TypeScript + the whole run); CPU = user + system of the child, all threads; ` +
      `peak RSS from ${runs.baseline[0].rssSource}; heap after GC = V8 heap in use after a forced full GC at the end, ` +
      `i.e. what stays live: program, checker caches, rule caches)`,
  );
  const out = { size: opts.size, project: { lines: meta.lines, counts: meta.counts }, runs, medians: med, metric: METRIC };
  if (med.plugin) {
    const ratios = (f) => {
      const b = med.baseline[f];
      const p = med.plugin[f];
      const q = med.peer[f];
      return { ratio: p / b, addedShare: (p - b) / (q - b), pluginAdds: p - b, peerAdds: q - b };
    };
    const cpu = ratios('cpuMs');
    const wall = ratios('wallMs');
    const memRatio = med.plugin.rssKB / med.baseline.rssKB;
    console.log('');
    console.log(`                                              CPU                    wall`);
    console.log(`  plugin/baseline time:                      ${padR(fmtX(cpu.ratio), 22)} ${fmtX(wall.ratio)}`);
    console.log(`  plugin adds:                               ${padR(fmtMs(cpu.pluginAdds), 22)} ${fmtMs(wall.pluginAdds)}`);
    console.log(`  no-floating-promises adds:                 ${padR(fmtMs(cpu.peerAdds), 22)} ${fmtMs(wall.peerAdds)}`);
    console.log(`  (plugin − baseline)/(peer − baseline):     ${padR(cpu.addedShare.toFixed(2), 22)} ${wall.addedShare.toFixed(2)}`);
    console.log(`  peak RSS plugin/baseline:                  ${fmtX(memRatio)}  (peer/baseline ${fmtX(med.peer.rssKB / med.baseline.rssKB)})`);
    console.log(`  heap after GC plugin/baseline:             ${fmtX(med.plugin.retainedKB / med.baseline.retainedKB)}  (plugin keeps ${fmtMB(med.plugin.retainedKB - med.baseline.retainedKB)} more)`);
    if (med.noop) {
      console.log(
        `  against noop (any rule enabled):           CPU ${fmtX(med.plugin.cpuMs / med.noop.cpuMs)}, wall ${fmtX(med.plugin.wallMs / med.noop.wallMs)}, ` +
          `peak RSS ${fmtX(med.plugin.rssKB / med.noop.rssKB)}  (noop/baseline: CPU ${fmtX(med.noop.cpuMs / med.baseline.cpuMs)}, peak RSS ${fmtX(med.noop.rssKB / med.baseline.rssKB)})`,
      );
    }
    if (med.before) {
      const share = (med.before.timeMs - med.baseline.timeMs) / (med.peer.timeMs - med.baseline.timeMs);
      out.before = { ratio: med.plugin.timeMs / med.before.timeMs, beforeRatio: med.before.timeMs / med.baseline.timeMs, beforeShare: share };
      console.log(
        `  plugin/before (${metricName()}):                ${fmtX(out.before.ratio)}  (before: ${fmtX(out.before.beforeRatio)} baseline, ` +
          `${med.noop ? `${fmtX(med.before.timeMs / med.noop.timeMs)} noop, ` : ''}share ${share.toFixed(2)})`,
      );
    }
    const m = METRIC === 'cpu' ? cpu : wall;
    Object.assign(out, { cpu, wall, ratio: m.ratio, addedShare: m.addedShare, memRatio });
    report.info.push(`plugin/baseline ${fmtX(m.ratio)} (${fmtMs(med.plugin.timeMs)} vs ${fmtMs(med.baseline.timeMs)}, ${metricName()})`);
    if (med.noop) {
      const noopRatio = med.plugin.timeMs / med.noop.timeMs;
      out.noopRatio = noopRatio;
      report.targets.push(check(`plugin/noop ≤ 1.05 (${metricName()})`, noopRatio <= 1.05, `${fmtX(noopRatio)} (${fmtMs(med.plugin.timeMs)} vs ${fmtMs(med.noop.timeMs)})`));
    }
    report.targets.push(
      check(
        `(plugin − baseline)/(peer − baseline) ≤ 0.4 (${metricName()})`,
        m.addedShare <= 0.4,
        `${m.addedShare.toFixed(2)} (${fmtMs(m.pluginAdds)} vs ${fmtMs(m.peerAdds)})`,
      ),
    );
    report.targets.push(check('peak memory ≤ 1.2× baseline', memRatio <= 1.2, `${fmtX(memRatio)} (${fmtMB(med.plugin.rssKB)} vs ${fmtMB(med.baseline.rssKB)})`));
    report.info.push(
      `peak RSS plugin/noop ${fmtX(med.noop ? med.plugin.rssKB / med.noop.rssKB : NaN)} (noop/baseline ${fmtX(med.noop ? med.noop.rssKB / med.baseline.rssKB : NaN)}); ` +
        `heap after GC plugin/baseline ${fmtX(med.plugin.retainedKB / med.baseline.retainedKB)}`,
    );
    if (med.cli) {
      const cliRatio = (f) => med.cli[f] / med.baseline[f];
      console.log(`  cli/baseline time:                         ${padR(fmtX(cliRatio('cpuMs')), 22)} ${fmtX(cliRatio('wallMs'))}   (target ≤ 0.45)`);
      console.log(`  cli/plugin time:                           ${padR(fmtX(med.cli.cpuMs / med.plugin.cpuMs), 22)} ${fmtX(med.cli.wallMs / med.plugin.wallMs)}`);
      console.log(`  peak RSS cli/baseline:                     ${fmtX(med.cli.rssKB / med.baseline.rssKB)}  (cli/plugin ${fmtX(med.cli.rssKB / med.plugin.rssKB)})`);
      const same = JSON.stringify(runs.cli[0].byRule) === JSON.stringify(runs.plugin[0].byRule);
      console.log(`  cli and plugin messages:                   ${same ? 'the same counts' : `DIFFER: cli ${messagesLine(runs.cli[0])}, plugin ${messagesLine(runs.plugin[0])}`}`);
      const r = METRIC === 'cpu' ? cliRatio('cpuMs') : cliRatio('wallMs');
      Object.assign(out, { cliRatio: r, cliMemRatio: med.cli.rssKB / med.baseline.rssKB });
      report.targets.push(check(`cli/baseline ≤ 0.45 (${metricName()})`, r <= 0.45, `${fmtX(r)} (${fmtMs(med.cli.timeMs)} vs ${fmtMs(med.baseline.timeMs)})`));
    }
  } else {
    report.targets.push(check('plugin/noop ≤ 1.05', null, 'plugin not built'));
    report.targets.push(check('(plugin − baseline)/(peer − baseline) ≤ 0.4', null, 'plugin not built'));
    report.targets.push(check('peak memory ≤ 1.2× baseline', null, 'plugin not built'));
  }
  report.main = out;
}

async function scalingPart(opts, report) {
  // noop: how much of the growth ESLint's own rule machinery has, beside the plugin's.
  const kinds = ['baseline', ...(opts.noop ? ['noop'] : []), ...(pluginBuilt() ? ['plugin'] : [])];
  const sizes = [...opts.sizes].sort((a, b) => a - b);
  console.log(`\n== scaling: ${sizes.join(', ')} files, ${opts.scalingRounds} rounds each (${kinds.join(' / ')}), medians of ${metricName()} ==`);
  const rows = [];
  for (const size of sizes) {
    const meta = generateProject({ files: size, seed: opts.seed, pluginPath: PLUGIN_PATH, outDir: generatedDir(opts, size) });
    const runs = Object.fromEntries(kinds.map((k) => [k, []]));
    for (let r = 0; r < opts.scalingRounds; r++) {
      const order = kinds.map((_, i) => kinds[(i + r) % kinds.length]);
      for (const kind of order) {
        const res = await runChild({ cwd: meta.outDir, config: meta.configs[kind], mode: 'full' });
        sanity(kind, res);
        runs[kind].push(res);
      }
    }
    const row = { size, lines: meta.lines };
    for (const k of kinds) {
      row[k] = {
        lintMs: median(runs[k].map(timeOf)),
        cpuMs: median(runs[k].map(cpuOf)),
        wallMs: median(runs[k].map(wallOf)),
        rssKB: median(runs[k].map((x) => x.rssKB)),
        messages: runs[k][0].byRule,
      };
    }
    rows.push(row);
    console.log(
      `  ${size} files: ` + kinds.map((k) => `${k} ${fmtMs(row[k].cpuMs)} CPU ${fmtMs(row[k].wallMs)} wall ${fmtMB(row[k].rssKB)}`).join(' | ') +
        (row.plugin ? ` | plugin adds ${fmtMs(row.plugin.lintMs - row.baseline.lintMs)}` : ''),
    );
  }
  const headers = ['files', 'lines', ...kinds.flatMap((k) => [`${k} time`, `${k} RSS`]), ...(kinds.includes('plugin') ? ['plugin added'] : []), 'files ×', ...kinds.flatMap((k) => [`${k} time ×`, `${k} RSS ×`])];
  const tableRows = rows.map((row, i) => {
    const prev = rows[i - 1];
    const cells = [row.size, row.lines];
    for (const k of kinds) cells.push(fmtMs(row[k].lintMs), fmtMB(row[k].rssKB));
    if (kinds.includes('plugin')) cells.push(fmtMs(row.plugin.lintMs - row.baseline.lintMs));
    cells.push(prev ? fmtX(row.size / prev.size) : '');
    for (const k of kinds) cells.push(prev ? fmtX(row[k].lintMs / prev[k].lintMs) : '', prev ? fmtX(row[k].rssKB / prev[k].rssKB) : '');
    return cells;
  });
  console.log('');
  console.log(table(headers, tableRows));
  report.scaling = rows;
  if (rows.length < 2) {
    report.targets.push(check('2× files ≤ 2.1× time', null, 'need at least two sizes'));
    return;
  }
  if (!kinds.includes('plugin')) {
    report.targets.push(check('2× files ≤ 2.1× time', null, 'plugin not built'));
    return;
  }
  // Allowed growth: 1.05 × the growth in files (2.1× for a doubling).
  const steps = rows.slice(1).map((row, i) => {
    const prev = rows[i];
    const filesX = row.size / prev.size;
    return { from: prev.size, to: row.size, filesX, timeX: row.plugin.lintMs / prev.plugin.lintMs, memX: row.plugin.rssKB / prev.plugin.rssKB };
  });
  const worst = steps.reduce((a, b) => (b.timeX / b.filesX > a.timeX / a.filesX ? b : a));
  const ok = steps.every((s) => s.timeX <= 1.05 * s.filesX);
  report.targets.push(
    check(
      `2× files ≤ 2.1× time (plugin, ${metricName()})`,
      ok,
      steps.map((s) => `${s.from}→${s.to}: ${fmtX(s.timeX)} time, ${fmtX(s.memX)} RSS`).join('; ') + ` (worst ${worst.from}→${worst.to})`,
    ),
  );
}

/** The handler and store file the editor scenario edits, and the edit texts. */
function editorEdits(meta, count) {
  const handler = meta.handlers.find((h) => h.variant.endsWith('unguarded')) ?? meta.handlers[0];
  const store = meta.stores.find((s) => s.k === handler.store) ?? meta.stores[0];
  const handlerText = readFileSync(handler.path, 'utf8');
  const storeText = readFileSync(store.path, 'utf8');
  const edits = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      // A keystroke-sized change in the handler module.
      const text = handlerText.replace(`'handler${handler.id}'`, `'handler${handler.id}-edit${i}'`) + `\nexport const edited${i} = ${i};\n`;
      edits.push({ filePath: handler.path, text, kind: 'handler' });
    } else {
      // A new helper writing the shared Map, in the store module.
      const text = storeText + `\nexport function edited${i}(key: string): void {\n  ${store.map}.set(key, { key, value: ${i}, at: 0 });\n}\n`;
      edits.push({ filePath: store.path, text, kind: 'store' });
    }
  }
  return { handler, store, edits };
}

async function editorPart(opts, report) {
  const kinds = ['baseline', ...(opts.peerEditor ? ['peer'] : []), ...(pluginBuilt() ? ['plugin'] : []), ...(opts.before ? ['before'] : [])];
  console.log(
    `\n== editor: ${opts.size}-file project, one long-lived ESLint instance per process, ` +
      `${opts.edits} timed lintText re-lints (+${opts.warmupEdits} warm-up) × ${opts.editorRounds} processes per config ==`,
  );
  const meta = generateProject({ files: opts.size, seed: opts.seed, pluginPath: PLUGIN_PATH, outDir: generatedDir(opts, opts.size) });
  const total = opts.edits + opts.warmupEdits;
  const { handler, store, edits } = editorEdits(meta, total);
  if (opts.before) {
    meta.configs.before = path.join(meta.outDir, 'eslint.before.config.mjs');
    writeFileSync(meta.configs.before, eslintConfig('plugin', opts.before));
  }
  console.log(`  edits alternate ${path.relative(meta.outDir, handler.path)} (${handler.variant}) and ${path.relative(meta.outDir, store.path)}`);
  const times = Object.fromEntries(kinds.map((k) => [k, { all: [], allWall: [], handler: [], store: [], initial: [], rss: [], messages: [] }]));
  const relintOf = (res) => (METRIC === 'cpu' ? res.relintCpuMs : res.relintMs);
  for (let r = 0; r < opts.editorRounds; r++) {
    const order = kinds.map((_, i) => kinds[(i + r) % kinds.length]);
    for (const kind of order) {
      const res = await runChild({
        cwd: meta.outDir,
        config: meta.configs[kind],
        mode: 'editor',
        edits: edits.map(({ filePath, text }) => ({ filePath, text })),
      });
      sanity(kind, res);
      const t = times[kind];
      t.initial.push(timeOf(res));
      t.rss.push(res.rssKB);
      relintOf(res).forEach((ms, i) => {
        if (i < opts.warmupEdits) return;
        t.all.push(ms);
        t.allWall.push(res.relintMs[i]);
        t[edits[i].kind].push(ms);
      });
      t.messages.push(res.relintMessages);
      console.log(
        `  ${kind} (process ${r + 1}): initial lint ${fmtMs(res.lintCpuMs)} CPU ${fmtMs(res.lintMs)} wall, ` +
          `re-lint median ${fmtMs(median(res.relintCpuMs.slice(opts.warmupEdits)))} CPU ${fmtMs(median(res.relintMs.slice(opts.warmupEdits)))} wall, peak RSS ${fmtMB(res.rssKB)}`,
      );
    }
  }
  console.log('');
  console.log(
    table(
      [`config (${metricName()})`, 'median re-lint', 'p90 re-lint', 'handler edits', 'store edits', 'added vs baseline', 'median wall', 'wall added'],
      kinds.map((k) => [
        k,
        fmtMs(median(times[k].all)),
        fmtMs(quantile(times[k].all, 0.9)),
        fmtMs(median(times[k].handler)),
        fmtMs(median(times[k].store)),
        k === 'baseline' ? '' : fmtMs(median(times[k].all) - median(times.baseline.all)),
        fmtMs(median(times[k].allWall)),
        k === 'baseline' ? '' : fmtMs(median(times[k].allWall) - median(times.baseline.allWall)),
      ]),
    ),
  );
  const summary = Object.fromEntries(kinds.map((k) => [k, { medianMs: median(times[k].all), p90Ms: quantile(times[k].all, 0.9), handlerMs: median(times[k].handler), storeMs: median(times[k].store), initialMs: median(times[k].initial), rssKB: median(times[k].rss) }]));
  report.editor = { size: opts.size, edits: opts.edits, summary, times };
  if (times.plugin) {
    const added = median(times.plugin.all) - median(times.baseline.all);
    report.editor.addedMs = added;
    const pluginMessages = times.plugin.messages.flat();
    console.log(`  messages per re-lint (plugin): ${Math.min(...pluginMessages)}..${Math.max(...pluginMessages)}`);
    if (times.before) {
      report.editor.beforeAddedMs = median(times.before.all) - median(times.baseline.all);
      console.log(`  before adds ${fmtMs(report.editor.beforeAddedMs)}; plugin/before re-lint ${fmtX(median(times.plugin.all) / median(times.before.all))}`);
    }
    report.targets.push(check(`re-lint adds ≤ 10 ms median (${metricName()})`, added <= 10, `${fmtMs(added)} (plugin ${fmtMs(median(times.plugin.all))} vs baseline ${fmtMs(median(times.baseline.all))})`));
  } else {
    report.targets.push(check('re-lint adds ≤ 10 ms median', null, 'plugin not built'));
  }
}

async function profilePart(opts, report) {
  if (!pluginBuilt()) {
    console.log('\n== profile: skipped, plugin not built ==');
    return;
  }
  const dir = path.join(RESULTS_DIR, `prof-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  const meta = generateProject({ files: opts.size, seed: opts.seed, pluginPath: PLUGIN_PATH, outDir: generatedDir(opts, opts.size) });
  report.profile = {};
  for (const mode of opts.profileModes) {
    const file = path.join(dir, `plugin-${mode}.cpuprofile`);
    const what = mode === 'editor' ? `the ${opts.edits} lintText re-lints of the editor scenario` : 'lintFiles of the whole project';
    console.log(`\n== profile (${mode}): plugin on ${opts.size} files, CPU profile of ${what} (${path.relative(REPO_ROOT, file)}) ==`);
    const payload = { cwd: meta.outDir, config: meta.configs.plugin, mode, cpuProfile: file };
    if (mode === 'editor') payload.edits = editorEdits(meta, opts.edits).edits.map(({ filePath, text }) => ({ filePath, text }));
    const res = await runChild(payload);
    sanity('plugin', res);
    if (mode === 'editor') console.log(`  re-lint median ${fmtMs(median(res.relintCpuMs))} CPU, ${fmtMs(median(res.relintMs))} wall under the profiler`);
    else console.log(`  lint ${fmtMs(res.lintCpuMs)} CPU, ${fmtMs(res.lintMs)} wall under the profiler`);
    const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')));
    console.log(formatProfileSummary(summary));
    report.profile[mode] = { file, summary };
  }
}

/**
 * A real project: the same side-by-side runs as `main`, on a checkout of a real TypeScript
 * code base with workers (its own dependencies installed). The configs are written into
 * the checkout's root for the run (typescript-eslint's project service finds the
 * project's tsconfig.json from there) and removed afterwards.
 */
/**
 * The bench's real projects: TypeScript checkouts with workers, at fixed commits, each with
 * its own dependencies installed as its users do (`--ignore-scripts`). The bench does not
 * fetch them: a row whose checkout is missing under --field is skipped, saying how to get it.
 */
const REAL_PROJECTS = [
  {
    name: 'poolifier',
    dir: 'poolifier',
    repo: 'https://github.com/poolifier/poolifier',
    commit: '84653ecd456e1d95dfa082bf163cab6cf9faf2c3',
    install: 'npx pnpm@9 install --ignore-scripts',
    patterns: ['src'],
  },
  {
    name: 'excalidraw',
    dir: 'big/excalidraw',
    repo: 'https://github.com/excalidraw/excalidraw',
    commit: '4872083c044491b6d5c96ae134a75464f96d6831',
    install: 'npm install --ignore-scripts --legacy-peer-deps',
    patterns: ['packages', 'excalidraw-app'],
  },
  {
    name: 'pixijs',
    dir: 'big/pixijs',
    repo: 'https://github.com/pixijs/pixijs',
    commit: '8f42bb760872ed6652775d00a4de448ac277e783',
    install: 'npm install --ignore-scripts',
    patterns: ['src', 'tests'],
  },
  {
    name: 'vitest-packages',
    dir: 'big/vitest',
    repo: 'https://github.com/vitest-dev/vitest',
    commit: 'c3ba16b35847d27fb9f01f38cdcb047c77e121f8',
    install: 'npx pnpm@9 install --ignore-scripts',
    patterns: ['packages'],
  },
  {
    // A monorepo (npm workspaces and tsconfig references, nothing built): the plugin's default
    // workspace reach (`workspace: "auto"`) beside the same plugin with `workspace: "off"`.
    name: 'vscode-wasm-monorepo',
    dir: 'mono/vscode-wasm',
    repo: 'https://github.com/microsoft/vscode-wasm',
    commit: '98a3e1f21fbe8ce8dad8d7c0cbfc0bdbca490110',
    install: 'npm install --ignore-scripts',
    patterns: ['sync-api-common/src', 'sync-api-client/src', 'sync-api-service/src', 'wasm-kit/src', 'wasm-wasi-core/src', 'wasm-component-model/src'],
    reachOff: true,
  },
];
const REAL_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];

/** A generated project's directory: under --generated, else generate.mjs's default (bench/generated/<files>). */
function generatedDir(opts, files) {
  return opts.generated ? path.join(opts.generated, String(files)) : undefined;
}

function fieldDir(opts) {
  if (opts.field) return opts.field;
  if (process.env.MAP_RACE_FIELD) return path.resolve(process.env.MAP_RACE_FIELD);
  const candidates = [path.resolve(REPO_ROOT, '..', 'field'), path.resolve(REPO_ROOT, '..', '..', 'field')];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0];
}

async function realPart(opts, report) {
  const projects =
    opts.real.length > 0
      ? opts.real.map((dir) => ({ name: path.basename(dir), path: dir, patterns: opts.realPatterns }))
      : REAL_PROJECTS.filter((project) => !opts.realProjects || opts.realProjects.includes(project.name)).map((project) => ({ ...project, path: path.join(fieldDir(opts), project.dir) }));
  report.real = [];
  for (const project of projects) {
    if (!existsSync(path.join(project.path, 'node_modules'))) {
      const how = project.repo
        ? `git clone ${project.repo} ${project.path} && git -C ${project.path} checkout ${project.commit} && (cd ${project.path} && ${project.install})`
        : 'check it out and install its dependencies';
      console.log(`\n== real: ${project.name}: skipped, no checkout with dependencies at ${project.path} (to get it: ${how}; or --field DIR) ==`);
      report.targets.push(check(`real project ${project.name}: plugin/baseline ≤ 1.05`, null, `not checked out at ${project.path}`));
      continue;
    }
    try {
      await realProject(opts, report, project);
    } catch (error) {
      // One project that does not lint (a file the project service cannot type) leaves the others' rows.
      console.log(`  ! real: ${project.name} failed: ${String(error.message ?? error).split('\n').slice(0, 3).join(' / ')}`);
      report.targets.push(check(`real project ${project.name}: plugin/baseline ≤ 1.05`, null, 'a lint run failed (see above)'));
    }
  }
}

async function realProject(opts, report, project) {
  const dir = project.path;
  console.log(`\n== real: ${project.name} at ${dir} (${project.patterns.join(', ')}), ${opts.realRounds} rounds, fresh process per run, alternating ==`);
  const reachOff = project.reachOff && pluginBuilt();
  const kinds = ['baseline', 'peer', ...(pluginBuilt() ? ['plugin'] : []), ...(reachOff ? ['plugin-reach-off'] : []), ...(opts.before ? ['before'] : [])];
  const configs = Object.fromEntries(kinds.map((kind) => [kind, path.join(dir, `eslint.map-race-bench.${kind}.config.mjs`)]));
  for (const kind of kinds) {
    const plugin = kind === 'before' ? opts.before : PLUGIN_PATH;
    const ruleOptions = kind === 'plugin-reach-off' ? { workspace: 'off' } : undefined;
    writeFileSync(configs[kind], eslintConfig(kind === 'before' || kind === 'plugin-reach-off' ? 'plugin' : kind, plugin, { files: REAL_FILES, ruleOptions }));
  }
  try {
    const runs = Object.fromEntries(kinds.map((k) => [k, []]));
    for (let r = 0; r < opts.realRounds; r++) {
      const order = kinds.map((_, i) => kinds[(i + r) % kinds.length]);
      const cells = [];
      for (const kind of order) {
        const res = await runChild({ cwd: dir, config: configs[kind], mode: 'full', patterns: project.patterns });
        if (r === 0) sanity(kind, res);
        runs[kind].push(res);
        cells.push(`${kind} ${fmtMs(res.lintCpuMs)} CPU ${fmtMs(res.lintMs)} wall ${fmtMB(res.rssKB)}`);
      }
      console.log(`  round ${r + 1}/${opts.realRounds}: ${cells.join(' | ')}`);
    }
    const med = Object.fromEntries(kinds.map((k) => [k, { timeMs: median(runs[k].map(timeOf)), rssKB: median(runs[k].map((x) => x.rssKB)) }]));
    console.log('');
    console.log(
      table(
        ['config', `median ${metricName()}`, 'peak RSS (median)', 'files', 'messages'],
        kinds.map((k) => [k, fmtMs(med[k].timeMs), fmtMB(med[k].rssKB), String(runs[k][0].files), messagesLine(runs[k][0])]),
      ),
    );
    const out = { name: project.name, dir, patterns: project.patterns, runs, medians: med };
    if (med.plugin) {
      const ratio = med.plugin.timeMs / med.baseline.timeMs;
      const share = (med.plugin.timeMs - med.baseline.timeMs) / (med.peer.timeMs - med.baseline.timeMs);
      Object.assign(out, { ratio, share });
      console.log(`  plugin/baseline ${fmtX(ratio)}; (plugin − baseline)/(peer − baseline) ${share.toFixed(2)}; peak RSS plugin/baseline ${fmtX(med.plugin.rssKB / med.baseline.rssKB)}`);
      if (med['plugin-reach-off']) {
        out.reachRatio = med.plugin.timeMs / med['plugin-reach-off'].timeMs;
        console.log(`  workspace reach: plugin/plugin-reach-off ${fmtX(out.reachRatio)} (the cost of workspace: "auto" over "off")`);
      }
      if (med.before) {
        out.beforeRatio = med.before.timeMs / med.baseline.timeMs;
        console.log(`  before/baseline ${fmtX(out.beforeRatio)}; plugin/before ${fmtX(med.plugin.timeMs / med.before.timeMs)}`);
      }
      report.targets.push(
        check(
          `real project ${project.name} (${runs.plugin[0].files} files): plugin/baseline ≤ 1.05 (${metricName()})`,
          ratio <= 1.05,
          `${fmtX(ratio)} (${fmtMs(med.plugin.timeMs)} vs ${fmtMs(med.baseline.timeMs)})`,
        ),
      );
    }
    report.real.push(out);
  } finally {
    for (const file of Object.values(configs)) rmSync(file, { force: true });
  }
}

// ---------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  METRIC = opts.metric;
  PLUGIN_PATH = opts.plugin;
  setPluginDir(path.dirname(PLUGIN_PATH));
  const report = { startedAt: new Date().toISOString(), machine: machineLine(), options: opts, targets: [], info: [] };
  console.log('eslint-plugin-map-race benchmark');
  console.log(report.machine);
  console.log(`peak memory: ${haveGnuTime ? 'RSS high-water from /usr/bin/time -v' : 'process.resourceUsage().maxRSS in the child'}; plugin: ${pluginBuilt() ? path.relative(REPO_ROOT, PLUGIN_PATH) : 'NOT BUILT'}`);
  const t0 = performance.now();
  if (opts.only.includes('main')) await mainPart(opts, report);
  if (opts.only.includes('scaling')) await scalingPart(opts, report);
  if (opts.only.includes('editor')) await editorPart(opts, report);
  if (opts.only.includes('profile')) await profilePart(opts, report);
  if (opts.only.includes('real')) await realPart(opts, report);

  console.log(`\n== targets (${opts.size}-file project) ==`);
  for (const t of report.targets) console.log(t.line);
  for (const line of report.info) console.log(`  [info] ${line}`);
  if (report.targets.some((t) => t.ok === false)) console.log('  a target is missed: profile with `npm run bench -- --only profile` (or node bench/profile.mjs <file.cpuprofile>)');
  console.log(`\n${machineLine()}  (at the end)`);
  console.log(`total bench time ${fmtMs(performance.now() - t0)}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const jsonPath = opts.json ?? path.join(RESULTS_DIR, `bench-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(jsonPath, JSON.stringify(report, null, 2) + '\n');
  console.log(`raw results: ${path.relative(process.cwd(), jsonPath)}`);
  if (opts.check && report.targets.some((t) => t.ok === false)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 2;
});
