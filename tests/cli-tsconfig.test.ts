// The command line analyses whenever TypeScript can build a program from the tsconfig: the
// diagnostics that do not stop TypeScript are warnings (one line each on stderr, naming the
// tsconfig and what the analysis does without the setting), and the run stops (exit 2, one
// line saying why) only when no program can be built. The fixtures cli-tsconfig-* check the
// same against the rule (tests/cli-parity.test.ts); these are the cases a fixture cannot hold.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseJsonOutput, root, runCli, type CliRun } from './harness/cli.js';

const examples = path.join(root, 'examples');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'map-race-cli-tsconfig-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A scratch copy of the example sources with the given tsconfig; `node_modules: false` leaves @types/node out. */
function project(name: string, tsconfig: unknown, { node_modules = true, file = 'tsconfig.json' } = {}): string {
  const dir = path.join(tmp, name);
  fs.cpSync(path.join(examples, 'src'), path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(path.join(dir, file), typeof tsconfig === 'string' ? tsconfig : JSON.stringify(tsconfig, null, 2));
  if (node_modules) fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

const exampleOptions = JSON.parse(fs.readFileSync(path.join(examples, 'tsconfig.json'), 'utf8')).compilerOptions as Record<string, unknown>;
const reportLines = (run: CliRun): string[] => parseJsonOutput(run).problems.map((report) => `${report.file}:${report.line}:${report.column}: ${report.message}`).sort();
/** What the example project reports with its own, clean tsconfig. */
const clean = reportLines(runCli(['--format', 'json', '--interleaving', 'any'], project('clean', { compilerOptions: exampleOptions, include: ['src/**/*.ts'] })));

function assertStops(run: CliRun, pattern: RegExp): void {
  assert.equal(run.status, 2, `exit 2, got ${run.status}: ${run.stderr}`);
  assert.equal(run.stdout, '');
  const lines = run.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  assert.match(lines[0]!, pattern);
}

describe('CLI: no program can be built (exit 2, and why)', () => {
  it('a tsconfig that is not valid JSON', () => {
    const dir = project('bad-json', '{ "compilerOptions": { "strict": true, } ');
    assertStops(runCli([], dir), /^map-race: tsconfig\.json:\d+:\d+: error TS1\d{3}: .* \(the tsconfig is not valid JSON: no program can be built\)$/);
  });

  it('an include that matches nothing', () => {
    const dir = project('no-inputs', { include: ['lib/**/*.ts'] });
    assertStops(runCli([], dir), /^map-race: tsconfig\.json: error TS18003: No inputs were found in config file .* \(no input files: no program can be built\)$/);
  });

  it('a files list none of whose files exists: a warning per file, then the stop', () => {
    const dir = project('no-files', { compilerOptions: exampleOptions, files: ['src/gone.ts'] });
    const run = runCli([], dir);
    assert.equal(run.status, 2, run.stderr);
    assert.deepEqual(run.stderr.split('\n').filter(Boolean), [
      `map-race: warning: tsconfig.json: TS6053: File '${path.join(fs.realpathSync(dir), 'src/gone.ts')}' not found. The analysis goes on without it.`,
      'map-race: tsconfig.json: no input files: none of the files it names exists (no program can be built)',
    ]);
  });

  it('a -p path that does not exist', () => {
    assertStops(runCli(['-p', 'nowhere/tsconfig.json'], examples), /^map-race: cannot find the tsconfig nowhere\/tsconfig\.json$/);
    assertStops(runCli(['-p', tmp], examples), /^map-race: cannot find the tsconfig .*tsconfig\.json \(nor a jsconfig\.json there\)$/);
  });
});

describe('CLI: TypeScript 6 diagnostics a TypeScript 5 project raises are accepted without a word', () => {
  it('deprecated and removed options, and the emit layout (rootDir, outputs over inputs)', () => {
    const options = {
      ...exampleOptions,
      module: 'CommonJS',
      moduleResolution: 'node',
      verbatimModuleSyntax: false,
      baseUrl: '.',
      importsNotUsedAsValues: 'error',
      preserveValueImports: true,
      noEmit: false,
      outDir: 'dist',
      allowJs: true,
      emitDeclarationOnly: true,
    };
    const run = runCli(['--format', 'json', '--interleaving', 'any'], project('ts5', { compilerOptions: options, include: ['src/**/*.ts'] }));
    assert.equal(run.stderr, '');
    assert.equal(run.status, 1);
    assert.deepEqual(reportLines(run), clean);
  });
});

describe('CLI: other tsconfig diagnostics are one warning each, and the analysis goes on', () => {
  it('an unknown compiler option', () => {
    const dir = project('unknown-option', { compilerOptions: { ...exampleOptions, frobnicate: true }, include: ['src/**/*.ts'] });
    const run = runCli(['--format', 'json', '--interleaving', 'any'], dir);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /^map-race: warning: tsconfig\.json:\d+:\d+: TS5023: Unknown compiler option 'frobnicate'\. The analysis goes on as TypeScript does without that setting\.\n$/);
    assert.deepEqual(reportLines(run), clean);
  });

  it('@types/node not installed: the missing type library is a warning, and the blind spot it makes is reported', () => {
    const dir = project('no-node-types', { compilerOptions: exampleOptions, include: ['src/**/*.ts'] }, { node_modules: false });
    const run = runCli(['--format', 'json', '--interleaving', 'any'], dir);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, "map-race: warning: tsconfig.json: TS2688: Cannot find type definition file for 'node'. The analysis goes on without the declarations of 'node' (install it, or remove it from compilerOptions.types).\n");
    const blindSpots = parseJsonOutput(run).problems.filter((report) => report.messageId === 'blindSpot');
    assert.equal(blindSpots.length, 1);
    assert.match(blindSpots[0]!.message, /^map-race cannot see the types of 'node:worker_threads'.*install @types\/node if it is missing/);
  });

  it('a base tsconfig that several referenced projects extend, not installed: one warning, each project analysed', () => {
    // web first: the shared files are reported in the first program that has them.
    const dir = project('solution', { files: [], references: [{ path: 'web' }, { path: 'pool' }] });
    const { types: _types, ...withoutTypes } = exampleOptions;
    for (const part of ['pool', 'web']) {
      fs.mkdirSync(path.join(dir, part));
      const include = [`../src/${part}/**/*.ts`, '../src/shared/**/*.ts'];
      fs.writeFileSync(path.join(dir, part, 'tsconfig.json'), JSON.stringify({ extends: '@not-installed/tsconfig-base', compilerOptions: withoutTypes, include }));
    }
    const run = runCli(['--format', 'json', '--interleaving', 'any'], dir);
    const warnings = run.stderr.split('\n').filter(Boolean);
    assert.deepEqual(
      warnings.map((line) => line.replace(/:\d+:\d+:/, ':L:C:')),
      ['web', 'pool'].map((part) => `map-race: warning: ${part}/tsconfig.json:L:C: TS6053: File '@not-installed/tsconfig-base' not found. The analysis goes on with the settings of this tsconfig alone, without the ones it extends (install the package that holds it, or fix the "extends" path).`),
      'one line per tsconfig that names it',
    );
    const reports = parseJsonOutput(run).problems;
    // The base held no types and TypeScript 6 includes none: the pool's worker_threads is the blind spot.
    assert.deepEqual(reports.filter((report) => report.messageId === 'blindSpot').map((report) => report.file), ['src/pool/pool.ts']);
    // The web worker's globals come from its own lib: its program reports the shared cache's writes.
    assert.ok(reports.some((report) => report.messageId === 'unguardedWrite' && report.file === 'src/shared/cache.ts'), JSON.stringify(reports));
  });
});

describe('CLI: a JavaScript project with a jsconfig.json', () => {
  it('is found as the editor finds it, where no tsconfig.json is', () => {
    const dir = path.join(tmp, 'jsconfig');
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'jsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', lib: ['ES2022', 'WebWorker'] }, include: ['src'] }));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    fs.writeFileSync(
      path.join(dir, 'src/worker.js'),
      'const seen = new Map();\nself.onmessage = (event) => {\n  seen.set(event.data, Date.now());\n};\n',
    );
    const run = runCli(['--format', 'json', '--interleaving', 'any'], dir);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(parseJsonOutput(run).problems.map((report) => `${report.file}:${report.line}:${report.column}`), ['src/worker.js:3:3']);
    assert.equal(runCli(['-p', '.', '--format', 'json', '--interleaving', 'any'], dir).status, 1, '-p with a directory takes its jsconfig.json');
  });
});

describe('CLI: no tsconfig.json or jsconfig.json at or above the working directory', () => {
  const worker = (map: string) => `const ${map} = new Map();\nself.onmessage = (event) => {\n  ${map}.set(event.data, Date.now());\n};\n`;

  it('the files below it are analysed as an editor opens them: in the tsconfig below that holds them, the rest in one inferred program', () => {
    const dir = path.join(tmp, 'no-config');
    fs.mkdirSync(path.join(dir, 'packages/web/src'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    fs.writeFileSync(path.join(dir, 'packages/web/tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', lib: ['ES2022', 'WebWorker'], allowJs: true, types: [] }, include: ['src'] }));
    fs.writeFileSync(path.join(dir, 'packages/web/src/worker.js'), worker('inPackage'));
    // Outside every tsconfig: TypeScript's defaults (lib with DOM), which type `self` as well.
    fs.writeFileSync(path.join(dir, 'scripts/loose.js'), worker('loose'));
    fs.mkdirSync(path.join(dir, 'node_modules/dep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules/dep/index.js'), worker('dependency'));
    const run = runCli(['--format', 'json', '--interleaving', 'any'], dir);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(
      run.stderr,
      `map-race: warning: no tsconfig.json (or jsconfig.json) in ${dir} or above it: analysing the 1 project of the tsconfig and jsconfig files below it, and 1 JavaScript or TypeScript file they do not hold in one program with TypeScript's defaults and allowJs, as an editor opens them (add a tsconfig.json to choose the files and options).\n`,
    );
    assert.deepEqual(parseJsonOutput(run).problems.map((report) => `${report.file}:${report.line}`).sort(), ['packages/web/src/worker.js:3', 'scripts/loose.js:3']);
  });

  it('nothing to analyse at all: exit 2', () => {
    const dir = path.join(tmp, 'empty');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'README.md'), 'nothing here\n');
    assertStops(runCli([], dir), /^map-race: no tsconfig\.json \(or jsconfig\.json\) in .*empty or above it, and no JavaScript or TypeScript file below it: pass a tsconfig with -p$/);
  });
});
