// `map-race --format sarif`: a SARIF 2.1.0 log shaped for code-scanning upload, with the
// rule's metadata and help link, one result per report, and the findings that a
// map-race-ignore directive silences kept as results with an in-source suppression that
// carries the directive's reason. And a solution-style tsconfig analysed per project.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DOCS_URL, RULE } from './example-sandbox.js';
import { parseJsonOutput, root, runCli } from './harness/cli.js';
import { checkSarifShape, type SarifLog } from './harness/sarif.js';

const directives = path.join(root, 'tests/fixtures/directives');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'map-race-cli-sarif-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('CLI SARIF output', () => {
  it('is SARIF 2.1.0 with the rule described and every report and suppression', { timeout: 120_000 }, () => {
    const run = runCli(['--format', 'sarif'], directives);
    assert.equal(run.status, 1, run.stderr);
    const log = JSON.parse(run.stdout) as SarifLog;
    checkSarifShape(log);
    const sarifRun = log.runs[0]!;
    assert.equal(sarifRun.tool.driver.name, 'map-race');
    assert.match(sarifRun.tool.driver.version ?? '', /^\d+\.\d+\.\d+/);
    const [rule] = sarifRun.tool.driver.rules!;
    assert.equal(rule!.id, RULE);
    assert.equal(rule!.helpUri, DOCS_URL);
    assert.match(rule!.shortDescription!.text, /^Disallow unguarded writes to shared Map\/Record state/);

    // The same reports as --format json: the open ones, then the silenced ones as suppressed results.
    const json = parseJsonOutput(runCli(['--format', 'json'], directives));
    const key = (file: string, line: number, column: number, message: string) => `${file}:${line}:${column}: ${message}`;
    const fromSarif = (suppressed: boolean) =>
      sarifRun
        .results!.filter((result) => (result.suppressions !== undefined) === suppressed)
        .map((result) => {
          const location = result.locations![0]!.physicalLocation;
          const file = path.relative(directives, fileURLToPath(location.artifactLocation.uri));
          return key(file, location.region!.startLine!, location.region!.startColumn!, result.message.text!);
        })
        .sort();
    assert.deepEqual(fromSarif(false), json.problems.map((r) => key(r.file, r.line, r.column, r.message)).sort());
    assert.deepEqual(fromSarif(true), json.suppressed.map((r) => key(r.file, r.line, r.column, r.message)).sort());
    assert.ok(json.suppressed.length > 0);

    // The reason of `store.set(key, value); // map-race-ignore: single writer per key` is the justification.
    const lines = fs.readFileSync(path.join(directives, 'src/store.ts'), 'utf8').split('\n');
    const reasoned = lines.findIndex((text) => text.includes('store.set(key, value); // map-race-ignore: single writer per key')) + 1;
    const bare = lines.findIndex((text) => text.includes('store.set(key, value); // map-race-ignore') && text.trim().endsWith('map-race-ignore')) + 1;
    const suppressionsAt = (line: number) =>
      sarifRun.results!.filter((result) => result.suppressions && result.locations![0]!.physicalLocation.region!.startLine === line).map((result) => result.suppressions);
    assert.deepEqual(suppressionsAt(reasoned), [[{ kind: 'inSource', justification: 'single writer per key' }]]);
    assert.deepEqual(suppressionsAt(bare), [[{ kind: 'inSource' }]], 'a directive without a reason: a suppression without justification');
    // A finding under `// eslint-disable-line … -- reason` is suppressed too.
    const disabled = lines.findIndex((text) => text.includes('eslint-disable-line map-race/no-unguarded-map-write')) + 1;
    assert.deepEqual(suppressionsAt(disabled), [[{ kind: 'inSource' }]]);
  });
});

describe('CLI solution-style tsconfig', () => {
  it('analyses each referenced project as its own program', { timeout: 180_000 }, () => {
    const names = ['node-basic', 'contexts-webworker'];
    for (const name of names) fs.cpSync(path.join(root, 'tests/fixtures', name), path.join(tmp, 'packages', name), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(tmp, 'tsconfig.json'), JSON.stringify({ files: [], references: names.map((name) => ({ path: `packages/${name}` })) }));
    const solution = runCli(['--format', 'json'], tmp);
    assert.equal(solution.status, 1, solution.stderr);
    const each = names.flatMap((name) =>
      parseJsonOutput(runCli(['--format', 'json', '-p', `packages/${name}`], tmp)).problems.map((report) => `${report.file}:${report.line}: ${report.message}`),
    );
    assert.ok(names.every((name) => each.some((entry) => entry.startsWith(`packages/${name}/`))), 'both projects have findings');
    assert.deepEqual(parseJsonOutput(solution).problems.map((report) => `${report.file}:${report.line}: ${report.message}`).sort(), each.sort());
  });
});
