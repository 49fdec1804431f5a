import fs from 'node:fs';
import path from 'node:path';
import type tsTypes from 'typescript';
import ts from '../util/typescript.cjs';

/**
 * The layout of a monorepo, read from its configuration files only: the workspace packages
 * (npm/yarn `workspaces`, pnpm-workspace.yaml, and the package of every tsconfig found) and
 * the tsconfig projects (the root tsconfig's `references`, transitively, each package's
 * tsconfig.json, and the project being linted), with which project depends on which: a
 * project depends on the projects it references and on every project of a workspace package
 * its package.json lists among its dependencies.
 *
 * The root is the topmost directory, from the linted project up to the repository's root
 * (the directory with `.git`) or the file system's, that declares workspaces or holds a
 * tsconfig.json with `references`. A layout is kept while none of the files it was read
 * from changed (by modification time and size).
 */
export interface Layout {
  readonly root: string;
  readonly packages: readonly WorkspacePackage[];
  readonly projects: ReadonlyMap<string, Project>;
  /** The workspace package that holds a file or directory (the nearest package directory above it). */
  packageOf(fileName: string): WorkspacePackage | undefined;
  packageNamed(name: string): WorkspacePackage | undefined;
  /** The projects that depend on `configFile`, directly or not (not itself). */
  dependentsOf(configFile: string): Project[];
}

export interface WorkspacePackage {
  readonly name: string | undefined;
  readonly dir: string;
  readonly manifest: Manifest;
  /** The names of the workspace packages this one depends on. */
  readonly dependencies: readonly string[];
}

export interface Manifest {
  readonly name?: string;
  readonly types?: string;
  readonly typings?: string;
  readonly main?: string;
  readonly module?: string;
  readonly exports?: unknown;
  readonly workspaces?: readonly string[] | { readonly packages?: readonly string[] };
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

export interface Project {
  readonly configFile: string;
  readonly parsed: tsTypes.ParsedCommandLine;
  /** The tsconfig files it references. */
  readonly references: readonly string[];
}

const layouts = new Map<string, { readonly layout: Layout; readonly stamps: ReadonlyMap<string, string> }>();
const rootsByDir = new Map<string, string | null>();

/** The layout of the monorepo around `configFile`, or undefined when it lies in no monorepo. */
export function layoutFor(configFile: string): Layout | undefined {
  const root = rootOf(path.dirname(configFile));
  if (!root) return undefined;
  const cached = layouts.get(root);
  if (cached && [...cached.stamps].every(([file, stamp]) => stampOf(file) === stamp) && cached.layout.projects.has(configFile)) {
    return cached.layout;
  }
  const stamps = new Map<string, string>();
  const layout = readLayout(root, configFile, stamps);
  layouts.set(root, { layout, stamps });
  return layout;
}

function rootOf(dir: string): string | undefined {
  const known = rootsByDir.get(dir);
  if (known !== undefined) return known ?? undefined;
  let root: string | undefined;
  for (let current = dir; ; current = path.dirname(current)) {
    if (declaresWorkspace(current)) root = current;
    if (fs.existsSync(path.join(current, '.git')) || path.dirname(current) === current) break;
  }
  rootsByDir.set(dir, root ?? null);
  return root;
}

function declaresWorkspace(dir: string): boolean {
  if (fs.existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return true;
  const manifest = readJson<Manifest>(path.join(dir, 'package.json'));
  if (manifest?.workspaces) return true;
  const tsconfigFile = path.join(dir, 'tsconfig.json');
  if (!fs.existsSync(tsconfigFile)) return false;
  // tsconfig files are JSON with comments: read as tsc reads them.
  const tsconfig = ts.readConfigFile(tsconfigFile, ts.sys.readFile).config as { references?: unknown[] } | undefined;
  return Array.isArray(tsconfig?.references) && tsconfig.references.length > 0;
}

function readLayout(root: string, linted: string, stamps: Map<string, string>): Layout {
  const note = (file: string): void => void stamps.set(file, stampOf(file));
  const packagesByDir = new Map<string, WorkspacePackage>();
  const addPackage = (dir: string): void => {
    if (packagesByDir.has(dir)) return;
    const file = path.join(dir, 'package.json');
    note(file);
    const manifest = readJson<Manifest>(file);
    if (!manifest) return;
    packagesByDir.set(dir, { name: manifest.name, dir, manifest, dependencies: [] });
  };
  for (const dir of workspaceDirs(root, note)) addPackage(dir);

  const projects = new Map<string, Project>();
  const visit = (configFile: string): void => {
    if (projects.has(configFile)) return;
    note(configFile);
    const parsed = parseQuietly(configFile);
    if (!parsed) return;
    const references = (parsed.projectReferences ?? []).map((reference) => path.resolve(ts.resolveProjectReferencePath(reference)));
    projects.set(configFile, { configFile, parsed, references });
    const own = nearestPackageDir(path.dirname(configFile), root);
    if (own) addPackage(own);
    for (const reference of references) visit(reference);
  };
  visit(path.join(root, 'tsconfig.json'));
  for (const dir of [...packagesByDir.keys()]) visit(path.join(dir, 'tsconfig.json'));
  visit(linted);

  const names = new Map<string, WorkspacePackage>();
  for (const pkg of packagesByDir.values()) if (pkg.name && !names.has(pkg.name)) names.set(pkg.name, pkg);
  for (const pkg of packagesByDir.values()) {
    const { dependencies, devDependencies, peerDependencies, optionalDependencies } = pkg.manifest;
    const listed = new Set([dependencies, devDependencies, peerDependencies, optionalDependencies].flatMap((table) => Object.keys(table ?? {})));
    (pkg as { dependencies: readonly string[] }).dependencies = [...listed].filter((name) => names.has(name) && name !== pkg.name);
  }
  const packageDirs = [...packagesByDir.keys()].sort((a, b) => b.length - a.length);
  const packageOf = (fileName: string): WorkspacePackage | undefined => {
    const dir = packageDirs.find((candidate) => fileName === candidate || fileName.startsWith(`${candidate}/`));
    return dir === undefined ? undefined : packagesByDir.get(dir);
  };
  const dependents = dependentsTable(projects, packageOf, names);
  return {
    root,
    packages: [...packagesByDir.values()],
    projects,
    packageOf,
    packageNamed: (name) => names.get(name),
    dependentsOf(configFile) {
      const found = new Set<string>();
      const queue = [configFile];
      for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
        for (const dependent of dependents.get(next) ?? []) {
          if (dependent === configFile || found.has(dependent)) continue;
          found.add(dependent);
          queue.push(dependent);
        }
      }
      return [...found].map((file) => projects.get(file)!);
    },
  };
}

/** For each project, the projects that depend on it directly: by reference, or by their package's dependencies. */
function dependentsTable(
  projects: ReadonlyMap<string, Project>,
  packageOf: (fileName: string) => WorkspacePackage | undefined,
  names: ReadonlyMap<string, WorkspacePackage>,
): Map<string, Set<string>> {
  const table = new Map<string, Set<string>>();
  const add = (dependency: string, dependent: string): void => {
    let set = table.get(dependency);
    if (!set) table.set(dependency, (set = new Set()));
    set.add(dependent);
  };
  const projectsByPackage = new Map<WorkspacePackage, string[]>();
  for (const file of projects.keys()) {
    const pkg = packageOf(file);
    if (pkg) projectsByPackage.set(pkg, [...(projectsByPackage.get(pkg) ?? []), file]);
  }
  for (const project of projects.values()) {
    for (const reference of project.references) add(reference, project.configFile);
    const pkg = packageOf(project.configFile);
    for (const name of pkg?.dependencies ?? []) {
      for (const dependency of projectsByPackage.get(names.get(name)!) ?? []) add(dependency, project.configFile);
    }
  }
  return table;
}

/** The package directories the root declares: `workspaces` globs of package.json, `packages` of pnpm-workspace.yaml. */
function workspaceDirs(root: string, note: (file: string) => void): string[] {
  const manifestFile = path.join(root, 'package.json');
  note(manifestFile);
  const manifest = readJson<Manifest>(manifestFile);
  const patterns: string[] = [];
  const declared = manifest?.workspaces;
  if (Array.isArray(declared)) patterns.push(...declared);
  else if (declared && Array.isArray((declared as { packages?: string[] }).packages)) patterns.push(...(declared as { packages: string[] }).packages);
  const pnpm = path.join(root, 'pnpm-workspace.yaml');
  if (fs.existsSync(pnpm)) {
    note(pnpm);
    // The `packages:` list, one `- 'glob'` a line: all of pnpm-workspace.yaml this needs.
    let inPackages = false;
    for (const line of fs.readFileSync(pnpm, 'utf8').split('\n')) {
      if (/^\S/.test(line)) inPackages = /^packages\s*:/.test(line);
      const item = inPackages ? /^\s*-\s*['"]?([^'"#]+?)['"]?\s*(#.*)?$/.exec(line) : null;
      if (item) patterns.push(item[1]!);
    }
  }
  const dirs = [root];
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) continue;
    dirs.push(...expandDirGlob(root, pattern.replace(/^\.\//, '').replace(/\/$/, '')));
  }
  return dirs.filter((dir) => fs.existsSync(path.join(dir, 'package.json')));
}

/** Directories matching a workspace glob: literal segments, `*` within a segment, `**` for any depth (not into node_modules). */
function expandDirGlob(root: string, pattern: string): string[] {
  let dirs = [root];
  for (const segment of pattern.split('/')) {
    const next: string[] = [];
    for (const dir of dirs) {
      if (segment === '**') {
        next.push(...descendants(dir, 4));
      } else if (segment.includes('*')) {
        const matcher = new RegExp(`^${segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
        for (const entry of subdirs(dir)) if (matcher.test(entry)) next.push(path.join(dir, entry));
      } else if (fs.existsSync(path.join(dir, segment))) {
        next.push(path.join(dir, segment));
      }
    }
    dirs = next;
  }
  return dirs;
}

function descendants(dir: string, depth: number): string[] {
  if (depth === 0) return [dir];
  return [dir, ...subdirs(dir).flatMap((entry) => descendants(path.join(dir, entry), depth - 1))];
}

function subdirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

function nearestPackageDir(dir: string, root: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    if (fs.existsSync(path.join(current, 'package.json'))) return current;
    if (current === root || path.dirname(current) === current) return undefined;
  }
}

/** A tsconfig as tsc reads it; one with errors still gives its files (the analysis needs no clean build). */
function parseQuietly(configFile: string): tsTypes.ParsedCommandLine | undefined {
  if (!fs.existsSync(configFile)) return undefined;
  return ts.getParsedCommandLineOfConfigFile(configFile, undefined, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function stampOf(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return 'absent';
  }
}

export { stampOf };
