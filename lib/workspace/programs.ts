import fs from 'node:fs';
import path from 'node:path';
import type tsTypes from 'typescript';
import ts from '../util/typescript.cjs';
import { layoutFor, stampOf, type Layout, type Project } from './layout.js';
import { resolveToSources, sourceOfDeclaration } from './sources.js';
import { importLiteralsOf } from '../util/ast.js';

/**
 * The workspace view of a program: the other programs whose analysis can report a write in
 * one of its files. A write in a project is reached from contexts in the projects that
 * depend on it (by tsconfig `references`, or by their package's dependency on its package):
 * the `node` and `browser` programs that register the listeners of a `common` connection.
 * The view holds one program per dependent project whose own files may register a context
 * (a cheap text test: `message`, `Atomics`, `expose`, …, or a name of the `contexts` option),
 * and, when the program itself imports a workspace package that it sees only as declarations
 * or not at all, the program once more with that package read from its sources.
 *
 * Programs of the view are built here: sources of referenced projects instead of their
 * outputs (as the editor's language service does), workspace packages from their sources
 * (sources.ts), and every file the linted program holds taken from it, so that an edit in the
 * editor shows in the view, and unchanged files are the same `ts.SourceFile` objects, which
 * keeps the cross-program caches valid. Other files are parsed once per version on disk and
 * shared by every view program. A view is built once per linted program, from view programs
 * that other linted programs with the same texts already built where it can; after an edit the
 * next program rebuilds its view programs from the previous ones, reusing their structure.
 */
export interface WorkspaceView {
  readonly programs: readonly tsTypes.Program[];
}

/** Programs another caller (the command line) built already, by tsconfig, so that a view reuses them instead of building its own. */
let knownPrograms = new Map<string, tsTypes.Program>();

/** The programs of one command-line run, replacing those of the run before. */
export function registerPrograms(programs: Iterable<readonly [string, tsTypes.Program]>): void {
  knownPrograms = new Map(programs);
}

const views = new WeakMap<tsTypes.Program, WorkspaceView>();

/** A view program, the linted program it was built for, and the version of each file it read from disk. */
interface Built {
  readonly program: tsTypes.Program;
  forProgram: tsTypes.Program;
  readonly fromDisk: ReadonlyMap<string, string>;
}
const built = new Map<string, Built>();
const EMPTY: WorkspaceView = { programs: [] };

/** The view of `program` (see above); empty for a program outside any monorepo or without a tsconfig. */
export function workspaceView(program: tsTypes.Program, contextNames: readonly string[]): WorkspaceView {
  let view = views.get(program);
  if (!view) {
    view = computeView(program, contextNames);
    views.set(program, view);
  }
  return view;
}

function computeView(program: tsTypes.Program, contextNames: readonly string[]): WorkspaceView {
  const configFile = configFileOf(program);
  if (!configFile) return EMPTY;
  const layout = layoutFor(configFile);
  if (!layout) return EMPTY;
  const programs: tsTypes.Program[] = [];
  const own = layout.projects.get(configFile);
  if (own && lacksWorkspaceSources(program, layout)) programs.push(viewProgram(layout, own, program));
  const mayHoldContext = contextTest(contextNames);
  for (const dependent of layout.dependentsOf(configFile)) {
    const ownFiles = dependent.parsed.fileNames.filter((file) => !/\.d\.[cm]?ts$/.test(file) && !program.getSourceFile(file));
    if (!ownFiles.some((file) => mayHoldContext(file))) continue;
    programs.push(knownPrograms.get(dependent.configFile) ?? viewProgram(layout, dependent, program));
  }
  return { programs };
}

/** The tsconfig a program was built from (typescript-eslint's and the command line's programs carry it in their options). */
function configFileOf(program: tsTypes.Program): string | undefined {
  const file = program.getCompilerOptions().configFilePath;
  return typeof file === 'string' ? path.resolve(file).split(path.sep).join('/') : undefined;
}

/** Whether the program imports a workspace package it holds as declarations only, or could not resolve. */
function lacksWorkspaceSources(program: tsTypes.Program, layout: Layout): boolean {
  const withSources = new Set<string>();
  const ownFiles: tsTypes.SourceFile[] = [];
  for (const file of program.getSourceFiles()) {
    const inNodeModules = file.fileName.includes('/node_modules/');
    if (file.isDeclarationFile) {
      // A declaration built from a workspace package's source (not a hand-written one).
      if (sourceOfDeclaration(layout, file.fileName)) return true;
      continue;
    }
    if (inNodeModules) continue;
    ownFiles.push(file);
    const pkg = layout.packageOf(file.fileName);
    if (pkg) withSources.add(pkg.dir);
  }
  for (const file of ownFiles) {
    for (const { text: specifier } of importLiteralsOf(file)) {
      if (specifier.startsWith('.')) continue;
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
      const pkg = layout.packageNamed(name);
      if (pkg && !withSources.has(pkg.dir)) return true;
    }
  }
  return false;
}

const contextText = /message|Atomics\.wait|expose|worker|onconnect/i;
const textTests = new Map<string, { readonly stamp: string; readonly result: boolean }>();

/** A cheap text test for files that may register a context; a miss means the file holds none. */
function contextTest(contextNames: readonly string[]): (fileName: string) => boolean {
  const names = contextNames.map((name) => name.split('.').pop()!).filter((name) => name !== '');
  return (fileName) => {
    const stamp = stampOf(fileName);
    const key = `${fileName}\0${names.join(',')}`;
    const known = textTests.get(key);
    if (known && known.stamp === stamp) return known.result;
    let text = '';
    try {
      text = fs.readFileSync(fileName, 'utf8');
    } catch {
      // A file that cannot be read holds no context.
    }
    const result = contextText.test(text) || names.some((name) => text.includes(name));
    textTests.set(key, { stamp, result });
    return result;
  };
}

/**
 * Builds (or rebuilds, from its last build) the program of a project for the view of `linted`.
 * The last build serves another linted program as it is when that program holds the same text
 * of each file they share and the files read from disk are unchanged there: the linted
 * programs of one lint run (each tsconfig of a monorepo, each with its own parse of the shared
 * files) then share their dependents' view programs, each built and analysed once, not once per
 * linted program. (Cached facts about a file hold across programs only where its imports
 * resolve alike: cross-program-cache.ts.)
 */
function viewProgram(layout: Layout, project: Project, linted: tsTypes.Program): tsTypes.Program {
  const previous = built.get(project.configFile);
  if (previous && (previous.forProgram === linted || sameFiles(previous, linted))) {
    previous.forProgram = linted;
    return previous.program;
  }
  const fromDisk = new Map<string, string>();
  const program = createWorkspaceProgram(layout, project.parsed, { linted, oldProgram: previous?.program, fileShared: (fileName, stamp) => fromDisk.set(fileName, stamp) });
  built.set(project.configFile, { program, forProgram: linted, fromDisk });
  return program;
}

/**
 * Whether a view program still shows what `linted` and the disk hold: each of its files that
 * `linted` holds has the same text there, and each it read from disk is unchanged on disk. A
 * file it took from the program it was built for, which `linted` does not hold, stays as it
 * was: in the editor that is the newest text of the file seen (unsaved edits included), and in
 * a lint run it is the disk's.
 */
function sameFiles(previous: Built, linted: tsTypes.Program): boolean {
  for (const file of previous.program.getSourceFiles()) {
    const current = linted.getSourceFile(file.fileName);
    if (current) {
      if (current !== file && current.text !== file.text) return false;
    } else {
      const stamp = previous.fromDisk.get(file.fileName);
      if (stamp !== undefined && stampOf(file.fileName) !== stamp) return false;
    }
  }
  return true;
}

export interface WorkspaceProgramOptions {
  /** Its files are taken from this program (the one being linted). */
  readonly linted?: tsTypes.Program;
  readonly oldProgram?: tsTypes.Program;
  /** Called for every file parsed (not taken from the linted program or the shared files). */
  readonly fileParsed?: (fileName: string) => void;
  /** Called for every file read from disk (parsed now or shared), with its version on disk. */
  readonly fileShared?: (fileName: string, stamp: string) => void;
}

/**
 * A program of a project as the workspace view sees it: referenced projects and workspace
 * packages from their sources. The command line builds its programs this way too.
 */
export function createWorkspaceProgram(layout: Layout | undefined, parsed: tsTypes.ParsedCommandLine, options: WorkspaceProgramOptions = {}): tsTypes.Program {
  const host = ts.createCompilerHost(parsed.options, true);
  // JSDoc only where it gives types (JavaScript files), as tsc parses for its own purposes
  // (TypeScript 5.3 and later; older ones parse all JSDoc).
  if (ts.JSDocParsingMode) host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeInfo;
  const readFromDisk = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
    const settings: tsTypes.CreateSourceFileOptions =
      typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
    const linted = options.linted?.getSourceFile(fileName);
    if (linted) {
      if (sameParse(linted, settings)) return linted;
      return ts.createSourceFile(fileName, linted.text, { ...settings, jsDocParsingMode: host.jsDocParsingMode }, true);
    }
    return sharedSourceFile(fileName, settings, host.jsDocParsingMode!, options.fileShared, () => {
      const file = readFromDisk(fileName, languageVersionOrOptions, onError, shouldCreate);
      if (file) options.fileParsed?.(fileName);
      return file;
    });
  };
  // Referenced projects from their sources, not from their (often absent) outputs, as the language service reads them.
  (host as { useSourceOfProjectReferenceRedirect?: () => boolean }).useSourceOfProjectReferenceRedirect = () => true;
  if (layout) {
    const cache = ts.createModuleResolutionCache(host.getCurrentDirectory(), host.getCanonicalFileName, parsed.options);
    // The resolution cache hands back the same result for the same name from the same directory: map each once.
    const mapped = new WeakMap<tsTypes.ResolvedModuleWithFailedLookupLocations, Map<string, tsTypes.ResolvedModuleWithFailedLookupLocations>>();
    host.resolveModuleNameLiterals = (literals, containingFile, redirectedReference, compilerOptions, containingSourceFile) =>
      literals.map((literal) => {
        const mode = ts.getModeForUsageLocation(containingSourceFile, literal, compilerOptions);
        const resolved = ts.resolveModuleName(literal.text, containingFile, compilerOptions, host, cache, redirectedReference, mode);
        let byName = mapped.get(resolved);
        if (!byName) mapped.set(resolved, (byName = new Map()));
        let result = byName.get(literal.text);
        if (!result) byName.set(literal.text, (result = resolveToSources(layout, literal.text, resolved)));
        return result;
      });
  }
  return ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    host,
    oldProgram: options.oldProgram,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
  });
}

/** Whether a file parsed for one program can serve another: the same language version, module format and JSDoc parsing. */
function sameParse(file: tsTypes.SourceFile, settings: tsTypes.CreateSourceFileOptions): boolean {
  return file.languageVersion === settings.languageVersion && file.impliedNodeFormat === settings.impliedNodeFormat;
}

const sharedFiles = new Map<string, { readonly stamp: string; readonly file: tsTypes.SourceFile }>();

/** A file from disk, parsed once per version and parse settings, for every view program. */
function sharedSourceFile(
  fileName: string,
  settings: tsTypes.CreateSourceFileOptions,
  jsDoc: tsTypes.JSDocParsingMode,
  shared: ((fileName: string, stamp: string) => void) | undefined,
  parse: () => tsTypes.SourceFile | undefined,
): tsTypes.SourceFile | undefined {
  const key = `${fileName}\0${settings.languageVersion}\0${settings.impliedNodeFormat ?? ''}\0${jsDoc}`;
  const stamp = stampOf(fileName);
  shared?.(fileName, stamp);
  const known = sharedFiles.get(key);
  if (known && known.stamp === stamp) return known.file;
  const file = parse();
  if (file) sharedFiles.set(key, { stamp, file });
  return file;
}
