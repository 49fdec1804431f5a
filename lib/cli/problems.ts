import type tsTypes from 'typescript';
import { applyDirectives, blindSpotInFile, describeFailure, describeFinding, describeProgramFailure, failuresInFile, findingsForFile, messageIdOf, parseDirectives, type AnalysisConfig, type Directive, type Finding } from '../index.js';
import { formatMessage, RULE_ID, type MessageId } from '../../rules/meta.js';
import type { ResolvedOptions } from '../../rules/options.js';
import { commentsOf } from './comments.js';
import { eslintDisables } from './eslint-disable.js';

/** One report of the rule, as ESLint would give it, plus what only the command line keeps. */
export interface Problem {
  /** Absolute file name, as TypeScript spells it. */
  readonly file: string;
  /** 1-based, like ESLint's `line`, `column`, `endLine`, `endColumn`. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly messageId: MessageId;
  readonly message: string;
  /** The finding behind an `unguardedWrite`, `staleRead`, `entryConflict` or `latePublish` report (context, chain, …). */
  readonly finding?: Finding;
  /**
   * Set on a report that a directive silences — a finding covered by map-race-ignore, or any
   * report under an ESLint disable comment for the rule: ESLint drops these, SARIF keeps them
   * as suppressed, with the directive's reason.
   */
  readonly suppressed?: { readonly by: 'map-race-ignore' | 'eslint-disable'; readonly reason: string | undefined };
}

/**
 * What the rule reports for one file — its findings from the whole-program analysis, less
 * those a map-race-ignore directive covers, plus the directives without a reason (when
 * required) and the unused ones (when reported) — and the silenced findings besides.
 * The same calls as the rule's `Program` visitor, with the file's comments taken from
 * TypeScript instead of ESLint; then ESLint's own disable comments for the rule, which
 * ESLint applies after the rule. Sorted by position, as ESLint sorts messages.
 */
export function problemsOf(program: tsTypes.Program, config: AnalysisConfig, options: ResolvedOptions, file: tsTypes.SourceFile, cwd: string): Problem[] {
  let findings: readonly Finding[];
  let blindSpot: ReturnType<typeof blindSpotInFile>;
  try {
    findings = findingsForFile(program, config, file.fileName);
    blindSpot = blindSpotInFile(program, config, file.fileName);
  } catch (error) {
    // Units fail alone (lib/analysis/faults.ts); this is only what escaped every unit, reported as the rule does.
    return [
      { file: file.fileName, line: 1, column: 1, endLine: 1, endColumn: 1, messageId: 'analysisFailed', message: formatMessage('analysisFailed', describeProgramFailure(error, file.fileName, cwd)) },
    ];
  }
  const comments = file.text.includes('map-race-ignore') || file.text.includes('eslint-') ? commentsOf(file) : [];
  const directives = file.text.includes('map-race-ignore') ? parseDirectives(file, comments) : [];
  const lineOf = (finding: Finding): number => file.getLineAndCharacterOfPosition(finding.node.getStart(file)).line;
  const outcome = applyDirectives(directives, findings, lineOf, options);

  const problems: Problem[] = [];
  const at = (start: number, end: number) => {
    const from = file.getLineAndCharacterOfPosition(start);
    const to = file.getLineAndCharacterOfPosition(end);
    return { file: file.fileName, line: from.line + 1, column: from.character + 1, endLine: to.line + 1, endColumn: to.character + 1 };
  };
  const ofFinding = (finding: Finding, suppressed?: Problem['suppressed']): Problem => ({
    ...at(finding.node.getStart(file), finding.node.end),
    messageId: messageIdOf(finding),
    message: formatMessage(messageIdOf(finding), describeFinding(finding, cwd)),
    finding,
    ...(suppressed ? { suppressed } : {}),
  });
  const ofDirective = (directive: Directive, messageId: MessageId): Problem => ({ ...at(...directive.range), messageId, message: formatMessage(messageId) });

  if (blindSpot) {
    problems.push({
      ...at(blindSpot.node.getStart(file), blindSpot.node.end),
      messageId: 'blindSpot',
      message: formatMessage('blindSpot', { missing: blindSpot.missing, fix: blindSpot.fix }),
    });
  }
  for (const failure of failuresInFile(program, config, file.fileName)) {
    problems.push({
      ...at(failure.node.getStart(file), failure.node.end),
      messageId: 'analysisFailed',
      message: formatMessage('analysisFailed', describeFailure(failure, cwd)),
    });
  }
  for (const finding of outcome.kept) problems.push(ofFinding(finding));
  for (const directive of outcome.missingReason) problems.push(ofDirective(directive, 'missingIgnoreReason'));
  if (options.reportUnusedIgnores) for (const directive of outcome.unused) problems.push(ofDirective(directive, 'unusedIgnore'));
  for (const finding of findings) {
    if (outcome.kept.includes(finding)) continue;
    // The directive that silences it: the one that, applied alone, does not keep it.
    const directive = directives.find((candidate) => applyDirectives([candidate], [finding], lineOf, options).kept.length === 0);
    problems.push(ofFinding(finding, { by: 'map-race-ignore', reason: directive?.reason }));
  }
  const disabled = eslintDisables(file, comments, RULE_ID);
  return problems
    .map((problem) => {
      const by = problem.suppressed ? undefined : disabled(problem.line, problem.column);
      return by ? { ...problem, suppressed: { by: 'eslint-disable' as const, reason: by.justification || undefined } } : problem;
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}
