import type ts from 'typescript';
import type { AnalysisConfig } from './config.js';
import type { AnalysisFailure } from './faults.js';

/**
 * An analyzer is one concern of the analysis, in the manner of Go's go/analysis:
 * it has a name, a one-paragraph doc, the analyzers whose results it needs, and a
 * `run` that returns a typed result. The driver runs each analyzer at most once per
 * (program, configuration) and hands its result to the analyzers that require it.
 *
 * Results are usually lazy query objects with memo tables inside, so that the typed
 * work happens only for what the reach walk actually touches.
 */
export interface Analyzer<Result> {
  readonly name: string;
  readonly doc: string;
  readonly requires: readonly Analyzer<unknown>[];
  run(pass: Pass): Result;
}

/** What one analyzer sees while it runs. */
export interface Pass {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  readonly config: AnalysisConfig;
  /** The result of a required analyzer (it must be listed in `requires`). */
  resultOf<R>(analyzer: Analyzer<R>): R;
  /**
   * Where an analyzer records the units whose analysis threw (see faults.ts `contained`):
   * one list per program and configuration, reported by the rule and the CLI at each unit.
   */
  readonly failures: AnalysisFailure[];
}

export function defineAnalyzer<Result>(analyzer: Analyzer<Result>): Analyzer<Result> {
  return analyzer;
}
