// The structure of a SARIF 2.1.0 log as code-scanning uploads need it, checked for the
// ESLint formatter's output (tests/sarif.test.ts) and the command line's (tests/cli-sarif.test.ts).
import assert from 'node:assert/strict';

export interface SarifLog {
  version: string;
  $schema?: string;
  runs: SarifRun[];
}
export interface SarifRun {
  tool: { driver: { name: string; version?: string; informationUri?: string; rules?: SarifRule[] } };
  artifacts?: { location: { uri: string } }[];
  results?: SarifResult[];
  invocations?: { executionSuccessful: boolean; toolConfigurationNotifications?: unknown[] }[];
}
export interface SarifRule {
  id: string;
  helpUri?: string;
  shortDescription?: { text: string };
}
export interface SarifResult {
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
  suppressions?: { kind: string; justification?: string }[];
}

const LEVELS = new Set(['none', 'note', 'warning', 'error']);
const SUPPRESSION_KINDS = new Set(['inSource', 'external']);

/** The structural requirements of SARIF 2.1.0 that matter to code-scanning uploads. */
export function checkSarifShape(log: SarifLog): void {
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
    for (const suppression of result.suppressions ?? []) assert.ok(SUPPRESSION_KINDS.has(suppression.kind), `suppression kind ${suppression.kind}`);
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

