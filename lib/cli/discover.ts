import fs from 'node:fs';
import path from 'node:path';
import type tsTypes from 'typescript';
import ts from '../util/typescript.cjs';

/**
 * What to analyse where no tsconfig.json (or jsconfig.json) is found from the working
 * directory upwards — a JavaScript project, or a monorepo whose packages each have their
 * own: the programs an editor opens the files below it in. Every tsconfig.json (else
 * jsconfig.json) below it, deepest first so that a file is reported in the nearest one that
 * holds it; and the JavaScript and TypeScript files none of them holds, in one inferred
 * program with TypeScript's defaults and `allowJs`, as the editor's inferred project.
 * TypeScript's default excludes apply (node_modules, bower_components, jspm_packages), and
 * hidden directories are skipped.
 */
export interface Discovered {
  readonly configFiles: string[];
  /** Every source file found below the directory, absolute. */
  readonly sourceFiles: string[];
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', 'bower_components', 'jspm_packages']);
const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

export function discover(dir: string): Discovered {
  const configs: { file: string; depth: number }[] = [];
  const sourceFiles: string[] = [];
  const walk = (current: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      return; // unreadable: an editor would not see it either
    }
    const names = new Set(entries.map((entry) => entry.name));
    const config = names.has('tsconfig.json') ? 'tsconfig.json' : names.has('jsconfig.json') ? 'jsconfig.json' : undefined;
    if (config) configs.push({ file: path.join(current, config), depth });
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_DIRECTORIES.has(entry.name)) walk(path.join(current, entry.name), depth + 1);
      } else if (entry.isFile() && SOURCE_FILE.test(entry.name)) {
        sourceFiles.push(path.join(current, entry.name));
      }
    }
  };
  walk(path.resolve(dir), 0);
  configs.sort((a, b) => b.depth - a.depth || a.file.localeCompare(b.file));
  return { configFiles: configs.map((config) => config.file), sourceFiles: sourceFiles.sort() };
}

/**
 * The inferred program's options: TypeScript's defaults with JavaScript, as the editor's
 * inferred project has them; under TypeScript 6, whose `types` default is none, every
 * installed @types package, as TypeScript 5 included them (no tsconfig to add them to).
 */
export function inferredOptions(): tsTypes.CompilerOptions {
  const options: tsTypes.CompilerOptions = { allowJs: true, noEmit: true, skipLibCheck: true };
  if (Number(ts.versionMajorMinor.split('.')[0]) >= 6) options.types = ['*'];
  return options;
}
