import type ts from 'typescript';
import { importLiteralsOf } from '../util/ast.js';

/**
 * Typed facts that hold only nodes, kept across programs. The editor's project service
 * builds a new `ts.Program` on every edit but keeps the `ts.SourceFile` (and so every
 * node) of each unchanged file. An entry stays valid in a later program while every
 * source file it was derived from — the file of its key and the files of the
 * declarations the checker led to — is the very same object there, with its imports
 * resolved to the same files; an edit to any of them recomputes it. (Two programs can
 * hold the very same file and resolve its imports apart: the project service's program of
 * a package that finds a workspace dependency's declarations absent, and the workspace
 * view's program of that package, which reads the dependency from its sources. A call into
 * the dependency has no target in the one and a body in the other.) Facts that depend on a
 * type declared in a third file that neither holds the key nor a declaration it resolved to
 * are not tracked (docs/integrations.md, Editor).
 *
 * A fact found by searching the whole program (every call of a function named `onJob`,
 * every write of a property named `onClose`) depends on files that did not exist or
 * did not match when it was computed; such a search leaves a probe, which tells whether
 * the same search in a later program still looks at the same files.
 */
export class CrossProgramCache<K extends object, V> {
  readonly #entries = new WeakMap<K, Entry<V>>();

  get(program: ts.Program, key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const current = sourceFilesOf(program);
    // An index loop: this runs for every dependency of every entry a lookup finds.
    for (let index = 0; index < entry.dependencies.length; index++) {
      const file = entry.dependencies[index]!;
      if (!current.has(file) || resolutionsOf(program, file) !== entry.resolutions[index]) {
        this.#entries.delete(key);
        return undefined;
      }
    }
    for (const probe of entry.probes) {
      if (!probe(program)) {
        this.#entries.delete(key);
        return undefined;
      }
    }
    recordUsage(entry.dependencies, entry.probes);
    return entry.value;
  }

  /** Keeps `value`, computed in `program` from `dependencies` (and the whole-program searches `probes`). */
  set(program: ts.Program, key: K, value: V, dependencies: Iterable<ts.SourceFile>, probes: Iterable<Probe> = []): void {
    const files = [...new Set(dependencies)];
    const kept = [...new Set(probes)];
    this.#entries.set(key, { value, dependencies: files, resolutions: files.map((file) => resolutionsOf(program, file)), probes: kept });
    recordUsage(files, kept);
  }
}

interface Entry<V> {
  readonly value: V;
  readonly dependencies: readonly ts.SourceFile[];
  /** What each dependency's imports resolved to where the value was computed (`resolutionsOf`). */
  readonly resolutions: readonly string[];
  readonly probes: readonly Probe[];
}

/** TypeScript's resolution of one import, by program (TypeScript 5.3 and later) or on the file (before). */
interface ResolutionAccess {
  getResolvedModule?(file: ts.SourceFile, moduleName: string, mode: ts.ResolutionMode): { resolvedModule?: { resolvedFileName: string } } | undefined;
}
interface FileResolutions {
  resolvedModules?: { get(name: string, mode: ts.ResolutionMode): { resolvedModule?: { resolvedFileName: string } } | undefined };
}

const resolutionsByProgram = new WeakMap<ts.Program, Map<ts.SourceFile, string>>();
const internedResolutions = new Map<string, string>();

/**
 * The files a source file's imports resolve to in a program, as one string (`a.ts|` for an
 * import of `a.ts` and one unresolved): two programs agree on a file's imports when the
 * strings are equal. Computed once per program and file.
 */
function resolutionsOf(program: ts.Program, file: ts.SourceFile): string {
  let byFile = resolutionsByProgram.get(program);
  if (!byFile) resolutionsByProgram.set(program, (byFile = new Map()));
  let resolutions = byFile.get(file);
  if (resolutions === undefined) {
    const access = program as unknown as ResolutionAccess;
    const internals = file as unknown as FileResolutions;
    resolutions = importLiteralsOf(file)
      .map((literal) => {
        const mode = program.getModeForUsageLocation(file, literal);
        const resolved = access.getResolvedModule ? access.getResolvedModule(file, literal.text, mode) : internals.resolvedModules?.get(literal.text, mode);
        return resolved?.resolvedModule?.resolvedFileName ?? '';
      })
      .join('|');
    // One string object per distinct value: the comparison in `get`, made for every dependency of every entry, is then a pointer test.
    const known = internedResolutions.get(resolutions);
    if (known === undefined) internedResolutions.set(resolutions, resolutions);
    else resolutions = known;
    byFile.set(file, resolutions);
  }
  return resolutions;
}

/** Whether a whole-program search made for a cached fact would look at the same files in `program`. */
export type Probe = (program: ts.Program) => boolean;

/** What the computation under way consulted, for a cache entry that is built from other entries. */
let usage: { files: Set<ts.SourceFile>; probes: Set<Probe> } | undefined;

/** Notes files (and whole-program searches) that the computation under way depends on (called by every cache hit and fill). */
export function recordUsage(files: Iterable<ts.SourceFile>, probes: Iterable<Probe> = []): void {
  if (!usage) return;
  for (const file of files) usage.files.add(file);
  for (const probe of probes) usage.probes.add(probe);
}

/** Runs `compute`, collecting every file (and search) that the cache entries it used depend on. */
export function trackUsage<T>(compute: () => T): {
  readonly value: T;
  readonly files: ReadonlySet<ts.SourceFile>;
  readonly probes: ReadonlySet<Probe>;
} {
  const outer = usage;
  const inner = { files: new Set<ts.SourceFile>(), probes: new Set<Probe>() };
  usage = inner;
  try {
    return { value: compute(), ...inner };
  } finally {
    usage = outer;
    if (outer) recordUsage(inner.files, inner.probes);
  }
}

const sourceFilesByProgram = new WeakMap<ts.Program, ReadonlySet<ts.SourceFile>>();

/** The source files of a program, as a set: whether a file is unchanged is then one lookup. */
export function sourceFilesOf(program: ts.Program): ReadonlySet<ts.SourceFile> {
  let files = sourceFilesByProgram.get(program);
  if (!files) {
    files = new Set(program.getSourceFiles());
    sourceFilesByProgram.set(program, files);
  }
  return files;
}

/** Collects the source files a computation looked at, as the dependencies of its cache entry. */
export class Dependencies {
  readonly files = new Set<ts.SourceFile>();
  readonly probes = new Set<Probe>();

  /** Runs `compute` and adds what the cache entries it used depend on (files and searches) to these dependencies. */
  track<T>(compute: () => T): T {
    const { value, files, probes } = trackUsage(compute);
    for (const file of files) this.files.add(file);
    for (const probe of probes) this.probes.add(probe);
    return value;
  }

  addNode(node: ts.Node | undefined): void {
    if (node) this.files.add(node.getSourceFile());
  }

  addSymbol(symbol: ts.Symbol | undefined): void {
    for (const declaration of symbol?.declarations ?? []) this.files.add(declaration.getSourceFile());
  }
}

/**
 * Runs computations whose results go into cross-program caches, collecting what each
 * looked at as its dependencies; a computation nested in another adds its files to the
 * outer one too.
 */
export class DependencyTracker {
  current = new Dependencies();

  constructor(private readonly program: ts.Program) {}

  memoize<K extends object, V>(cache: CrossProgramCache<K, V>, key: K, node: ts.Node, compute: () => V): V {
    const known = cache.get(this.program, key);
    if (known !== undefined) return known;
    const outer = this.current;
    this.current = new Dependencies();
    this.current.addNode(node);
    try {
      const value = this.current.track(compute);
      cache.set(this.program, key, value, this.current.files, this.current.probes);
      for (const file of this.current.files) outer.files.add(file);
      for (const probe of this.current.probes) outer.probes.add(probe);
      return value;
    } finally {
      this.current = outer;
    }
  }
}
