import ts from '../util/typescript.cjs';

/**
 * directives: which reports a `// map-race-ignore` comment silences. The directive is
 * `map-race-ignore`, optionally followed by `: <reason>` or `-- <reason>`, as a line or
 * block comment. A trailing directive covers reports on its own line; a directive alone
 * on its line covers the statement (or class member) that starts on the next line, all
 * of its lines. Anything else — a directive elsewhere, a misspelling — covers nothing.
 * A directive that covers no report is unused; with `requireIgnoreReason`, one without a
 * reason covers nothing and is reported as such. This concern is per file and needs
 * the file's comments, which the ESLint layer hands over.
 */
export interface Comment {
  readonly type: 'Line' | 'Block' | 'Shebang';
  readonly value: string;
  /** Offsets of the whole comment in the file's text. */
  readonly range: readonly [number, number];
}

export interface Directive {
  readonly range: readonly [number, number];
  readonly reason: string | undefined;
  /** The lines (0-based, inclusive) whose reports it covers, or undefined when it covers nothing. */
  readonly covers: { readonly first: number; readonly last: number } | undefined;
}

const DIRECTIVE = /^\s*\*?\s*map-race-ignore(?:\s*(?::|--)\s*([\s\S]*?))?\s*\*?\s*$/;

/** The directives among a file's comments, with the lines each would cover. */
export function parseDirectives(file: ts.SourceFile, comments: readonly Comment[]): Directive[] {
  const directives: Directive[] = [];
  for (const comment of comments) {
    if (comment.type === 'Shebang') continue;
    const match = DIRECTIVE.exec(comment.value);
    if (!match) continue;
    const reason = match[1]?.trim() || undefined;
    directives.push({ range: comment.range, reason, covers: coveredLines(file, comment.range) });
  }
  return directives;
}

function coveredLines(file: ts.SourceFile, [start, end]: readonly [number, number]): Directive['covers'] {
  const text = file.text;
  const startLine = file.getLineAndCharacterOfPosition(start).line;
  const lineStart = file.getPositionOfLineAndCharacter(startLine, 0);
  const aloneOnLine = text.slice(lineStart, start).trim() === '';
  if (!aloneOnLine) return { first: startLine, last: startLine };
  const endLine = file.getLineAndCharacterOfPosition(end).line;
  const rest = text.slice(end, endOfLine(text, end)).trim();
  if (rest !== '') return undefined;
  const statement = statementStartingOnLine(file, endLine + 1);
  if (!statement) return undefined;
  return { first: endLine + 1, last: file.getLineAndCharacterOfPosition(statement.end).line };
}

function endOfLine(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  return newline === -1 ? text.length : newline;
}

/** The outermost statement or class member whose first token is on `line`. */
function statementStartingOnLine(file: ts.SourceFile, line: number): ts.Node | undefined {
  if (line >= file.getLineStarts().length) return undefined;
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (node.end < file.getPositionOfLineAndCharacter(line, 0)) return;
    const startLine = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
    if (startLine > line) return;
    if (startLine === line && (isStatementLike(node))) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(file, visit);
  return found;
}

function isStatementLike(node: ts.Node): boolean {
  return ts.isStatement(node) || ts.isClassElement(node) || ts.isVariableDeclaration(node) || ts.isPropertyAssignment(node) || ts.isExpressionStatement(node);
}

export interface DirectiveOutcome<F> {
  /** Findings no directive covers. */
  readonly kept: readonly F[];
  /** Directives that covered no finding. */
  readonly unused: readonly Directive[];
  /** Directives without a reason while one is required (they cover nothing). */
  readonly missingReason: readonly Directive[];
}

/** Splits findings into those a directive silences and those that remain, and finds the idle directives. */
export function applyDirectives<F>(
  directives: readonly Directive[],
  findings: readonly F[],
  lineOf: (finding: F) => number,
  options: { requireIgnoreReason: boolean },
): DirectiveOutcome<F> {
  const used = new Set<Directive>();
  const missingReason = options.requireIgnoreReason ? directives.filter((directive) => !directive.reason) : [];
  const active = directives.filter((directive) => directive.covers && !missingReason.includes(directive));
  const kept = findings.filter((finding) => {
    const line = lineOf(finding);
    const covering = active.filter((directive) => line >= directive.covers!.first && line <= directive.covers!.last);
    for (const directive of covering) used.add(directive);
    return covering.length === 0;
  });
  const unused = directives.filter((directive) => !used.has(directive) && !missingReason.includes(directive));
  return { kept, unused, missingReason };
}
