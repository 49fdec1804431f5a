import { createRequire } from 'node:module';
import type tsTypes from 'typescript';
import ts from '../util/typescript.cjs';
import type { Comment } from '../index.js';

// The comment iterator typescript-estree builds ESLint's comment list with, so that a
// directive is found on the command line exactly where the rule finds it. Loaded with
// `require`, like TypeScript itself (lib/util/typescript.cts).
const { iterateComments } = createRequire(import.meta.url)('ts-api-utils') as typeof import('ts-api-utils');

/** A file's comments, as ESLint's `sourceCode.getAllComments()` gives them to the rule. */
export function commentsOf(file: tsTypes.SourceFile): Comment[] {
  return Array.from(iterateComments(file, file), ({ pos, end, kind, value }) => ({
    type: kind === ts.SyntaxKind.SingleLineCommentTrivia ? 'Line' : 'Block',
    value,
    range: [pos, end] as const,
  }));
}
