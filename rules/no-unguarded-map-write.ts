import type { TSESTree } from '@typescript-eslint/utils';
import { ESLintUtils } from '@typescript-eslint/utils';
import type ts from 'typescript';
import {
  applyDirectives,
  blindSpotInFile,
  ConfigError,
  configKey,
  createConfig,
  describeFailure,
  describeFinding,
  describeProgramFailure,
  failuresInFile,
  messageIdOf,
  findingsForFile,
  parseDirectives,
  type AnalysisConfig,
  type Comment,
} from '../lib/index.js';
import { createRule } from './create-rule.js';
import { MESSAGES, RULE_DESCRIPTION, type MessageId } from './meta.js';
import { optionsSchema, resolveOptions, type ResolvedOptions, type RuleOptions } from './options.js';

export type MessageIds = MessageId;

const configs = new Map<string, AnalysisConfig>();

/** One compiled configuration per distinct options and working directory, so glob matchers and their caches are shared by every file. */
function configFor(options: ResolvedOptions, cwd: string): AnalysisConfig {
  const key = configKey({ ...options, cwd });
  let config = configs.get(key);
  if (!config) {
    try {
      config = createConfig(options, cwd);
    } catch (error) {
      if (error instanceof ConfigError) throw new TypeError(`map-race/no-unguarded-map-write: ${error.message}`);
      throw error;
    }
    configs.set(key, config);
  }
  return config;
}

export const noUnguardedMapWrite = createRule<[RuleOptions], MessageIds>({
  name: 'no-unguarded-map-write',
  meta: {
    type: 'problem',
    docs: {
      description: RULE_DESCRIPTION,
      recommended: true,
      requiresTypeChecking: true,
    },
    messages: MESSAGES,
    schema: optionsSchema,
    defaultOptions: [{}],
  },
  defaultOptions: [{}],
  create(context) {
    const options = resolveOptions(context.options[0], context.settings['map-race']);
    const config = configFor(options, context.cwd);
    const services = ESLintUtils.getParserServices(context);
    const program = services.program;

    return {
      Program(node: TSESTree.Program) {
        const sourceFile = services.esTreeNodeToTSNodeMap.get(node) as ts.SourceFile;
        let findings;
        let blindSpot;
        try {
          findings = findingsForFile(program, config, sourceFile.fileName);
          blindSpot = blindSpotInFile(program, config, sourceFile.fileName);
        } catch (error) {
          // Units fail alone (lib/analysis/faults.ts); this is only what escaped every unit.
          context.report({
            loc: { line: 1, column: 0 },
            messageId: 'analysisFailed',
            data: describeProgramFailure(error, sourceFile.fileName, context.cwd),
          });
          return;
        }
        for (const failure of failuresInFile(program, config, sourceFile.fileName)) {
          context.report({
            loc: locOf(sourceFile, failure.node.getStart(sourceFile), failure.node.end),
            messageId: 'analysisFailed',
            data: describeFailure(failure, context.cwd),
          });
        }
        if (blindSpot) {
          context.report({
            loc: locOf(sourceFile, blindSpot.node.getStart(sourceFile), blindSpot.node.end),
            messageId: 'blindSpot',
            data: { missing: blindSpot.missing, fix: blindSpot.fix },
          });
        }
        const comments = context.sourceCode.getAllComments() as Comment[];
        const directives = comments.some((comment) => comment.value.includes('map-race-ignore'))
          ? parseDirectives(sourceFile, comments)
          : [];
        const lineOf = (finding: (typeof findings)[number]): number =>
          sourceFile.getLineAndCharacterOfPosition(finding.node.getStart(sourceFile)).line;
        const outcome = applyDirectives(directives, findings, lineOf, options);
        for (const finding of outcome.kept) {
          context.report({
            loc: locOf(sourceFile, finding.node.getStart(sourceFile), finding.node.end),
            messageId: messageIdOf(finding),
            data: describeFinding(finding, context.cwd),
          });
        }
        for (const directive of outcome.missingReason) {
          context.report({ loc: locOf(sourceFile, ...directive.range), messageId: 'missingIgnoreReason' });
        }
        if (options.reportUnusedIgnores) {
          for (const directive of outcome.unused) {
            context.report({ loc: locOf(sourceFile, ...directive.range), messageId: 'unusedIgnore' });
          }
        }
      },
    };
  },
});

function locOf(file: ts.SourceFile, start: number, end: number): TSESTree.SourceLocation {
  const from = file.getLineAndCharacterOfPosition(start);
  const to = file.getLineAndCharacterOfPosition(end);
  return {
    start: { line: from.line + 1, column: from.character },
    end: { line: to.line + 1, column: to.character },
  };
}
