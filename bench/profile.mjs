#!/usr/bin/env node
// Summarizes a V8 .cpuprofile from a plugin lint run (node --cpu-prof):
//
//   node bench/profile.mjs <file.cpuprofile | dir> [--top N] [--plugin-dir DIR]
//
// Prints where the time goes by package (plugin / typescript / typescript-eslint / eslint / gc /
// other), the plugin's share including the TypeScript work it triggers (samples whose stack
// contains a plugin frame), the plugin functions with the most self time and the most time
// "through" them (innermost plugin frame on the stack, callees included), and the non-plugin
// functions that plugin code spends the most time in.
// `npm run bench -- --only profile` records a profile and prints this summary.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// Code counted as "plugin": the built plugin (dist/), or --plugin-dir.
let PLUGIN_DIST_URL;
let PLUGIN_DIST_PATH;
export function setPluginDir(dir) {
  PLUGIN_DIST_PATH = path.resolve(dir) + path.sep;
  PLUGIN_DIST_URL = pathToFileURL(path.resolve(dir)).href + '/';
}
setPluginDir(path.join(HERE, '..', 'dist'));

const isPluginUrl = (url) => url.startsWith(PLUGIN_DIST_URL) || url.startsWith(PLUGIN_DIST_PATH);

function category(frame) {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)' || functionName === '(program)') return 'idle/program';
  if (isPluginUrl(url)) return 'plugin';
  if (url.includes('/node_modules/typescript/')) return 'typescript';
  if (url.includes('/node_modules/@typescript-eslint/eslint-plugin/')) return 'typescript-eslint rules';
  if (url.includes('/node_modules/@typescript-eslint/') || url.includes('/node_modules/typescript-eslint/')) return 'typescript-eslint';
  if (url.includes('/node_modules/eslint/') || url.includes('/node_modules/@eslint/') || url.includes('/node_modules/espree/') || url.includes('/node_modules/eslint-')) return 'eslint';
  if (url.startsWith('node:') || url === '') return 'node/native';
  return 'other';
}

function shortUrl(url) {
  if (isPluginUrl(url)) return 'dist/' + url.slice(url.startsWith(PLUGIN_DIST_URL) ? PLUGIN_DIST_URL.length : PLUGIN_DIST_PATH.length);
  const i = url.lastIndexOf('/node_modules/');
  if (i >= 0) return url.slice(i + '/node_modules/'.length);
  return url || '(native)';
}

const frameKey = (f) => `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`;

export function summarizeProfile(profile, { top = 15 } = {}) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Sample i lasts timeDeltas[i + 1] (the last one gets the mean).
  const deltas = profile.timeDeltas;
  const mean = deltas.reduce((a, b) => a + b, 0) / Math.max(1, deltas.length);
  const durUs = (i) => (i + 1 < deltas.length ? Math.max(0, deltas[i + 1]) : mean);

  const byCategory = new Map();
  const pluginSelf = new Map();
  const pluginThrough = new Map();
  const pluginEntry = new Map();
  const calleesOfPlugin = new Map();
  const pluginFiles = new Map();
  let total = 0;
  let pluginInclusive = 0;
  // Memoize per node: innermost and outermost plugin frame on its stack.
  const stackInfo = new Map();
  const info = (id) => {
    let cached = stackInfo.get(id);
    if (cached) return cached;
    const n = nodes.get(id);
    const up = parent.has(id) ? info(parent.get(id)) : { inner: null, outer: null };
    const isPlugin = isPluginUrl(n.callFrame.url);
    cached = { inner: isPlugin ? n : up.inner, outer: up.outer ?? (isPlugin ? n : null) };
    stackInfo.set(id, cached);
    return cached;
  };
  const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);

  profile.samples.forEach((id, i) => {
    const us = durUs(i);
    total += us;
    const n = nodes.get(id);
    const cat = category(n.callFrame);
    add(byCategory, cat, us);
    const { inner, outer } = info(id);
    if (inner) {
      pluginInclusive += us;
      add(pluginThrough, frameKey(inner.callFrame), us);
      add(pluginEntry, frameKey(outer.callFrame), us);
      add(pluginFiles, shortUrl(inner.callFrame.url), us);
      if (cat === 'plugin') add(pluginSelf, frameKey(n.callFrame), us);
      else add(calleesOfPlugin, `${frameKey(n.callFrame)} [${cat}]`, us);
    }
  });
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([key, us]) => ({ key, ms: us / 1000, share: us / total }));
  return {
    totalMs: total / 1000,
    pluginInclusiveMs: pluginInclusive / 1000,
    pluginInclusiveShare: pluginInclusive / total,
    byCategory: sorted(byCategory),
    pluginFiles: sorted(pluginFiles),
    pluginSelf: sorted(pluginSelf),
    pluginThrough: sorted(pluginThrough),
    pluginEntry: sorted(pluginEntry),
    calleesOfPlugin: sorted(calleesOfPlugin),
  };
}

export function formatProfileSummary(s) {
  const pct = (x) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const ms = (x) => `${x.toFixed(0).padStart(7)} ms`;
  const block = (title, rows) => [`  ${title}`, ...(rows.length ? rows.map((r) => `    ${pct(r.share)} ${ms(r.ms)}  ${r.key}`) : ['    (none)'])].join('\n');
  return [
    `  sampled ${s.totalMs.toFixed(0)} ms; stacks through plugin code: ${s.pluginInclusiveMs.toFixed(0)} ms (${pct(s.pluginInclusiveShare).trim()}, incl. TypeScript work it calls)`,
    block('self time by package:', s.byCategory),
    block('plugin time by file (innermost plugin frame, callees included):', s.pluginFiles),
    block('plugin functions, self time:', s.pluginSelf),
    block('plugin functions, time through them (innermost plugin frame, callees included):', s.pluginThrough),
    block('plugin entry points (outermost plugin frame):', s.pluginEntry),
    block('non-plugin code called from the plugin, self time:', s.calleesOfPlugin),
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let top = 15;
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--top') top = Number(args[++i]);
    else if (args[i] === '--plugin-dir') setPluginDir(args[++i]);
    else files.push(args[i]);
  }
  if (!files.length) {
    console.error('usage: node bench/profile.mjs <file.cpuprofile | dir> [--top N]');
    process.exit(2);
  }
  for (const f of files) {
    const list = statSync(f).isDirectory() ? readdirSync(f).filter((x) => x.endsWith('.cpuprofile')).map((x) => path.join(f, x)) : [f];
    for (const file of list) {
      console.log(file);
      console.log(formatProfileSummary(summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), { top })));
    }
  }
}
