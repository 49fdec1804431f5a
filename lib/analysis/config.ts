import path from 'node:path';
import picomatch from 'picomatch';

/** A project's own lock: a callback-style guard or an acquire/release pair. */
export type GuardSpec = { callback: string } | { acquire: string; release: string };

/** A project's own way to receive messages. */
export type ContextSpec = { handler: string } | { expose: string };

export type Interleaving = 'any' | 'await';

/** What a `'message'` registration on a receiver typed `any`, whose origin the analysis cannot see, is. */
export type UnknownReceivers = 'ignore' | 'context';

/** Whether the analysis of a program also looks at the monorepo around it (lib/workspace/): `auto`, or `off`. */
export type WorkspaceReach = 'auto' | 'off';

/** The analysis options, as the rules pass them to lib. */
export interface AnalysisOptions {
  ignorePaths: readonly string[];
  guards: readonly GuardSpec[];
  contexts: readonly ContextSpec[];
  interleaving: Interleaving;
  unknownReceivers: UnknownReceivers;
  workspace: WorkspaceReach;
}

export interface AnalysisConfig extends AnalysisOptions {
  /** ESLint's working directory; `ignorePaths` are relative to it. */
  cwd: string;
  /** True for files that `ignorePaths` leaves out of the analysis. */
  isIgnoredFile(fileName: string): boolean;
}

export class ConfigError extends Error {}

export function createConfig(options: AnalysisOptions, cwd: string): AnalysisConfig {
  const matchers = options.ignorePaths.map((pattern) => compileIgnorePattern(pattern));
  const ignoredCache = new Map<string, boolean>();
  return {
    ...options,
    cwd,
    isIgnoredFile(fileName) {
      if (matchers.length === 0) return false;
      let ignored = ignoredCache.get(fileName);
      if (ignored === undefined) {
        const relative = path.relative(cwd, fileName).split(path.sep).join('/');
        ignored = !relative.startsWith('../') && matchers.some((match) => match(relative));
        ignoredCache.set(fileName, ignored);
      }
      return ignored;
    },
  };
}

/** Compiles one `ignorePaths` glob, rejecting malformed ones with a message that names the option. */
function compileIgnorePattern(pattern: string): (file: string) => boolean {
  if (pattern.trim() === '') throw new ConfigError(`option "ignorePaths" has an empty pattern`);
  if (path.isAbsolute(pattern)) {
    throw new ConfigError(`option "ignorePaths" has an absolute glob ${JSON.stringify(pattern)}: globs are relative to ESLint's working directory`);
  }
  try {
    return picomatch(pattern, { dot: true, strictBrackets: true });
  } catch (error) {
    throw new ConfigError(
      `option "ignorePaths" has a malformed glob ${JSON.stringify(pattern)}: ${(error as Error).message}`,
    );
  }
}

/** The part of a configuration that changes the analysis' results. */
export function configKey(config: AnalysisOptions & { readonly cwd: string }): string {
  return JSON.stringify([config.cwd, config.ignorePaths, config.guards, config.contexts, config.interleaving, config.unknownReceivers, config.workspace]);
}
