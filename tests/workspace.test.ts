// Workspace reach (lib/workspace/): a write in one project or workspace package is reported
// when a context in a project that depends on it reaches it, in the write's own lint run,
// whichever files are linted and in whatever order; the option `workspace: "off"` limits the
// analysis to the linted program; workspace packages are read from their sources when they
// are installed as declarations only; the cached view follows edits, on disk and in the
// linted program.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import ts from 'typescript';
import { lintFixture } from './harness/analysistest.js';
import { parseJsonOutput, runCli } from './harness/cli.js';
import { createConfig, findingsForFile } from '../dist/lib/index.js';
import { DEFAULTS } from '../dist/rules/options.js';
import { workspaceView } from '../dist/lib/workspace/programs.js';

const fixtures = path.join(import.meta.dirname, 'fixtures');
const references = path.join(fixtures, 'workspace-references');
const npmWorkspace = path.join(fixtures, 'workspace-npm');
const connection = path.join(references, 'common/connection.ts');
const store = path.join(npmWorkspace, 'packages/store/src/index.ts');

const lines = (reports: readonly { file: string; line: number }[], dir: string): string[] =>
  reports.map((report) => `${path.relative(dir, path.resolve(dir, report.file))}:${report.line}`).sort();

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of a fixture in a temporary directory, to edit. */
function copyOf(dir: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'map-race-workspace-'));
  temporary.push(copy);
  fs.cpSync(dir, copy, { recursive: true });
  // The fixtures take @types/node from this package's node_modules, above them.
  fs.mkdirSync(path.join(copy, 'node_modules'));
  fs.symlinkSync(path.join(import.meta.dirname, '../node_modules/@types'), path.join(copy, 'node_modules/@types'), 'dir');
  return copy;
}

describe('workspace reach in the rule', () => {
  it('reports the common project\'s writes when only that file is linted', async () => {
    const reports = await lintFixture(references, 'any', {}, [connection]);
    assert.deepEqual(lines(reports, references), ['common/connection.ts:31', 'common/connection.ts:36', 'common/connection.ts:42']);
  });

  it('reports the store package\'s writes when only that file is linted', async () => {
    const reports = await lintFixture(npmWorkspace, 'any', {}, [store]);
    assert.deepEqual(lines(reports, npmWorkspace), ['packages/store/src/index.ts:15', 'packages/store/src/index.ts:9']);
  });

  it('reports nothing across projects with workspace: "off"', async () => {
    assert.deepEqual(await lintFixture(references, 'any', { options: { workspace: 'off' } }, [connection]), []);
    assert.deepEqual(await lintFixture(npmWorkspace, 'any', { options: { workspace: 'off' } }, [store]), []);
  });
});

describe('workspace reach on the command line', () => {
  it('-p on the solution tsconfig reports the common project\'s writes', () => {
    const run = runCli(['-p', 'tsconfig.json', '--format', 'json', '-q'], references);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(lines(parseJsonOutput(run).problems, references), ['common/connection.ts:31', 'common/connection.ts:36', 'common/connection.ts:42']);
  });

  it('-p on the referenced project alone builds the projects that reference it', () => {
    const run = runCli(['-p', 'common/tsconfig.json', '--format', 'json', '-q'], references);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(lines(parseJsonOutput(run).problems, references), ['common/connection.ts:31', 'common/connection.ts:36', 'common/connection.ts:42']);
  });

  it('--workspace off analyses the given program only', () => {
    const run = runCli(['-p', 'common/tsconfig.json', '--workspace', 'off', '--format', 'json', '-q'], references);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(parseJsonOutput(run).problems, []);
  });

  it('--workspace with another value names the flag and the values', () => {
    const run = runCli(['--workspace', 'all'], references);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--workspace must be "auto" or "off"/);
  });

  it('reads a workspace package installed as declarations only from its sources', () => {
    const dir = copyOf(npmWorkspace);
    // As after `npm install` and a declaration-only build: node_modules links and .d.ts outputs without bodies.
    for (const name of ['store', 'core']) {
      fs.mkdirSync(path.join(dir, 'node_modules/@fx'), { recursive: true });
      fs.symlinkSync(path.join(dir, 'packages', name), path.join(dir, 'node_modules/@fx', name), 'dir');
      fs.mkdirSync(path.join(dir, 'packages', name, 'dist'));
    }
    fs.writeFileSync(path.join(dir, 'packages/store/dist/index.d.ts'), 'export declare class Store {\n  put(key: string, value: number): void;\n  putLater(key: string, value: number): Promise<void>;\n  reset(): void;\n  snapshot(): Map<string, number>;\n}\n');
    fs.writeFileSync(path.join(dir, 'packages/core/dist/index.d.ts'), 'export declare class Core {\n  start(): void;\n  onMessage(data: { key: string; value: number }): void;\n}\n');
    const run = runCli(['-p', 'packages/store/tsconfig.json', '--format', 'json', '-q'], dir);
    assert.equal(run.status, 1, run.stderr);
    const found = parseJsonOutput(run).problems;
    assert.deepEqual(lines(found, dir), ['packages/store/src/index.ts:15', 'packages/store/src/index.ts:9']);
    assert.match(found.find((problem) => problem.line === 9)!.message, /packages\/core\/src\/index\.ts: Core\.onMessage → packages\/store\/src\/index\.ts: Store\.put/);
  });
});

describe('the cached workspace view', () => {
  const config = createConfig({ ...DEFAULTS }, references);

  /** The common project's program, as the editor builds it: from a host that can serve edited text. */
  function commonProgram(dir: string, edited: ReadonlyMap<string, string>, oldProgram?: ts.Program): ts.Program {
    const configFile = path.join(dir, 'common/tsconfig.json');
    const parsed = ts.getParsedCommandLineOfConfigFile(configFile, undefined, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const host = ts.createCompilerHost(parsed.options, true);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, version, ...rest) => {
      const text = edited.get(fileName);
      if (text === undefined) return oldProgram?.getSourceFile(fileName) ?? read(fileName, version, ...rest);
      const old = oldProgram?.getSourceFile(fileName);
      return old && old.text === text ? old : ts.createSourceFile(fileName, text, version, true);
    };
    return ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences, host, oldProgram });
  }

  const linesOf = (program: ts.Program, fileName: string): number[] =>
    findingsForFile(program, config, fileName).map((finding) => finding.file.getLineAndCharacterOfPosition(finding.node.getStart()).line + 1);

  it('follows an edit of the linted file (its positions) and of a referencing project on disk (its contexts)', () => {
    const dir = copyOf(references);
    const file = path.join(dir, 'common/connection.ts');
    const first = commonProgram(dir, new Map());
    assert.deepEqual(linesOf(first, file), [31, 36, 42]);
    // An unsaved edit in the editor: two lines more at the top of the linted file.
    const text = `// one\n// two\n${fs.readFileSync(file, 'utf8')}`;
    const second = commonProgram(dir, new Map([[file, text]]), first);
    assert.deepEqual(linesOf(second, file), [33, 38, 44]);
    // The node and browser readers stop registering listeners: no context reaches the common project.
    const unregister = new Map([
      ['node/reader.ts', ["process.on('message'", "process.on('exit'"]],
      ['browser/reader.ts', ['this.port.onmessage = (event: MessageEvent<Message>) => callback(event.data);', 'void this.port, callback;']],
    ]);
    for (const [reader, [registration, replacement]] of unregister) {
      const readerFile = path.join(dir, reader);
      const source = fs.readFileSync(readerFile, 'utf8');
      assert.ok(source.includes(registration!));
      fs.writeFileSync(readerFile, source.replace(registration!, replacement!));
    }
    const third = commonProgram(dir, new Map([[file, text]]), second);
    assert.deepEqual(linesOf(third, file), []);
  });

  it('serves every linted program with the same texts from the same view programs, and rebuilds them after an edit', () => {
    const dir = copyOf(references);
    const file = path.join(dir, 'common/connection.ts');
    const first = commonProgram(dir, new Map());
    // Another program holding the very same source files (as the project service's projects share unchanged files).
    const again = commonProgram(dir, new Map(), first);
    assert.notEqual(again, first);
    const views = [workspaceView(first, []).programs, workspaceView(again, []).programs];
    assert.equal(views[0].length, 2);
    assert.ok(views[1].length === 2 && views[1].every((program, index) => program === views[0][index]), 'the same program objects');
    assert.deepEqual(linesOf(again, file), [31, 36, 42]);
    // A program that parsed the same texts itself (another tsconfig of the same lint run): the same view programs, the same findings.
    const reparsed = commonProgram(dir, new Map());
    assert.ok(workspaceView(reparsed, []).programs.every((program, index) => program === views[0][index]), 'the same program objects');
    assert.deepEqual(linesOf(reparsed, file), [31, 36, 42]);
    const edited = commonProgram(dir, new Map([[file, `// one\n${fs.readFileSync(file, 'utf8')}`]]), again);
    const rebuilt = workspaceView(edited, []).programs;
    assert.equal(rebuilt.length, 2);
    assert.ok(rebuilt.every((program) => !views[0].includes(program)));
    assert.deepEqual(linesOf(edited, file), [32, 37, 43]);
    // A file of a referencing project changed on disk: rebuilt too.
    const reader = path.join(dir, 'node/reader.ts');
    fs.writeFileSync(reader, `${fs.readFileSync(reader, 'utf8')}\n// saved\n`);
    const afterSave = commonProgram(dir, new Map([[file, `// one\n${fs.readFileSync(file, 'utf8')}`]]), edited);
    assert.ok(workspaceView(afterSave, []).programs.some((program) => !rebuilt.includes(program)));
    assert.deepEqual(linesOf(afterSave, file), [32, 37, 43]);
  });

  it('finds in the view of a package that cannot resolve its workspace dependency what a fresh program finds (facts cached for the shared files do not carry over)', () => {
    const dir = copyOf(npmWorkspace);
    const configFile = path.join(dir, 'packages/adapter/tsconfig.json');
    const parsed = ts.getParsedCommandLineOfConfigFile(configFile, undefined, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    // As the project service builds it: no dist and no node_modules link, so `@fx/core` does not resolve.
    const adapter = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences });
    const npmConfig = createConfig({ ...DEFAULTS }, dir);
    const lineNumbers = (fileName: string): number[] =>
      findingsForFile(adapter, npmConfig, fileName).map((finding) => finding.file.getLineAndCharacterOfPosition(finding.node.getStart()).line + 1);
    // The adapter's own files are analysed first, in the program that holds them: its call into Core has no target there.
    assert.deepEqual(lineNumbers(path.join(dir, 'packages/adapter/src/index.ts')), []);
    // The view reads @fx/core and @fx/store from their sources, sharing the adapter's files with that program.
    assert.deepEqual(lineNumbers(path.join(dir, 'packages/core/src/index.ts')), [14]);
    assert.deepEqual(lineNumbers(path.join(dir, 'packages/store/src/index.ts')), [9, 15]);
  });
});
