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
    return {
      sites: (kind, name) => programIndex().sites(kind, name),
      probe: (kind, name) => {
        const files = programIndex().files(kind, name);
        return (later) => sameFiles(indexOf(later, config.isIgnoredFile).files(kind, name), files);
      },
      factsOf: flowFactsOf,
    };
  },
});

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

/** Every key's sites, file by file, for one set of files. */
interface FullIndex {
  readonly files: ReadonlySet<ts.SourceFile>;
  readonly merged: ReadonlyMap<string, readonly (readonly [ts.SourceFile, readonly Site[]])[]>;
}

const indexByProgram = new WeakMap<ts.Program, Map<(fileName: string) => boolean, ProgramIndex>>();

/** The last full index built per configuration: a later program with a few edited files is answered from it. */
const lastFullIndex = new Map<(fileName: string) => boolean, FullIndex>();

/** Beyond this many added or removed files, a program gets a full index of its own. */
const MAX_DERIVED_FILES = 64;

/**
 * The program's own files' sites by key. The editor makes a new program on every edit with
 * all but the edited files unchanged, so a program is answered from the last full index
 * less the files it no longer has and plus the ones it has anew, each key on demand;
 * only a program far from the last one is indexed whole.
 */
function indexOf(program: ts.Program, isIgnored: (fileName: string) => boolean): ProgramIndex {
  let byConfig = indexByProgram.get(program);
  if (!byConfig) indexByProgram.set(program, (byConfig = new Map()));
  let index = byConfig.get(isIgnored);
  if (index) return index;
  const own = [...sourceFilesOf(program)].filter(
    (file) => !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file) && !isIgnored(file.fileName),
  );
  const base = lastFullIndex.get(isIgnored);
  const added = base ? own.filter((file) => !base.files.has(file)) : own;
  let removed: Set<ts.SourceFile> | undefined;
  if (base && added.length <= MAX_DERIVED_FILES) {
    const current = new Set(own);
    const gone = [...base.files].filter((file) => !current.has(file));
    if (gone.length <= MAX_DERIVED_FILES) removed = new Set(gone);
  }
  if (base && removed) {
    index = derivedIndex(base, removed, added);
  } else {
    const full = fullIndex(own);
    lastFullIndex.set(isIgnored, full);
    index = derivedIndex(full, new Set(), []);
  }
  byConfig.set(isIgnored, index);
  return index;
}

function fullIndex(files: readonly ts.SourceFile[]): FullIndex {
  const merged = new Map<string, (readonly [ts.SourceFile, readonly Site[]])[]>();
  for (const file of files) {
    for (const [key, sites] of flowFactsOf(file)) {
      let entry = merged.get(key);
      if (!entry) merged.set(key, (entry = []));
      entry.push([file, sites]);
    }
  }
  return { files: new Set(files), merged };
}

function derivedIndex(base: FullIndex, removed: ReadonlySet<ts.SourceFile>, added: readonly ts.SourceFile[]): ProgramIndex {
  const memo = new Map<string, { sites: Site[]; files: ts.SourceFile[] }>();
  const entryOf = (key: string): { sites: Site[]; files: ts.SourceFile[] } => {
    let entry = memo.get(key);
    if (entry) return entry;
    entry = { sites: [], files: [] };
    for (const [file, sites] of base.merged.get(key) ?? []) {
      if (removed.has(file)) continue;
      entry.sites.push(...sites);
      entry.files.push(file);
    }
    for (const file of added) {
      const sites = flowFactsOf(file).get(key);
      if (!sites) continue;
      entry.sites.push(...sites);
      entry.files.push(file);
    }
    memo.set(key, entry);
    return entry;
  };
  return {
    sites: (kind, name) => entryOf(keyOf(kind, name)).sites as never,
    files: (kind, name) => entryOf(keyOf(kind, name)).files,
  };
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

function collectFlowFacts(file: ts.SourceFile): FileFlowFacts {
  const table = new Map<string, Site[]>();
  const add = (kind: SiteKind, name: string | undefined, site: Site): void => {
    if (name === undefined) return;
    const key = keyOf(kind, name);
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
