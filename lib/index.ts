import ts from './util/typescript.cjs';
import { runAnalyzer } from './analysis/driver.js';
import type { AnalysisConfig } from './analysis/config.js';
import { reachAnalyzer, type Finding } from './analyzers/reach.js';
import { blindSpotsAnalyzer, type BlindSpot } from './analyzers/blindspots.js';
import { workspaceView } from './workspace/programs.js';
import { failuresOf } from './analysis/driver.js';
import { syntaxFailuresOf } from './analyzers/syntax.js';
import type { AnalysisFailure } from './analysis/faults.js';
import { positionLabel } from './util/ast.js';

export { createConfig, ConfigError, configKey, type AnalysisConfig, type AnalysisOptions, type GuardSpec, type ContextSpec, type Interleaving, type UnknownReceivers, type WorkspaceReach } from './analysis/config.js';
export { applyDirectives, parseDirectives, type Comment, type Directive } from './analyzers/directives.js';
export { describeFinding, messageIdOf, type FindingMessageData } from './report.js';
export type { Finding } from './analyzers/reach.js';
export type { BlindSpot } from './analyzers/blindspots.js';
export type { AnalysisFailure } from './analysis/faults.js';
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

/**
 * The constructs of this file whose analysis threw (each once), after the whole-program
 * analysis ran: everything else of the program was analysed and reported as usual.
 */
export function failuresInFile(program: ts.Program, config: AnalysisConfig, fileName: string): readonly AnalysisFailure[] {
  if (config.isIgnoredFile(fileName)) return [];
  const file = program.getSourceFile(fileName);
  const all = [...(file ? syntaxFailuresOf(file) : []), ...failuresOf(program, config)];
  const seen = new Set<ts.Node>();
  return all
    .filter((failure) => failure.node.getSourceFile().fileName === fileName && !seen.has(failure.node) && seen.add(failure.node))
    .sort((a, b) => a.node.getStart() - b.node.getStart());
}

/** The placeholders of the `analysisFailed` message for a contained failure. */
export function describeFailure(failure: AnalysisFailure, cwd: string): { unit: string; error: string; hint: string } {
  return { unit: unitWords(failure.node), error: failure.error, hint: `the ${failure.analyzer} analyzer at ${positionLabel(failure.node, cwd)}` };
}

/** The placeholders of the `analysisFailed` message when the analysis of the whole program threw. */
export function describeProgramFailure(error: unknown, fileName: string, cwd: string): { unit: string; error: string; hint: string } {
  const relative = fileName.startsWith(`${cwd}/`) ? fileName.slice(cwd.length + 1) : fileName;
  return {
    unit: 'this program',
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    hint: `the whole-program analysis, linting ${relative}`,
  };
}

function unitWords(node: ts.Node): string {
  const name = (node as { name?: ts.Node }).name;
  const label = name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name)) ? ` '${name.text}'` : '';
  if (ts.isSourceFile(node)) return 'the module body';
  if (ts.isFunctionLike(node)) return `the function${label}`;
  return 'this construct';
}
