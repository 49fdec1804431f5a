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

interface SarifLog {
  version: string;
  $schema?: string;
  runs: SarifRun[];
}
interface SarifRun {
  tool: { driver: { name: string; version?: string; informationUri?: string; rules?: SarifRule[] } };
  artifacts?: { location: { uri: string } }[];
  results?: SarifResult[];
  invocations?: { executionSuccessful: boolean; toolConfigurationNotifications?: unknown[] }[];
}
interface SarifRule {
  id: string;
  helpUri?: string;
  shortDescription?: { text: string };
}
interface SarifResult {
  ruleId?: string;
  ruleIndex?: number;
  level?: string;
  message: { text?: string; id?: string };
  locations?: {
    physicalLocation: {
      artifactLocation: { uri: string; index?: number };
      region?: { startLine?: number; startColumn?: number; endLine?: number; endColumn?: number };
    };
  }[];
}

const LEVELS = new Set(['none', 'note', 'warning', 'error']);
let tmp: string | undefined;
after(() => removeDir(tmp));

/** The structural requirements of SARIF 2.1.0 that matter to code-scanning uploads. */
function checkSarifShape(log: SarifLog): void {
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema ?? '', /sarif-2\.1\.0/);
  assert.ok(Array.isArray(log.runs) && log.runs.length === 1, 'one run');
  const [sarifRun] = log.runs;
  assert.equal(typeof sarifRun!.tool.driver.name, 'string');
  assert.ok(Array.isArray(sarifRun!.results), 'run.results is an array');
  const rules = sarifRun!.tool.driver.rules ?? [];
  const ruleIds = new Set<string>();
  for (const rule of rules) {
    assert.equal(typeof rule.id, 'string');
    assert.ok(!ruleIds.has(rule.id), `rule ${rule.id} listed once`);
    ruleIds.add(rule.id);
    if (rule.helpUri !== undefined) assert.doesNotThrow(() => new URL(rule.helpUri!), `helpUri of ${rule.id} is a URI`);
  }
  const artifacts = sarifRun!.artifacts ?? [];
  for (const result of sarifRun!.results!) {
    assert.ok(typeof result.message.text === 'string' || typeof result.message.id === 'string', 'result.message has text or id');
    if (result.level !== undefined) assert.ok(LEVELS.has(result.level), `level ${result.level}`);
    if (result.ruleIndex !== undefined) {
      assert.equal(rules[result.ruleIndex]?.id, result.ruleId, 'ruleIndex points at the result’s rule');
    }
    for (const location of result.locations ?? []) {
      const artifact = location.physicalLocation.artifactLocation;
      assert.doesNotThrow(() => new URL(artifact.uri), 'artifact uri is a URI');
      if (artifact.index !== undefined) assert.equal(artifacts[artifact.index]?.location.uri, artifact.uri);
      const region = location.physicalLocation.region;
      if (region?.startLine !== undefined) assert.ok(Number.isInteger(region.startLine) && region.startLine >= 1);
      if (region?.startColumn !== undefined) assert.ok(Number.isInteger(region.startColumn) && region.startColumn >= 1);
    }
  }
}

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
