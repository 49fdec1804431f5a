// The analysis keeps what it derived from a program only as long as the program: facts kept
// across programs (cross-program caches, keyed by nodes of files later programs share) must not
// hold the program, its checker or its analyzers' results. Otherwise every program the rule's
// project service, the editor or the workspace view ever builds stays in memory (vitest ran out
// of a 4 GB heap). Two programs share every source file, as the editor's successive programs
// do; once the first is unreachable it must be collected, in both interleaving modes.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import ts from 'typescript';
import { createConfig, findingsForFile } from '../dist/lib/index.js';
import { DEFAULTS } from '../dist/rules/options.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const fixtures = path.join(import.meta.dirname, 'fixtures');

/** A host that hands every program the same ts.SourceFile per file. */
function sharingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const files = new Map<string, ts.SourceFile | undefined>();
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, ...rest) => {
    if (!files.has(fileName)) files.set(fileName, read(fileName, ...rest));
    return files.get(fileName);
  };
  return host;
}

/** Analyses a fresh program of the fixture and returns a weak reference to it and its finding count. */
function analyse(dir: string, host: ts.CompilerHost, parsed: ts.ParsedCommandLine, interleaving: 'any' | 'await'): { program: WeakRef<ts.Program>; findings: number } {
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  const config = createConfig({ ...DEFAULTS, interleaving }, dir);
  let findings = 0;
  for (const file of program.getSourceFiles()) if (!file.isDeclarationFile) findings += findingsForFile(program, config, file.fileName).length;
  return { program: new WeakRef(program), findings };
}

for (const [fixture, interleaving] of [['valueflow', 'any'], ['reach', 'any'], ['await-stale-read', 'await']] as const) {
  test(`a program analysed once is collected after the next one reuses its files (${fixture}, ${interleaving})`, { timeout: 120_000 }, async () => {
    const dir = path.join(fixtures, fixture);
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const host = sharingHost(parsed.options);
    const first = analyse(dir, host, parsed, interleaving);
    const second = analyse(dir, host, parsed, interleaving);
    assert.ok(first.findings > 0, 'the fixture has findings');
    assert.equal(second.findings, first.findings, 'the second program, built from cached facts, reports the same');
    for (let round = 0; round < 5 && first.program.deref(); round++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc();
    }
    assert.equal(first.program.deref(), undefined, 'the first program is still reachable after it was dropped');
  });
}
