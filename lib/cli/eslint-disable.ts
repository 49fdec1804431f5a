import type tsTypes from 'typescript';
import type { Comment } from '../index.js';

/** Where an ESLint directive turns the rule off or on again, 1-based like ESLint's problem locations. */
interface Switch {
  readonly type: 'disable' | 'enable';
  readonly line: number;
  readonly column: number;
  readonly justification: string;
}

const LABEL = /^([a-z]+(?:-[a-z]+)*)(?:\s|$)/u;
const LABELS = new Set(['eslint-disable', 'eslint-enable', 'eslint-disable-line', 'eslint-disable-next-line']);

/**
 * ESLint's own disable comments (`eslint-disable-next-line`, `eslint-disable-line`,
 * `/* eslint-disable *\/ … /* eslint-enable *\/`, with or without a rule list and a
 * `-- justification`), read the way ESLint's comment parser and apply-disable-directives
 * read them, for one rule. A project that silenced a report with them sees it silenced on
 * the command line too. Returns the justification of the directive that silences a
 * report at a position, or undefined.
 */
export function eslintDisables(file: tsTypes.SourceFile, comments: readonly Comment[], ruleId: string): (line: number, column: number) => { justification: string } | undefined {
  const block: Switch[] = [];
  const lines: Switch[] = [];
  for (const comment of comments) {
    const separator = /\s-{2,}\s/u.exec(comment.value);
    const directive = (separator ? comment.value.slice(0, separator.index) : comment.value).trim();
    const justification = separator ? comment.value.slice(separator.index + separator[0].length).trim() : '';
    const label = LABEL.exec(directive)?.[1];
    if (!label || !LABELS.has(label)) continue;
    if (comment.type === 'Line' && label !== 'eslint-disable-line' && label !== 'eslint-disable-next-line') continue;
    const start = file.getLineAndCharacterOfPosition(comment.range[0]);
    const end = file.getLineAndCharacterOfPosition(comment.range[1]);
    if (label === 'eslint-disable-line' && start.line !== end.line) continue;
    const rules = directive
      .slice(label.length)
      .split(',')
      .map((name) => name.trim().replace(/^(['"]?)(.*)\1$/su, '$2'))
      .filter(Boolean);
    if (rules.length > 0 && !rules.includes(ruleId)) continue;
    if (label === 'eslint-disable' || label === 'eslint-enable') {
      block.push({ type: label === 'eslint-disable' ? 'disable' : 'enable', line: start.line + 1, column: start.character + 1, justification });
    } else {
      const line = (label === 'eslint-disable-line' ? start.line : end.line + 1) + 1;
      lines.push({ type: 'disable', line, column: 1, justification }, { type: 'enable', line: line + 1, column: 0, justification });
    }
  }
  if (block.length === 0 && lines.length === 0) return () => undefined;
  const byPosition = (a: { line: number; column: number }, b: { line: number; column: number }) => a.line - b.line || a.column - b.column;
  block.sort(byPosition);
  lines.sort(byPosition);
  const disabledBy = (switches: readonly Switch[], at: { line: number; column: number }): Switch | undefined => {
    let disabled: Switch | undefined;
    for (const change of switches) {
      if (byPosition(change, at) > 0) break;
      if (change.type === 'disable') disabled ??= change;
      else disabled = undefined;
    }
    return disabled;
  };
  return (line, column) => {
    const by = disabledBy(block, { line, column }) ?? disabledBy(lines, { line, column });
    return by && { justification: by.justification };
  };
}
