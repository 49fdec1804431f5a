import type ts from 'typescript';
import { runAnalyzer } from './analysis/driver.js';
import type { AnalysisConfig } from './analysis/config.js';
import { reachAnalyzer, type Finding } from './analyzers/reach.js';
import { blindSpotsAnalyzer, type BlindSpot } from './analyzers/blindspots.js';
import { workspaceView } from './workspace/programs.js';

export { createConfig, ConfigError, configKey, type AnalysisConfig, type AnalysisOptions, type GuardSpec, type ContextSpec, type Interleaving, type UnknownReceivers, type WorkspaceReach } from './analysis/config.js';
export { applyDirectives, parseDirectives, type Comment, type Directive } from './analyzers/directives.js';
export { describeFinding, type FindingMessageData } from './report.js';
export type { Finding } from './analyzers/reach.js';
export type { BlindSpot } from './analyzers/blindspots.js';
export type { Analyzer, Pass } from './analysis/analyzer.js';
export { runAnalyzer } from './analysis/driver.js';

/** The unguarded shared-map writes in one file, from the whole-program analysis (computed once per program and configuration). */
export function findingsForFile(program: ts.Program, config: AnalysisConfig, fileName: string): readonly Finding[] {
  if (config.isIgnoredFile(fileName)) return [];
  const own = runAnalyzer(program, config, reachAnalyzer).findingsFor(fileName);
  if (config.workspace === 'off') return own;
  const contextNames = config.contexts.map((spec) => ('handler' in spec ? spec.handler : spec.expose));
  const others = workspaceView(program, contextNames).programs.map((other) => runAnalyzer(other, config, reachAnalyzer).findingsFor(fileName));
  return others.some((found) => found.length > 0) ? mergeFindings([own, ...others]) : own;
}

/**
 * One finding per written node, from several programs' analyses of the same file (the
 * linted program's and its workspace view's): the same text, so the same positions. The
 * shortest chain wins; the programs' contexts are not added up, as they can be the same.
 */
function mergeFindings(lists: readonly (readonly Finding[])[]): Finding[] {
  const byPosition = new Map<string, Finding>();
  for (const list of lists) {
    for (const finding of list) {
      const key = `${finding.node.pos}:${finding.node.end}`;
      const known = byPosition.get(key);
      if (!known || finding.chain.length < known.chain.length) byPosition.set(key, finding);
    }
  }
  return [...byPosition.values()].sort((a, b) => a.node.pos - b.node.pos);
}

/** The program's one blind spot (missing types that hide message endpoints), when it shows in this file. */
export function blindSpotInFile(program: ts.Program, config: AnalysisConfig, fileName: string): BlindSpot | undefined {
  if (config.isIgnoredFile(fileName)) return undefined;
  const blindSpot = runAnalyzer(program, config, blindSpotsAnalyzer);
  return blindSpot?.node.getSourceFile().fileName === fileName ? blindSpot : undefined;
}
