import path from 'node:path';
import type tsTypes from 'typescript';
import ts from '../util/typescript.cjs';

/**
 * What the command line does with the diagnostics TypeScript raises about a tsconfig and
 * its compiler options. The analysis never emits and never type-checks for errors, so it
 * goes on whenever TypeScript can build a program, as the ESLint rule does (typescript-eslint
 * builds its programs without looking at these diagnostics):
 * - emit-layout diagnostics (`rootDir`, files that would overwrite their inputs) do not arise,
 *   because the analysis builds with emit off (`analysisOptions`);
 * - TypeScript's deprecations are silenced for the analysis (`ignoreDeprecations`), and options
 *   TypeScript has removed are accepted: they do nothing in TypeScript any more, as they did
 *   nothing under TypeScript 5 from 5.5 on;
 * - a tsconfig that is not valid JSON, or that yields no input file, leaves nothing to
 *   analyse: the run stops (exit status 2) and says which;
 * - every other diagnostic (a missing type library, an `extends` that cannot be found, an
 *   unknown option or value) is one warning line naming the tsconfig and what the analysis
 *   does without the setting, and the analysis goes on.
 */

/** The emit settings an analysis that never emits leaves out: they decide only where output goes. */
const EMIT_LAYOUT_OPTIONS = ['outDir', 'outFile', 'rootDir', 'declarationDir', 'emitDeclarationOnly'] as const;

/** The options to build the analysis's program with: the tsconfig's, with emit off and deprecations silenced. */
export function analysisOptions(options: tsTypes.CompilerOptions): tsTypes.CompilerOptions {
  const analysis: tsTypes.CompilerOptions = { ...options, noEmit: true, ignoreDeprecations: IGNORE_DEPRECATIONS };
  for (const option of EMIT_LAYOUT_OPTIONS) delete analysis[option];
  return analysis;
}

/** The newest deprecation wave this TypeScript can silence ("5.0" or "6.0"). */
const IGNORE_DEPRECATIONS = Number(ts.versionMajorMinor.split('.')[0]) >= 6 ? '6.0' : '5.0';

/** `Option 'x' has been removed` and `Option 'x=y' has been removed`: accepted, the option does nothing. */
const REMOVED_OPTION_CODES = new Set([5102, 5108]);
/** `No inputs were found in config file`, `The 'files' list in config file is empty`. */
const NO_INPUT_CODES = new Set([18003, 18002]);
/** `Cannot find type definition file for 'x'`. */
const MISSING_TYPE_LIBRARY = 2688;
/** `File 'x' not found`: in a tsconfig's own diagnostics, its `extends`; in the program's, a `files` entry or a reference. */
const FILE_NOT_FOUND = 6053;
/** `Cannot read file 'x'` (an `extends` that exists but does not read). */
const CANNOT_READ_FILE = 5083;

export type Verdict =
  | { readonly kind: 'fatal'; readonly message: string }
  | { readonly kind: 'warning'; readonly message: string }
  | { readonly kind: 'accepted' };

export interface DiagnosticSource {
  /** From parsing the tsconfig (else from the program's option checks). */
  readonly fromConfig: boolean;
  /** Whether the tsconfig yields input files (or references). */
  readonly hasInputs: boolean;
}

/** What to do with a diagnostic of `configFile`. */
export function judge(diagnostic: tsTypes.Diagnostic, configFile: string, cwd: string, { fromConfig, hasInputs }: DiagnosticSource): Verdict {
  if (diagnostic.category !== ts.DiagnosticCategory.Error || REMOVED_OPTION_CODES.has(diagnostic.code)) return { kind: 'accepted' };
  if (isJsonSyntaxError(diagnostic)) {
    return { kind: 'fatal', message: `${diagnosticLine(diagnostic, configFile, cwd, 'error')} (the tsconfig is not valid JSON: no program can be built)` };
  }
  // `files: []` beside an `include` is reported even when the include finds files.
  if (NO_INPUT_CODES.has(diagnostic.code) && !hasInputs) {
    return { kind: 'fatal', message: `${diagnosticLine(diagnostic, configFile, cwd, 'error')} (no input files: no program can be built)` };
  }
  return { kind: 'warning', message: `${diagnosticLine(diagnostic, configFile, cwd)} ${withoutIt(diagnostic, fromConfig)}.` };
}

/** What the analysis does without what the diagnostic is about, and how to get it back. */
function withoutIt(diagnostic: tsTypes.Diagnostic, fromConfig: boolean): string {
  if (diagnostic.code === MISSING_TYPE_LIBRARY) {
    const library = quoted(diagnostic);
    return `The analysis goes on without the declarations of ${library ?? 'that type library'} (install it, or remove it from compilerOptions.types)`;
  }
  if (fromConfig && (diagnostic.code === FILE_NOT_FOUND || diagnostic.code === CANNOT_READ_FILE)) {
    return 'The analysis goes on with the settings of this tsconfig alone, without the ones it extends (install the package that holds it, or fix the "extends" path)';
  }
  if (diagnostic.code === FILE_NOT_FOUND) return 'The analysis goes on without it';
  return 'The analysis goes on as TypeScript does without that setting';
}

/** The first '…'-quoted name in the diagnostic's own message (not in the chain below it). */
function quoted(diagnostic: tsTypes.Diagnostic): string | undefined {
  const head = typeof diagnostic.messageText === 'string' ? diagnostic.messageText : diagnostic.messageText.messageText;
  return /'[^']+'/.exec(head)?.[0];
}

/** TS1xxx: the scanner's and parser's errors, which in a tsconfig mean it is not JSON. */
function isJsonSyntaxError(diagnostic: tsTypes.Diagnostic): boolean {
  return diagnostic.code >= 1000 && diagnostic.code < 2000 && diagnostic.file !== undefined && diagnostic.file.fileName.endsWith('.json');
}

/**
 * `tsconfig.json:3:5: TS5023: Unknown compiler option 'x'.` (`error TS5023` for an error that
 * stops the run): the diagnostic's own message, where it is (the tsconfig when it has no
 * position), relative to `cwd`.
 */
export function diagnosticLine(diagnostic: tsTypes.Diagnostic, configFile: string, cwd: string, severity?: 'error'): string {
  const head = typeof diagnostic.messageText === 'string' ? diagnostic.messageText : diagnostic.messageText.messageText;
  let where = relative(configFile, cwd);
  if (diagnostic.file) {
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    where = `${relative(diagnostic.file.fileName, cwd)}:${line + 1}:${character + 1}`;
  }
  return `${where}: ${severity ? `${severity} ` : ''}TS${diagnostic.code}: ${head}`;
}

function relative(file: string, cwd: string): string {
  return path.relative(cwd, file) || file;
}
