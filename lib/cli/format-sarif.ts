import { pathToFileURL } from 'node:url';
import type tsTypes from 'typescript';
import { REPOSITORY_URL, RULE_DESCRIPTION, RULE_ID, RULE_NAME, ruleDocsUrl } from '../../rules/meta.js';
import type { Problem } from './problems.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * A SARIF 2.1.0 log with one run: the rule described as @microsoft/eslint-formatter-sarif
 * describes it (id, short description, help URI), one result per report with its region
 * and artifact, the context's registration as a related location, and findings silenced
 * by map-race-ignore as results with an in-source suppression carrying the directive's reason.
 */
export function formatSarif(problems: readonly Problem[], version: string): string {
  const artifacts: { location: { uri: string } }[] = [];
  const artifactIndex = new Map<string, number>();
  const artifactOf = (file: string) => {
    const uri = pathToFileURL(file).href;
    let index = artifactIndex.get(uri);
    if (index === undefined) {
      index = artifacts.push({ location: { uri } }) - 1;
      artifactIndex.set(uri, index);
    }
    return { uri, index };
  };
  const nodeLocation = (node: tsTypes.Node, text: string, id: number) => {
    const file = node.getSourceFile();
    const start = file.getLineAndCharacterOfPosition(node.getStart(file));
    return {
      id,
      message: { text },
      physicalLocation: { artifactLocation: artifactOf(file.fileName), region: { startLine: start.line + 1, startColumn: start.character + 1 } },
    };
  };
  const results = problems.map((problem) => {
    const { finding } = problem;
    return {
      ruleId: RULE_ID,
      ruleIndex: 0,
      level: 'error',
      message: { text: problem.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactOf(problem.file),
            region: { startLine: problem.line, startColumn: problem.column, endLine: problem.endLine, endColumn: problem.endColumn },
          },
        },
      ],
      ...(finding ? { relatedLocations: [nodeLocation(finding.context.registration, `the ${finding.context.description} registered here`, 1)] } : {}),
      ...(problem.suppressed
        ? { suppressions: [{ kind: 'inSource', ...(problem.suppressed.reason ? { justification: problem.suppressed.reason } : {}) }] }
        : {}),
    };
  });
  const log = {
    version: '2.1.0',
    $schema: SARIF_SCHEMA,
    runs: [
      {
        tool: {
          driver: {
            name: 'map-race',
            version,
            informationUri: REPOSITORY_URL,
            rules: [
              {
                id: RULE_ID,
                name: RULE_NAME,
                shortDescription: { text: RULE_DESCRIPTION },
                helpUri: ruleDocsUrl(RULE_NAME),
                defaultConfiguration: { level: 'error' },
              },
            ],
          },
        },
        artifacts,
        results,
        invocations: [{ executionSuccessful: true }],
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
