import type ts from 'typescript';

/**
 * Fault containment. An exception while analysing one construct (a function, a context's
 * walk, a write, a registration) must not blind the whole program: it is caught at that
 * unit, recorded as a failure there (reported once, as `analysisFailed` at the construct),
 * and the unit counts as having nothing to report while the rest of the program is
 * analysed as usual.
 */
export interface AnalysisFailure {
  /** The construct whose analysis threw. */
  readonly node: ts.Node;
  /** The analyzer that was analysing it (for the reproduction hint). */
  readonly analyzer: string;
  /** What threw: `TypeError: x is not a function`. */
  readonly error: string;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs one unit's analysis; on an exception records a failure at `node` and returns `fallback`. */
export function contained<T>(failures: AnalysisFailure[], node: ts.Node, analyzer: string, fallback: T, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!failures.some((known) => known.node === node && known.analyzer === analyzer)) {
      failures.push({ node, analyzer, error: describeError(error) });
      // The report carries the message only; MAP_RACE_DEBUG=1 adds the stack, to trace the cause.
      if (process.env.MAP_RACE_DEBUG && error instanceof Error && error.stack) process.stderr.write(`map-race: ${analyzer}: ${error.stack}\n`);
    }
    return fallback;
  }
}

/**
 * Test seam, not part of the public API: `MAP_RACE_TEST_FAULT=<function name>` (or
 * `setInjectedFault`) makes the analysis of every function of that name throw, so tests
 * can show that one failing unit leaves the rest of the program's findings unchanged.
 */
let injectedFault: string | undefined = process.env.MAP_RACE_TEST_FAULT || undefined;

export function setInjectedFault(name: string | undefined): void {
  injectedFault = name;
}

export function throwIfInjected(name: string): void {
  if (injectedFault !== undefined && name === injectedFault) throw new Error(`injected test fault in '${name}'`);
}
