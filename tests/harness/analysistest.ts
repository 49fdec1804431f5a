/**
 * An analysistest-style harness: a fixture project is a directory with a real
 * tsconfig.json; each line that must be reported carries a `// want "regexp"` comment
 * (several for several reports; `want:any` / `want:await` for one interleaving mode
 * only; a messageId after the mode, `want:await staleRead "…"`, asserts the report's
 * kind too). Fixtures may be JavaScript too (.js, .mjs, .cjs under `allowJs`/`checkJs`),
 * whose `// want` comments count alike. The harness lints the whole project through
 * ESLint with the typed parser and the built plugin, and lists every missing and every
 * unexpected report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { clearCaches } from '@typescript-eslint/parser';
import plugin from '../../dist/index.js';

export interface FixtureOptions {
  /** Interleaving modes to run the fixture in; `want` without a mode applies to each. */
  modes?: ('any' | 'await')[];
  /** Modes in which the fixture must report nothing at all (its `want` comments are for the other modes). */
  quiet?: ('any' | 'await')[];
  /** Rule options besides `interleaving`. */
  options?: Record<string, unknown>;
  settings?: Record<string, unknown>;
  /**
   * Globs of files outside every tsconfig that the project service lints in its default
   * project (compiler options from the fixture's tsconfig.json), as editors and
   * `allowDefaultProject` users see stray JavaScript files.
   */
  allowDefaultProject?: string[];
  /**
   * The warning lines the command line prints on stderr about the fixture's tsconfig, as
   * regular expressions, one per line in order (tests/cli-parity.test.ts); none by default.
   */
  cliWarnings?: string[];
}

export interface Expectation {
  file: string;
  line: number;
  pattern: RegExp;
  /** The report's messageId, when the comment names one. */
  messageId?: string;
  matched: boolean;
}

export interface Report {
  file: string;
  line: number;
  column: number;
  ruleId: string | null;
  messageId: string | undefined;
  message: string;
}

const WANT_COMMENT = /\/\/\s*(want(?::(?:any|await))?(?:\s+[A-Za-z]+)?\s+".*)$/;
const WANT_GROUP = /want(?::(any|await))?(?:\s+([A-Za-z]+))?((?:\s+"(?:[^"\\]|\\.)*")+)/g;
const WANT_PATTERN = /"((?:[^"\\]|\\.)*)"/g;

export function fixtureOptions(dir: string): FixtureOptions {
  const file = path.join(dir, 'fixture.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as FixtureOptions) : {};
}

/** TypeScript and JavaScript sources: a fixture with `allowJs`/`checkJs` lints its .js, .mjs and .cjs files too. */
const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const DECLARATION_FILE = /\.d\.(ts|mts|cts)$/;
const LINTED_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts', '**/*.js', '**/*.jsx', '**/*.mjs', '**/*.cjs'];

export function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && SOURCE_FILE.test(entry.name) && !DECLARATION_FILE.test(entry.name)) {
      found.push(path.join(entry.parentPath, entry.name));
    }
  }
  return found.sort();
}

export function expectationsOf(dir: string, mode: 'any' | 'await'): Expectation[] {
  const expectations: Expectation[] = [];
  for (const file of sourceFiles(dir)) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, index) => {
      const comment = WANT_COMMENT.exec(text);
      if (!comment) return;
      for (const group of comment[1]!.matchAll(WANT_GROUP)) {
        if (group[1] && group[1] !== mode) continue;
        for (const [, source] of group[3]!.matchAll(WANT_PATTERN)) {
          const pattern = new RegExp(source!.replace(/\\"/g, '"'));
          expectations.push({ file, line: index + 1, pattern, ...(group[2] ? { messageId: group[2] } : {}), matched: false });
        }
      }
    });
  }
  return expectations;
}

export async function lintFixture(
  dir: string,
  mode: 'any' | 'await',
  fixture: FixtureOptions = fixtureOptions(dir),
  files: readonly string[] = sourceFiles(dir),
): Promise<Report[]> {
  const config: Linter.Config[] = [
    {
      files: LINTED_FILES,
      languageOptions: {
        parser: tseslint.parser as Linter.Parser,
        parserOptions: {
          projectService: fixture.allowDefaultProject
            ? { allowDefaultProject: fixture.allowDefaultProject, defaultProject: 'tsconfig.json' }
            : true,
          tsconfigRootDir: dir,
        },
      },
      plugins: { 'map-race': plugin },
      rules: { 'map-race/no-unguarded-map-write': ['error', { ...fixture.options, interleaving: mode }] },
      ...(fixture.settings ? { settings: fixture.settings } : {}),
    },
  ];
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config, ignore: false });
  // typescript-eslint keeps one project service per process, made with the first settings it
  // sees: a fixture with its own default-project settings needs a fresh one, and leaves none.
  if (fixture.allowDefaultProject) clearCaches();
  const results = await eslint.lintFiles([...files]);
  if (fixture.allowDefaultProject) clearCaches();
  return results.flatMap((result) =>
    result.messages.map((message) => ({
      file: result.filePath,
      line: message.line,
      column: message.column,
      ruleId: message.ruleId,
      messageId: message.messageId,
      message: message.message,
    })),
  );
}

/** Every problem with a fixture in one mode: reports nobody wanted and wants nobody reported. */
export async function checkFixture(dir: string, mode: 'any' | 'await'): Promise<string[]> {
  const reports = await lintFixture(dir, mode);
  const expectations = expectationsOf(dir, mode);
  const problems: string[] = [];
  for (const report of reports) {
    const where = `${path.relative(dir, report.file)}:${report.line}:${report.column}`;
    if (report.ruleId !== 'map-race/no-unguarded-map-write') {
      problems.push(`${where}: unexpected ${report.ruleId ?? 'fatal'} message: ${report.message}`);
      continue;
    }
    const expectation = expectations.find(
      (candidate) => !candidate.matched && candidate.file === report.file && candidate.line === report.line &&
        candidate.pattern.test(report.message) && (candidate.messageId === undefined || candidate.messageId === report.messageId),
    );
    if (expectation) expectation.matched = true;
    else problems.push(`${where}: unexpected ${report.messageId ?? 'report'}: ${report.message}`);
  }
  for (const expectation of expectations) {
    if (!expectation.matched) {
      const kind = expectation.messageId ? ` of kind ${expectation.messageId}` : '';
      problems.push(`${path.relative(dir, expectation.file)}:${expectation.line}: no report${kind} matching /${expectation.pattern.source}/`);
    }
  }
  return problems;
}
