// The field labels (docs/field-labels/*.json) are well-formed, and the scoring that
// scripts/field-run.mjs prints against them (scripts/field-score.mjs) computes precision and
// recall as docs/field-labels/README.md defines them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// A plain .mjs script (no type declarations): imported through a non-literal specifier, typed any.
const scoreModule = '../scripts/field-score.mjs';
const { validateLabels, scoreMode, sumScores } = await import(scoreModule);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const labelsDir = path.join(root, 'docs', 'field-labels');
const labelFiles = fs.readdirSync(labelsDir).filter((f) => f.endsWith('.json'));

describe('field labels files', () => {
  it('there are labels files', () => {
    assert.ok(labelFiles.length > 0);
  });
  for (const f of labelFiles) {
    it(`${f} is well-formed`, () => {
      const doc = JSON.parse(fs.readFileSync(path.join(labelsDir, f), 'utf8'));
      assert.deepEqual(validateLabels(doc), []);
      assert.equal(`${doc.project}.json`, f, 'file name is <project>.json');
    });
  }
});

const label = (file: string, line: number, any: boolean, wait: string | null, bug?: string) => ({
  file, line, container: 'm', any, await: wait, why: 'synthetic label for the test', ...(bug ? { bug } : {}),
});
const doc = {
  project: 'synthetic', repo: 'o/synthetic', commit: 'a'.repeat(40), fieldRunOptions: [],
  labels: [
    label('a.ts', 10, true, 'hazard', 'deadbeef'),
    label('a.ts', 20, true, 'hazard'),
    label('a.ts', 30, true, 'benign'),
    label('b.ts', 5, true, null),
    label('b.ts', 6, false, null),
  ],
};

describe('validateLabels', () => {
  it('accepts the synthetic document', () => assert.deepEqual(validateLabels(doc), []));
  it('rejects bad fields', () => {
    const bad = { ...doc, commit: 'abc', labels: [{ ...doc.labels[0], await: 'maybe', line: 0 }, doc.labels[1], doc.labels[1]] };
    const problems = validateLabels(bad);
    assert.ok(problems.some((p: string) => p.includes('"commit"')));
    assert.ok(problems.some((p: string) => p.includes('"await"')));
    assert.ok(problems.some((p: string) => p.includes('"line"')));
    assert.ok(problems.some((p: string) => p.includes('duplicate')));
  });
  it('a hazard must be reachable and a bug must be a hazard', () => {
    const problems = validateLabels({ ...doc, labels: [label('a.ts', 1, false, 'hazard'), label('a.ts', 2, true, 'benign', 'c0ffee')] });
    assert.equal(problems.length, 2);
  });
});

describe('scoreMode', () => {
  const reports = [
    { file: 'a.ts', line: 10 }, { file: 'a.ts', line: 10 }, // two reports on one hazard line
    { file: 'a.ts', line: 30 }, // benign
    { file: 'c.ts', line: 1 }, // unlabelled
  ];
  it('await: precision is reports on hazard lines over all reports, recall hazards reported over hazards', () => {
    const s = scoreMode(doc.labels, reports, 'await');
    assert.equal(s.reports, 4);
    assert.equal(s.matched, 3);
    assert.equal(s.truePositives, 2);
    assert.equal(s.precision, 0.5);
    assert.equal(s.positives, 2);
    assert.equal(s.positivesReported, 1);
    assert.equal(s.recall, 0.5);
    assert.equal(s.knownBugs, 1);
    assert.equal(s.knownBugsFound, 1);
    assert.deepEqual(s.unlabelled, [{ file: 'c.ts', line: 1 }]);
    assert.deepEqual(s.missed.map((m: { line: number }) => m.line), [20]);
  });
  it('any: positives are the any:true labels', () => {
    const s = scoreMode(doc.labels, [...reports, { file: 'b.ts', line: 6 }], 'any');
    assert.equal(s.truePositives, 3);
    assert.equal(s.precision, 3 / 5);
    assert.equal(s.positives, 4);
    assert.equal(s.recall, 2 / 4);
    assert.deepEqual(s.wrong.map((w: { line: number }) => w.line), [6]);
  });
  it('notices of the analysis (blindSpot) are not counted as reports', () => {
    const s = scoreMode(doc.labels, [{ file: 'a.ts', line: 20, messageId: 'blindSpot' }, { file: 'a.ts', line: 20, messageId: 'unguardedWrite' }], 'await');
    assert.equal(s.reports, 1);
    assert.equal(s.truePositives, 1);
  });
  it('no reports and no positives give null, not 0 or NaN', () => {
    const s = scoreMode([label('x.ts', 1, false, null)], [], 'await');
    assert.equal(s.precision, null);
    assert.equal(s.recall, null);
  });
  it('sumScores pools the counts before dividing', () => {
    const a = scoreMode(doc.labels, reports, 'await');
    const b = scoreMode(doc.labels, [{ file: 'a.ts', line: 20 }], 'await');
    const t = sumScores([a, b]);
    assert.equal(t.reports, 5);
    assert.equal(t.precision, 3 / 5);
    assert.equal(t.positives, 4); // each run counts its positives
    assert.equal(t.recall, 2 / 4);
    assert.equal(t.unlabelled, 1);
  });
});
