import type ts from 'typescript';

/**
 * Typed facts that hold only nodes, kept across programs. The editor's project service
 * builds a new `ts.Program` on every edit but keeps the `ts.SourceFile` (and so every
 * node) of each unchanged file. An entry stays valid in a later program while every
 * source file it was derived from — the file of its key and the files of the
 * declarations the checker led to — is the very same object there; an edit to any of
 * them recomputes it. Facts that depend on a type declared in a third file that neither
 * holds the key nor a declaration it resolved to are not tracked (docs/integrations.md, Editor).
 */
export class CrossProgramCache<K extends object, V> {
  readonly #entries = new WeakMap<K, { readonly value: V; readonly dependencies: readonly ts.SourceFile[] }>();

  get(program: ts.Program, key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const current = sourceFilesOf(program);
    for (const file of entry.dependencies) {
      if (!current.has(file)) {
        this.#entries.delete(key);
        return undefined;
      }
    }
    recordUsage(entry.dependencies);
    return entry.value;
  }

  set(key: K, value: V, dependencies: Iterable<ts.SourceFile>): void {
    const files = [...new Set(dependencies)];
    this.#entries.set(key, { value, dependencies: files });
    recordUsage(files);
  }
}

/** The files consulted by the computation under way, for a cache entry that is built from other entries. */
let usage: Set<ts.SourceFile> | undefined;

/** Notes files that the computation under way depends on (called by every cache hit and fill). */
export function recordUsage(files: Iterable<ts.SourceFile>): void {
  if (usage) for (const file of files) usage.add(file);
}

/** Runs `compute`, collecting every file that the cache entries it used depend on. */
export function trackUsage<T>(compute: () => T): { readonly value: T; readonly files: ReadonlySet<ts.SourceFile> } {
  const outer = usage;
  const files = new Set<ts.SourceFile>();
  usage = files;
  try {
    return { value: compute(), files };
  } finally {
    usage = outer;
    if (outer) for (const file of files) outer.add(file);
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
      const value = compute();
      cache.set(key, value, this.current.files);
      for (const file of this.current.files) outer.files.add(file);
      return value;
    } finally {
      this.current = outer;
    }
  }
}
