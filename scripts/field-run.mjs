#!/usr/bin/env node
// Field run: lint a checkout of a real project with map-race/no-unguarded-map-write
// (and nothing else) and print what the rule reports, per interleaving mode.
//
//   node scripts/field-run.mjs <checkout-dir> [--mode any|await|both] [--json out.json]
//                              [--typescript auto|bundled|<dir>] [--ignore <glob>]...
//                              [--plugin <file>] [--options <json>] [--probe]
//                              [--labels <file> | --project <name>]
//
// --mode        interleaving mode(s) to run (default: both)
// --json        write the raw results (per mode: every ESLint message, skipped files, crashes)
// --typescript  which TypeScript gives type information. `auto` (default) uses the checkout's own
//               node_modules/typescript when it is within the plugin's peer range (>=5.0 <6.1),
//               else the one installed next to this script. TypeScript 6 changed defaults that
//               matter here (e.g. `types` defaults to [] so @types/node is no longer picked up),
//               so a project written for TS 5 is typed as its authors see it only with its own TS.
// --ignore      extra glob(s) to ignore, relative to the checkout (repeatable)
// --plugin      load the plugin from this file instead of ../dist/index.js
// --options     more rule options as JSON, e.g. '{"contexts":[{"handler":"subscribeToMasterMessages"}]}'
// --labels      score the reports against a labels file (docs/field-labels/README.md): per mode
//               precision, recall, known bugs found, unlabelled reports and missed labels
// --project     the same with docs/field-labels/<name>.json of this repository
// --probe       plumbing check: do not load the plugin; run a probe rule that asks the type
//               checker about every call and import instead (also works before dist/ exists)
//
// How files get type information: every file is first opened with `projectService: true`
// (no default project). Files that belong to a tsconfig are linted that way. Files that the
// project service does not find in any tsconfig (JS files outside `allowJs` projects, scripts,
// examples...) are then put, by exact path, into `allowDefaultProject` (typescript-eslint
// forbids `**` there), with maximumDefaultProjectFileMatchCount raised to fit, and are linted
// in the default (inferred) project, whose compiler options are the checkout's root
// tsconfig.json plus allowJs (plus `types: ["*"]` under TS 6), written to a temporary
// `.field-run-default-project.<pid>.tsconfig.json` in the checkout root that is removed at exit.
// The project service is a process-wide singleton created with the first settings it sees, so
// the classification pass clears typescript-eslint's caches before the real passes; the
// default-project files are then parsed once more to set aside those that do not parse at all.
// Skipped files are listed with the reason. TSESTREE_SINGLE_RUN is set as the eslint CLI would.
//
// Output per mode: files linted, reports (file:line:col messageId message), other ESLint
// messages, fatal parsing errors, crashes (with stack; loud), time. The second mode in one
// process runs warm (the TypeScript programs are already built), so time the modes
// separately (--mode any / --mode await) when timings matter.
//
// Exit code: 0 ok; 1 a file that parsed in the classification passes had a parsing error in a
// mode pass; 2 the rule (or ESLint, or the parser) threw on some file; 3 bad usage.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire, register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { validateLabels, scoreMode, formatScore } from './field-score.mjs';

const RULE = 'map-race/no-unguarded-map-write';
const EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs']);
const FILES_GLOB = '**/*.{ts,tsx,mts,cts,js,mjs,cjs}';
// Directories never descended into (dependencies, VCS, build output, caches).
const SKIP_DIRS = new Set([
  'node_modules', '.git', '.hg', '.svn', 'dist', 'build', 'out', 'coverage', '.nyc_output',
  '.yarn', '.pnpm-store', '.next', '.nuxt', '.turbo', '.cache', '.output', '.vercel', '.svelte-kit',
]);
const IGNORES = [...SKIP_DIRS].map((d) => `**/${d}/**`).concat(['**/*.min.js', '**/*.min.mjs']);
const MAX_FILE_BYTES = 2 * 1024 * 1024;

const scriptDir = path.dirname(fileURLToPath(import.meta.url));
let pluginPath = path.resolve(scriptDir, '../dist/index.js');

// ---------------------------------------------------------------- arguments
function usage(msg) {
  if (msg) console.error(`field-run: ${msg}`);
  console.error('usage: node scripts/field-run.mjs <checkout-dir> [--mode any|await|both] [--json out.json] [--typescript auto|bundled|<dir>] [--ignore <glob>]... [--plugin <file>] [--options <json>] [--probe] [--labels <file> | --project <name>]');
  process.exit(3);
}
const argv = process.argv.slice(2);
const opts = { mode: 'both', json: null, typescript: 'auto', ignore: [], probe: false, dir: null, ruleOptions: {}, labels: null };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
  if (a === '--mode') opts.mode = val();
  else if (a.startsWith('--mode=')) opts.mode = a.slice(7);
  else if (a === '--json') opts.json = val();
  else if (a.startsWith('--json=')) opts.json = a.slice(7);
  else if (a === '--typescript') opts.typescript = val();
  else if (a.startsWith('--typescript=')) opts.typescript = a.slice(13);
  else if (a === '--ignore') opts.ignore.push(val());
  else if (a.startsWith('--ignore=')) opts.ignore.push(a.slice(9));
  else if (a === '--probe') opts.probe = true;
  else if (a === '--labels') opts.labels = path.resolve(val());
  else if (a === '--project') opts.labels = path.resolve(scriptDir, '../docs/field-labels', `${val()}.json`);
  else if (a === '--options') opts.ruleOptions = parseRuleOptions(val());
  else if (a === '--plugin') pluginPath = path.resolve(val());
  else if (a === '-h' || a === '--help') usage();
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else if (!opts.dir) opts.dir = a;
  else usage(`unexpected argument ${a}`);
}
if (!opts.dir) usage('missing <checkout-dir>');
const labelsDoc = opts.labels ? loadLabels(opts.labels) : null;

function loadLabels(file) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return usage(`--labels/--project: cannot read ${file}: ${error.message}`);
  }
  const problems = validateLabels(doc);
  if (problems.length) usage(`labels file ${file} is malformed (see docs/field-labels/README.md):\n  ${problems.join('\n  ')}`);
  return doc;
}

function parseRuleOptions(text) {
  try {
    const parsed = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed;
  } catch (error) {
    return usage(`--options must be a JSON object of rule options: ${error.message}`);
  }
}
if (!['any', 'await', 'both'].includes(opts.mode)) usage(`bad --mode ${opts.mode}`);
const root = fs.realpathSync(path.resolve(opts.dir));
if (!fs.statSync(root).isDirectory()) usage(`${root} is not a directory`);
const modes = opts.probe ? ['probe'] : opts.mode === 'both' ? ['any', 'await'] : [opts.mode];

// Behave like the `eslint` CLI does for a one-off run: no project reloads when a file is not
// found in any tsconfig (the reloads made classification minutes slower on larger checkouts).
process.env.TSESTREE_SINGLE_RUN ??= 'true';

// ---------------------------------------------------------------- TypeScript selection
const localRequire = createRequire(import.meta.url);
function tsVersionAt(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}
function inPeerRange(v) {
  const m = /^(\d+)\.(\d+)/.exec(v ?? '');
  if (!m) return false;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj === 5 || (maj === 6 && min === 0);
}
const bundledTsDir = path.dirname(localRequire.resolve('typescript/package.json'));
let tsDir = bundledTsDir;
let tsChoiceNote = 'bundled (next to field-run.mjs)';
if (opts.typescript === 'auto') {
  const own = path.join(root, 'node_modules', 'typescript');
  const v = tsVersionAt(own);
  if (v && inPeerRange(v)) {
    tsDir = fs.realpathSync(own);
    tsChoiceNote = "checkout's own";
  } else if (v) {
    tsChoiceNote = `bundled (checkout's own typescript ${v} is outside >=5.0 <6.1)`;
  } else {
    tsChoiceNote = 'bundled (checkout has no node_modules/typescript)';
  }
} else if (opts.typescript !== 'bundled') {
  tsDir = fs.realpathSync(path.resolve(opts.typescript));
  if (!tsVersionAt(tsDir)) usage(`--typescript ${opts.typescript}: no package.json there`);
  tsChoiceNote = 'given with --typescript';
}
if (tsDir !== bundledTsDir) redirectTypeScript(tsDir);

// Make every `require('typescript…')` and `import 'typescript…'` in this process (ESLint's
// parser, typescript-eslint's project service, the plugin) load the chosen TypeScript, so
// that all of them agree on one SyntaxKind/TypeFlags numbering.
function redirectTypeScript(dir) {
  const isTs = (s) => s === 'typescript' || s.startsWith('typescript/');
  const Module = localRequire('node:module');
  const orig = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    if (isTs(request)) return orig.call(this, path.join(dir, request.slice('typescript'.length)), parent, isMain, options);
    return orig.call(this, request, parent, isMain, options);
  };
  const hook = `
    let dir;
    export function initialize(data) { dir = data.dir; }
    export async function resolve(spec, ctx, next) {
      if (spec === 'typescript' || spec.startsWith('typescript/')) {
        const { createRequire } = await import('node:module');
        const { pathToFileURL } = await import('node:url');
        const p = createRequire(dir + '/package.json').resolve(dir + spec.slice('typescript'.length));
        return { url: pathToFileURL(p).href, shortCircuit: true };
      }
      return next(spec, ctx);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { dir } });
}

// ---------------------------------------------------------------- load tooling (after redirect)
const { ESLint } = await import('eslint');
const tsParserMod = await import('@typescript-eslint/parser');
const tsParser = tsParserMod.default ?? tsParserMod;
const clearCaches = tsParserMod.clearCaches ?? tsParser.clearCaches;
const tsMod = await import('typescript');
const ts = tsMod.default ?? tsMod;
const tsRequired = localRequire('typescript');
if (tsRequired.version !== ts.version) {
  console.error(`field-run: TypeScript mismatch: require() gives ${tsRequired.version}, import gives ${ts.version}`);
  process.exit(3);
}

let plugin = null;
if (!opts.probe) {
  if (!fs.existsSync(pluginPath)) usage(`${pluginPath} does not exist (build the plugin first, or use --probe)`);
  const mod = await import(pathToFileURL(pluginPath).href);
  plugin = mod.default ?? mod;
  if (!plugin?.rules?.['no-unguarded-map-write']) {
    console.error(`field-run: ${pluginPath} has no rules['no-unguarded-map-write'] (keys: ${Object.keys(plugin?.rules ?? {})})`);
    process.exit(3);
  }
}

// ---------------------------------------------------------------- probe rule (plumbing)
// Asks the checker for the type of every callee and the symbol of every import, so that a
// missing program, a missing node map or unresolved dependencies show up in the numbers.
const probeStats = new Map(); // file -> { calls, anyCallees, imports, unresolvedImports, program }
const probePlugin = {
  rules: {
    types: {
      meta: { type: 'problem', schema: [], messages: { noTypes: 'no type information for this file' } },
      create(context) {
        const services = context.sourceCode.parserServices;
        const st = { calls: 0, anyCallees: 0, imports: 0, unresolvedImports: 0, program: !!services?.program };
        probeStats.set(context.filename, st);
        if (!services?.program) {
          return { Program(node) { context.report({ node, messageId: 'noTypes' }); } };
        }
        const checker = services.program.getTypeChecker();
        return {
          CallExpression(node) {
            st.calls++;
            const tsNode = services.esTreeNodeToTSNodeMap.get(node.callee);
            const type = checker.getTypeAtLocation(tsNode);
            if (type.flags & ts.TypeFlags.Any) st.anyCallees++;
          },
          ImportDeclaration(node) {
            st.imports++;
            const tsNode = services.esTreeNodeToTSNodeMap.get(node.source);
            if (!checker.getSymbolAtLocation(tsNode)) {
              st.unresolvedImports++;
              (st.unresolvedSpecifiers ??= []).push(String(node.source.value));
            }
          },
        };
      },
    },
  },
};

// ---------------------------------------------------------------- files
function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
const extraIgnores = opts.ignore.map(globToRegExp);
const skipped = []; // { file, reason, detail? }
function walk(dir, out) {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, ent.name);
    const rel = path.relative(root, abs).split(path.sep).join('/');
    if (extraIgnores.some((r) => r.test(rel) || r.test(`${rel}/`))) continue;
    if (ent.isDirectory()) {
      if (!SKIP_DIRS.has(ent.name)) walk(abs, out);
    } else if (ent.isFile() && EXTENSIONS.has(path.extname(ent.name))) {
      if (/\.min\.m?js$/.test(ent.name)) continue;
      const size = fs.statSync(abs).size;
      if (size > MAX_FILE_BYTES) skipped.push({ file: rel, reason: 'too large (likely generated)', detail: `${size} bytes` });
      else out.push(abs);
    }
  }
  return out;
}
const allFiles = walk(root, []).sort();
const rel = (f) => path.relative(root, f).split(path.sep).join('/');

// ---------------------------------------------------------------- ESLint plumbing
function makeEslint({ projectService, rules, plugins }) {
  return new ESLint({
    cwd: root,
    overrideConfigFile: true,
    errorOnUnmatchedPattern: false,
    warnIgnored: true,
    overrideConfig: [
      { ignores: [...IGNORES, ...opts.ignore] },
      {
        files: [FILES_GLOB],
        languageOptions: {
          parser: tsParser,
          parserOptions: { projectService, tsconfigRootDir: root },
        },
        linterOptions: { reportUnusedDisableDirectives: 'off', reportUnusedInlineConfigs: 'off' },
        plugins,
        rules,
      },
    ],
  });
}

const NOT_FOUND = /was not found by the project service/;
const isCrash = (e) => e && typeof e === 'object';

// Lints files one by one so that a crash on one file is recorded and the others still run.
async function lintEach(eslint, files, label) {
  const results = [];
  const crashes = [];
  let n = 0;
  for (const f of files) {
    n++;
    if (process.stderr.isTTY) process.stderr.write(`\r[${label}] ${n}/${files.length} ${rel(f).slice(-60).padEnd(60)}`);
    try {
      const [r] = await eslint.lintFiles([f]);
      if (r) results.push(r);
    } catch (e) {
      crashes.push({ file: rel(f), message: isCrash(e) ? String(e.message) : String(e), stack: isCrash(e) ? String(e.stack) : String(e) });
    }
  }
  if (process.stderr.isTTY) process.stderr.write('\r'.padEnd(80) + '\r');
  return { results, crashes };
}

// ---------------------------------------------------------------- classification pass
const t0 = performance.now();
const classifier = makeEslint({
  projectService: true,
  plugins: { probe: probePlugin },
  rules: { 'probe/types': 'error' },
});
const cls = await lintEach(classifier, allFiles, 'classify');
const inTsconfig = [];
const inDefault = [];
const classifyCrashes = cls.crashes;
// A fatal message that is not a parsing error (e.g. ESLint 10's "/* eslint-env */ comments are
// no longer supported") does not stop the rules from running on the file.
const isParseFailure = (m) => m.fatal && /^Parsing error/.test(m.message);
for (const r of cls.results) {
  const fatal = r.messages.find(isParseFailure);
  if (!fatal) inTsconfig.push(r.filePath);
  else if (NOT_FOUND.test(fatal.message) && !/non-standard/.test(fatal.message)) inDefault.push(r.filePath);
  else skipped.push({ file: rel(r.filePath), reason: 'parse error', detail: `${fatal.line}:${fatal.column} ${fatal.message}` });
}
for (const c of classifyCrashes) skipped.push({ file: c.file, reason: 'crash while classifying', detail: c.message });
let classifyMs = performance.now() - t0;
clearCaches();
probeStats.clear();

const escapeGlob = (p) => p.replace(/[\\*?[\]{}()!+@,]/g, '\\$&');
// Compiler options of the default project: the checkout's root tsconfig.json (what
// typescript-eslint would use by default, but it silently drops it when it has any error, e.g.
// a TS 6 deprecation), plus allowJs, and under TS >= 6 `types: ["*"]` (TS 6 no longer includes
// every @types package by default, so a file outside every tsconfig would not see @types/node).
const tsMajor = Number(ts.version.split('.')[0]);
let defaultProjectNote = 'none needed';
let defaultProjectFile = null;
if (inDefault.length) {
  const { getParsedConfigFile } = await import('@typescript-eslint/tsconfig-utils');
  // Written into the checkout root (removed at exit), so that everything TypeScript resolves
  // relative to the config file (default typeRoots, `types` entries) resolves as for the
  // checkout's own tsconfig.json; in a temp dir only if the checkout is not writable.
  defaultProjectFile = path.join(root, `.field-run-default-project.${process.pid}.tsconfig.json`);
  try {
    fs.writeFileSync(defaultProjectFile, '{}');
  } catch {
    defaultProjectFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'field-run-')), 'tsconfig.default-project.json');
  }
  const written = defaultProjectFile;
  const cleanup = () => { try { fs.rmSync(written, { force: true }); } catch {} };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });
  const rootTsconfig = path.join(root, 'tsconfig.json');
  const attempts = [];
  const compilerOptions = { allowJs: true, noEmit: true, ...(tsMajor >= 6 ? { types: ['*'], ignoreDeprecations: '6.0' } : {}) };
  if (fs.existsSync(rootTsconfig)) attempts.push({ extends: rootTsconfig, compilerOptions, files: [inDefault[0]] });
  attempts.push({ compilerOptions, files: [inDefault[0]] });
  const typeRoots = [];
  if (!defaultProjectFile.startsWith(root)) {
    for (let d = root; ; d = path.dirname(d)) {
      const t = path.join(d, 'node_modules', '@types');
      if (fs.existsSync(t)) typeRoots.push(t);
      if (path.dirname(d) === d) break;
    }
  }
  for (const cfg of attempts) {
    fs.writeFileSync(defaultProjectFile, JSON.stringify(cfg, null, 2));
    try {
      const parsed = getParsedConfigFile(ts, defaultProjectFile, root);
      if (!parsed.options.typeRoots && typeRoots.length) {
        cfg.compilerOptions = { ...compilerOptions, typeRoots };
        fs.writeFileSync(defaultProjectFile, JSON.stringify(cfg, null, 2));
        getParsedConfigFile(ts, defaultProjectFile, root);
      }
      defaultProjectNote = `${cfg.extends ? 'root tsconfig.json + ' : ''}${JSON.stringify(cfg.compilerOptions)}`;
      break;
    } catch (e) {
      defaultProjectNote = `root tsconfig.json unusable (${String(e.message).split('\n').filter(Boolean).slice(1, 3).join(' ').slice(0, 200)}); `;
      if (!cfg.extends) { defaultProjectFile = null; defaultProjectNote += 'TypeScript defaults'; }
    }
  }
}
const projectService = inDefault.length
  ? {
      allowDefaultProject: inDefault.map((f) => escapeGlob(rel(f))),
      maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: Math.max(8, inDefault.length + 1),
      ...(defaultProjectFile ? { defaultProject: defaultProjectFile } : {}),
    }
  : true;
// Files outside every tsconfig were only seen failing with "not found by the project service";
// parse them once in the default project (same settings as the mode passes) to set aside those
// that do not parse at all there either.
const verifyCrashes = [];
if (inDefault.length) {
  const t2 = performance.now();
  const verifier = makeEslint({ projectService, plugins: { probe: probePlugin }, rules: { 'probe/types': 'error' } });
  const ver = await lintEach(verifier, inDefault, 'default project');
  const bad = new Set();
  for (const r of ver.results) {
    const fatal = r.messages.find(isParseFailure);
    if (fatal) {
      bad.add(r.filePath);
      skipped.push({ file: rel(r.filePath), reason: 'parse error (default project)', detail: `${fatal.line}:${fatal.column} ${fatal.message}` });
    }
  }
  for (const c of ver.crashes) {
    bad.add(path.join(root, c.file));
    verifyCrashes.push(c);
    skipped.push({ file: c.file, reason: 'crash while parsing in the default project', detail: c.message });
  }
  inDefault.splice(0, inDefault.length, ...inDefault.filter((f) => !bad.has(f)));
  classifyMs += performance.now() - t2;
  probeStats.clear();
}
classifyCrashes.push(...verifyCrashes);
const toLint = [...inTsconfig, ...inDefault].sort();
const defaultSet = new Set(inDefault);

// ---------------------------------------------------------------- mode passes
let pkg = {};
try { pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')); } catch {}
const out = {
  checkout: root,
  package: pkg.name ? `${pkg.name}@${pkg.version}` : null,
  typescript: { version: ts.version, dir: tsDir, choice: tsChoiceNote },
  defaultProject: defaultProjectNote,
  plugin: opts.probe ? null : pluginPath,
  files: {
    found: allFiles.length + skipped.filter((s) => s.reason.startsWith('too large')).length,
    inTsconfig: inTsconfig.length,
    inDefaultProject: inDefault.map(rel),
    skipped,
  },
  classifyMs: Math.round(classifyMs),
  modes: {},
};

const hr = (c = '=') => console.log(c.repeat(78));
hr();
console.log(`field-run  ${root}${out.package ? `  (${out.package})` : ''}`);
console.log(`TypeScript ${ts.version} — ${tsChoiceNote}`);
console.log(opts.probe ? 'probe mode: plugin not loaded' : `plugin     ${pluginPath}`);
console.log(`files      ${out.files.found} found; ${inTsconfig.length} in a tsconfig, ${inDefault.length} in the default project, ${skipped.length} skipped  (classified in ${(classifyMs / 1000).toFixed(1)}s)`);
if (inDefault.length) console.log(`default project compiler options: ${defaultProjectNote}`);
if (skipped.length) {
  const byReason = {};
  for (const s of skipped) (byReason[s.reason] ??= []).push(s);
  for (const [reason, list] of Object.entries(byReason)) {
    console.log(`  skipped (${reason}): ${list.length}`);
    for (const s of list.slice(0, 10)) console.log(`    ${s.file}  ${s.detail ?? ''}`.slice(0, 240));
    if (list.length > 10) console.log(`    ... and ${list.length - 10} more (see --json)`);
  }
}
if (classifyCrashes.length) {
  console.log('!!! CRASH while classifying (probe rule / parser threw):');
  for (const c of classifyCrashes) console.log(`!!! ${c.file}\n${c.stack}`);
}

let exitCode = classifyCrashes.length ? 2 : 0;
for (const mode of modes) {
  const eslint = mode === 'probe'
    ? makeEslint({ projectService, plugins: { probe: probePlugin }, rules: { 'probe/types': 'error' } })
    : makeEslint({ projectService, plugins: { 'map-race': plugin }, rules: { [RULE]: ['error', { ...opts.ruleOptions, interleaving: mode }] } });
  const t1 = performance.now();
  const { results, crashes } = await lintEach(eslint, toLint, mode);
  const ms = performance.now() - t1;

  const reports = [];
  const fatal = [];
  const other = [];
  for (const r of results) {
    for (const m of r.messages) {
      const item = { file: rel(r.filePath), line: m.line, column: m.column, ruleId: m.ruleId, messageId: m.messageId, message: m.message };
      if (isParseFailure(m)) fatal.push({ ...item, defaultProject: defaultSet.has(r.filePath) });
      else if (m.ruleId === RULE || m.ruleId === 'probe/types') reports.push(item);
      else other.push(item);
    }
  }
  const perFile = {};
  for (const rep of reports) perFile[rep.file] = (perFile[rep.file] ?? 0) + 1;
  const byMessageId = {};
  for (const rep of reports) byMessageId[rep.messageId ?? '?'] = (byMessageId[rep.messageId ?? '?'] ?? 0) + 1;

  hr();
  console.log(`mode ${mode}: ${results.length} files linted, ${reports.length} reports in ${Object.keys(perFile).length} files, ${fatal.length} fatal, ${crashes.length} crashes, ${(ms / 1000).toFixed(1)}s`);
  if (reports.length) console.log(`  by messageId: ${Object.entries(byMessageId).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  hr('-');
  for (const rep of reports) console.log(`${rep.file}:${rep.line}:${rep.column}  ${rep.messageId ?? ''}  ${rep.message}`);
  if (other.length) {
    // The checkout's own `eslint-disable` comments name rules that are not loaded here.
    const unknownRule = other.filter((o) => /^Definition for rule '.*' was not found\.$|^\/\* eslint-env \*\/ comments are no longer supported\.$/.test(o.message));
    const rest = other.filter((o) => !unknownRule.includes(o));
    console.log(`other messages (not from ${RULE}): ${other.length}${unknownRule.length ? `, of which ${unknownRule.length} come from the project's own eslint comments ("Definition for rule … was not found", "/* eslint-env */ … no longer supported"; in --json)` : ''}`);
    for (const o of rest.slice(0, 20)) console.log(`  ${o.file}:${o.line}:${o.column}  [${o.ruleId ?? 'eslint'}] ${o.message}`);
    if (rest.length > 20) console.log(`  ... and ${rest.length - 20} more (see --json)`);
  }
  if (fatal.length) {
    exitCode = Math.max(exitCode, 1);
    console.log(`FATAL messages (${fatal.length}) — these files parsed in the classification pass:`);
    for (const f of fatal) console.log(`  ${f.file}:${f.line ?? 0}:${f.column ?? 0}${f.defaultProject ? ' [default project]' : ''}  ${f.message}`);
  }
  if (crashes.length) {
    exitCode = 2;
    console.log(`!!!!!!!! ${crashes.length} CRASH(ES) in mode ${mode} !!!!!!!!`);
    for (const c of crashes) console.log(`!!! ${c.file}\n${c.stack}\n`);
  }
  let probe;
  if (mode === 'probe') {
    probe = { files: 0, withoutProgram: [], calls: 0, anyCallees: 0, imports: 0, unresolvedImports: 0, worstFiles: [], unresolvedSpecifiers: {} };
    for (const [file, s] of probeStats) {
      probe.files++;
      if (!s.program) probe.withoutProgram.push(rel(file));
      probe.calls += s.calls; probe.anyCallees += s.anyCallees;
      probe.imports += s.imports; probe.unresolvedImports += s.unresolvedImports;
      for (const spec of s.unresolvedSpecifiers ?? []) probe.unresolvedSpecifiers[spec] = (probe.unresolvedSpecifiers[spec] ?? 0) + 1;
      if (s.unresolvedImports) probe.worstFiles.push(`${rel(file)} (${s.unresolvedImports}/${s.imports} imports unresolved)`);
    }
    const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');
    console.log(`probe: ${probe.files} files with parser services, ${probe.withoutProgram.length} without a program; callee types any: ${probe.anyCallees}/${probe.calls} (${pct(probe.anyCallees, probe.calls)}); unresolved imports: ${probe.unresolvedImports}/${probe.imports} (${pct(probe.unresolvedImports, probe.imports)})`);
    const specs = Object.entries(probe.unresolvedSpecifiers).sort((a, b) => b[1] - a[1]);
    if (specs.length) console.log(`  unresolved specifiers: ${specs.slice(0, 12).map(([k, v]) => `${k} x${v}`).join(', ')}${specs.length > 12 ? ', ...' : ''}`);
    for (const w of probe.worstFiles.slice(0, 15)) console.log(`  ${w}`);
    if (probe.worstFiles.length > 15) console.log(`  ... and ${probe.worstFiles.length - 15} more`);
  }
  out.modes[mode] = {
    filesLinted: results.length,
    timeMs: Math.round(ms),
    reportCount: reports.length,
    reportFiles: Object.keys(perFile).length,
    byMessageId,
    reports,
    perFile,
    fatal,
    crashes,
    other,
    probe,
    raw: results.map(({ source: _s, output: _o, ...r }) => ({ ...r, filePath: rel(r.filePath) })),
  };
}
if (labelsDoc) {
  out.labels = { file: opts.labels, project: labelsDoc.project, commit: labelsDoc.commit, count: labelsDoc.labels.length, scores: {} };
  hr();
  for (const mode of modes.filter((m) => m !== 'probe')) {
    const s = scoreMode(labelsDoc.labels, out.modes[mode].reports, mode);
    out.labels.scores[mode] = s;
    for (const line of formatScore(mode, s)) console.log(line);
  }
}
hr();
console.log(`summary: ${modes.map((m) => `${m}=${out.modes[m].reportCount}${out.modes[m].crashes.length ? ` (${out.modes[m].crashes.length} CRASHES)` : ''}`).join('  ')}  classify ${(classifyMs / 1000).toFixed(1)}s  ${modes.map((m) => `${m} ${(out.modes[m].timeMs / 1000).toFixed(1)}s`).join('  ')}`);
if (opts.json) {
  fs.mkdirSync(path.dirname(path.resolve(opts.json)), { recursive: true });
  fs.writeFileSync(opts.json, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`json written to ${path.resolve(opts.json)}`);
}
process.exitCode = exitCode;
