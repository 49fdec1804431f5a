#!/usr/bin/env node
// Generates a synthetic TypeScript project for the map-race benchmark.
//
//   node bench/generate.mjs <files> [--out <dir>] [--seed <n>]
//
// Default output: bench/generated/<files>/ (git-ignored). The project has its own
// tsconfig.json (lib ES2022 + WebWorker, types node, strict), a package.json
// ("type": "module") and three ESLint flat configs:
//   eslint.baseline.config.mjs  typed parser (projectService), no rules
//   eslint.peer.config.mjs      + @typescript-eslint/no-floating-promises
//   eslint.plugin.config.mjs    + eslint-plugin-map-race configs.recommended (dist/index.js)
//   eslint.noop.config.mjs      + one rule that does nothing (what enabling any rule costs ESLint)
//
// Layout (shares of <files>):
//   src/shared/types.ts      message/entry types and async helpers
//   src/store/      ~10%     module-level Maps/Records, class-field Maps, helpers writing them
//   src/services/   ~10%     async service chains (4 levels) ending in store helpers
//   src/handlers/   ~5%      message handlers: parentPort / self.onmessage / addEventListener,
//                            unguarded or under navigator.locks / async-mutex
//   src/atomics/    ~0.3%    Atomics.wait loops that write shared state
//   src/core/       rest     ordinary modules: classes, functions, promises (some floating)
//
// Output is a pure function of (files, seed): same input, same bytes.

import { mkdirSync, rmSync, writeFileSync, existsSync, symlinkSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..');
export const DEFAULT_PLUGIN_PATH = path.join(REPO_ROOT, 'dist', 'index.js');
export const GENERATOR_VERSION = 1;

/** Deterministic PRNG (mulberry32). */
function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    sample(arr, n) {
      const copy = arr.slice();
      const out = [];
      while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]);
      return out;
    },
  };
}

const pad = (n) => String(n).padStart(4, '0');

/** How many files of each kind a project of `files` files gets. */
export function planCounts(files) {
  if (!Number.isInteger(files) || files < 20) throw new Error(`files must be an integer >= 20 (got ${files})`);
  const stores = Math.max(2, Math.round(files * 0.1));
  const handlers = Math.max(3, Math.round(files * 0.05));
  const atomics = Math.max(1, Math.round(files / 300));
  const services = Math.max(4, Math.round(files * 0.1));
  const shared = 1;
  const core = files - stores - handlers - atomics - services - shared;
  return { shared, stores, services, handlers, atomics, core };
}

// ---------------------------------------------------------------------------
// File templates
// ---------------------------------------------------------------------------

function sharedTypes() {
  return `// Shared message and entry types.
export type MsgKind = 'put' | 'drop' | 'bump' | 'clear';

export interface Msg {
  readonly id: string;
  readonly kind: MsgKind;
  readonly key: string;
  readonly value: number;
}

export interface Entry {
  readonly key: string;
  readonly value: number;
  readonly at: number;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function fetchValue(key: string): Promise<number> {
  await delay(0);
  return key.length * 7;
}

export function isMsg(value: unknown): value is Msg {
  return typeof value === 'object' && value !== null && 'kind' in value && 'key' in value;
}
`;
}

function storeFile(k, rng) {
  const K = pad(k);
  const withRegistry = rng.chance(0.7);
  const withAsyncRefresh = rng.chance(0.6);
  const lines = [];
  lines.push(`// Shared state #${k}: module-level Map and Record, helpers that write them.`);
  lines.push(`import { fetchValue, type Entry } from '../shared/types.js';`);
  lines.push('');
  lines.push(`export const cache${K} = new Map<string, Entry>();`);
  lines.push(`export const counts${K}: Record<string, number> = {};`);
  lines.push(`const hits${K} = new Map<string, number>();`);
  lines.push('');
  if (withRegistry) {
    lines.push(`export class Registry${K} {`);
    lines.push(`  private readonly entries = new Map<string, number>();`);
    lines.push(`  private readonly index: Record<string, string> = {};`);
    lines.push('');
    lines.push(`  add(key: string, value: number): void {`);
    lines.push(`    this.entries.set(key, value);`);
    lines.push(`    this.index[key] = String(value);`);
    lines.push(`  }`);
    lines.push('');
    lines.push(`  remove(key: string): boolean {`);
    lines.push(`    delete this.index[key];`);
    lines.push(`    return this.entries.delete(key);`);
    lines.push(`  }`);
    lines.push('');
    lines.push(`  get(key: string): number | undefined {`);
    lines.push(`    return this.entries.get(key);`);
    lines.push(`  }`);
    lines.push(`}`);
    lines.push('');
    lines.push(`export const registry${K} = new Registry${K}();`);
    lines.push('');
  }
  lines.push(`export function put${K}(key: string, value: number): void {`);
  lines.push(`  cache${K}.set(key, { key, value, at: Date.now() });`);
  lines.push(`  hits${K}.set(key, (hits${K}.get(key) ?? 0) + 1);`);
  lines.push(`}`);
  lines.push('');
  lines.push(`export function drop${K}(key: string): boolean {`);
  lines.push(`  return cache${K}.delete(key);`);
  lines.push(`}`);
  lines.push('');
  lines.push(`export function bump${K}(key: string): number {`);
  lines.push(`  counts${K}[key] = (counts${K}[key] ?? 0) + 1;`);
  lines.push(`  return counts${K}[key] ?? 0;`);
  lines.push(`}`);
  lines.push('');
  lines.push(`export function clear${K}(key: string): void {`);
  lines.push(`  delete counts${K}[key];`);
  lines.push(`}`);
  lines.push('');
  lines.push(`export function read${K}(key: string): number | undefined {`);
  lines.push(`  return cache${K}.get(key)?.value;`);
  lines.push(`}`);
  lines.push('');
  if (withAsyncRefresh) {
    lines.push(`export async function refresh${K}(key: string): Promise<void> {`);
    lines.push(`  const value = await fetchValue(key);`);
    lines.push(`  cache${K}.set(key, { key, value, at: Date.now() });`);
    lines.push(`}`);
    lines.push('');
  }
  lines.push(`export function size${K}(): number {`);
  lines.push(`  return cache${K}.size + Object.keys(counts${K}).length;`);
  lines.push(`}`);
  return {
    text: lines.join('\n') + '\n',
    meta: {
      k,
      id: K,
      withRegistry,
      withAsyncRefresh,
      map: `cache${K}`,
      writers: [`put${K}`, `bump${K}`, `clear${K}`],
    },
  };
}

/** A call to one of a store's writing helpers, given `key`/`value` expressions. */
function storeCall(store, rng, key, value) {
  const K = store.id;
  const options = [
    `put${K}(${key}, ${value});`,
    `drop${K}(${key});`,
    `bump${K}(${key});`,
    `clear${K}(${key});`,
  ];
  if (store.withRegistry) options.push(`registry${K}.add(${key}, ${value});`);
  const stmt = rng.pick(options);
  const name = stmt.match(/^(\w+)[.(]/)[1];
  return { stmt, name };
}

function importLine(names, from) {
  const uniq = [...new Set(names)].sort();
  return `import { ${uniq.join(', ')} } from '${from}';`;
}

function coreFile(k, rng, earlierCore) {
  const K = pad(k);
  const imports = earlierCore.length ? rng.sample(earlierCore, rng.int(1, Math.min(3, earlierCore.length))) : [];
  const primary = imports[0];
  const loops = rng.int(2, 9);
  const memo = rng.chance(0.05); // a module-level Map in an ordinary module
  const extraFns = rng.int(1, 4);
  const floating = rng.chance(0.35);
  const lines = [];
  lines.push(`// Ordinary module #${k}.`);
  lines.push(`import { delay } from '../shared/types.js';`);
  for (const j of imports) {
    const J = pad(j);
    lines.push(importLine([`Widget${J}`, `compute${J}`, `load${J}`], `./mod${J}.js`));
  }
  lines.push('');
  if (memo) {
    lines.push(`const memo${K} = new Map<number, number>();`);
    lines.push('');
  }
  lines.push(`export interface Options${K} {`);
  lines.push(`  readonly name: string;`);
  lines.push(`  readonly size: number;`);
  lines.push(`  readonly tags: readonly string[];`);
  lines.push(`}`);
  lines.push('');
  lines.push(`export class Widget${K} {`);
  lines.push(`  private readonly items: number[] = [];`);
  lines.push(`  private total = 0;`);
  lines.push('');
  lines.push(`  constructor(private readonly options: Options${K}) {}`);
  lines.push('');
  lines.push(`  add(value: number): this {`);
  lines.push(`    this.items.push(value);`);
  lines.push(`    this.total += value;`);
  lines.push(`    return this;`);
  lines.push(`  }`);
  lines.push('');
  lines.push(`  async flush(): Promise<number> {`);
  lines.push(`    await delay(0);`);
  lines.push(`    const sum = this.total;`);
  lines.push(`    this.total = 0;`);
  lines.push(primary !== undefined ? `    return sum + compute${pad(primary)}(sum);` : `    return sum;`);
  lines.push(`  }`);
  lines.push('');
  lines.push(`  describe(): string {`);
  lines.push(`    return \`\${this.options.name}:\${this.items.length}:\${this.options.tags.join(',')}\`;`);
  lines.push(`  }`);
  lines.push(`}`);
  lines.push('');
  lines.push(`export function compute${K}(x: number): number {`);
  if (memo) {
    lines.push(`  const cached = memo${K}.get(x);`);
    lines.push(`  if (cached !== undefined) return cached;`);
  }
  lines.push(`  let acc = x;`);
  lines.push(`  for (let i = 0; i < ${loops}; i++) {`);
  lines.push(`    acc = (acc * 31 + i) % 1000003;`);
  lines.push(`  }`);
  if (primary !== undefined) lines.push(`  acc = (acc + compute${pad(primary)}(acc % ${loops + 10})) % 1000003;`);
  if (memo) lines.push(`  memo${K}.set(x, acc);`);
  lines.push(`  return acc;`);
  lines.push(`}`);
  lines.push('');
  lines.push(`export async function load${K}(keys: readonly string[]): Promise<Map<string, number>> {`);
  lines.push(`  const out = new Map<string, number>();`);
  lines.push(`  for (const key of keys) {`);
  lines.push(`    await delay(0);`);
  lines.push(`    out.set(key, compute${K}(key.length));`);
  lines.push(`  }`);
  lines.push(`  return out;`);
  lines.push(`}`);
  lines.push('');
  for (let e = 0; e < extraFns; e++) {
    const kind = rng.int(0, 3);
    if (kind === 0) {
      lines.push(`export function format${K}_${e}(values: readonly number[]): string {`);
      lines.push(`  return values.map((v) => v.toFixed(${rng.int(0, 3)})).join(', ');`);
      lines.push(`}`);
    } else if (kind === 1) {
      lines.push(`export async function retry${K}_${e}<T>(fn: () => Promise<T>, attempts = ${rng.int(2, 5)}): Promise<T> {`);
      lines.push(`  let last: unknown;`);
      lines.push(`  for (let i = 0; i < attempts; i++) {`);
      lines.push(`    try {`);
      lines.push(`      return await fn();`);
      lines.push(`    } catch (error) {`);
      lines.push(`      last = error;`);
      lines.push(`      await delay(i);`);
      lines.push(`    }`);
      lines.push(`  }`);
      lines.push(`  throw last instanceof Error ? last : new Error(String(last));`);
      lines.push(`}`);
    } else if (kind === 2) {
      lines.push(`export function group${K}_${e}(words: readonly string[]): Record<string, string[]> {`);
      lines.push(`  const groups: Record<string, string[]> = {};`);
      lines.push(`  for (const word of words) {`);
      lines.push(`    const head = word.charAt(0);`);
      lines.push(`    (groups[head] ??= []).push(word);`);
      lines.push(`  }`);
      lines.push(`  return groups;`);
      lines.push(`}`);
    } else {
      lines.push(`export const settle${K}_${e} = async (inputs: readonly number[]): Promise<number[]> => {`);
      lines.push(`  const results = await Promise.allSettled(inputs.map(async (n) => compute${K}(n)));`);
      lines.push(`  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));`);
      lines.push(`};`);
    }
    lines.push('');
  }
  lines.push(`export function start${K}(): Widget${K} {`);
  lines.push(`  const widget = new Widget${K}({ name: 'w${K}', size: ${loops}, tags: ['t${k % 7}'] });`);
  lines.push(`  widget.add(1).add(${loops});`);
  if (floating) {
    // no-floating-promises reports these.
    lines.push(`  widget.flush().then((n) => console.log(n));`);
    lines.push(`  load${K}(['a', 'b']);`);
  } else {
    lines.push(`  void widget.flush().then((n) => console.log(n));`);
    lines.push(`  load${K}(['a', 'b']).catch((error: unknown) => console.error(error));`);
  }
  for (const j of imports.slice(1)) {
    const J = pad(j);
    lines.push(`  void load${J}([widget.describe()]);`);
    lines.push(`  new Widget${J}({ name: 'n${J}', size: 1, tags: [] }).add(compute${J}(${loops}));`);
  }
  lines.push(`  return widget;`);
  lines.push(`}`);
  return { text: lines.join('\n') + '\n', meta: { k, id: K, memo, imports } };
}

function serviceFile(s, rng, ctx) {
  const S = pad(s);
  const level = s % 4;
  const lines = [];
  const imports = new Map(); // from -> names
  const addImport = (from, name) => {
    if (!imports.has(from)) imports.set(from, []);
    imports.get(from).push(name);
  };
  addImport('../shared/types.js', 'delay');
  addImport('../shared/types.js', 'type Msg');
  const body = [];
  let locked = rng.chance(0.2) ? rng.pick(['navigator', 'runExclusive', 'acquire']) : null;
  const calls = [];
  // Calls into the level below: a chain handler -> svc(3) -> svc(2) -> svc(1) -> svc(0) -> store helper.
  if (level > 0) {
    const below = ctx.servicesByLevel[level - 1];
    for (const t of rng.sample(below, rng.int(1, 2))) {
      const T = pad(t);
      addImport(`./svc${T}.js`, `handle${T}`);
      calls.push(`await handle${T}(msg);`);
    }
  }
  // Store writes: always at level 0, sometimes higher up.
  const writes = [];
  if (level === 0 || rng.chance(0.3)) {
    for (const store of rng.sample(ctx.stores, rng.int(1, 2))) {
      const { stmt, name } = storeCall(store, rng, 'msg.key', 'msg.value');
      addImport(`../store/store${store.id}.js`, name.startsWith('registry') ? `registry${store.id}` : name);
      writes.push(stmt);
    }
  }
  if (writes.length === 0) locked = null;
  // Some calls into the ordinary modules, so reachability crosses a big part of the program.
  const core = rng.sample(ctx.core, rng.int(1, 3));
  for (const c of core) addImport(`../core/mod${pad(c)}.js`, `compute${pad(c)}`);
  body.push(`  const weight = ${core.map((c) => `compute${pad(c)}(msg.value)`).join(' + ')};`);
  body.push(`  if (weight < 0) return;`);
  body.push(`  await delay(0);`);
  for (const c of calls) body.push(`  ${c}`);
  if (writes.length) {
    if (locked === 'navigator') {
      body.push(`  await navigator.locks.request('svc${S}', async () => {`);
      for (const w of writes) body.push(`    ${w}`);
      body.push(`  });`);
    } else if (locked === 'runExclusive') {
      addImport('async-mutex', 'Mutex');
      body.push(`  await mutex${S}.runExclusive(() => {`);
      for (const w of writes) body.push(`    ${w}`);
      body.push(`  });`);
    } else if (locked === 'acquire') {
      addImport('async-mutex', 'Mutex');
      body.push(`  const release = await mutex${S}.acquire();`);
      body.push(`  try {`);
      for (const w of writes) body.push(`    ${w}`);
      body.push(`  } finally {`);
      body.push(`    release();`);
      body.push(`  }`);
    } else {
      for (const w of writes) body.push(`  ${w}`);
    }
  }
  lines.push(`// Service #${s} (level ${level}).`);
  for (const [from, names] of [...imports].sort(([a], [b]) => a.localeCompare(b))) lines.push(importLine(names, from));
  lines.push('');
  if (locked === 'runExclusive' || locked === 'acquire') {
    lines.push(`const mutex${S} = new Mutex();`);
    lines.push('');
  }
  lines.push(`export async function handle${S}(msg: Msg): Promise<void> {`);
  lines.push(...body);
  lines.push(`}`);
  lines.push('');
  lines.push(`export function describe${S}(msg: Msg): string {`);
  lines.push(`  return \`svc${S}:\${msg.kind}:\${msg.key}\`;`);
  lines.push(`}`);
  return { text: lines.join('\n') + '\n', meta: { s, id: S, level, locked, writes: writes.length } };
}

export const HANDLER_VARIANTS = [
  'parentPort-unguarded',
  'parentPort-runExclusive',
  'onmessage-unguarded',
  'onmessage-navigatorLocks',
  'addEventListener-acquire',
  'addEventListener-unguarded',
];

function handlerFile(h, rng, ctx) {
  const H = pad(h);
  const variant = HANDLER_VARIANTS[h % HANDLER_VARIANTS.length];
  const topLevel = ctx.servicesByLevel[3].length ? 3 : 2;
  const svc = rng.pick(ctx.servicesByLevel[topLevel]);
  const store = rng.pick(ctx.stores);
  const write = storeCall(store, rng, 'msg.key', 'msg.value');
  const S = pad(svc);
  const imports = [
    `import type { Msg } from '../shared/types.js';`,
    importLine([`handle${S}`], `../services/svc${S}.js`),
    importLine([write.name.startsWith('registry') ? `registry${store.id}` : write.name], `../store/store${store.id}.js`),
  ];
  const lines = [`// Message handler #${h} (${variant}).`];
  const inner = [`await handle${S}(msg);`, write.stmt];
  switch (variant) {
    case 'parentPort-unguarded':
      lines.push(`import { parentPort } from 'node:worker_threads';`, ...imports, '');
      lines.push(`parentPort?.on('message', async (msg: Msg) => {`);
      lines.push(...inner.map((l) => `  ${l}`));
      lines.push(`});`);
      break;
    case 'parentPort-runExclusive':
      lines.push(`import { Mutex } from 'async-mutex';`, `import { parentPort } from 'node:worker_threads';`, ...imports, '');
      lines.push(`const mutex = new Mutex();`, '');
      lines.push(`parentPort?.on('message', async (msg: Msg) => {`);
      lines.push(`  await mutex.runExclusive(async () => {`);
      lines.push(...inner.map((l) => `    ${l}`));
      lines.push(`  });`);
      lines.push(`});`);
      break;
    case 'onmessage-unguarded':
      lines.push(...imports, '');
      lines.push(`self.onmessage = async (event: MessageEvent<Msg>) => {`);
      lines.push(`  const msg = event.data;`);
      lines.push(...inner.map((l) => `  ${l}`));
      lines.push(`};`);
      break;
    case 'onmessage-navigatorLocks':
      lines.push(...imports, '');
      lines.push(`self.onmessage = async (event: MessageEvent<Msg>) => {`);
      lines.push(`  const msg = event.data;`);
      lines.push(`  await navigator.locks.request('handler${H}', async () => {`);
      lines.push(...inner.map((l) => `    ${l}`));
      lines.push(`  });`);
      lines.push(`};`);
      break;
    case 'addEventListener-acquire':
      lines.push(`import { Mutex } from 'async-mutex';`, ...imports, '');
      lines.push(`const mutex = new Mutex();`, '');
      lines.push(`addEventListener('message', async (event: MessageEvent<Msg>) => {`);
      lines.push(`  const msg = event.data;`);
      lines.push(`  const release = await mutex.acquire();`);
      lines.push(`  try {`);
      lines.push(...inner.map((l) => `    ${l}`));
      lines.push(`  } finally {`);
      lines.push(`    release();`);
      lines.push(`  }`);
      lines.push(`});`);
      break;
    case 'addEventListener-unguarded':
      lines.push(...imports, '');
      lines.push(`addEventListener('message', async (event: MessageEvent<Msg>) => {`);
      lines.push(`  const msg = event.data;`);
      lines.push(...inner.map((l) => `  ${l}`));
      lines.push(`});`);
      break;
    default:
      throw new Error(variant);
  }
  lines.push('');
  lines.push(`export const handlerName${H} = 'handler${H}';`);
  return { text: lines.join('\n') + '\n', meta: { h, id: H, variant, service: svc, store: store.k } };
}

function atomicsFile(a, rng, ctx) {
  const A = pad(a);
  const store = rng.pick(ctx.stores);
  const write = storeCall(store, rng, 'key', 'spins');
  const lines = [];
  lines.push(`// Atomics.wait loop #${a}.`);
  lines.push(importLine([write.name.startsWith('registry') ? `registry${store.id}` : write.name], `../store/store${store.id}.js`));
  lines.push('');
  lines.push(`export function waitLoop${A}(flags: Int32Array, key: string): number {`);
  lines.push(`  let spins = 0;`);
  lines.push(`  while (Atomics.wait(flags, 0, 0, ${rng.int(10, 100)}) === 'timed-out' && spins < ${rng.int(10, 1000)}) {`);
  lines.push(`    spins++;`);
  lines.push(`  }`);
  lines.push(`  ${write.stmt}`);
  lines.push(`  Atomics.store(flags, 0, 0);`);
  lines.push(`  Atomics.notify(flags, 0);`);
  lines.push(`  return spins;`);
  lines.push(`}`);
  return { text: lines.join('\n') + '\n', meta: { a, id: A, store: store.k } };
}

// ---------------------------------------------------------------------------
// Project files
// ---------------------------------------------------------------------------

function tsconfig() {
  return (
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2022', 'WebWorker'],
          types: ['node'],
          strict: true,
          skipLibCheck: true,
          noEmit: true,
        },
        include: ['src/**/*.ts'],
      },
      null,
      2,
    ) + '\n'
  );
}

/** The ESLint config of one bench variant; `tsconfigRootDir` is the directory the file is written to. */
/**
 * `ruleOptions` (plugin kind only): options for map-race/no-unguarded-map-write on top of the
 * recommended config's (the real part's monorepo row runs `{ workspace: 'off' }` beside it).
 */
export function eslintConfig(kind, pluginPath, { files = ['**/*.ts'], ruleOptions } = {}) {
  const require = createRequire(path.join(REPO_ROOT, 'package.json'));
  const tseslintUrl = pathToFileURL(require.resolve('typescript-eslint')).href;
  const lines = [
    `// Generated by bench/generate.mjs (${kind}).`,
    `import tseslint from ${JSON.stringify(tseslintUrl)};`,
  ];
  if (kind === 'plugin') lines.push(`import plugin from ${JSON.stringify(pathToFileURL(pluginPath).href)};`);
  lines.push('');
  lines.push(`const typed = {`);
  lines.push(`  files: ${JSON.stringify(files)},`);
  lines.push(`  languageOptions: {`);
  lines.push(`    parser: tseslint.parser,`);
  lines.push(`    parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },`);
  lines.push(`  },`);
  lines.push(`};`);
  lines.push('');
  if (kind === 'baseline') {
    lines.push(`export default [typed];`);
  } else if (kind === 'peer') {
    lines.push(`export default [`);
    lines.push(`  typed,`);
    lines.push(`  {`);
    lines.push(`    files: ${JSON.stringify(files)},`);
    lines.push(`    plugins: { '@typescript-eslint': tseslint.plugin },`);
    lines.push(`    rules: { '@typescript-eslint/no-floating-promises': 'error' },`);
    lines.push(`  },`);
    lines.push(`];`);
  } else if (kind === 'plugin') {
    // Only the typed files: ESLint also lints a project's .js files, with espree and no type information.
    const recommended = `{ ...plugin.configs.recommended, files: ${JSON.stringify(files)} }`;
    if (ruleOptions) {
      const options = { ...{ interleaving: 'await' }, ...ruleOptions };
      lines.push(`export default [typed, ${recommended}, { files: ${JSON.stringify(files)}, rules: { 'map-race/no-unguarded-map-write': ['error', ${JSON.stringify(options)}] } }];`);
    } else {
      lines.push(`export default [typed, ${recommended}];`);
    }
  } else if (kind === 'noop') {
    lines.push(`const noop = { meta: { type: 'problem', schema: [] }, create: () => ({}) };`);
    lines.push('');
    lines.push(`export default [`);
    lines.push(`  typed,`);
    lines.push(`  { files: ${JSON.stringify(files)}, plugins: { bench: { rules: { noop } } }, rules: { 'bench/noop': 'error' } },`);
    lines.push(`];`);
  } else {
    throw new Error(kind);
  }
  return lines.join('\n') + '\n';
}

export const CONFIG_KINDS = ['baseline', 'noop', 'peer', 'plugin'];

export function configPath(outDir, kind) {
  return path.join(outDir, `eslint.${kind}.config.mjs`);
}

/**
 * Generate the project. Returns metadata (paths are absolute).
 * @param {{ files: number, outDir?: string, seed?: number, pluginPath?: string, clean?: boolean }} options
 */
export function generateProject({ files, outDir, seed = 1, pluginPath = DEFAULT_PLUGIN_PATH, clean = true }) {
  outDir = path.resolve(outDir ?? path.join(REPO_ROOT, 'bench', 'generated', String(files)));
  const counts = planCounts(files);
  const rng = makeRng((seed * 2654435761 + files) >>> 0);
  if (clean) rmSync(path.join(outDir, 'src'), { recursive: true, force: true });
  for (const dir of ['shared', 'store', 'services', 'handlers', 'atomics', 'core']) {
    mkdirSync(path.join(outDir, 'src', dir), { recursive: true });
  }
  const out = new Map(); // relative path -> text
  out.set('src/shared/types.ts', sharedTypes());

  const core = [];
  const coreMeta = [];
  for (let k = 0; k < counts.core; k++) {
    const { text, meta } = coreFile(k, rng, core);
    out.set(`src/core/mod${pad(k)}.ts`, text);
    core.push(k);
    coreMeta.push(meta);
  }
  const stores = [];
  for (let k = 0; k < counts.stores; k++) {
    const { text, meta } = storeFile(k, rng);
    out.set(`src/store/store${pad(k)}.ts`, text);
    stores.push({ ...meta, path: path.join(outDir, `src/store/store${pad(k)}.ts`) });
  }
  const servicesByLevel = [[], [], [], []];
  for (let s = 0; s < counts.services; s++) servicesByLevel[s % 4].push(s);
  const ctx = { core, stores, servicesByLevel };
  const services = [];
  for (let s = 0; s < counts.services; s++) {
    const { text, meta } = serviceFile(s, rng, ctx);
    out.set(`src/services/svc${pad(s)}.ts`, text);
    services.push(meta);
  }
  const handlers = [];
  for (let h = 0; h < counts.handlers; h++) {
    const { text, meta } = handlerFile(h, rng, ctx);
    out.set(`src/handlers/handler${pad(h)}.ts`, text);
    handlers.push({ ...meta, path: path.join(outDir, `src/handlers/handler${pad(h)}.ts`) });
  }
  const atomics = [];
  for (let a = 0; a < counts.atomics; a++) {
    const { text, meta } = atomicsFile(a, rng, ctx);
    out.set(`src/atomics/waiter${pad(a)}.ts`, text);
    atomics.push(meta);
  }
  if (out.size !== files) throw new Error(`internal: generated ${out.size} files, wanted ${files}`);

  for (const [rel, text] of out) writeFileSync(path.join(outDir, rel), text);
  writeFileSync(path.join(outDir, 'tsconfig.json'), tsconfig());
  writeFileSync(
    path.join(outDir, 'package.json'),
    JSON.stringify({ name: `map-race-bench-${files}`, private: true, type: 'module' }, null, 2) + '\n',
  );
  for (const kind of CONFIG_KINDS) writeFileSync(configPath(outDir, kind), eslintConfig(kind, pluginPath));

  // Outside the repository, module resolution (typescript-eslint in the configs is
  // absolute, but @types/node and async-mutex are resolved by TypeScript) needs node_modules.
  const rel = path.relative(REPO_ROOT, outDir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    const link = path.join(outDir, 'node_modules');
    let present = false;
    try {
      lstatSync(link);
      present = true;
    } catch {}
    if (!present) symlinkSync(path.join(REPO_ROOT, 'node_modules'), link, 'dir');
  }

  const lines = [...out.values()].reduce((n, t) => n + t.split('\n').length - 1, 0);
  return {
    outDir,
    files,
    seed,
    counts,
    lines,
    stores,
    handlers,
    services,
    atomics,
    memoModules: coreMeta.filter((m) => m.memo).map((m) => m.k),
    configs: Object.fromEntries(CONFIG_KINDS.map((k) => [k, configPath(outDir, k)])),
  };
}

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let files;
  let outDir;
  let seed = 1;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--out') outDir = args[++i];
    else if (a === '--seed') seed = Number(args[++i]);
    else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/generate.mjs <files> [--out <dir>] [--seed <n>]');
      process.exit(0);
    } else files = Number(a);
  }
  if (!files) {
    console.error('usage: node bench/generate.mjs <files> [--out <dir>] [--seed <n>]');
    process.exit(2);
  }
  const meta = generateProject({ files, outDir, seed });
  console.log(
    `generated ${meta.files} files (${meta.lines} lines) in ${path.relative(process.cwd(), meta.outDir) || '.'}: ` +
      Object.entries(meta.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
  );
  if (!existsSync(DEFAULT_PLUGIN_PATH)) console.log(`note: ${path.relative(process.cwd(), DEFAULT_PLUGIN_PATH)} is not built yet; eslint.plugin.config.mjs needs it`);
}
