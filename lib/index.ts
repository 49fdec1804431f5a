import type ts from 'typescript';
import { runAnalyzer } from './analysis/driver.js';
import type { AnalysisConfig } from './analysis/config.js';
import { reachAnalyzer, type Finding } from './analyzers/reach.js';
import { blindSpotsAnalyzer, type BlindSpot } from './analyzers/blindspots.js';

export { createConfig, ConfigError, configKey, type AnalysisConfig, type AnalysisOptions, type GuardSpec, type ContextSpec, type Interleaving, type UnknownReceivers } from './analysis/config.js';
export { applyDirectives, parseDirectives, type Comment, type Directive } from './analyzers/directives.js';
export { describeFinding, messageIdOf, type FindingMessageData } from './report.js';
export type { Finding } from './analyzers/reach.js';
export type { BlindSpot } from './analyzers/blindspots.js';
export type { Analyzer, Pass } from './analysis/analyzer.js';
export { runAnalyzer } from './analysis/driver.js';

/** The unguarded shared-map writes in one file, from the whole-program analysis (computed once per program and configuration). */
export function findingsForFile(program: ts.Program, config: AnalysisConfig, fileName: string): readonly Finding[] {
  if (config.isIgnoredFile(fileName)) return [];
  return runAnalyzer(program, config, reachAnalyzer).findingsFor(fileName);
}

/** The program's one blind spot (missing types that hide message endpoints), when it shows in this file. */
export function blindSpotInFile(program: ts.Program, config: AnalysisConfig, fileName: string): BlindSpot | undefined {
  if (config.isIgnoredFile(fileName)) return undefined;
  const blindSpot = runAnalyzer(program, config, blindSpotsAnalyzer);
  return blindSpot?.node.getSourceFile().fileName === fileName ? blindSpot : undefined;
}
