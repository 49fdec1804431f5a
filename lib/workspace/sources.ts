import fs from 'node:fs';
import path from 'node:path';
import type tsTypes from 'typescript';
import ts from '../util/typescript.cjs';
import type { Layout, WorkspacePackage } from './layout.js';

/**
 * Module resolution that reads a workspace package from its sources. A monorepo checked out
 * and installed but not built has no build output in its packages, or only declarations
 * (an installed copy of a workspace package, or `.d.ts` files left by a declaration-only
 * build): TypeScript resolves an import of the package by name to nothing or to a `.d.ts`,
 * and a call into it has no body. Here such a resolution is mapped to the source file the
 * output comes from: through the output's declaration map when one is there, else through
 * the `outDir` (or `declarationDir`) and `rootDir` of the package's tsconfig projects, else
 * to a source file beside the output. An import of a workspace package that resolved to
 * nothing (not installed) is looked up in the package's manifest (`exports`, `types`,
 * `typings`, `main`), mapped the same way, and else in `src/index` and `index`.
 */
export function resolveToSources(
  layout: Layout,
  name: string,
  resolved: tsTypes.ResolvedModuleWithFailedLookupLocations,
): tsTypes.ResolvedModuleWithFailedLookupLocations {
  const module = resolved.resolvedModule;
  if (module) {
    if (!/\.d\.[cm]?ts$/.test(module.resolvedFileName)) return resolved;
    const source = sourceOfDeclaration(layout, module.resolvedFileName);
    return source ? withFile(resolved, source) : resolved;
  }
  if (name.startsWith('.') || path.isAbsolute(name)) return resolved;
  const { packageName, subpath } = splitSpecifier(name);
  const pkg = layout.packageNamed(packageName);
  const source = pkg && sourceOfEntry(layout, pkg, subpath);
  return source ? withFile(resolved, source) : resolved;
}

function withFile(resolved: tsTypes.ResolvedModuleWithFailedLookupLocations, fileName: string): tsTypes.ResolvedModuleWithFailedLookupLocations {
  return {
    ...resolved,
    resolvedModule: {
      resolvedFileName: fileName,
      extension: extensionOf(fileName),
      isExternalLibraryImport: false,
      resolvedUsingTsExtension: false,
    },
  };
}

/** A `.d.ts` of a workspace package — its own, or an installed copy's with the same package name — mapped to the source it is built from. */
export function sourceOfDeclaration(layout: Layout, declaration: string): string | undefined {
  // Most declarations come from other packages (lib files, @types): a name test, before any file system call.
  const installedAs = installedPackageOf(declaration);
  if (installedAs && !layout.packageNamed(installedAs.name)) return undefined;
  const real = realpath(declaration);
  let pkg = layout.packageOf(real);
  let target = real;
  if (!pkg || real.slice(pkg.dir.length).split('/').includes('node_modules')) {
    // An installed copy: the same file inside the workspace package of that name.
    const installed = installedPackageOf(real);
    pkg = installed ? layout.packageNamed(installed.name) : undefined;
    if (!pkg || !installed) return undefined;
    target = path.join(pkg.dir, path.relative(installed.dir, real));
  }
  return sourceOfOutput(layout, pkg, target);
}

/** The source a build output (declaration or JavaScript) of `pkg` comes from. */
function sourceOfOutput(layout: Layout, pkg: WorkspacePackage, output: string): string | undefined {
  if (isSource(output) && fs.existsSync(output)) return output;
  const mapped = fromDeclarationMap(output);
  if (mapped) return mapped;
  for (const project of layout.projects.values()) {
    if (!project.configFile.startsWith(`${pkg.dir}/`)) continue;
    const { outDir, declarationDir, rootDir } = project.parsed.options;
    const sourceRoot = rootDir ?? path.dirname(project.configFile);
    for (const out of [declarationDir, outDir]) {
      if (!out || !output.startsWith(`${out}/`)) continue;
      const found = sourceCandidates(path.join(sourceRoot, output.slice(out.length + 1))).find((file) => fs.existsSync(file));
      if (found) return found;
      // No rootDir: tsc takes the inputs' common directory, most often the config's `src`.
      if (!rootDir) {
        const inSrc = sourceCandidates(path.join(sourceRoot, 'src', output.slice(out.length + 1))).find((file) => fs.existsSync(file));
        if (inSrc) return inSrc;
      }
    }
  }
  return sourceCandidates(output).find((file) => fs.existsSync(file));
}

/** The entry point of `pkg` for an import subpath (`.` or `./x`), as a source file. */
function sourceOfEntry(layout: Layout, pkg: WorkspacePackage, subpath: string): string | undefined {
  const { manifest } = pkg;
  const targets: string[] = [];
  const exported = exportTarget(manifest.exports, subpath);
  if (exported) targets.push(exported);
  if (subpath === '.') {
    for (const field of [manifest.types, manifest.typings, manifest.main, manifest.module]) if (field) targets.push(field);
    targets.push('src/index', 'index');
  } else {
    targets.push(subpath, `src/${subpath.slice(2)}`);
  }
  for (const target of targets) {
    const found = sourceOfOutput(layout, pkg, path.join(pkg.dir, target));
    if (found) return found;
  }
  return undefined;
}

/** The file `exports` gives for a subpath, preferring the `types` condition (then `import`, `default`, `require`). */
function exportTarget(exports: unknown, subpath: string): string | undefined {
  if (exports === undefined || exports === null) return undefined;
  if (typeof exports === 'string') return subpath === '.' ? exports : undefined;
  if (Array.isArray(exports)) {
    for (const item of exports) {
      const found = exportTarget(item, subpath);
      if (found) return found;
    }
    return undefined;
  }
  const table = exports as Record<string, unknown>;
  const keys = Object.keys(table);
  if (keys.some((key) => key.startsWith('.'))) {
    const entry = Object.hasOwn(table, subpath) ? table[subpath] : undefined;
    return entry === undefined ? undefined : conditionTarget(entry);
  }
  return subpath === '.' ? conditionTarget(table) : undefined;
}

function conditionTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (Array.isArray(entry)) return entry.map(conditionTarget).find((target) => target !== undefined);
  if (entry && typeof entry === 'object') {
    const table = entry as Record<string, unknown>;
    for (const condition of ['types', 'import', 'node', 'default', 'require']) {
      const found = Object.hasOwn(table, condition) ? conditionTarget(table[condition]) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

function fromDeclarationMap(output: string): string | undefined {
  const mapFile = `${output}.map`;
  if (!/\.d\.[cm]?ts$/.test(output) || !fs.existsSync(mapFile)) return undefined;
  try {
    const map = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as { sources?: string[]; sourceRoot?: string };
    const [first] = map.sources ?? [];
    if (!first) return undefined;
    const source = path.resolve(path.dirname(mapFile), map.sourceRoot ?? '', first);
    return fs.existsSync(source) ? source : undefined;
  } catch {
    return undefined;
  }
}

/** Source files an output path can come from: `x.d.ts`, `x.js` → `x.ts`, `x.tsx`; `.d.mts`/`.mjs` → `.mts`; `.d.cts`/`.cjs` → `.cts`; an extensionless path → those and `/index`. */
function sourceCandidates(output: string): string[] {
  const match = /^(.*?)(\.d\.ts|\.d\.mts|\.d\.cts|\.js|\.jsx|\.mjs|\.cjs|\.ts|\.tsx|\.mts|\.cts)?$/.exec(output)!;
  const stem = match[1]!;
  switch (match[2]) {
    case '.d.mts':
    case '.mjs':
    case '.mts':
      return [`${stem}.mts`];
    case '.d.cts':
    case '.cjs':
    case '.cts':
      return [`${stem}.cts`];
    case undefined:
      return [`${stem}.ts`, `${stem}.tsx`, `${stem}/index.ts`, `${stem}/index.tsx`];
    default:
      return [`${stem}.ts`, `${stem}.tsx`];
  }
}

function isSource(fileName: string): boolean {
  return /\.(ts|tsx|mts|cts)$/.test(fileName) && !/\.d\.[cm]?ts$/.test(fileName);
}

function extensionOf(fileName: string): tsTypes.Extension {
  if (fileName.endsWith('.tsx')) return ts.Extension.Tsx;
  if (fileName.endsWith('.mts')) return ts.Extension.Mts;
  if (fileName.endsWith('.cts')) return ts.Extension.Cts;
  return ts.Extension.Ts;
}

function splitSpecifier(name: string): { packageName: string; subpath: string } {
  const parts = name.split('/');
  const count = name.startsWith('@') ? 2 : 1;
  const rest = parts.slice(count).join('/');
  return { packageName: parts.slice(0, count).join('/'), subpath: rest ? `./${rest}` : '.' };
}

/** The installed package (under node_modules) a file belongs to: its directory and name. */
function installedPackageOf(fileName: string): { dir: string; name: string } | undefined {
  const parts = fileName.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const count = parts[at + 1]!.startsWith('@') ? 2 : 1;
  return { dir: parts.slice(0, at + 1 + count).join('/'), name: parts.slice(at + 1, at + 1 + count).join('/') };
}

function realpath(fileName: string): string {
  try {
    return fs.realpathSync.native(fileName).split(path.sep).join('/');
  } catch {
    return fileName;
  }
}
