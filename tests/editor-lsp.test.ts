// Editor integration, end to end: the real ESLint language server that VS Code,
// Neovim and Helix use (`vscode-eslint-language-server` from
// vscode-langservers-extracted), driven over stdio JSON-RPC by a tiny client,
// linting the example project with its flat config (examples/eslint.config.js).
//
// This server build only offers *pull* diagnostics (LSP 3.17
// `textDocument/diagnostic`; it never sends `textDocument/publishDiagnostics`),
// so the client asks for diagnostics after each open/change, exactly like VS Code
// does for `eslint.run: "onType"`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lsp-client.js';

const RULE = 'map-race/no-unguarded-map-write';
const DOCS_URL = 'https://github.com/map-race/eslint-plugin-map-race/blob/main/docs/rules/no-unguarded-map-write.md';
const root = path.resolve(import.meta.dirname, '..');
const examples = path.join(root, 'examples');
const require = createRequire(import.meta.url);
const serverScript = path.join(
  path.dirname(require.resolve('vscode-langservers-extracted/package.json')),
  'lib/eslint-language-server/eslintServer.js',
);

const cacheFile = path.join(examples, 'src/shared/cache.ts');
const workerFile = path.join(examples, 'src/web/search.worker.ts');
const uri = (file: string) => pathToFileURL(file).href;

/** What the VS Code extension sends for `workspace/configuration` (section ''), with flat config on. */
const settings = {
  validate: 'on',
  packageManager: 'npm',
  useESLintClass: false,
  useFlatConfig: true,
  experimental: {},
  codeAction: {
    disableRuleComment: { enable: true, location: 'separateLine', commentStyle: 'line' },
    showDocumentation: { enable: true },
  },
  codeActionOnSave: { enable: false, mode: 'all' },
  format: false,
  quiet: false,
  onIgnoredFiles: 'off',
  options: {},
  rulesCustomizations: [],
  run: 'onType',
  problems: { shortenToSingleLine: false },
  nodePath: null,
  // = "eslint.workingDirectories": ["./examples"]: ESLint runs with cwd examples/,
  // so it finds examples/eslint.config.js.
  workingDirectory: { directory: examples, '!cwd': false },
  workspaceFolder: { name: 'examples', uri: uri(examples) },
};

interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  message: string;
  code?: string | number;
  source?: string;
  codeDescription?: { href: string };
}

let client: LspClient;
const versions = new Map<string, number>();

function lineOf(text: string, needle: string, nth = 0): number {
  const lines = text.split('\n');
  const found = lines.map((line, index) => (line.includes(needle) ? index : -1)).filter((index) => index >= 0);
  assert.ok(found.length > nth, `"${needle}" not found in the example source`);
  return found[nth]!;
}

function open(file: string, text = fs.readFileSync(file, 'utf8')): void {
  versions.set(file, 1);
  client.notify('textDocument/didOpen', { textDocument: { uri: uri(file), languageId: 'typescript', version: 1, text } });
}

function change(file: string, text: string): void {
  const version = (versions.get(file) ?? 1) + 1;
  versions.set(file, version);
  // Full-content change (allowed with incremental sync: a change without a range replaces the document).
  client.notify('textDocument/didChange', { textDocument: { uri: uri(file), version }, contentChanges: [{ text }] });
}

async function pull(file: string): Promise<Diagnostic[]> {
  const report = await client.request<{ kind: string; items: Diagnostic[] }>('textDocument/diagnostic', {
    textDocument: { uri: uri(file) },
  });
  assert.equal(report.kind, 'full', `expected a full diagnostic report for ${path.relative(root, file)}`);
  return report.items;
}

const findings = (items: Diagnostic[]) => items.filter((item) => item.code === RULE);
const describe = (items: Diagnostic[]) =>
  items.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${String(d.code)} ${d.message}`).join('\n') || '(none)';

before(async () => {
  assert.ok(fs.existsSync(path.join(root, 'dist/index.js')), 'build the plugin first (npm run build)');
  client = new LspClient(process.execPath, [serverScript, '--stdio'], { cwd: examples });
  client.onRequest('workspace/configuration', (params) =>
    (params as { items: unknown[] }).items.map(() => settings),
  );
  // The server may ask the client to show these; answering {} is what an editor that ignores them does.
  for (const method of ['eslint/noConfig', 'eslint/noLibrary', 'eslint/probeFailed', 'eslint/openDoc', 'eslint/confirmESLintExecution']) {
    client.onRequest(method, () => ({}));
  }
  await client.request('initialize', {
    processId: process.pid,
    clientInfo: { name: 'map-race-test-client' },
    rootUri: uri(examples),
    workspaceFolders: [{ uri: uri(examples), name: 'examples' }],
    initializationOptions: {},
    capabilities: {
      workspace: { configuration: true, workspaceFolders: true, diagnostics: { refreshSupport: true } },
      textDocument: {
        synchronization: { dynamicRegistration: false, didSave: true },
        diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false },
        publishDiagnostics: { relatedInformation: false },
      },
    },
  });
  client.notify('initialized', {});
});

after(async () => {
  await client?.stop();
});

test('the ESLint language server reports map-race findings and follows edits', { timeout: 240_000 }, async () => {
  const cacheText = fs.readFileSync(cacheFile, 'utf8');
  const workerText = fs.readFileSync(workerFile, 'utf8');
  const rememberWrite = lineOf(cacheText, 'results.set(query, hits);'); // in remember(): called after an await
  const statsWrite = lineOf(cacheText, 'stats[name] ='); // in countEvent(): synchronous part only

  open(workerFile, workerText);
  open(cacheFile, cacheText);

  // 1. Initial diagnostics: the write in remember() is reported (recommended = interleaving 'await'),
  //    the synchronous stats write is not.
  await pull(workerFile);
  const initial = await pull(cacheFile);
  const problems = client.serverRequests.filter((r) => r.method === 'eslint/noLibrary' || r.method === 'eslint/noConfig');
  assert.deepEqual(problems, [], `server could not find ESLint or its config:\n${client.logText()}`);
  const initialFindings = findings(initial);
  assert.ok(
    initialFindings.some((d) => d.range.start.line === rememberWrite),
    `expected ${RULE} on cache.ts:${rememberWrite + 1}, got:\n${describe(initial)}\nserver log:\n${client.logText()}`,
  );
  assert.ok(
    !initialFindings.some((d) => d.range.start.line === statsWrite),
    `the synchronous stats write (line ${statsWrite + 1}) must not be reported in 'await' mode:\n${describe(initial)}`,
  );
  const diagnostic = initialFindings.find((d) => d.range.start.line === rememberWrite)!;
  assert.equal(diagnostic.source, 'eslint');
  assert.equal(diagnostic.codeDescription?.href, DOCS_URL, 'the diagnostic links to the rule docs');

  // 2. Edit the store file: put the write under navigator.locks — the finding goes away.
  const locked = cacheText.replace(
    'results.set(query, hits);',
    "void navigator.locks.request('search-cache', () => {\n    results.set(query, hits);\n  });",
  );
  assert.notEqual(locked, cacheText);
  change(cacheFile, locked);
  const afterLock = await pull(cacheFile);
  const lockedWrite = lineOf(locked, 'results.set(query, hits);');
  assert.ok(
    !findings(afterLock).some((d) => d.range.start.line === lockedWrite),
    `write under navigator.locks.request is still reported:\n${describe(afterLock)}`,
  );

  // 3. Undo: the finding comes back (the server lints the unsaved buffer, not the file on disk).
  change(cacheFile, cacheText);
  const undone = await pull(cacheFile);
  assert.ok(
    findings(undone).some((d) => d.range.start.line === rememberWrite),
    `finding did not come back after undoing the lock:\n${describe(undone)}`,
  );

  // 4. Edit the *handler* file so it no longer calls remember(): cache.ts has not
  //    changed, but its diagnostics depend on the handler. After the handler is
  //    re-linted (the editor pulls the changed document first), pulling cache.ts
  //    again shows the finding gone — the project service sees the unsaved handler.
  const noCaching = workerText.replace('remember(request.query, hits);', '// (result not cached)');
  assert.notEqual(noCaching, workerText);
  change(workerFile, noCaching);
  await pull(workerFile);
  const afterHandlerEdit = await pull(cacheFile);
  assert.ok(
    !findings(afterHandlerEdit).some((d) => d.range.start.line === rememberWrite),
    `cache.ts still reports remember() after the handler stopped calling it:\n${describe(afterHandlerEdit)}`,
  );

  // 5. And back again.
  change(workerFile, workerText);
  await pull(workerFile);
  const restored = await pull(cacheFile);
  assert.ok(
    findings(restored).some((d) => d.range.start.line === rememberWrite),
    `finding did not come back after restoring the handler:\n${describe(restored)}`,
  );
});

test('pitfall the docs warn about: eslint.experimental.useFlatConfig: true disables validation with ESLint 10', { timeout: 120_000 }, async () => {
  // nvim-lspconfig sets this when it sees eslint.config.*; with ESLint 10 the server
  // then looks for a FlatESLint class in eslint/use-at-your-own-risk, finds none,
  // and validates nothing. docs/integrations.md tells users to override it.
  const legacy = new LspClient(process.execPath, [serverScript, '--stdio'], { cwd: examples });
  try {
    legacy.onRequest('workspace/configuration', (params) =>
      (params as { items: unknown[] }).items.map(() => ({ ...settings, experimental: { useFlatConfig: true } })),
    );
    await legacy.request('initialize', {
      processId: process.pid,
      rootUri: uri(examples),
      workspaceFolders: [{ uri: uri(examples), name: 'examples' }],
      capabilities: { workspace: { configuration: true }, textDocument: { diagnostic: {} } },
    });
    legacy.notify('initialized', {});
    legacy.notify('textDocument/didOpen', {
      textDocument: { uri: uri(cacheFile), languageId: 'typescript', version: 1, text: fs.readFileSync(cacheFile, 'utf8') },
    });
    const report = await legacy.request<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: uri(cacheFile) } });
    assert.deepEqual(report.items, []);
    assert.match(legacy.logText(), /doesn't export a FlatESLint class/);
  } finally {
    await legacy.stop();
  }
});
