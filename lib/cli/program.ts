import fs from 'node:fs';
import path from 'node:path';
import type tsTypes from 'typescript';
import ts from '../util/typescript.cjs';
import { CliError } from './errors.js';
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
 */
export function tsconfigPaths(projects: readonly string[], cwd: string): string[] {
  if (projects.length === 0) {
    for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
      const found = configIn(dir);
      if (found) return [found];
      if (path.dirname(dir) === dir) throw new CliError(`no tsconfig.json (or jsconfig.json) in ${cwd} or above it: pass one with -p`);
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
export function createProjects(configFiles: readonly string[], cwd: string, events: ProgramEvents = {}): Project[] {
  const projects: Project[] = [];
  const seen = new Set<string>();
  const warned = new Set<string>();
  // One line per diagnostic: a base tsconfig that several projects extend reports once.
  const warn = (text: string): void => {
    if (warned.has(text)) return;
    warned.add(text);
    events.warning?.(text);
  };
  // `fromSolution`: reached through a solution-style tsconfig, which stands for every project
  // its references reach, as the editor's TypeScript server searches them for a file's project.
  const visit = (configFile: string, fromSolution: boolean): void => {
    if (seen.has(configFile)) return;
    seen.add(configFile);
    const parsed = parseTsconfig(configFile, cwd, warn);
    const references = parsed.projectReferences ?? [];
    // A tsconfig with references whose own files are declarations at most (one that includes
    // just a global.d.ts) is solution-style too: it has nothing of its own to report.
    const solution = references.length > 0 && !parsed.fileNames.some((file) => !DECLARATION_FILE.test(file));
    if (!solution) projects.push({ configFile, program: createProgram(configFile, parsed, cwd, events, warn) });
    // A project named on its own (`-p packages/a`) is reported alone: per-package runs report each file once.
    if (solution || fromSolution) {
      for (const reference of references) visit(path.resolve(ts.resolveProjectReferencePath(reference)), true);
    }
  };
  for (const file of configFiles) visit(path.resolve(file), false);
  return projects;
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
  // Referenced projects from their sources, not from their (often unbuilt) outputs, as the
  // editor's TypeScript server, and so the rule's project service, reads them.
  (host as { useSourceOfProjectReferenceRedirect?: () => boolean }).useSourceOfProjectReferenceRedirect = () => true;
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options,
    projectReferences: parsed.projectReferences,
    host,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
  });
  judgeAll(program.getOptionsDiagnostics(), configFile, cwd, { fromConfig: false, hasInputs: true }, warn);
  if (!program.getRootFileNames().some((name) => program.getSourceFile(name))) {
    throw new CliError(`${path.relative(cwd, configFile) || configFile}: no input files: none of the files it names exists (no program can be built)`);
  }
  return program;
}
