import ts from '../util/typescript.cjs';
import { mayNameEvent } from '../util/events.js';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { sourceFilesOf, type Probe } from '../analysis/cross-program-cache.js';
import { calleeName, skipParens } from '../util/ast.js';

/**
 * flowsites: the places where a value is put somewhere that other code reads it from,
 * by name, for the value-flow analysis to search. Per file (from syntax alone, cached by
 * `ts.SourceFile`): property writes (`o.p = v`, `o['p'] = v`) by property name; stores
 * into a container (`c.push(v)`, `c.set(k, v)`, `c.add(v)`, `c[k] = v`, `c.p = v`) by
 * the container's last name; plain assignments (`x = v`) by variable name; local aliases
 * (`const ah = this.actionHandler`) by the name of what they alias; object-literal
 * members and class members by name (where an interface's implementations live);
 * invocations (`f(…)`, `new C(…)`, `super(…)`) by the callee's last name; and listener
 * registrations (`e.on('ev', f)`, `t.addEventListener('ev', f)`) by event name (and all of them under `*`). For the
 * whole program it answers "every such site named N", and a probe that tells a later
 * program whether the same search would look at the same files.
 */
export const flowSitesAnalyzer = defineAnalyzer<FlowSites>({
  name: 'flowsites',
  doc: 'Indexes, per file and by name, where values are stored, assigned, declared as members, passed to calls and registered as listeners.',
  requires: [],
  run(pass) {
    const { program, config } = pass;
    let index: ProgramIndex | undefined;
    const programIndex = (): ProgramIndex => (index ??= indexOf(program, config.isIgnoredFile));
    const probes = new Map<string, Probe>();
    return {
      sites: (kind, name) => programIndex().sites(kind, name),
      probe: (kind, name) => {
        // One probe per search, shared by every walk that made it: cache entries keep (and later programs run) each once.
        const key = keyOf(kind, name);
        let probe = probes.get(key);
        if (!probe) {
          probe = searchProbe(program, kind, name, programIndex().files(kind, name), config.isIgnoredFile);
          probes.set(key, probe);
        }
        return probe;
      },
      factsOf: flowFactsOf,
    };
  },
});

/**
 * The probe of one search. Made outside `run`, so that it holds the files the search found
 * and not the pass: cross-program cache entries (kept as long as their key node, so for every
 * later program that shares the file) hold their probes, and a probe holding its program would
 * keep every program the analysis ever saw alive, with its checker and result tables (the
 * workspace view builds one program per dependent project and linted program).
 */
function searchProbe(program: ts.Program, kind: SiteKind, name: string, files: readonly ts.SourceFile[], isIgnored: (fileName: string) => boolean): Probe {
  const made = new WeakRef(program);
  return (later) => later === made.deref() || sameFiles(indexOf(later, isIgnored).files(kind, name), files);
}

/** The listener sites of every event together, for `emit(name, …)` with a name known only at run time. */
export const ANY_EVENT = '*';
/** The listener sites whose event is named by an expression (`on(Events.Loaded, f)`), resolved by the checker on use. */
export const NAMED_EVENT = '*named';

export type SiteKind = 'property' | 'store' | 'assign' | 'alias' | 'member' | 'invoke' | 'listener';

/** `target = value` (property writes, stores, assignments, `const alias = container`): where `value` goes. */
export interface StoreSite {
  readonly kind: 'property' | 'store' | 'assign' | 'alias';
  /** The written place: `o.p` (property), `x` (assign), or the container `c` of `c[k] = v`, `c.p = v`, `c.push(v)` (store). */
  readonly target: ts.Expression;
  readonly value: ts.Expression;
  /** The whole write, where the chain says the value was stored. */
  readonly node: ts.Node;
}

export interface MemberSite {
  readonly kind: 'member';
  /** An object-literal element or a class element. */
  readonly node: ts.ObjectLiteralElementLike | ts.ClassElement;
}

export interface InvokeSite {
  readonly kind: 'invoke';
  readonly node: ts.CallExpression | ts.NewExpression;
}

export interface ListenerSite {
  readonly kind: 'listener';
  readonly node: ts.CallExpression;
  readonly receiver: ts.Expression | undefined;
  readonly handler: ts.Expression;
  /** The event argument. */
  readonly event: ts.Expression;
}

export type Site = StoreSite | MemberSite | InvokeSite | ListenerSite;

type SiteOfKind<K extends SiteKind> = K extends 'property' | 'store' | 'assign' | 'alias' ? StoreSite : K extends 'member' ? MemberSite : K extends 'invoke' ? InvokeSite : ListenerSite;

export interface FlowSites {
  /** Every site of `kind` named `name` in the program's own files (not in typings, not ignored). */
  sites<K extends SiteKind>(kind: K, name: string): readonly SiteOfKind<K>[];
  /** Whether a later program's search for the same sites looks at the same files (for cross-program caches). */
  probe(kind: SiteKind, name: string): Probe;
  factsOf(file: ts.SourceFile): FileFlowFacts;
}

export type FileFlowFacts = ReadonlyMap<string, readonly Site[]>;

/** Every site of a file by key, collected afresh (not cached): what the on-demand index must agree with (tests). */
export function siteTableOf(file: ts.SourceFile): FileFlowFacts {
  return collectFlowFacts(file);
}

/** A key of the per-file tables: kind and name. */
const keyOf = (kind: SiteKind, name: string): string => `${kind}\0${name}`;

const factsByFile = new WeakMap<ts.SourceFile, FileFlowFacts>();

function flowFactsOf(file: ts.SourceFile): FileFlowFacts {
  let facts = factsByFile.get(file);
  if (!facts) {
    facts = collectFlowFacts(file);
    factsByFile.set(file, facts);
  }
  return facts;
}

interface ProgramIndex {
  sites<K extends SiteKind>(kind: K, name: string): readonly SiteOfKind<K>[];
  files(kind: SiteKind, name: string): readonly ts.SourceFile[];
}

const indexByProgram = new WeakMap<ts.Program, Map<(fileName: string) => boolean, ProgramIndex>>();

/**
 * The program's own files' sites by key, each key on demand. A walk asks for a few names
 * (three on the bench's 1,000-file project, a few hundred on a large real one), so a file's
 * sites are collected by a walk into the nodes that spell a name asked for (`sitesIn`):
 * most files and most of each file are never walked here at all. What a file holds for a
 * key is cached by `ts.SourceFile`, so a program the editor makes after an edit redoes only
 * the edited files.
 */
function indexOf(program: ts.Program, isIgnored: (fileName: string) => boolean): ProgramIndex {
  let byConfig = indexByProgram.get(program);
  if (!byConfig) indexByProgram.set(program, (byConfig = new Map()));
  let index = byConfig.get(isIgnored);
  if (index) return index;
  const own = [...sourceFilesOf(program)].filter(
    (file) => !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file) && !isIgnored(file.fileName),
  );
  const earlier = lastIndexByConfig.get(isIgnored);
  const state = lazyIndex(own, earlier);
  // The earlier index starts from this one's no more: programs do not chain (and stay alive) back to the first.
  earlier?.forget();
  lastIndexByConfig.set(isIgnored, state);
  index = state.index;
  byConfig.set(isIgnored, index);
  return index;
}

/** One key's sites: the files holding some, in the program's order, and each file's. */
interface KeyEntry {
  readonly sites: Site[];
  readonly files: ts.SourceFile[];
  readonly byFile: Map<ts.SourceFile, readonly Site[]>;
}

/** A program's lazy index with what it holds: what the next program's index starts from. */
interface IndexState {
  readonly index: ProgramIndex;
  readonly own: ReadonlySet<ts.SourceFile>;
  readonly memo: ReadonlyMap<string, KeyEntry>;
  /** Drops the index this one starts from (its later keys are then searched in every file). */
  forget(): void;
}

/**
 * The last program's index per configuration. The editor makes a new program on every edit
 * and the probes of the cross-program caches ask it for every key the earlier walks asked
 * about: searching all files again for each key cost more than the rest of a re-lint. A
 * key's entry is the earlier one's, with the files the two programs do not share searched
 * afresh. It holds source files, not the program (tests/program-lifetime.test.ts).
 */
const lastIndexByConfig = new WeakMap<(fileName: string) => boolean, IndexState>();

function lazyIndex(files: readonly ts.SourceFile[], from: IndexState | undefined): IndexState {
  let earlier = from;
  const own = new Set(files);
  const memo = new Map<string, KeyEntry>();
  // Files the earlier program did not have as its own (edited, added): the only ones searched again.
  let fresh: readonly ts.SourceFile[] | undefined;
  let order: Map<ts.SourceFile, number> | undefined;
  const search = (key: string, spellings: readonly string[], among: readonly ts.SourceFile[], into: Map<ts.SourceFile, readonly Site[]>): void => {
    for (const file of among) {
      const sites = sitesIn(file, key, spellings);
      if (sites) into.set(file, sites);
    }
  };
  const entryOf = (kind: SiteKind, name: string): KeyEntry => {
    const key = keyOf(kind, name);
    let entry = memo.get(key);
    if (entry) return entry;
    const spellings = kind === 'listener' && (name === ANY_EVENT || name === NAMED_EVENT) ? [...LISTEN_METHODS] : [name];
    const before = earlier?.memo.get(key);
    const byFile = new Map<ts.SourceFile, readonly Site[]>();
    if (!earlier || !before) search(key, spellings, files, byFile);
    else {
      const shared = earlier.own;
      for (const [file, sites] of before.byFile) if (own.has(file)) byFile.set(file, sites);
      search(key, spellings, (fresh ??= files.filter((file) => !shared.has(file))), byFile);
    }
    const matching = [...byFile.keys()];
    if (before) {
      // In the program's order, as a search of every file would list them.
      order ??= new Map(files.map((file, at) => [file, at]));
      matching.sort((a, b) => order!.get(a)! - order!.get(b)!);
    }
    entry = { sites: matching.flatMap((file) => byFile.get(file)!), files: matching, byFile };
    memo.set(key, entry);
    return entry;
  };
  const index: ProgramIndex = {
    sites: (kind, name) => entryOf(kind, name).sites as never,
    files: (kind, name) => entryOf(kind, name).files,
  };
  return { index, own, memo, forget: () => (earlier = fresh = undefined) };
}

/** A name as it must appear in the text: an identifier (or a private name without its `#`). */
const WORD = /^#?[A-Za-z_$][\w$]*$/;
const WORD_CHAR = /[\w$]/;
/**
 * An escape that can spell a name's character in a string literal or an identifier
 * (`'mess\x61ge'`, `\u0061`, `\141`, `'\m'` for `m`, a line continuation): the text of such
 * a file is not taken at its word.
 */
const NAME_ESCAPE = /\\[0-9xuac-eg-mo-qswyzA-Z_$\n\r\u2028\u2029]/;

const escapedByFile = new WeakMap<ts.SourceFile, boolean>();

function hasNameEscapes(file: ts.SourceFile): boolean {
  let escaped = escapedByFile.get(file);
  if (escaped === undefined) escapedByFile.set(file, (escaped = NAME_ESCAPE.test(file.text)));
  return escaped;
}

/** The focused sites of one key per file, for files whose full table was not needed. */
const focusedByFile = new WeakMap<ts.SourceFile, Map<string, readonly Site[] | undefined>>();

/**
 * The sites of `key` in `file`, found by a walk into the nodes that spell one of
 * `spellings` (the name, or for listeners of any event the listening methods). A name the
 * text may spell otherwise (escapes, `0x10` for `16`) takes the file's full table.
 */
function sitesIn(file: ts.SourceFile, key: string, spellings: readonly string[]): readonly Site[] | undefined {
  const full = factsByFile.get(file);
  if (full) return full.get(key);
  if (hasNameEscapes(file) || spellings.some((spelling) => /^[0-9.]/.test(spelling))) return flowFactsOf(file).get(key);
  let byKey = focusedByFile.get(file);
  if (!byKey) focusedByFile.set(file, (byKey = new Map()));
  if (byKey.has(key)) return byKey.get(key);
  const at = spellings.flatMap((spelling) => offsetsOf(file.text, spelling)).sort((a, b) => a - b);
  const sites = at.length === 0 ? undefined : collectFlowFacts(file, { key, at }).get(key);
  byKey.set(key, sites);
  return sites;
}

/** Where `name` is spelled in `text`: as a whole word for an identifier (a private name without its `#`), anywhere for other names. */
function offsetsOf(text: string, name: string): number[] {
  const word = WORD.test(name);
  const needle = word && name.startsWith('#') ? name.slice(1) : name;
  const found: number[] = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    if (word && (WORD_CHAR.test(text[at - 1] ?? '') || WORD_CHAR.test(text[at + needle.length] ?? ''))) continue;
    found.push(at);
  }
  return found;
}

/** Whether some offset of `sorted` lies in [pos, end). */
function holdsOffset(sorted: readonly number[], pos: number, end: number): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < pos) low = middle + 1;
    else high = middle;
  }
  return low < sorted.length && sorted[low]! < end;
}

/** The same files, in any order. */
function sameFiles(a: readonly ts.SourceFile[], b: readonly ts.SourceFile[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(b);
  return a.every((file) => set.has(file));
}

const STORE_METHODS = new Set(['push', 'unshift', 'add', 'set', 'splice']);
const LISTEN_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener', 'subscribe']);

/** The last name of the place a container expression names: `listeners` for `this.#listeners` or `listeners`. */
export function containerName(expression: ts.Expression): string | undefined {
  const node = skipParens(expression);
  if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) return node.argumentExpression.text;
  if (node.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  return undefined;
}

/** The name a member of an object literal or class is known by, when it is a plain one. */
export function memberName(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name) && ts.isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}

/**
 * A file's sites (all of them, or only those of `focus.key`). With a focus the walk enters
 * only the nodes whose text holds one of `focus.at` (ascending offsets): every site named N
 * is recorded at a node that spells N (the write, call, declaration or class holding it),
 * so the focused walk records the same sites of that key, in the same order, as the full one.
 */
function collectFlowFacts(file: ts.SourceFile, focus?: { readonly key: string; readonly at: readonly number[] }): FileFlowFacts {
  const table = new Map<string, Site[]>();
  const add = (kind: SiteKind, name: string | undefined, site: Site): void => {
    if (name === undefined) return;
    const key = keyOf(kind, name);
    if (focus && key !== focus.key) return;
    let list = table.get(key);
    if (!list) table.set(key, (list = []));
    list.push(site);
  };

  const recordAssignment = (binary: ts.BinaryExpression): void => {
    const target = skipParens(binary.left);
    const site = (kind: StoreSite['kind'], written: ts.Expression): StoreSite => ({ kind, target: written, value: binary.right, node: binary });
    if (ts.isIdentifier(target)) {
      add('assign', target.text, site('assign', target));
    } else if (ts.isPropertyAccessExpression(target)) {
      add('property', target.name.text, site('property', target));
      add('store', containerName(target.expression), site('store', target.expression));
    } else if (ts.isElementAccessExpression(target)) {
      if (ts.isStringLiteralLike(target.argumentExpression)) add('property', target.argumentExpression.text, site('property', target));
      add('store', containerName(target.expression), site('store', target.expression));
    }
  };

  const recordCall = (call: ts.CallExpression): void => {
    const callee = skipParens(call.expression);
    const name = call.expression.kind === ts.SyntaxKind.SuperKeyword ? 'super' : calleeName(callee);
    if (name === undefined) return;
    add('invoke', name, { kind: 'invoke', node: call });
    const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
    if (receiver && STORE_METHODS.has(name)) {
      const values = name === 'set' ? call.arguments.slice(1, 2) : name === 'splice' ? call.arguments.slice(2) : call.arguments;
      for (const value of values) {
        add('store', containerName(receiver), { kind: 'store', target: receiver, value: ts.isSpreadElement(value) ? value.expression : value, node: call });
      }
    }
    const event = call.arguments[0];
    const handler = call.arguments[1];
    if (LISTEN_METHODS.has(name) && event && handler && ts.isStringLiteralLike(event)) {
      const site: ListenerSite = { kind: 'listener', node: call, receiver, handler, event };
      add('listener', event.text, site);
      add('listener', ANY_EVENT, site);
    } else if (LISTEN_METHODS.has(name) && event && handler && mayNameEvent(event)) {
      add('listener', NAMED_EVENT, { kind: 'listener', node: call, receiver, handler, event });
    }
  };

  const recordMembers = (owner: ts.ObjectLiteralExpression | ts.ClassLikeDeclaration): void => {
    const members: readonly (ts.ObjectLiteralElementLike | ts.ClassElement)[] = ts.isObjectLiteralExpression(owner) ? owner.properties : owner.members;
    for (const member of members) {
      if (ts.isSpreadAssignment(member) || ts.isConstructorDeclaration(member)) continue;
      add('member', memberName(member.name), { kind: 'member', node: member });
    }
  };

  const visit = (node: ts.Node): void => {
    if (focus && !holdsOffset(focus.at, node.pos, node.end)) return;
    switch (node.kind) {
      case ts.SyntaxKind.BinaryExpression: {
        const binary = node as ts.BinaryExpression;
        const operator = binary.operatorToken.kind;
        if (
          operator === ts.SyntaxKind.EqualsToken ||
          operator === ts.SyntaxKind.QuestionQuestionEqualsToken ||
          operator === ts.SyntaxKind.BarBarEqualsToken
        ) {
          recordAssignment(binary);
        }
        break;
      }
      case ts.SyntaxKind.CallExpression:
        recordCall(node as ts.CallExpression);
        break;
      case ts.SyntaxKind.NewExpression: {
        const name = calleeName((node as ts.NewExpression).expression);
        if (name !== undefined) add('invoke', name, { kind: 'invoke', node: node as ts.NewExpression });
        break;
      }
      case ts.SyntaxKind.VariableDeclaration: {
        // `const ah = this.actionHandler`: by the name of what it aliases.
        const declaration = node as ts.VariableDeclaration;
        const value = declaration.initializer && skipParens(declaration.initializer);
        if (value && ts.isIdentifier(declaration.name) && (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value))) {
          add('alias', containerName(value), { kind: 'alias', target: declaration.name, value, node: declaration });
        }
        break;
      }
      case ts.SyntaxKind.ObjectLiteralExpression:
        recordMembers(node as ts.ObjectLiteralExpression);
        break;
      case ts.SyntaxKind.ClassDeclaration:
      case ts.SyntaxKind.ClassExpression:
        recordMembers(node as ts.ClassLikeDeclaration);
        break;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(file, visit);
  return table;
}
