// Types for bench/generate.mjs (used by tests/concurrency.test.ts).

export declare const REPO_ROOT: string;
export declare const DEFAULT_PLUGIN_PATH: string;
export declare const GENERATOR_VERSION: number;
export declare const CONFIG_KINDS: readonly ['baseline', 'noop', 'peer', 'plugin'];
export declare const HANDLER_VARIANTS: readonly string[];

export type ConfigKind = 'baseline' | 'noop' | 'peer' | 'plugin';

export interface ProjectCounts {
  shared: number;
  stores: number;
  services: number;
  handlers: number;
  atomics: number;
  core: number;
}

export interface StoreMeta {
  k: number;
  id: string;
  withRegistry: boolean;
  withAsyncRefresh: boolean;
  map: string;
  writers: string[];
  path: string;
}

export interface HandlerMeta {
  h: number;
  id: string;
  variant: string;
  service: number;
  store: number;
  path: string;
}

export interface GeneratedProject {
  outDir: string;
  files: number;
  seed: number;
  counts: ProjectCounts;
  lines: number;
  stores: StoreMeta[];
  handlers: HandlerMeta[];
  services: { s: number; id: string; level: number; locked: string | null; writes: number }[];
  atomics: { a: number; id: string; store: number }[];
  memoModules: number[];
  configs: Record<ConfigKind, string>;
}

export declare function planCounts(files: number): ProjectCounts;
export declare function configPath(outDir: string, kind: ConfigKind): string;
export declare function generateProject(options: {
  files: number;
  outDir?: string;
  seed?: number;
  pluginPath?: string;
  clean?: boolean;
}): GeneratedProject;
