/**
 * The site index is built on demand: for a name a walk asks about, only the files and the
 * nodes whose text spells the name are walked (lib/analyzers/flowsites.ts, `sitesIn`). That
 * is only sound if the focused walk finds every site the full walk of every file finds, in
 * the same order. This test asks the index for every key that any file of a program has and
 * compares the answer with the full per-file tables, over every fixture project and over a
 * file that spells names in the ways the text test must not miss (escapes, numeric names,
 * private names, `this`, `super`, listeners of any event).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { runAnalyzer } from '../lib/analysis/driver.js';
import { createConfig } from '../lib/analysis/config.js';
import { ANY_EVENT, flowSitesAnalyzer, NAMED_EVENT, siteTableOf, type Site, type SiteKind } from '../lib/analyzers/flowsites.js';
import { resolveOptions } from '../rules/options.js';

const fixtures = path.join(import.meta.dirname, 'fixtures');

function programOf(dir: string): ts.Program {
  const configFile = ts.readConfigFile(path.join(dir, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, dir);
  return ts.createProgram(parsed.fileNames, { ...parsed.options, noEmit: true });
}

const describeSite = (site: Site): string => {
  const value = 'value' in site ? ` value@${site.value.pos}` : '';
  return `${site.kind} ${path.basename(site.node.getSourceFile().fileName)}@${site.node.pos}-${site.node.end}${value}`;
};

/** Every key whose on-demand answer differs from the full tables, with both answers. */
function disagreements(program: ts.Program, cwd: string): string[] {
  const config = createConfig(resolveOptions(undefined, undefined), cwd);
  const files = program
    .getSourceFiles()
    .filter((file) => !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file) && !config.isIgnoredFile(file.fileName));
  const tables = files.map((file) => siteTableOf(file));
  const keys = new Set(tables.flatMap((table) => [...table.keys()]));
  keys.add(`listener\0${ANY_EVENT}`).add(`listener\0${NAMED_EVENT}`).add('invoke\0notInAnyFile');
  const index = runAnalyzer(program, config, flowSitesAnalyzer);
  const wrong: string[] = [];
  // A numeric name takes every file's full table (which later keys would then be answered
  // from): those keys come last, so that every other key is answered by the focused walks.
  const numeric = (key: string): boolean => /^[0-9.]/.test(key.split('\0')[1]!);
  for (const key of [...keys].sort((a, b) => Number(numeric(a)) - Number(numeric(b)))) {
    const [kind, name] = key.split('\0') as [SiteKind, string];
    const expected = tables.flatMap((table) => table.get(key) ?? []).map(describeSite);
    const actual = index.sites(kind, name).map(describeSite);
    if (JSON.stringify(actual) !== JSON.stringify(expected)) wrong.push(`${kind} '${name}': ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
  }
  return wrong;
}

describe('the on-demand site index', () => {
  it('agrees with the full per-file tables on every key of every fixture project', () => {
    let projects = 0;
    for (const name of fs.readdirSync(fixtures).sort()) {
      const dir = path.join(fixtures, name);
      if (!fs.existsSync(path.join(dir, 'tsconfig.json'))) continue;
      projects++;
      assert.deepEqual(disagreements(programOf(dir), dir), [], `fixture ${name}`);
    }
    assert.ok(projects > 20, `only ${projects} fixture projects found`);
  });

  it('finds names the text spells otherwise, and listeners of every event', () => {
    const files: Record<string, string> = {
      'plain.ts': [
        'export class Bus { #handlers = new Map<string, () => void>(); on(e: string, f: () => void) { this.#handlers.set(e, f); } }',
        'const bus = new Bus();',
        "bus.on('ready', () => {});",
        'const o: Record<string, unknown> = {};',
        "o['data-x'] = () => 1;",
        'export const table = { 0x10: () => 2, 1_000: () => 3, café: () => 4 };',
        'class A { constructor(f: () => void) { f(); } }',
        'class B extends A { constructor() { super(() => {}); this.x = () => 5; } x?: () => number; }',
        'export { B };',
      ].join('\n'),
      'escaped.ts': [
        "const target: Record<string, unknown> = {};",
        "target['mess\\x61ge'] = () => 1;",
        "target['re\\u0061dy'] = () => 2;",
        "const emitter = { on(e: string, f: () => void) { void e; void f; } };",
        "emitter.on('st\\u0061rt', () => {});",
        'export { target, emitter };',
      ].join('\n'),
    };
    const dir = path.join(fixtures, '..', '__flowsites__');
    const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'] };
    const host = ts.createCompilerHost(options);
    const read = host.getSourceFile.bind(host);
    const own = (name: string): string | undefined => (path.dirname(name) === dir ? files[path.basename(name)] : undefined);
    host.getSourceFile = (name, language, ...rest) => {
      const text = own(name);
      return text !== undefined ? ts.createSourceFile(name, text, language, true) : read(name, language, ...rest);
    };
    host.fileExists = ((exists) => (name: string) => own(name) !== undefined || exists(name))(host.fileExists.bind(host));
    const program = ts.createProgram(Object.keys(files).map((name) => path.join(dir, name)), options, host);
    assert.deepEqual(disagreements(program, dir), []);
    // The test is not vacuous: the escaped names and the numeric ones are among the keys.
    const keys = new Set(program.getSourceFiles().flatMap((file) => [...siteTableOf(file).keys()]));
    for (const key of ['property\0message', 'property\0ready', 'listener\0start', 'member\x0016', 'member\x001000', 'member\0café', 'store\0#handlers', 'invoke\0super', 'property\0data-x']) {
      assert.ok(keys.has(key), `no site keyed ${JSON.stringify(key)}`);
    }
  });
});
