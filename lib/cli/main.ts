import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type tsTypes from 'typescript';
import { runAnalyzer, type Analyzer } from '../index.js';
import { contextsAnalyzer } from '../analyzers/contexts.js';
import { reachAnalyzer } from '../analyzers/reach.js';
import { parseCliArgs, USAGE, type CliArgs } from './args.js';
import { CliError } from './errors.js';
import { formatJson } from './format-json.js';
import { formatSarif } from './format-sarif.js';
import { formatText, relativePath } from './format-text.js';
import { loadOptions, type CliOptions } from './options.js';
import { problemsOf, type Problem } from './problems.js';
import { createProjects, tsconfigPaths, type Project } from './program.js';
import { Progress, Timing } from './progress.js';

/** Where the command line reads and writes; `process` by default, replaceable in tests. */
export interface CliIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
}

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/**
 * `map-race [-p tsconfig.json …] [options] [files…]`. Returns the exit status: 0 no
 * problems, 1 problems, 2 usage, configuration or analysis error (one line on stderr,
 * never a stack trace; MAP_RACE_DEBUG=1 adds the stack of an internal error).
 */
export function main(argv: readonly string[], io: CliIo = processIo()): number {
  try {
    return run(parseCliArgs(argv), io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`map-race: ${oneLine(error.message)}\n`);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      io.stderr.write(`map-race: internal error: ${oneLine(message)}. Please report this.\n`);
      if (io.env.MAP_RACE_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    }
    return EXIT_ERROR;
  }
}

function run(args: CliArgs, io: CliIo): number {
  if (args.help) {
    io.stdout.write(`${USAGE}\n`);
    return EXIT_CLEAN;
  }
  if (args.version) {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT_CLEAN;
  }
  const timing = new Timing();
  timing.startup();
  const progress = new Progress(io.stderr.isTTY && !args.quiet ? io.stderr : undefined);
  let problems: Problem[];
  try {
    const cli = timing.time('options', () => loadOptions(args, io.cwd));
    let parsed = 0;
    const projects = timing.time('parse (create programs)', () =>
      createProjects(tsconfigPaths(args.projects, io.cwd), io.cwd, {
        fileParsed: () => progress.update(`map-race: parsing files: ${++parsed}`),
      }, cli.options.workspace),
    );
    const selection = selectFiles(projects, args.files, io.cwd);
    problems = [];
    for (const [project, files] of selection) {
      // With file arguments, a program that holds none of them is not analysed.
      if (files.length > 0) problems.push(...analyse(project, files, cli, io.cwd, timing, progress));
    }
  } finally {
    progress.clear();
  }
  const output = timing.time('format', () => format(args, problems, io));
  io.stdout.write(output);
  if (args.timing) io.stderr.write(timing.format());
  return problems.some((problem) => !problem.suppressed) ? EXIT_FINDINGS : EXIT_CLEAN;
}

/** Runs the analyzers on one program (each timed on its own), then collects the reports of its selected files. */
function analyse(project: Project, files: readonly tsTypes.SourceFile[], cli: CliOptions, cwd: string, timing: Timing, progress: Progress): Problem[] {
  const { program } = project;
  progress.update(`map-race: binding ${relativePath(project.configFile, cwd)}`, true);
  timing.time('bind', () => program.getTypeChecker());
  for (const analyzer of analyzerOrder(reachAnalyzer)) {
    if (analyzer === reachAnalyzer) {
      const contexts = runAnalyzer(program, cli.config, contextsAnalyzer).length;
      progress.update(`map-race: walking ${contexts} context${contexts === 1 ? '' : 's'}`, true);
    } else {
      progress.update(`map-race: analysing: ${analyzer.name}`, true);
    }
    timing.time(`analyzer ${analyzer.name}`, () => runAnalyzer(program, cli.config, analyzer));
  }
  return timing.time('directives and reports', () =>
    files.flatMap((file, index) => {
      progress.update(`map-race: reporting: ${index + 1}/${files.length} files`);
      return problemsOf(program, cli.config, cli.options, file, cwd);
    }),
  );
}

/** An analyzer after everything it requires. */
function analyzerOrder(root: Analyzer<unknown>): Analyzer<unknown>[] {
  const order: Analyzer<unknown>[] = [];
  const visit = (analyzer: Analyzer<unknown>): void => {
    if (order.includes(analyzer)) return;
    for (const required of analyzer.requires) visit(required);
    order.push(analyzer);
  };
  visit(root);
  return order;
}

/**
 * The files to report, by program: every root file that is not a declaration file (each
 * once, in the first program that has it), or, with file arguments, those files, each in
 * the first program that holds it (a directory stands for the root files below it); a file
 * in no program is an error.
 */
function selectFiles(projects: readonly Project[], args: readonly string[], cwd: string): Map<Project, tsTypes.SourceFile[]> {
  const selection = new Map<Project, tsTypes.SourceFile[]>(projects.map((project) => [project, []]));
  const taken = new Set<string>();
  const take = (project: Project, file: tsTypes.SourceFile): void => {
    if (taken.has(file.fileName)) return;
    taken.add(file.fileName);
    selection.get(project)!.push(file);
  };
  const rootFiles = (project: Project): tsTypes.SourceFile[] =>
    project.program
      .getRootFileNames()
      .map((name) => project.program.getSourceFile(name))
      .filter((file): file is tsTypes.SourceFile => file !== undefined && !file.isDeclarationFile);
  if (args.length === 0) {
    for (const project of projects) for (const file of rootFiles(project)) take(project, file);
    return selection;
  }
  const configs = () => projects.map((project) => relativePath(project.configFile, cwd)).join(', ') || 'any tsconfig';
  for (const arg of args) {
    const fileName = path.resolve(cwd, arg).split(path.sep).join('/');
    if (fs.existsSync(fileName) && fs.statSync(fileName).isDirectory()) {
      // A directory: the programs' files below it.
      const prefix = fileName.endsWith('/') ? fileName : `${fileName}/`;
      let found = false;
      for (const project of projects) {
        for (const file of rootFiles(project)) {
          if (!file.fileName.startsWith(prefix)) continue;
          take(project, file);
          found = true;
        }
      }
      if (!found) throw new CliError(`${arg} holds no file of the program of ${configs()}`);
      continue;
    }
    const owner = projects.find((project) => project.program.getSourceFile(fileName));
    if (!owner) {
      if (!fs.existsSync(fileName)) throw new CliError(`${arg}: no such file`);
      throw new CliError(`${arg} is not in the program of ${configs()}: add it to that tsconfig's "include" or pass -p with the tsconfig that has it`);
    }
    take(owner, owner.program.getSourceFile(fileName)!);
  }
  return selection;
}

function format(args: CliArgs, problems: readonly Problem[], io: CliIo): string {
  switch (args.format) {
    case 'json':
      return formatJson(problems, io.cwd);
    case 'sarif':
      return formatSarif(problems, packageVersion());
    default: {
      const color = args.color ?? (Boolean(io.stdout.isTTY) && !io.env.NO_COLOR);
      return formatText(problems, io.cwd, { color });
    }
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

let version: string | undefined;

/** This package's version, from the package.json above this module (in dist/ or, under tsx, in the sources). */
function packageVersion(): string {
  if (version) return version;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const json = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (json.name === 'eslint-plugin-map-race') return (version = json.version ?? '0.0.0');
    }
    if (path.dirname(dir) === dir) return (version = '0.0.0');
  }
}

function processIo(): CliIo {
  return { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr };
}
