import fs from 'node:fs';
import path from 'node:path';
import type tsTypes from 'typescript';
import ts from '../util/typescript.cjs';
import { CliError } from './errors.js';
import type { WorkspaceReach } from '../analysis/config.js';
import { layoutFor } from '../workspace/layout.js';
import { createWorkspaceProgram, registerPrograms } from '../workspace/programs.js';
import { discover, inferredOptions } from './discover.js';
import { analysisOptions, diagnosticLine, judge, type DiagnosticSource } from './tsconfig-diagnostics.js';

/** One program to analyse, built from one tsconfig. */
export interface Project {
  /** The tsconfig, absolute. */
  readonly configFile: string;
  readonly program: tsTypes.Program;
}

export interface ProgramEvents {
  /** Called for every source file TypeScript parses (lib and node_modules declarations included). */
  fileParsed?(fileName: string): void;
  /**
   * Called once for each tsconfig diagnostic the analysis goes on without, with one line:
   * where, the diagnostic, and what the analysis does without the setting.
   */
  warning?(text: string): void;
}

/**
 * The tsconfig files named by `-p` (a file, or a directory holding tsconfig.json or else
 * jsconfig.json), or the nearest of them from `cwd` upwards: tsconfig.json as `tsc` finds
 * it, and jsconfig.json where a directory has no tsconfig.json, as the editor's TypeScript
 * server (and so the ESLint rule's project service) finds it for a JavaScript project.
 * Undefined when there is none (`discoverProjects`).
 */
export function tsconfigPaths(projects: readonly string[], cwd: string): string[] | undefined {
  if (projects.length === 0) {
    for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
      const found = configIn(dir);
      if (found) return [found];
      if (path.dirname(dir) === dir) return undefined;
    }
  }
  return projects.map((project) => {
    const resolved = path.resolve(cwd, project);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(resolved);
    } catch {
      throw new CliError(`cannot find the tsconfig ${project}`);
    }
    if (!stat.isDirectory()) return resolved;
    const found = configIn(resolved);
    if (!found) throw new CliError(`cannot find the tsconfig ${path.relative(cwd, path.join(resolved, 'tsconfig.json')) || path.join(resolved, 'tsconfig.json')} (nor a jsconfig.json there)`);
    return found;
  });
}

/** A directory's tsconfig.json, else its jsconfig.json. */
function configIn(dir: string): string | undefined {
  return ['tsconfig.json', 'jsconfig.json'].map((name) => path.join(dir, name)).find((file) => ts.sys.fileExists(file));
}

/**
 * One program per tsconfig; a solution-style tsconfig (no source files of its own, only
 * `references`) stands for every project its references reach, each analysed as its own
 * program, and a file is reported in the first of them that has it.
 * A program is built whenever TypeScript can build one: a tsconfig diagnostic stops the
 * run only when nothing is left to analyse (not valid JSON, no input files); the others
 * are warnings (`tsconfig-diagnostics.ts`).
 */
export function createProjects(configFiles: readonly string[], cwd: string, events: ProgramEvents = {}, workspace: WorkspaceReach = 'auto'): Project[] {
  const builder = new ProjectBuilder(cwd, events, workspace);
  for (const file of configFiles) builder.add(path.resolve(file), false);
  return builder.finish();
}

/**
 * Where no tsconfig.json or jsconfig.json is found from `cwd` upwards: the programs an editor
 * opens the files below it in (`discover.ts`). A tsconfig below that no program can be built
 * from is a warning here (its files go to the inferred program), not the end of the run.
 */
export function discoverProjects(cwd: string, events: ProgramEvents = {}, workspace: WorkspaceReach = 'auto'): Project[] {
  const builder = new ProjectBuilder(cwd, events, workspace);
  const { configFiles, sourceFiles } = discover(cwd);
  for (const file of configFiles) {
    try {
      builder.add(file, false);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      builder.warn(`${error.message}; its files are analysed with the other files no tsconfig holds`);
    }
  }
  const held = new Set(builder.projects.flatMap(({ program }) => program.getRootFileNames().map((name) => path.resolve(name))));
  const rest = sourceFiles.filter((file) => !held.has(file));
  const configured = builder.projects.length;
  if (configured === 0 && rest.length === 0) {
    throw new CliError(`no tsconfig.json (or jsconfig.json) in ${cwd} or above it, and no JavaScript or TypeScript file below it: pass a tsconfig with -p`);
  }
  const parts = [
    ...(configured > 0 ? [`the ${configured} project${configured === 1 ? '' : 's'} of the tsconfig and jsconfig files below it`] : []),
    ...(rest.length > 0 ? [`${rest.length} JavaScript or TypeScript file${rest.length === 1 ? '' : 's'} ${configured > 0 ? 'they do not hold' : 'below it'} in one program with TypeScript's defaults and allowJs`] : []),
  ];
  builder.warn(`no tsconfig.json (or jsconfig.json) in ${cwd} or above it: analysing ${parts.join(', and ')}, as an editor opens them (add a tsconfig.json to choose the files and options).`);
  if (rest.length > 0) {
    const inferred: tsTypes.ParsedCommandLine = { fileNames: rest, options: inferredOptions(), errors: [] };
    builder.projects.push({ configFile: path.join(cwd, INFERRED_PROJECT), program: createProgram(path.join(cwd, INFERRED_PROJECT), inferred, cwd, events, (text) => builder.warn(text)) });
  }
  return builder.finish();
}

/** How the inferred program is named where a tsconfig would be: in progress lines and messages. */
const INFERRED_PROJECT = '(files no tsconfig holds)';

/** The programs of one run, each tsconfig once; warnings once each (a base tsconfig that several projects extend reports once). */
class ProjectBuilder {
  readonly projects: Project[] = [];
  readonly #seen = new Set<string>();
  readonly #warned = new Set<string>();

  constructor(
    private readonly cwd: string,
    private readonly events: ProgramEvents,
    private readonly workspace: WorkspaceReach,
  ) {}

  /** The programs; the workspace view of each (lib/workspace/) takes the other programs of this run rather than building its own. */
  finish(): Project[] {
    if (this.workspace === 'auto') registerPrograms(this.projects.map((project) => [project.configFile, project.program]));
    return this.projects;
  }

  warn(text: string): void {
    if (this.#warned.has(text)) return;
    this.#warned.add(text);
    this.events.warning?.(text);
  }

  /**
   * `fromSolution`: reached through a solution-style tsconfig, which stands for every project
   * its references reach, as the editor's TypeScript server searches them for a file's project.
   */
  add(configFile: string, fromSolution: boolean): void {
    if (this.#seen.has(configFile)) return;
    this.#seen.add(configFile);
    const warn = (text: string): void => this.warn(text);
    const parsed = parseTsconfig(configFile, this.cwd, warn);
    const references = parsed.projectReferences ?? [];
    // A tsconfig with references whose own files are declarations at most (one that includes
    // just a global.d.ts) is solution-style too: it has nothing of its own to report.
    const solution = references.length > 0 && !parsed.fileNames.some((file) => !DECLARATION_FILE.test(file));
    if (!solution) {
      const program =
        this.workspace === 'auto'
          ? checkedProgram(
              createWorkspaceProgram(layoutFor(configFile), { ...parsed, options: analysisOptions(parsed.options) }, { fileParsed: this.events.fileParsed }),
              configFile,
              this.cwd,
              warn,
            )
          : createProgram(configFile, parsed, this.cwd, this.events, warn);
      this.projects.push({ configFile, program });
    }
    // A project named on its own (`-p packages/a`) is reported alone: per-package runs report each file once.
    if (solution || fromSolution) {
      for (const reference of references) this.add(path.resolve(ts.resolveProjectReferencePath(reference)), true);
    }
  }
}

const DECLARATION_FILE = /\.d\.([cm]?ts|[^.]+\.ts)$/;

function parseTsconfig(configFile: string, cwd: string, warn: (text: string) => void): tsTypes.ParsedCommandLine {
  if (!ts.sys.fileExists(configFile)) throw new CliError(`cannot find the tsconfig ${path.relative(cwd, configFile) || configFile}`);
  // As tsc reads it: the JSON text with positions, so that a diagnostic points into the file.
  let unrecoverable: tsTypes.Diagnostic | undefined;
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => (unrecoverable = diagnostic),
  });
  if (!parsed) {
    const why = unrecoverable ? diagnosticLine(unrecoverable, configFile, cwd, 'error') : configFile;
    throw new CliError(`cannot read the tsconfig: ${why}`);
  }
  judgeAll(ts.getConfigFileParsingDiagnostics(parsed), configFile, cwd, { fromConfig: true, hasInputs: parsed.fileNames.length > 0 || (parsed.projectReferences ?? []).length > 0 }, warn);
  return parsed;
}

/** Throws on the first diagnostic that leaves no program to build; warns of the others. */
function judgeAll(diagnostics: readonly tsTypes.Diagnostic[], configFile: string, cwd: string, source: DiagnosticSource, warn: (text: string) => void): void {
  const verdicts = diagnostics.map((diagnostic) => judge(diagnostic, configFile, cwd, source));
  const fatal = verdicts.find((verdict) => verdict.kind === 'fatal');
  if (fatal) throw new CliError(fatal.message);
  for (const verdict of verdicts) if (verdict.kind === 'warning') warn(verdict.message);
}

function createProgram(configFile: string, parsed: tsTypes.ParsedCommandLine, cwd: string, events: ProgramEvents, warn: (text: string) => void): tsTypes.Program {
  const options = analysisOptions(parsed.options);
  const host = ts.createCompilerHost(options, true);
  // JSDoc only where it gives types (JavaScript files), as tsc parses for its own purposes:
  // the analysis reads no JSDoc, and in TypeScript files JSDoc changes no type.
  // (TypeScript 5.3 and later; older ones parse all JSDoc.)
  if (ts.JSDocParsingMode) host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeInfo;
  if (events.fileParsed) {
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, ...rest) => {
      const file = getSourceFile(fileName, ...rest);
      if (file) events.fileParsed!(fileName);
      return file;
    };
  }
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options,
    projectReferences: parsed.projectReferences,
    host,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
  });
  return checkedProgram(program, configFile, cwd, warn);
}

/** The program, after a warning for each options diagnostic; an error if none of its root files exists. */
function checkedProgram(program: tsTypes.Program, configFile: string, cwd: string, warn: (text: string) => void): tsTypes.Program {
  judgeAll(program.getOptionsDiagnostics(), configFile, cwd, { fromConfig: false, hasInputs: true }, warn);
  if (!program.getRootFileNames().some((name) => program.getSourceFile(name))) {
    throw new CliError(`${path.relative(cwd, configFile) || configFile}: no input files: none of the files it names exists (no program can be built)`);
  }
  return program;
}
