import fs from 'node:fs';
import path from 'node:path';
import type tsTypes from 'typescript';
import ts from '../util/typescript.cjs';
import { CliError } from './errors.js';
import type { WorkspaceReach } from '../analysis/config.js';
import { layoutFor } from '../workspace/layout.js';
import { createWorkspaceProgram, registerPrograms } from '../workspace/programs.js';

/** One program to analyse, built from one tsconfig. */
export interface Project {
  /** The tsconfig, absolute. */
  readonly configFile: string;
  readonly program: tsTypes.Program;
}

export interface ProgramEvents {
  /** Called for every source file TypeScript parses (lib and node_modules declarations included). */
  fileParsed?(fileName: string): void;
}

/**
 * The tsconfig files named by `-p` (a file or a directory holding tsconfig.json), or the
 * nearest tsconfig.json from `cwd` upwards, as `tsc` finds it.
 */
export function tsconfigPaths(projects: readonly string[], cwd: string): string[] {
  if (projects.length === 0) {
    const found = ts.findConfigFile(cwd, ts.sys.fileExists);
    if (!found) throw new CliError(`no tsconfig.json in ${cwd} or above it: pass one with -p`);
    return [path.resolve(found)];
  }
  return projects.map((project) => {
    const resolved = path.resolve(cwd, project);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(resolved);
    } catch {
      throw new CliError(`cannot find the tsconfig ${project}`);
    }
    const file = stat.isDirectory() ? path.join(resolved, 'tsconfig.json') : resolved;
    if (!fs.existsSync(file)) throw new CliError(`cannot find the tsconfig ${path.relative(cwd, file) || file}`);
    return file;
  });
}

/**
 * One program per tsconfig; a solution-style tsconfig (no files of its own, only
 * `references`) stands for its referenced projects, each analysed as its own program.
 * Any error in a tsconfig or in its compiler options stops here with that diagnostic.
 */
export function createProjects(
  configFiles: readonly string[],
  cwd: string,
  events: ProgramEvents = {},
  workspace: WorkspaceReach = 'auto',
): Project[] {
  const projects: Project[] = [];
  const seen = new Set<string>();
  const visit = (configFile: string): void => {
    if (seen.has(configFile)) return;
    seen.add(configFile);
    const parsed = parseTsconfig(configFile, cwd);
    const references = parsed.projectReferences ?? [];
    if (parsed.fileNames.length === 0 && references.length > 0) {
      for (const reference of references) visit(path.resolve(ts.resolveProjectReferencePath(reference)));
      return;
    }
    const program =
      workspace === 'auto'
        ? checkedOptions(createWorkspaceProgram(layoutFor(configFile), parsed, { fileParsed: events.fileParsed }), cwd)
        : createProgram(parsed, cwd, events);
    projects.push({ configFile, program });
  };
  for (const file of configFiles) visit(path.resolve(file));
  // The workspace view of each program (lib/workspace/) takes the other programs of this run rather than building its own.
  if (workspace === 'auto') registerPrograms(projects.map((project) => [project.configFile, project.program]));
  return projects;
}

function parseTsconfig(configFile: string, cwd: string): tsTypes.ParsedCommandLine {
  if (!ts.sys.fileExists(configFile)) throw new CliError(`cannot find the tsconfig ${path.relative(cwd, configFile) || configFile}`);
  // As tsc reads it: the JSON text with positions, so that a diagnostic points into the file.
  let unrecoverable: tsTypes.Diagnostic | undefined;
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => (unrecoverable = diagnostic),
  });
  if (!parsed) throw new CliError(unrecoverable ? diagnosticsLine([unrecoverable], cwd) : `cannot read the tsconfig ${configFile}`);
  const errors = ts.getConfigFileParsingDiagnostics(parsed).filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new CliError(diagnosticsLine(errors, cwd));
  return parsed;
}

function createProgram(parsed: tsTypes.ParsedCommandLine, cwd: string, events: ProgramEvents): tsTypes.Program {
  const host = ts.createCompilerHost(parsed.options, true);
  // JSDoc only where it gives types (JavaScript files), as tsc parses for its own purposes:
  // the analysis reads no JSDoc, and in TypeScript files JSDoc changes no type.
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeInfo;
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
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    host,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
  });
  return checkedOptions(program, cwd);
}

/** The program, unless its compiler options have errors (which stop the command line with the first). */
function checkedOptions(program: tsTypes.Program, cwd: string): tsTypes.Program {
  const errors = program.getOptionsDiagnostics().filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new CliError(diagnosticsLine(errors, cwd));
  return program;
}

/** The first diagnostic on one line, `tsconfig.json:3:5: error TS5023: Unknown compiler option 'x'.`, and how many more there are. */
function diagnosticsLine(diagnostics: readonly tsTypes.Diagnostic[], cwd: string): string {
  const [first] = diagnostics;
  const text = ts.flattenDiagnosticMessageText(first!.messageText, ' ');
  let where = '';
  if (first!.file) {
    const { line, character } = first!.file.getLineAndCharacterOfPosition(first!.start ?? 0);
    where = `${path.relative(cwd, first!.file.fileName) || first!.file.fileName}:${line + 1}:${character + 1}: `;
  }
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
  return `${where}error TS${first!.code}: ${text}${more}`;
}
