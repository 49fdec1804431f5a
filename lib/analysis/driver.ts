import type ts from 'typescript';
import type { Analyzer, Pass } from './analyzer.js';
import { configKey, type AnalysisConfig } from './config.js';
import type { AnalysisFailure } from './faults.js';

type ResultTable = Map<Analyzer<unknown>, unknown>;

/**
 * Results live as long as their program: ESLint (and the editor's project service)
 * hands every file of a project the same `ts.Program` until something changes, so
 * the whole-program work is done once per program and configuration. Per-file
 * syntactic facts are cached separately, by `ts.SourceFile`, and survive edits to
 * other files (see analyzers/syntax.ts).
 */
const resultsByProgram = new WeakMap<ts.Program, Map<string, ResultTable>>();

export function runAnalyzer<R>(program: ts.Program, config: AnalysisConfig, analyzer: Analyzer<R>): R {
  let byConfig = resultsByProgram.get(program);
  if (!byConfig) {
    byConfig = new Map();
    resultsByProgram.set(program, byConfig);
  }
  const key = configKey(config);
  let table = byConfig.get(key);
  if (!table) {
    table = new Map();
    byConfig.set(key, table);
  }
  return resolve(program, config, table, analyzer, []);
}

/** The units whose analysis failed so far in this program and configuration (see faults.ts). */
export function failuresOf(program: ts.Program, config: AnalysisConfig): readonly AnalysisFailure[] {
  const table = resultsByProgram.get(program)?.get(configKey(config));
  return table ? failureList(table) : [];
}

const failuresByTable = new WeakMap<ResultTable, AnalysisFailure[]>();

function failureList(table: ResultTable): AnalysisFailure[] {
  let list = failuresByTable.get(table);
  if (!list) failuresByTable.set(table, (list = []));
  return list;
}

function resolve<R>(
  program: ts.Program,
  config: AnalysisConfig,
  table: ResultTable,
  analyzer: Analyzer<R>,
  stack: readonly Analyzer<unknown>[],
): R {
  if (table.has(analyzer)) return table.get(analyzer) as R;
  if (stack.includes(analyzer)) {
    throw new Error(`map-race: analyzer cycle: ${[...stack, analyzer].map((a) => a.name).join(' → ')}`);
  }
  const checker = program.getTypeChecker();
  const inner = [...stack, analyzer];
  const pass: Pass = {
    program,
    checker,
    config,
    failures: failureList(table),
    resultOf<D>(required: Analyzer<D>): D {
      if (!analyzer.requires.includes(required)) {
        throw new Error(`map-race: analyzer '${analyzer.name}' asked for '${required.name}' without requiring it`);
      }
      return resolve(program, config, table, required, inner);
    },
  };
  const result = analyzer.run(pass);
  table.set(analyzer, result);
  return result;
}
