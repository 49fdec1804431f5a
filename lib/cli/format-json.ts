import { positionLabel } from '../util/ast.js';
import { RULE_ID } from '../../rules/meta.js';
import { relativePath } from './format-text.js';
import type { Problem } from './problems.js';

/**
 * `{ problems: [...], suppressed: [...] }`: every report with its position (1-based, as
 * ESLint gives them), rule id, message id and message; findings also with their context,
 * call chain and suspension point. Paths are relative to `cwd`.
 */
export function formatJson(problems: readonly Problem[], cwd: string): string {
  const entry = (problem: Problem) => {
    const { finding } = problem;
    return {
      file: relativePath(problem.file, cwd),
      line: problem.line,
      column: problem.column,
      endLine: problem.endLine,
      endColumn: problem.endColumn,
      ruleId: RULE_ID,
      messageId: problem.messageId,
      message: problem.message,
      ...(finding
        ? {
            container: finding.container,
            context: { kind: finding.context.kind, description: finding.context.description, registration: positionLabel(finding.context.registration, cwd) },
            chain: finding.chain,
            ...(finding.suspendedAt ? { suspendedAt: positionLabel(finding.suspendedAt, cwd) } : {}),
          }
        : {}),
      ...(problem.suppressed ? { reason: problem.suppressed.reason ?? null } : {}),
    };
  };
  return `${JSON.stringify(
    {
      problems: problems.filter((problem) => !problem.suppressed).map(entry),
      suppressed: problems.filter((problem) => problem.suppressed).map(entry),
    },
    null,
    2,
  )}\n`;
}
