/**
 * One failing unit blinds only itself: a fault injected into the analysis of one function
 * (the test seam in lib/analysis/faults.ts) is reported once, as analysisFailed at that
 * function, with the error and the analyzer, and every other finding of the program is
 * what it is without the fault: through the rule and through the command line.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lintFixture, type Report } from './harness/analysistest.js';
import { parseJsonOutput, root, runCli } from './harness/cli.js';
import { setInjectedFault } from '../dist/lib/analysis/faults.js';

const dir = path.join(root, 'tests/fixtures/reach');
const faulty = 'Service.remember';
const faultFile = path.join(dir, 'src/services.ts');
/** The line of `remember`'s declaration and of its write, in the fixture. */
const declarationLine = 15;
const writeLine = 16;

const key = (report: { file: string; line: number; message: string }): string =>
  `${path.relative(dir, report.file)}:${report.line}: ${report.message.replace(/ Hold a lock.*$/, '')}`;

function cliReports(env: NodeJS.ProcessEnv): { file: string; line: number; message: string; messageId: string }[] {
  const { problems } = parseJsonOutput(runCli(['--interleaving', 'any', '--format', 'json'], dir, env));
  return problems.map((problem) => ({ ...problem, file: path.resolve(dir, problem.file) }));
}

describe('fault containment', () => {
  it('the rule reports the failing function once and every other finding as without the fault', async () => {
    setInjectedFault(faulty);
    let faulted: Report[];
    try {
      faulted = await lintFixture(dir, 'any');
    } finally {
      setInjectedFault(undefined);
    }
    const baseline = cliReports({ MAP_RACE_TEST_FAULT: '' });
    const failed = faulted.filter((report) => report.message.startsWith('map-race could not analyse'));
    assert.equal(failed.length, 1, failed.map(key).join('\n'));
    assert.equal(failed[0]!.file, faultFile);
    assert.equal(failed[0]!.line, declarationLine);
    assert.match(failed[0]!.message, /the function 'remember' \(Error: injected test fault in 'Service\.remember'\).*the mutations analyzer at src\/services\.ts:15/);
    const expected = baseline.filter((report) => !(report.file === faultFile && report.line === writeLine)).map(key);
    assert.ok(expected.length >= 5, 'the fixture has findings in other files');
    assert.deepEqual(faulted.filter((report) => !failed.includes(report)).map(key).sort(), expected.sort());
  });

  it('the command line reports the same', () => {
    const faulted = cliReports({ MAP_RACE_TEST_FAULT: faulty });
    const baseline = cliReports({ MAP_RACE_TEST_FAULT: '' });
    const failed = faulted.filter((report) => report.messageId === 'analysisFailed');
    assert.deepEqual(failed.map((report) => [report.file, report.line]), [[faultFile, declarationLine]]);
    const expected = baseline.filter((report) => !(report.file === faultFile && report.line === writeLine)).map(key);
    assert.deepEqual(faulted.filter((report) => !failed.includes(report)).map(key).sort(), expected.sort());
  });
});
