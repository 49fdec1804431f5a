import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { checkFixture, expectationsOf, fixtureOptions } from './harness/analysistest.js';

const root = path.join(import.meta.dirname, 'fixtures');
/** `FIXTURE=name[,name]` runs only those fixtures, for work on one analyzer. */
const only = process.env.FIXTURE?.split(',');

for (const name of fs.readdirSync(root).sort()) {
  const dir = path.join(root, name);
  if (!fs.existsSync(path.join(dir, 'tsconfig.json')) || (only && !only.includes(name))) continue;
  const modes = fixtureOptions(dir).modes ?? ['any'];
  describe(`fixture ${name}`, () => {
    for (const mode of modes) {
      it(`reports exactly what its want comments say (interleaving: ${mode})`, async () => {
        const quiet = fixtureOptions(dir).quiet?.includes(mode) === true;
        // A fixture wants reports in each mode, or says that the mode must report nothing.
        assert.equal(expectationsOf(dir, mode).length > 0, !quiet, quiet ? 'a quiet mode wants no report' : 'a fixture must want at least one report');
        const problems = await checkFixture(dir, mode);
        assert.deepEqual(problems, []);
      });
    }
  });
}
