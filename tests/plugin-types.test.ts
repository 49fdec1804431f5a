// The plugin's default export drops into ESLint's `defineConfig()` without casts.
//
// Two checks: (1) this file itself is type-checked by `npm run typecheck` (tsconfig.json
// includes tests/*.ts) against the plugin's source types; (2) at run time, a small
// consumer file is compiled with the TypeScript API against the BUILT declarations
// (dist/index.d.ts), which is what users get; then the configs are run through
// `defineConfig()` and linted with for real.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ESLint, type Linter } from 'eslint';
import { defineConfig } from 'eslint/config';
import ts from 'typescript';
import tseslint from 'typescript-eslint';
import type pluginSource from '../index.js';

const root = path.resolve(import.meta.dirname, '..');
const distEntry = new URL('../dist/index.js', import.meta.url).href;
const { default: plugin } = (await import(distEntry)) as { default: typeof pluginSource };

/** The configurations a user writes; type-checked here with no cast anywhere. */
function userConfigs(mapRace: typeof pluginSource, tsconfigRootDir: string): Linter.Config[] {
  return defineConfig([
    mapRace.configs.recommended,
    { plugins: { 'map-race': mapRace } },
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir } },
      rules: { 'map-race/no-unguarded-map-write': ['error', { interleaving: 'any', guards: [{ callback: 'withLock' }] }] },
      settings: { 'map-race': { reportUnusedIgnores: true } },
    },
  ]);
}

/** Also spread into a larger config, and the strict config on its own. */
const strictOnly: Linter.Config[] = defineConfig(plugin.configs.strict, { ignores: ['dist/**'] });

describe('plugin types', () => {
  it('defineConfig accepts the configs and the plugin object (source types, checked by tsc)', () => {
    const configs = userConfigs(plugin, path.join(import.meta.dirname, 'rule-tester'));
    assert.equal(configs.length, 3);
    assert.equal(configs[0]?.plugins?.['map-race'], plugin);
    assert.equal(configs[1]?.plugins?.['map-race'], plugin);
    assert.equal(strictOnly[0]?.name, plugin.configs.strict.name);
  });

  it('the configs from defineConfig lint a typed file', async () => {
    const cwd = path.join(import.meta.dirname, 'rule-tester');
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: userConfigs(plugin, cwd) });
    const code = `import { parentPort } from 'node:worker_threads';
const m = new Map<string, number>();
parentPort?.on('message', (key: string) => { m.set(key, 1); });
`;
    const [result] = await eslint.lintText(code, { filePath: path.join(cwd, 'file.ts') });
    assert.deepEqual(
      result?.messages.map((message) => [message.ruleId, message.line]),
      [['map-race/no-unguarded-map-write', 3]],
    );
  });

  it('the built declarations (dist/index.d.ts) drop into defineConfig without casts', () => {
    const consumer = path.join(root, 'tests', '__plugin-types-consumer__.ts');
    const source = `import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import mapRace from '../dist/index.js';

export default defineConfig([
  mapRace.configs.recommended,
  { plugins: { 'map-race': mapRace } },
  mapRace.configs.strict,
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true } },
    rules: { 'map-race/no-unguarded-map-write': ['error', { ignorePaths: ['test/**'] }] },
  },
]);

const namespace: string = mapRace.meta.namespace;
void namespace;
`;
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      verbatimModuleSyntax: true,
    };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (fileName, languageVersion, ...rest) =>
      path.resolve(fileName) === consumer
        ? ts.createSourceFile(fileName, source, languageVersion)
        : getSourceFile.call(host, fileName, languageVersion, ...rest);
    host.fileExists = (fileName) => path.resolve(fileName) === consumer || fileExists.call(host, fileName);
    host.readFile = (fileName) => (path.resolve(fileName) === consumer ? source : readFile.call(host, fileName));
    const program = ts.createProgram([consumer], options, host);
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((diagnostic) => diagnostic.file?.fileName && path.resolve(diagnostic.file.fileName) === consumer);
    const text = ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (fileName) => fileName,
      getCurrentDirectory: () => root,
      getNewLine: () => '\n',
    });
    assert.equal(text, '', 'a consumer config using the built types type-checks');
    const declarations = program.getSourceFiles().map((file) => path.resolve(file.fileName));
    assert.ok(declarations.includes(path.join(root, 'dist', 'index.d.ts')), 'resolved the built dist/index.d.ts');
  });
});
