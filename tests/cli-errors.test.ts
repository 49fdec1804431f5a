// Bad input to the command line: each gives one clear line on stderr and exit status 2,
// never a stack trace; and what it prints when stdout and stderr are not a TTY.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, root, type CliRun } from './harness/cli.js';

const examples = path.join(root, 'examples');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'map-race-cli-errors-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A scratch project: a copy of the example sources with its own tsconfig and options. */
function project(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  fs.cpSync(path.join(examples, 'src'), path.join(dir, 'src'), { recursive: true });
  fs.cpSync(path.join(examples, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  // @types/node resolves from here.
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

function assertUsageError(run: CliRun, pattern: RegExp): void {
  assert.equal(run.status, 2, `exit 2, got ${run.status}: ${run.stderr}`);
  assert.equal(run.stdout, '', 'nothing on stdout');
  const lines = run.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  assert.match(lines[0]!, /^map-race: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
}

describe('CLI usage errors', () => {
  it('an unknown flag', () => {
    assertUsageError(runCli(['--frobnicate'], examples), /unknown option --frobnicate \(see map-race --help\)/);
  });

  it('a flag without its value', () => {
    assertUsageError(runCli(['--format'], examples), /option --format needs a value/);
  });

  it('an unknown format', () => {
    assertUsageError(runCli(['--format', 'xml'], examples), /--format must be one of text, json, sarif, not "xml"/);
  });

  it('a wrong --interleaving, named as the flag', () => {
    assertUsageError(runCli(['--interleaving', 'sometimes'], examples), /--interleaving must be "any" or "await"/);
  });

  it('a malformed --ignore-path glob names ignorePaths', () => {
    assertUsageError(runCli(['--ignore-path', 'src/[a-'], examples), /option "ignorePaths" has a malformed glob "src\/\[a-"/);
  });

  it('--help prints the usage and exits 0', () => {
    const run = runCli(['--help'], examples);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^Usage: map-race \[-p tsconfig\.json …\]/);
    assert.match(run.stdout, /Exit status: 0 no findings, 1 findings, 2 usage/);
  });
});

describe('CLI configuration errors', () => {
  const optionsFile = (name: string, options: unknown): string => {
    const file = path.join(tmp, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify(options));
    return file;
  };

  it('an unknown option in the options file names it and lists the known ones', () => {
    assertUsageError(runCli(['--config', optionsFile('unknown', { interleving: 'await' })], examples), /unknown\.json has an unknown key "interleving"; expected one of ignorePaths, guards, contexts, interleaving,/);
  });

  it('a wrong value names the option and the file', () => {
    assertUsageError(runCli(['--config', optionsFile('value', { interleaving: 'sometimes' })], examples), /option "interleaving" in .*value\.json must be "any" or "await"/);
    assertUsageError(runCli(['--config', optionsFile('guards', { guards: [{ callbak: 'withLock' }] })], examples), /option "guards" in .*guards\.json must be an array of \{ callback: string \} or \{ acquire: string, release: string \}/);
    assertUsageError(runCli(['--config', optionsFile('boolean', { reportUnusedIgnores: 'yes' })], examples), /option "reportUnusedIgnores" in .*boolean\.json must be a boolean/);
  });

  it('a malformed glob in the options file names ignorePaths', () => {
    assertUsageError(runCli(['--config', optionsFile('glob', { ignorePaths: ['src/[a-'] })], examples), /glob\.json: option "ignorePaths" has a malformed glob/);
  });

  it('an options file that is missing or not JSON', () => {
    assertUsageError(runCli(['--config', 'nowhere.json'], examples), /cannot read the options file nowhere\.json: it does not exist/);
    const broken = path.join(tmp, 'broken.json');
    fs.writeFileSync(broken, '{ "interleaving": ');
    assertUsageError(runCli(['--config', broken], examples), /cannot read the options file .*broken\.json: .*JSON/);
  });

  it('the "map-race" key of package.json is read and validated', () => {
    const dir = project('package-key', { 'package.json': JSON.stringify({ name: 'x', 'map-race': { interleaving: 'sometimes' } }) });
    assertUsageError(runCli([], dir), /option "interleaving" in package\.json "map-race" must be "any" or "await"/);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', 'map-race': { interleaving: 'await' } }));
    const run = runCli(['--format', 'json'], dir);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(JSON.parse(run.stdout).problems.length, 1, "interleaving 'await' from package.json: only the write after an await");
  });
});

describe('CLI tsconfig and program errors', () => {
  it('a missing tsconfig', () => {
    assertUsageError(runCli(['-p', 'nope/tsconfig.json'], examples), /cannot find the tsconfig nope\/tsconfig\.json/);
    assertUsageError(runCli(['-p', tmp], examples), /cannot find the tsconfig .*tsconfig\.json/);
  });

  it('a tsconfig that is not valid JSON', () => {
    const dir = project('bad-json', { 'tsconfig.json': '{ "compilerOptions": { "strict": true, } ' });
    assertUsageError(runCli([], dir), /tsconfig\.json:\d+:\d+: error TS\d+: /);
  });

  it('a tsconfig whose include matches nothing', () => {
    const dir = project('no-inputs', { 'tsconfig.json': JSON.stringify({ include: ['lib/**/*.ts'] }) });
    assertUsageError(runCli([], dir), /error TS18003: No inputs were found in config file/);
  });

  it('a file outside the program', () => {
    assertUsageError(runCli(['eslint.config.js'], examples), /eslint\.config\.js is not in the program of tsconfig\.json: add it/);
  });

  it('a directory with no file of the program', () => {
    assertUsageError(runCli(['../bench'], examples), /\.\.\/bench holds no file of the program of tsconfig\.json/);
  });

  it('a file that does not exist', () => {
    assertUsageError(runCli(['src/nothing.ts'], examples), /src\/nothing\.ts: no such file/);
  });
});

describe('CLI output when not on a TTY', () => {
  it('text: no colour, no progress line, exit 1 with findings', () => {
    const run = runCli([], examples);
    assert.equal(run.status, 1);
    assert.equal(run.stderr, '', 'no progress on stderr');
    assert.doesNotMatch(run.stdout, /\u001b\[/, 'no escape sequences');
    assert.match(run.stdout, /^src\/\S+\.ts:\d+:\d+: error: /m);
    assert.match(run.stdout, /^\d+ problems? in \d+ files?\.$/m);
  });

  it('--color forces colour, --timing prints the phases on stderr', () => {
    const run = runCli(['--color', '--timing'], examples);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /\u001b\[1msrc\//);
    assert.match(run.stderr, /^map-race timing:\n/);
    for (const phase of ['parse (create programs)', 'bind', 'analyzer reach', 'directives and reports', 'total']) {
      assert.match(run.stderr, new RegExp(`^  ${phase.replace(/[()]/g, '\\$&')}\\s+\\d+ ms wall\\s+\\d+ ms CPU`, 'm'));
    }
    assert.doesNotMatch(run.stderr, /\r/, 'no progress line');
  });

  it('findings all silenced by map-race-ignore: exit 0, and the text says how many were silenced', () => {
    const dir = project('silenced', { 'map-race.json': JSON.stringify({ interleaving: 'await' }) });
    const cache = path.join(dir, 'src/shared/cache.ts');
    const text = fs.readFileSync(cache, 'utf8');
    assert.ok(text.includes('  results.set(query, hits);\n'));
    fs.writeFileSync(cache, text.replace('  results.set(query, hits);\n', '  results.set(query, hits); // map-race-ignore: one writer per query\n'));
    const run = runCli([], dir);
    assert.deepEqual(run, { status: 0, stdout: 'No problems (1 silenced by directives).\n', stderr: '' });
    const json = JSON.parse(runCli(['--format', 'json'], dir).stdout);
    assert.deepEqual(json.problems, []);
    assert.deepEqual(json.suppressed.map((report: { file: string; reason: string }) => [report.file, report.reason]), [['src/shared/cache.ts', 'one writer per query']]);
  });

  it('a clean project exits 0 and prints nothing', () => {
    const dir = project('clean', { 'map-race.json': JSON.stringify({ ignorePaths: ['src/**'] }) });
    const run = runCli([], dir);
    assert.deepEqual(run, { status: 0, stdout: '', stderr: '' });
  });
});

describe('CLI output on a TTY', () => {
  it('a progress line on stderr, redrawn in place and cleared; colour on stdout; none with --quiet', async () => {
    const { main } = await import('../dist/lib/cli/main.js');
    const capture = (isTTY: boolean) => {
      let text = '';
      return { isTTY, write: (chunk: string) => (text += chunk), get text() { return text; } };
    };
    const stdout = capture(true);
    const stderr = capture(true);
    const status = main([], { cwd: examples, env: {}, stdout, stderr });
    assert.equal(status, 1);
    assert.match(stderr.text, /\r\u001b\[2Kmap-race: parsing files: \d+/);
    assert.match(stderr.text, /\r\u001b\[2Kmap-race: walking \d+ contexts/);
    assert.ok(stderr.text.endsWith('\r\u001b[2K'), 'the progress line is cleared at the end');
    assert.match(stdout.text, /\u001b\[1msrc\/\S+:\d+:\d+\u001b\[0m: \u001b\[31merror\u001b\[0m: /);

    const quietOut = capture(true);
    const quietErr = capture(true);
    assert.equal(main(['--quiet'], { cwd: examples, env: { NO_COLOR: '1' }, stdout: quietOut, stderr: quietErr }), 1);
    assert.equal(quietErr.text, '', '--quiet: no progress');
    assert.doesNotMatch(quietOut.text, /\u001b\[/, 'NO_COLOR: no colour');
  });
});

describe('CLI without ESLint', () => {
  it('analyses without loading ESLint, typescript-estree or @typescript-eslint/utils', async () => {
    const { createRequire } = await import('node:module');
    const { main } = await import('../dist/lib/cli/main.js');
    const sink = { write: () => true };
    assert.equal(main(['--quiet'], { cwd: examples, env: {}, stdout: sink, stderr: sink }), 1);
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    assert.ok(loaded.some((file) => /node_modules\/typescript\//.test(file)), 'TypeScript is loaded (positive control)');
    assert.deepEqual(loaded.filter((file) => /node_modules\/(eslint|@typescript-eslint\/[^/]+)\//.test(file)), []);
  });
});
