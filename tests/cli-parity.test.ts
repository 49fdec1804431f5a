// The command line reports what the ESLint rule reports: on the example project and on
// every fixture project, in both interleaving modes, the same files, lines, columns and
// messages (ESLint through the fixture harness, the CLI in a fresh process with the
// fixture's options in an options file). ESLint's own reports about its disable comments
// are not the rule's and are left out.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import ts from 'typescript';
import { fixtureOptions, lintFixture, sourceFiles } from './harness/analysistest.js';
import { parseJsonOutput, root, runCli } from './harness/cli.js';
import { RULE } from './example-sandbox.js';

const fixtures = path.join(root, 'tests/fixtures');
const projects = [
  path.join(root, 'examples'),
  ...fs
    .readdirSync(fixtures)
    .sort()
    .map((name) => path.join(fixtures, name))
    .filter((dir) => fs.existsSync(path.join(dir, 'tsconfig.json'))),
];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'map-race-parity-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * The source files of the program of the project's tsconfig.json: its root files and the files
 * they import (ESLint lints both with that program, and so does the command line).
 */
function programFiles(dir: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const program = ts.createProgram({ rootNames: parsed?.fileNames ?? [], options: { ...parsed?.options, noEmit: true, types: [] } });
  const inProgram = new Set(program.getSourceFiles().map((file) => path.resolve(file.fileName)));
  return sourceFiles(dir).filter((file) => inProgram.has(path.resolve(file)));
}

const line = (file: string, report: { line: number; column: number; message: string }): string =>
  `${file}:${report.line}:${report.column}: ${report.message}`;

for (const dir of projects) {
  const name = path.relative(root, dir);
  const fixture = fixtureOptions(dir);
  // settings['map-race'] sit under the rule's options in ESLint; in the options file they are one object.
  const options = { ...(fixture.settings?.['map-race'] as object | undefined), ...fixture.options };
  const optionsFile = path.join(tmp, `${name.replace(/[/\\]/g, '_')}.json`);
  fs.writeFileSync(optionsFile, JSON.stringify(options));

  describe(`CLI parity: ${name}`, () => {
    for (const mode of ['any', 'await'] as const) {
      it(`the CLI's reports equal the rule's (interleaving: ${mode})`, { timeout: 300_000 }, async () => {
        // The command line analyses the tsconfig's programs; files outside them (config files, the
        // project service's default-project files) are ESLint's alone.
        const reports = await lintFixture(dir, mode, fixture, programFiles(dir));
        // ESLint's own reports (an unused eslint-disable comment) are not the rule's; a parse error would be.
        assert.deepEqual(reports.filter((report) => report.ruleId === null && !report.message.startsWith('Unused eslint-disable directive')), []);
        const eslint = reports
          .filter((report) => report.ruleId === RULE)
          .map((report) => line(path.relative(dir, report.file).split(path.sep).join('/'), report))
          .sort();
        const run = runCli(['--config', optionsFile, '--interleaving', mode, '--format', 'json'], dir);
        const cli = parseJsonOutput(run).problems.map((report) => line(report.file, report)).sort();
        assert.equal(run.status, cli.length > 0 ? 1 : 0, run.stderr);
        // Not a TTY: no progress line; only the warnings the fixture's tsconfig calls for.
        const warnings = run.stderr.split('\n').filter(Boolean);
        const expected = fixture.cliWarnings ?? [];
        assert.equal(warnings.length, expected.length, `stderr:\n${run.stderr}`);
        warnings.forEach((warning, index) => assert.match(warning, new RegExp(expected[index]!)));
        assert.deepEqual(cli, eslint);
      });
    }
  });
}

describe('CLI on the example project', () => {
  it("npx map-race there reports what npx eslint . reports (its map-race.json: interleaving 'await', as configs.recommended)", { timeout: 120_000 }, async () => {
    const examples = path.join(root, 'examples');
    const { ESLint } = await import('eslint');
    const results = await new ESLint({ cwd: examples }).lintFiles(['.']);
    const eslint = results.flatMap((result) => result.messages.map((message) => line(path.relative(examples, result.filePath), message))).sort();
    const run = runCli(['--format', 'json'], examples);
    assert.equal(run.status, 1, run.stderr);
    assert.ok(eslint.length > 0);
    assert.deepEqual(parseJsonOutput(run).problems.map((report) => line(report.file, report)).sort(), eslint);
  });
});

describe('CLI file arguments', () => {
  it('with files, the whole program is analysed and only those files are reported', { timeout: 120_000 }, () => {
    const examples = path.join(root, 'examples');
    const all = parseJsonOutput(runCli(['--format', 'json', '--interleaving', 'any'], examples)).problems;
    assert.ok(new Set(all.map((report) => report.file)).size >= 2, 'the example reports in several files');
    const run = runCli(['--format', 'json', '--interleaving', 'any', 'src/shared/cache.ts'], examples);
    assert.equal(run.status, 1, run.stderr);
    const only = parseJsonOutput(run).problems;
    assert.ok(only.length > 0);
    // The cache's findings are reached from handlers in other files: their chains come from the whole program.
    assert.deepEqual(only, all.filter((report) => report.file === 'src/shared/cache.ts'));
    const directory = runCli(['--format', 'json', '--interleaving', 'any', 'src/pool'], examples);
    assert.deepEqual(parseJsonOutput(directory).problems, all.filter((report) => report.file.startsWith('src/pool/')), 'a directory stands for its files');
    assert.ok(parseJsonOutput(directory).problems.length > 0);
    const clean = runCli(['--format', 'json', '--interleaving', 'any', 'src/shared/protocol.ts'], examples);
    assert.equal(clean.status, 0, clean.stderr);
    assert.deepEqual(parseJsonOutput(clean).problems, []);
  });
});
