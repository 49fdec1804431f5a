// CI recipe: `eslint . -f @microsoft/eslint-formatter-sarif -o eslint.sarif` on the
// example project (exactly the command in docs/integrations.md), then check that
// the log is SARIF 2.1.0-shaped, lists the findings with their rule id, and that
// the rule's help link points at the rule doc that exists in this repository.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DOCS_URL, RULE, eslintBin, examples, removeDir, root, run } from './example-sandbox.js';
import { checkSarifShape, type SarifLog } from './harness/sarif.js';

let tmp: string | undefined;
after(() => removeDir(tmp));

test('SARIF for the example project is valid 2.1.0 and carries the findings with their docs link', { timeout: 180_000 }, () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'map-race-sarif-'));
  const out = path.join(tmp, 'eslint.sarif');
  const lint = run(process.execPath, [eslintBin, '.', '--format', '@microsoft/eslint-formatter-sarif', '--output-file', out], examples);
  // 1 = lint ran and found errors; 2 would mean ESLint itself failed.
  assert.equal(lint.status, 1, `expected findings (exit 1):\n${lint.output}`);
  const log = JSON.parse(fs.readFileSync(out, 'utf8')) as SarifLog;
  checkSarifShape(log);

  const sarifRun = log.runs[0]!;
  assert.deepEqual(sarifRun.invocations?.[0]?.toolConfigurationNotifications ?? [], [], 'no parse/config errors');
  const findings = sarifRun.results!.filter((result) => result.ruleId === RULE);
  assert.ok(findings.length >= 1, `expected ${RULE} results, got ${JSON.stringify(sarifRun.results, null, 2)}`);
  for (const finding of findings) {
    assert.equal(finding.level, 'error');
    const file = fileURLToPath(finding.locations![0]!.physicalLocation.artifactLocation.uri);
    assert.ok(fs.existsSync(file), `${file} exists`);
    assert.ok(file.startsWith(path.join(examples, 'src') + path.sep), `${file} is an example source`);
  }
  assert.ok(
    findings.some((finding) => finding.locations![0]!.physicalLocation.artifactLocation.uri.endsWith('/src/shared/cache.ts')),
    'the unguarded write in the shared cache module is reported',
  );

  const rule = sarifRun.tool.driver.rules!.find((candidate) => candidate.id === RULE);
  assert.ok(rule, `${RULE} is described in tool.driver.rules`);
  assert.equal(rule.helpUri, DOCS_URL);
  assert.ok(rule.shortDescription?.text, 'rule has a short description (meta.docs.description)');

  // The help link must resolve to a doc that ships in this repository.
  const prefix = 'https://github.com/map-race/eslint-plugin-map-race/blob/main/';
  assert.ok(rule.helpUri!.startsWith(prefix));
  const docPath = path.join(root, rule.helpUri!.slice(prefix.length));
  assert.ok(fs.existsSync(docPath), `${path.relative(root, docPath)} exists (the helpUri target)`);
});
