// Rule-tester tests for map-race/no-unguarded-map-write, run on the BUILT plugin
// (dist/, which `npm test` builds first): messages and their data, every option,
// settings['map-race'] as shared defaults, the ignore directive, configuration
// errors, the untyped-file error, and the shape of the plugin's default export.
//
// Typed linting: each case is linted as `file.ts` in tests/rule-tester/, whose
// tsconfig.json (types: node) lists exactly that file, through the project
// service. (`projectService: { allowDefaultProject: ['*.ts*'] }` does not fit here:
// a default-project file must not also belong to the tsconfig, and a tsconfig
// without any input fails to parse, so the default project would silently lose its
// compiler options — `types: ["node"]` among them.)
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { RuleTester } from '@typescript-eslint/rule-tester';
import type { TSESLint } from '@typescript-eslint/utils';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import type pluginSource from '../index.js';
import type { MessageIds } from '../rules/no-unguarded-map-write.js';
import type { RuleOptions } from '../rules/options.js';

// The built plugin, typed by its source (importing dist by a computed URL keeps
// `tsc --noEmit` independent of whether dist/ exists yet).
const distEntry = new URL('../dist/index.js', import.meta.url).href;
const { default: plugin } = (await import(distEntry)) as { default: typeof pluginSource };

RuleTester.afterAll = after;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const RULE_ID = 'map-race/no-unguarded-map-write';
const tsconfigRootDir = path.join(import.meta.dirname, 'rule-tester');
const rule = plugin.rules['no-unguarded-map-write'] as unknown as TSESLint.RuleModule<MessageIds, [RuleOptions]>;

const ruleTester = new RuleTester({
  languageOptions: {
    parserOptions: { projectService: true, tsconfigRootDir },
  },
});

/** The `unguardedWrite` data of a report with no await, no chain and no lock note. */
function write(container: string, registrationLine: number, extra: Partial<Record<string, string>> = {}): Record<string, string> {
  return {
    container,
    interleaving: '',
    context: "'message' handler",
    registration: `file.ts:${registrationLine}`,
    chain: '',
    lockNote: '',
    ...extra,
  };
}

const PORT = "import { parentPort } from 'node:worker_threads';\n";

describe('messages', () => {
  ruleTester.run('no-unguarded-map-write', rule, {
    valid: [
      {
        name: 'a write only start-up code calls',
        code: `${PORT}const m = new Map<string, number>();
export function init(): void { m.clear(); }
init();
parentPort?.on('message', (key: string) => { void m.get(key); });
`,
      },
      {
        name: 'a write reached only from a non-message event',
        code: `${PORT}const m = new Map<string, number>();
parentPort?.on('error', () => { m.clear(); });
`,
      },
      {
        name: 'a container the invocation creates',
        code: `${PORT}parentPort?.on('message', (key: string) => {
  const local = new Map<string, number>();
  local.set(key, 1);
});
`,
      },
    ],
    invalid: [
      {
        name: 'container, context and registration',
        code: `${PORT}const sessions = new Map<string, number>();
parentPort?.on('message', (key: string) => {
  sessions.set(key, 1);
});
`,
        errors: [
          { messageId: 'unguardedWrite', data: write("Map 'sessions'", 3), line: 4, column: 3, endLine: 4, endColumn: 23 },
        ],
      },
      {
        name: 'a Record container',
        code: `${PORT}const counts: Record<string, number> = {};
parentPort?.on('message', (key: string) => { counts[key] = 1; });
`,
        errors: [{ messageId: 'unguardedWrite', data: write("Record 'counts'", 3), line: 3, column: 46 }],
      },
      {
        name: 'the call chain to a write in another function',
        code: `${PORT}const sessions = new Map<string, number>();
function touch(id: string): void {
  sessions.set(id, Date.now());
}
function record(id: string): void {
  touch(id);
}
function onMessage(message: { id: string }): void {
  record(message.id);
}
parentPort?.on('message', onMessage);
`,
        errors: [
          { messageId: 'unguardedWrite', data: write("Map 'sessions'", 12, { chain: ' (onMessage → record → touch)' }), line: 4 },
        ],
      },
      {
        name: 'several contexts: one report, the shortest chain, and how many reach it',
        code: `${PORT}const sessions = new Map<string, number>();
function put(id: string): void {
  sessions.set(id, 1);
}
function viaHelper(id: string): void {
  put(id);
}
function onLong(id: string): void {
  viaHelper(id);
}
function onShort(id: string): void {
  put(id);
}
parentPort?.on('message', onLong);
parentPort?.on('messageerror', onShort);
process.on('message', onLong);
`,
        errors: [
          {
            messageId: 'unguardedWrite',
            data: write("Map 'sessions'", 16, {
              context: "'messageerror' handler",
              chain: ' (onShort → put); 2 more contexts reach it',
            }),
            line: 4,
          },
        ],
      },
      {
        name: 'a write in a Map subclass through this',
        code: `${PORT}class Cache extends Map<string, number> {
  remember(key: string): void {
    this.set(key, 1);
  }
}
const cache = new Cache();
parentPort?.on('message', (key: string) => cache.remember(key));
`,
        errors: [{ messageId: 'unguardedWrite', data: write("Map 'this'", 8, { chain: " (on('message') handler → Cache.remember)" }), line: 4 }],
      },
    ],
  });
});

describe('directives', () => {
  ruleTester.run('no-unguarded-map-write', rule, {
    valid: [
      {
        name: 'trailing directive, every form',
        code: `${PORT}const m = new Map<string, number>();
parentPort?.on('message', (key: string) => {
  m.set(key, 1); // map-race-ignore
  m.set(key, 2); // map-race-ignore: one writer per key
  m.set(key, 3); // map-race-ignore -- one writer per key
  m.set(key, 4); /* map-race-ignore: block form */
});
`,
      },
      {
        name: 'a directive standing alone covers every line of the next statement',
        code: `${PORT}const m = new Map<string, number>();
parentPort?.on('message', (key: string) => {
  // map-race-ignore: batch update
  if (key) {
    m.set(key, 1);
    m.delete(key);
  }
});
`,
      },
      {
        name: 'reportUnusedIgnores: false',
        code: `${PORT}const m = new Map<string, number>();
// map-race-ignore: nothing to cover
parentPort?.on('message', (key: string) => { void m.get(key); });
`,
        options: [{ reportUnusedIgnores: false }],
      },
      {
        name: 'requireIgnoreReason: true accepts a directive with a reason',
        code: `${PORT}const m = new Map<string, number>();
parentPort?.on('message', (key: string) => {
  m.set(key, 1); // map-race-ignore: one writer per key
});
`,
        options: [{ requireIgnoreReason: true }],
      },
    ],
    invalid: [
      {
        name: 'a directive that covers no report',
        code: `${PORT}const m = new Map<string, number>();
parentPort?.on('message', (key: string) => {
  void m.get(key); // map-race-ignore: not a write
});
`,
        errors: [{ messageId: 'unusedIgnore', line: 4, column: 20, endLine: 4, endColumn: 51 }],
      },
      {
        name: 'a directive above a blank line covers nothing',
        code: `${PORT}const m = new Map<string, number>();
// map-race-ignore -- too far away

parentPort?.on('message', (key: string) => { m.set(key, 1); });
`,
        errors: [
          { messageId: 'unusedIgnore', line: 3 },
          { messageId: 'unguardedWrite', data: write("Map 'm'", 5), line: 5 },
        ],
      },
      {
        name: 'a misspelled directive covers nothing',
        code: `${PORT}const m = new Map<string, number>();
parentPort?.on('message', (key: string) => {
  m.set(key, 1); // map-race-ignor: misspelled
});
`,
        errors: [{ messageId: 'unguardedWrite', data: write("Map 'm'", 3), line: 4 }],
      },
      {
        name: 'requireIgnoreReason: a reasonless directive is reported and covers nothing',
        code: `${PORT}const m = new Map<string, number>();
parentPort?.on('message', (key: string) => {
  m.set(key, 1); // map-race-ignore
});
`,
        options: [{ requireIgnoreReason: true }],
        errors: [
          { messageId: 'unguardedWrite', data: write("Map 'm'", 3), line: 4, column: 3 },
          { messageId: 'missingIgnoreReason', line: 4, column: 18 },
        ],
      },
      {
        name: 'requireIgnoreReason: an empty reason is no reason',
        code: `${PORT}const m = new Map<string, number>();
parentPort?.on('message', (key: string) => {
  m.set(key, 1); /* map-race-ignore: */
});
`,
        options: [{ requireIgnoreReason: true }],
        errors: [{ messageId: 'unguardedWrite' }, { messageId: 'missingIgnoreReason', line: 4, column: 18 }],
      },
      {
        name: 'reportUnusedIgnores defaults to true',
        code: `${PORT}const m = new Map<string, number>();
// map-race-ignore: nothing to cover
parentPort?.on('message', (key: string) => { void m.get(key); });
`,
        errors: [{ messageId: 'unusedIgnore', line: 3 }],
      },
    ],
  });
});

describe('interleaving', () => {
  const code = `${PORT}const m = new Map<string, number>();
parentPort?.on('message', async (key: string) => {
  m.set(key, 0);
  await Promise.resolve();
  m.set(key, 1);
});
`;
  ruleTester.run('no-unguarded-map-write', rule, {
    valid: [
      {
        name: "interleaving: 'await' leaves a synchronous handler alone",
        code: `${PORT}const m = new Map<string, number>();
parentPort?.on('message', (key: string) => { m.set(key, 0); });
`,
        options: [{ interleaving: 'await' }],
      },
    ],
    invalid: [
      {
        name: "interleaving: 'any' (the default) reports every unguarded write",
        code,
        errors: [
          { messageId: 'unguardedWrite', data: write("Map 'm'", 3), line: 4 },
          { messageId: 'unguardedWrite', data: write("Map 'm'", 3), line: 6 },
        ],
      },
      {
        name: "interleaving: 'await' reports a turn replacing the entry it set before the await, when the key comes from the message",
        code,
        options: [{ interleaving: 'await' }],
        errors: [{ messageId: 'entryConflict', line: 6 }],
      },
      {
        name: "interleaving: 'await' reports a write acting on a read taken before the await, and not a blind write",
        code: `${PORT}const m = new Map<string, number>();
parentPort?.on('message', async (key: string) => {
  const n = m.get(key) ?? 0;
  await Promise.resolve();
  m.set(key, n + 1);
  m.set(\`seen:\${key}\`, Date.now());
});
`,
        options: [{ interleaving: 'await' }],
        errors: [{ messageId: 'staleRead', line: 6 }],
      },
    ],
  });
});

describe('guards option', () => {
  const LOCKS = `${PORT}const m = new Map<string, number>();
declare function withLock(fn: () => void): void;
declare const util: { withLock(fn: () => void): void };
declare const locks: { run(fn: () => void): void };
declare const app: { locks: { run(fn: () => void): void } };
declare const queue: { run(fn: () => void): void };
declare function run(fn: () => void): void;
declare function lock(name: string): void;
declare function unlock(name: string): void;
`;
  // Line 11 of every case below registers the handler.
  ruleTester.run('no-unguarded-map-write', rule, {
    valid: [
      {
        name: '{ callback }: a plain call',
        code: `${LOCKS}parentPort?.on('message', (key: string) => { withLock(() => m.set(key, 1)); });\n`,
        options: [{ guards: [{ callback: 'withLock' }] }],
      },
      {
        name: '{ callback }: a method call x.withLock(…)',
        code: `${LOCKS}parentPort?.on('message', (key: string) => { util.withLock(() => m.set(key, 1)); });\n`,
        options: [{ guards: [{ callback: 'withLock' }] }],
      },
      {
        name: '{ callback }: a function reference passed to the guard',
        code: `${LOCKS}parentPort?.on('message', (key: string) => {
  const put = (): void => { m.set(key, 1); };
  withLock(put);
});
`,
        options: [{ guards: [{ callback: 'withLock' }] }],
      },
      {
        name: '{ callback: "locks.run" } matches locks.run(…)',
        code: `${LOCKS}parentPort?.on('message', (key: string) => { locks.run(() => m.set(key, 1)); });\n`,
        options: [{ guards: [{ callback: 'locks.run' }] }],
      },
      {
        name: '{ callback: "locks.run" } matches the end of a longer chain, app.locks.run(…)',
        code: `${LOCKS}parentPort?.on('message', (key: string) => { app.locks.run(() => m.set(key, 1)); });\n`,
        options: [{ guards: [{ callback: 'locks.run' }] }],
      },
      {
        name: '{ acquire, release }: between lock() and unlock()',
        code: `${LOCKS}parentPort?.on('message', (key: string) => {
  lock('m');
  m.set(key, 1);
  m.delete(key);
  unlock('m');
});
`,
        options: [{ guards: [{ acquire: 'lock', release: 'unlock' }] }],
      },
      {
        name: '{ acquire, release }: in the try whose finally releases',
        code: `${LOCKS}parentPort?.on('message', (key: string) => {
  lock('m');
  try {
    m.set(key, 1);
  } finally {
    unlock('m');
  }
});
`,
        options: [{ guards: [{ acquire: 'lock', release: 'unlock' }] }],
      },
    ],
    invalid: [
      {
        name: 'without the option, withLock is no guard',
        code: `${LOCKS}parentPort?.on('message', (key: string) => { withLock(() => m.set(key, 1)); });\n`,
        errors: [{ messageId: 'unguardedWrite', line: 11 }],
      },
      {
        name: '{ callback: "locks.run" } does not match queue.run(…)',
        code: `${LOCKS}parentPort?.on('message', (key: string) => { queue.run(() => m.set(key, 1)); });\n`,
        options: [{ guards: [{ callback: 'locks.run' }] }],
        errors: [{ messageId: 'unguardedWrite', line: 11 }],
      },
      {
        name: '{ callback: "locks.run" } does not match a bare run(…)',
        code: `${LOCKS}parentPort?.on('message', (key: string) => { run(() => m.set(key, 1)); });\n`,
        options: [{ guards: [{ callback: 'locks.run' }] }],
        errors: [{ messageId: 'unguardedWrite', line: 11 }],
      },
      {
        name: '{ acquire, release }: before the lock is taken and after it is released',
        code: `${LOCKS}parentPort?.on('message', (key: string) => {
  m.set(key, 0);
  lock('m');
  m.set(key, 1);
  unlock('m');
  m.set(key, 2);
});
`,
        options: [{ guards: [{ acquire: 'lock', release: 'unlock' }] }],
        errors: [
          { messageId: 'unguardedWrite', line: 12 },
          { messageId: 'unguardedWrite', line: 16 },
        ],
      },
      {
        name: '{ acquire, release }: a write outside the block that took the lock',
        code: `${LOCKS}parentPort?.on('message', (key: string) => {
  if (key) {
    lock('m');
  }
  m.set(key, 1);
  unlock('m');
});
`,
        options: [{ guards: [{ acquire: 'lock', release: 'unlock' }] }],
        errors: [{ messageId: 'unguardedWrite', line: 15 }],
      },
    ],
  });
});

describe('contexts option', () => {
  const APIS = `const m = new Map<string, number>();
declare const router: { onRequest(fn: (key: string) => void): void };
declare const bus: { subscribe(fn: (key: string) => void): void };
declare const other: { subscribe(fn: (key: string) => void): void };
declare function serve(api: object): void;
`;
  ruleTester.run('no-unguarded-map-write', rule, {
    valid: [
      {
        name: 'without the option, a project-specific handler is no context',
        code: `${APIS}router.onRequest((key) => { m.set(key, 1); });\n`,
      },
      {
        name: '{ handler: "bus.subscribe" } does not match other.subscribe(…)',
        code: `${APIS}other.subscribe((key) => { m.set(key, 1); });\n`,
        options: [{ contexts: [{ handler: 'bus.subscribe' }] }],
      },
      {
        name: 'without the option, an exposed object is no context',
        code: `${APIS}serve({ put(key: string) { m.set(key, 1); } });\n`,
      },
    ],
    invalid: [
      {
        name: '{ handler }: function arguments of the call are message handlers',
        code: `${APIS}router.onRequest((key) => { m.set(key, 1); });\n`,
        options: [{ contexts: [{ handler: 'onRequest' }] }],
        errors: [
          {
            messageId: 'unguardedWrite',
            data: { ...write("Map 'm'", 6), context: 'onRequest handler' },
            line: 6,
          },
        ],
      },
      {
        name: '{ handler: "bus.subscribe" } matches bus.subscribe(…)',
        code: `${APIS}bus.subscribe((key) => { m.set(key, 1); });\n`,
        options: [{ contexts: [{ handler: 'bus.subscribe' }] }],
        errors: [{ messageId: 'unguardedWrite', data: { ...write("Map 'm'", 6), context: 'bus.subscribe handler' } }],
      },
      {
        name: '{ expose }: every method of the exposed object is a message handler',
        code: `${APIS}serve({
  put(key: string) { m.set(key, 1); },
  drop: (key: string) => { m.delete(key); },
  read(key: string) { return m.get(key); },
});
`,
        options: [{ contexts: [{ expose: 'serve' }] }],
        errors: [
          { messageId: 'unguardedWrite', data: { ...write("Map 'm'", 6), context: 'serve method' }, line: 7 },
          { messageId: 'unguardedWrite', data: { ...write("Map 'm'", 6), context: 'serve method' }, line: 8 },
        ],
      },
    ],
  });
});

describe('ignorePaths option', () => {
  // The rule tester's ESLint working directory is tests/rule-tester, where file.ts lives.
  const code = `${PORT}const m = new Map<string, number>();
parentPort?.on('message', (key: string) => { m.set(key, 1); });
`;
  ruleTester.run('no-unguarded-map-write', rule, {
    valid: [
      { name: 'a glob matching the file leaves it out', code, options: [{ ignorePaths: ['*.ts'] }] },
      { name: 'an exact relative path', code, options: [{ ignorePaths: ['file.ts'] }] },
      { name: 'from settings', code, settings: { 'map-race': { ignorePaths: ['**/*.ts'] } } },
    ],
    invalid: [
      {
        name: 'a glob that does not match the file',
        code,
        options: [{ ignorePaths: ['src/**', 'test/**'] }],
        errors: [{ messageId: 'unguardedWrite', data: write("Map 'm'", 3), line: 3 }],
      },
      {
        name: "the rule's own ignorePaths win over settings",
        code,
        settings: { 'map-race': { ignorePaths: ['file.ts'] } },
        options: [{ ignorePaths: [] }],
        errors: [{ messageId: 'unguardedWrite', data: write("Map 'm'", 3), line: 3 }],
      },
    ],
  });
});

describe('blind spots', () => {
  // tests/rule-tester's lib has no WebWorker or DOM: a bare `onmessage` has no type there.
  const bareOnmessage = `const m = new Map<string, number>();
// @ts-expect-error -- no global onmessage without the WebWorker lib
onmessage = (event: { data: string }) => { m.set(event.data, 1); };
`;
  const untypedImport = `// @ts-expect-error -- no types for this module
import { port } from 'uninstalled-rpc-package';
const m = new Map<string, number>();
port.on('message', (key: string) => { m.set(key, 1); });
`;
  ruleTester.run('no-unguarded-map-write', rule, {
    valid: [
      {
        name: 'a receiver declared `any` is the project\'s choice, not a blind spot',
        code: `declare const port: any;\nconst m = new Map<string, number>();\nport.on('message', (key: string) => { m.set(key, 1); });\n`,
      },
      { name: 'a file that ignorePaths leaves out says nothing', code: untypedImport, options: [{ ignorePaths: ['file.ts'] }] },
      { name: 'an untyped receiver of another event is no blind spot', code: untypedImport.replace("'message'", "'close'") },
    ],
    invalid: [
      {
        name: 'a bare onmessage without the WebWorker lib names the lib to add',
        code: bareOnmessage,
        errors: [
          {
            messageId: 'blindSpot',
            line: 3,
            column: 1,
            data: {
              missing: "the type of 'onmessage', on which this 'message' listener is registered",
              fix: 'make its type resolve: import it from a package whose types are installed, add "node" to compilerOptions.types for Node (worker_threads, process), or "WebWorker" (or "DOM") to compilerOptions.lib for a worker\'s (or page\'s) globals',
            },
          },
        ],
      },
      {
        name: 'a listener on a receiver from a package without types',
        code: untypedImport,
        errors: [{ messageId: 'blindSpot', line: 4, column: 1, endColumn: 56 }],
      },
    ],
  });
});

describe("settings['map-race']", () => {
  const code = `${PORT}const m = new Map<string, number>();
declare function withLock(fn: () => void): void;
parentPort?.on('message', async (key: string) => {
  m.set(key, 0);
  await Promise.resolve();
  withLock(() => m.set(key, 1));
});
`;
  ruleTester.run('no-unguarded-map-write', rule, {
    valid: [
      {
        name: 'shared defaults apply when the rule has no options',
        code,
        settings: { 'map-race': { interleaving: 'await', guards: [{ callback: 'withLock' }] } },
      },
      {
        name: 'reportUnusedIgnores from settings',
        code: `${PORT}// map-race-ignore: nothing to cover
parentPort?.on('message', () => {});
`,
        settings: { 'map-race': { reportUnusedIgnores: false } },
      },
    ],
    invalid: [
      {
        name: "the rule's own interleaving wins over settings",
        code,
        settings: { 'map-race': { interleaving: 'await', guards: [{ callback: 'withLock' }] } },
        options: [{ interleaving: 'any' }],
        errors: [
          {
            messageId: 'unguardedWrite',
            data: write("Map 'm'", 4, { lockNote: ' It is also written under a lock at file.ts:7: the writes disagree about locking.' }),
            line: 5,
          },
        ],
      },
      {
        name: "the rule's own guards win over settings",
        code,
        settings: { 'map-race': { interleaving: 'await', guards: [{ callback: 'withLock' }] } },
        options: [{ guards: [] }],
        errors: [
          { messageId: 'entryConflict', line: 7 },
        ],
      },
      {
        name: "the rule's own reportUnusedIgnores wins over settings",
        code: `${PORT}// map-race-ignore: nothing to cover
parentPort?.on('message', () => {});
`,
        settings: { 'map-race': { reportUnusedIgnores: false } },
        options: [{ reportUnusedIgnores: true }],
        errors: [{ messageId: 'unusedIgnore', line: 2 }],
      },
      {
        name: 'requireIgnoreReason from settings',
        code: `${PORT}const m = new Map<string, number>();
parentPort?.on('message', (key: string) => {
  m.set(key, 1); /* map-race-ignore */
});
`,
        settings: { 'map-race': { requireIgnoreReason: true } },
        errors: [{ messageId: 'unguardedWrite' }, { messageId: 'missingIgnoreReason' }],
      },
    ],
  });
});

// ---------------------------------------------------------------------------
// Message texts, ESLint's disable comments, configuration errors and the untyped-file
// error, through ESLint's Linter API.

const HANDLER_CODE = `${PORT}const m = new Map<string, number>();
parentPort?.on('message', (key: string) => { m.set(key, 1); });
`;

function lint(options: unknown, settings?: unknown, typed = true): Linter.LintMessage[] {
  const linter = new Linter({ cwd: tsconfigRootDir });
  const config: Linter.Config = {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser as Linter.Parser,
      ...(typed ? { parserOptions: { projectService: true, tsconfigRootDir } } : {}),
    },
    plugins: { 'map-race': plugin },
    rules: { [RULE_ID]: options === undefined ? 'error' : ['error', options] } as Linter.RulesRecord,
    ...(settings === undefined ? {} : { settings: { 'map-race': settings } }),
  };
  return linter.verify(HANDLER_CODE, [config], path.join(tsconfigRootDir, 'file.ts'));
}

function configError(options: unknown, settings?: unknown, typed = true): string {
  try {
    const messages = lint(options, settings, typed);
    assert.fail(`expected a configuration error, got ${messages.length} message(s): ${messages.map((m) => m.message).join(' | ')}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return (error as Error).message;
  }
}

describe('message texts and ESLint disable comments (Linter API)', () => {
  it('the Linter setup itself works (positive control)', () => {
    const messages = lint({});
    assert.deepEqual(
      messages.map((m) => [m.ruleId, m.line]),
      [[RULE_ID, 3]],
    );
  });

  it('the full texts of the three messages', () => {
    const linter = new Linter({ cwd: tsconfigRootDir });
    const code = `${PORT}const counts: Record<string, number> = {};
parentPort?.on('message', (key: string) => {
  counts[key] = 1;
  counts[key] = 2; /* map-race-ignore */
});
// map-race-ignore: covers nothing
`;
    const messages = linter.verify(
      code,
      [
        {
          files: ['**/*.ts'],
          languageOptions: { parser: tseslint.parser as Linter.Parser, parserOptions: { projectService: true, tsconfigRootDir } },
          plugins: { 'map-race': plugin },
          rules: { [RULE_ID]: ['error', { requireIgnoreReason: true }] },
        },
      ],
      path.join(tsconfigRootDir, 'file.ts'),
    );
    assert.deepEqual(
      messages.map((m) => [m.line, m.message]),
      [
        [4, "Record 'counts' is written without a lock, reachable from the 'message' handler registered at file.ts:3. Hold a lock around it (navigator.locks.request, async-mutex runExclusive, …), or mark it `// map-race-ignore: <why>` if it is safe."],
        [5, "Record 'counts' is written without a lock, reachable from the 'message' handler registered at file.ts:3. Hold a lock around it (navigator.locks.request, async-mutex runExclusive, …), or mark it `// map-race-ignore: <why>` if it is safe."],
        [5, 'This map-race-ignore directive gives no reason, which requireIgnoreReason requires: write `// map-race-ignore: <why it is safe>`. It covers nothing until then.'],
        [7, 'This map-race-ignore directive covers no report of map-race/no-unguarded-map-write: remove it.'],
      ],
    );
  });

  it("ESLint's own disable comments keep working", () => {
    const linter = new Linter({ cwd: tsconfigRootDir });
    const code = `${PORT}const m = new Map<string, number>();
parentPort?.on('message', (key: string) => {
  // eslint-disable-next-line ${RULE_ID}
  m.set(key, 1);
  m.set(key, 2); // eslint-disable-line ${RULE_ID} -- reviewed
  m.set(key, 3);
});
`;
    const messages = linter.verify(
      code,
      [
        {
          files: ['**/*.ts'],
          languageOptions: { parser: tseslint.parser as Linter.Parser, parserOptions: { projectService: true, tsconfigRootDir } },
          plugins: { 'map-race': plugin },
          rules: { [RULE_ID]: 'error' },
        },
      ],
      path.join(tsconfigRootDir, 'file.ts'),
    );
    assert.deepEqual(
      messages.map((m) => [m.ruleId, m.line]),
      [[RULE_ID, 7]],
    );
  });

});

describe('configuration errors', () => {
  it('an unknown option key is rejected, naming the key', () => {
    const message = configError({ interleving: 'await' });
    assert.match(message, new RegExp(RULE_ID));
    assert.match(message, /"interleving"/);
    assert.match(message, /"interleaving"/, 'the message lists the expected keys');
  });

  it("a wrong value for interleaving ('sometimes') is rejected, naming the option", () => {
    const message = configError({ interleaving: 'sometimes' });
    assert.match(message, new RegExp(RULE_ID));
    assert.match(message, /sometimes/);
    assert.match(message, /interleaving/);
  });

  it('a wrong type for a boolean option is rejected, naming the option', () => {
    const message = configError({ reportUnusedIgnores: 'yes' });
    assert.match(message, new RegExp(RULE_ID));
    assert.match(message, /reportUnusedIgnores/);
  });

  it('a wrong type for guards (a string, not an array) is rejected, naming the option', () => {
    const message = configError({ guards: 'withLock' });
    assert.match(message, new RegExp(RULE_ID));
    assert.match(message, /guards/);
  });

  it('a misspelled guard key (callbak) is rejected, naming the key', () => {
    const message = configError({ guards: [{ callbak: 'withLock' }] });
    assert.match(message, new RegExp(RULE_ID));
    assert.match(message, /"callbak"/);
    assert.match(message, /"callback"/);
  });

  it('a guard with acquire but no release is rejected', () => {
    const message = configError({ guards: [{ acquire: 'lock' }] });
    assert.match(message, new RegExp(RULE_ID));
  });

  it('a context spec with a wrong type is rejected, naming the key', () => {
    const message = configError({ contexts: [{ handler: 1 }] });
    assert.match(message, /handler/);
  });

  it('a malformed ignorePaths glob is a clear error naming ignorePaths', () => {
    const message = configError({ ignorePaths: ['src/[a-'] });
    assert.match(message, /ignorePaths/);
    assert.match(message, /src\/\[a-/);
  });

  it("invalid settings['map-race'] values name settings['map-race'].<key>", () => {
    assert.match(configError({}, { interleaving: 'sometimes' }), /settings\['map-race'\]\.interleaving/);
    assert.match(configError({}, { reportUnusedIgnores: 'yes' }), /settings\['map-race'\]\.reportUnusedIgnores/);
    assert.match(configError({}, { guards: [{ callbak: 'x' }] }), /settings\['map-race'\]\.guards/);
    assert.match(configError({}, { contexts: 'serve' }), /settings\['map-race'\]\.contexts/);
    assert.match(configError({}, { ignorePaths: [1] }), /settings\['map-race'\]\.ignorePaths/);
    assert.match(configError({}, { interleving: 'await' }), /settings\['map-race'\].*interleving/);
  });

  it('a malformed glob in settings is a clear error naming ignorePaths', () => {
    assert.match(configError({}, { ignorePaths: ['src/[a-'] }), /ignorePaths/);
  });

  it('a file linted without type information gets the standard typescript-eslint error', () => {
    const message = configError(undefined, undefined, false);
    assert.match(message, /requires type information/);
    assert.match(message, /parserOptions/);
    assert.match(message, /typed-linting/);
  });
});

// ---------------------------------------------------------------------------
// The plugin's default export.

describe('plugin export', () => {
  it('has meta with name, version and the map-race namespace', () => {
    assert.equal(plugin.meta.namespace, 'map-race');
    assert.equal(plugin.meta.name, 'eslint-plugin-map-race');
    assert.match(plugin.meta.version, /^\d+\.\d+\.\d+/);
  });

  it('exposes the rule with its documented meta', () => {
    assert.deepEqual(Object.keys(plugin.rules), ['no-unguarded-map-write']);
    const meta = rule.meta;
    assert.equal(meta.type, 'problem');
    assert.equal((meta.docs as { requiresTypeChecking?: boolean } | undefined)?.requiresTypeChecking, true);
    assert.match(meta.docs?.url ?? '', /docs\/rules\/no-unguarded-map-write\.md$/);
    assert.ok(Array.isArray(meta.schema) && meta.schema.length === 1, 'one options object');
    assert.deepEqual(Object.keys(meta.messages).sort(), ['analysisFailed', 'blindSpot', 'entryConflict', 'latePublish', 'missingIgnoreReason', 'staleRead', 'unguardedWrite', 'unusedIgnore']);
  });

  it('configs.recommended registers the plugin and turns the rule on as error, interleaving await', () => {
    const config = plugin.configs.recommended;
    assert.equal(config.plugins?.['map-race'], plugin);
    const entry = config.rules?.[RULE_ID];
    assert.ok(Array.isArray(entry), 'severity with options');
    assert.ok(entry[0] === 'error' || entry[0] === 2);
    assert.equal((entry[1] as RuleOptions).interleaving, 'await');
  });

  it('configs.strict is the same with requireIgnoreReason: true and interleaving any', () => {
    const config = plugin.configs.strict;
    assert.equal(config.plugins?.['map-race'], plugin);
    const entry = config.rules?.[RULE_ID];
    assert.ok(Array.isArray(entry));
    assert.ok(entry[0] === 'error' || entry[0] === 2);
    assert.equal((entry[1] as RuleOptions).requireIgnoreReason, true);
    assert.equal((entry[1] as RuleOptions).interleaving, 'any');
  });

  it('configs.recommended lints a typed file (the config is usable as is)', () => {
    const linter = new Linter({ cwd: tsconfigRootDir });
    const code = `${PORT}const m = new Map<string, number>();
parentPort?.on('message', async (key: string) => {
  if (!m.has(key)) {
    await Promise.resolve();
    m.set(key, m.size);
  }
});
`;
    const messages = linter.verify(
      code,
      [
        plugin.configs.recommended,
        { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser, parserOptions: { projectService: true, tsconfigRootDir } } },
      ],
      path.join(tsconfigRootDir, 'file.ts'),
    );
    assert.deepEqual(
      messages.map((m) => [m.ruleId, m.severity, m.line]),
      [[RULE_ID, 2, 6]],
    );
  });
});
