import path from 'node:path';
import { positionLabel } from '../util/ast.js';
import type { Problem } from './problems.js';

export interface TextStyle {
  readonly color: boolean;
}

const paint = (code: string, on: boolean) => (text: string): string => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

/**
 * `path:line:col: message`, like tsc and go vet, then for a finding the chain that reaches
 * it: where its context is registered, where control was given back, the calls on the way.
 * Silenced findings are not printed. Colour only when asked (on a TTY).
 */
export function formatText(problems: readonly Problem[], cwd: string, style: TextStyle): string {
  const bold = paint('1', style.color);
  const red = paint('31', style.color);
  const dim = paint('2', style.color);
  const shown = problems.filter((problem) => !problem.suppressed);
  const lines: string[] = [];
  for (const problem of shown) {
    lines.push(`${bold(`${relativePath(problem.file, cwd)}:${problem.line}:${problem.column}`)}: ${red('error')}: ${problem.message}`);
    const finding = problem.finding;
    if (!finding) continue;
    lines.push(dim(`    ${positionLabel(finding.context.registration, cwd)}: the ${finding.context.description} registered here`));
    if (finding.suspendedAt) lines.push(dim(`    ${positionLabel(finding.suspendedAt, cwd)}: control is given back here`));
    lines.push(dim(`    calls: ${finding.chain.join(' → ')}`));
  }
  const silenced = problems.length - shown.length;
  const files = new Set(shown.map((problem) => problem.file)).size;
  const note = silenced > 0 ? ` (${silenced} silenced by directives)` : '';
  if (shown.length > 0) lines.push('', `${shown.length} problem${shown.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}${note}.`);
  else if (silenced > 0) lines.push(`No problems${note}.`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** A file name relative to `cwd` with forward slashes, or as it is when outside `cwd`. */
export function relativePath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}
