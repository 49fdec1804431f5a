/**
 * Robustness on real code, CI-sized: the project's own sources (lib/, rules/, full of names
 * like `constructor`, `toString`, `has`, `set`) as a corpus, in both modes through the
 * command line: no unit of it may fail to be analysed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonOutput, root, runCli } from './harness/cli.js';

describe('robustness on this project\'s own code', () => {
  for (const mode of ['any', 'await']) {
    it(`no analysisFailed over lib/ and rules/ (interleaving: ${mode})`, () => {
      const run = runCli(['-p', 'tsconfig.build.json', '--interleaving', mode, '--format', 'json'], root);
      const { problems } = parseJsonOutput(run);
      assert.deepEqual(problems.filter((problem) => problem.messageId === 'analysisFailed').map((problem) => `${problem.file}:${problem.line}: ${problem.message}`), []);
    });
  }
});
