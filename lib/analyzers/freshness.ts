import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { calleeName, skipParens } from '../util/ast.js';
import { keyOf, readsAnalyzer } from './reads.js';
import type { MapWrite } from './mutations.js';
import type { ActivationStep } from './staleness.js';
import { syntaxAnalyzer, type SyntaxFacts, type Unit, type WriteSite } from './syntax.js';

/**
 * freshness: keys this side generates fresh for each activation — a counter (`id++`),
 * `nanoid()`, `crypto.randomUUID()`, `Math.random()` reformatted, a new object — directly,
 * through locals (also a property of an object literal, `task.taskId` of `{ taskId:
 * randomUUID() }`), or passed in by the caller on the activation. An entry keyed that way
 * belongs to one request's lifecycle: no other turn can create an entry with the same key.
 * A container whose every `set` in the program is keyed fresh (`pending.set(id++, …)` when
 * the request is posted, wherever that runs) holds only such entries, so a delete of one of
 * them — in a response handler, by the id the response carries back — removes that request's
 * own entry whatever ran in between (at worst it is gone already): the request lifecycle
 * spans two activations, the one that generated the id and the one that answers it. Writes
 * through another name of the container (an alias) are not seen.
 */
export const freshnessAnalyzer = defineAnalyzer<Freshness>({
  name: 'freshness',
  doc: 'Finds keys generated fresh per activation (counters, nanoid, randomUUID) and containers whose every set is keyed that way.',
  requires: [syntaxAnalyzer, readsAnalyzer],
  run(pass) {
    const { checker, program } = pass;
    const syntax = pass.resultOf(syntaxAnalyzer);
    const reads = pass.resultOf(readsAnalyzer);

    const symbolOf = (node: ts.Expression): ts.Symbol | undefined => {
      const target = skipParens(node);
      return ts.isIdentifier(target) ? checker.getSymbolAtLocation(target) : undefined;
    };

    /** Whether the key is generated fresh in this activation: its own declaration or the caller's argument. */
    const isFresh = (key: ts.Expression, activation: readonly ActivationStep[], index: number, depth = 0): boolean => {
      const target = skipParens(key);
      if (freshExpression(target)) return true;
      if (depth > 3) return false;
      // `task.taskId` of a local `task = { taskId: randomUUID(), … }`.
      if (ts.isPropertyAccessExpression(target)) {
        const initializer = propertyInitializer(target);
        return initializer !== undefined && isFresh(initializer, activation, index, depth + 1);
      }
      const declaration = symbolOf(target)?.valueDeclaration;
      if (!declaration) return false;
      if (ts.isVariableDeclaration(declaration) && declaration.initializer) return isFresh(declaration.initializer, activation, index, depth + 1);
      if (ts.isParameter(declaration) && ts.isIdentifier(declaration.name)) {
        const call = activation[index + 1]?.node;
        if (!call || !(ts.isCallExpression(call) || ts.isNewExpression(call))) return false;
        const position = declaration.parent.parameters.indexOf(declaration);
        const argument = call.arguments?.[position];
        return argument !== undefined && isFresh(argument, activation, index + 1, depth + 1);
      }
      return false;
    };

    /** The initializer of `o.p` when `o` is a `const`/`let` initialised with an object literal that sets `p`. */
    const propertyInitializer = (access: ts.PropertyAccessExpression): ts.Expression | undefined => {
      const declaration = symbolOf(access.expression)?.valueDeclaration;
      const literal = declaration && ts.isVariableDeclaration(declaration) && declaration.initializer && skipParens(declaration.initializer);
      if (!literal || !ts.isObjectLiteralExpression(literal)) return undefined;
      for (const property of literal.properties) {
        if (ts.isPropertyAssignment(property) && property.name.getText() === access.name.text) return property.initializer;
        if (ts.isShorthandPropertyAssignment(property) && property.name.text === access.name.text) return property.name;
      }
      return undefined;
    };

    const freshKey = (activation: readonly ActivationStep[], write: MapWrite): boolean => {
      const key = keyOf(write.site);
      return key !== undefined && isFresh(key, activation, 0);
    };

    const setsMemo = new Map<ts.Symbol | string, boolean>();
    /**
     * Whether every entry-setting write of the container in the program (found by the
     * container's name, then checked to be the same declaration) is keyed fresh in its own
     * function (a key that comes in as a parameter is not).
     */
    const freshlyKeyed = (write: MapWrite): boolean => {
      if (write.site.operation !== 'delete' || keyOf(write.site) === undefined) return false;
      const receiver = write.site.receiver;
      const identity = reads.identityOf(receiver);
      if (identity === undefined) return false;
      const known = setsMemo.get(identity);
      if (known !== undefined) return known;
      const name = lastName(receiver);
      let sets = 0;
      let allFresh = true;
      for (const { unit, site } of name === undefined ? allEntrySets() : entrySetsNamed(name)) {
        if (!reads.sameContainer(site.receiver, receiver)) continue;
        sets++;
        if (!setKeyedFresh(unit, site)) {
          allFresh = false;
          break;
        }
      }
      const result = sets > 0 && allFresh;
      setsMemo.set(identity, result);
      return result;
    };

    /** The program's entry-setting writes whose container's last name is `name` (`pending` of `this.pending.set(k, v)`), from each file's own table, once per name. */
    const byName = new Map<string, readonly EntrySet[]>();
    const entrySetsNamed = (name: string): readonly EntrySet[] => {
      let sets = byName.get(name);
      if (!sets) {
        const found: EntrySet[] = [];
        for (const file of program.getSourceFiles()) {
          if (!file.isDeclarationFile) found.push(...entrySetsIn(file, name, syntax));
        }
        byName.set(name, (sets = found));
      }
      return sets;
    };
    const allEntrySets = (): EntrySet[] => program.getSourceFiles().flatMap((file) => (file.isDeclarationFile ? [] : unitSets(file, syntax)));

    const setKeyedFresh = (unit: Unit, site: WriteSite): boolean => {
      const key = keyOf(site);
      if (!key) return false;
      return isFresh(key, [{ unit, node: site.node, point: undefined, enteredDeferred: false }], 0);
    };

    return { isFresh, freshKey, freshlyKeyed };
  },
});

/** An entry-setting write and the function it is in. */
interface EntrySet {
  readonly unit: Unit;
  readonly site: WriteSite;
}

/** Per file and container name (kept while the file is unchanged, across programs): the file's entry-setting writes of containers so named. */
const entrySetsByFile = new WeakMap<ts.SourceFile, Map<string, readonly EntrySet[]>>();

function entrySetsIn(file: ts.SourceFile, name: string, syntax: SyntaxFacts): readonly EntrySet[] {
  let byName = entrySetsByFile.get(file);
  if (!byName) entrySetsByFile.set(file, (byName = new Map()));
  let sets = byName.get(name);
  if (!sets) {
    // A file whose text never spells the name writes no container of that name: its syntax is not looked at.
    sets = file.text.includes(name) ? unitSets(file, syntax).filter(({ site }) => lastName(site.receiver) === name) : [];
    byName.set(name, sets);
  }
  return sets;
}

/** Every entry-setting write of a file, in order. */
function unitSets(file: ts.SourceFile, syntax: SyntaxFacts): EntrySet[] {
  const found: EntrySet[] = [];
  for (const unit of syntax.facts(file).units.values()) {
    for (const site of unit.writes) if (setsEntry(site)) found.push({ unit, site });
  }
  return found;
}

/** Whether a write sets one entry (`m.set(k, v)`, `r[k] = v`). */
export function setsEntry(site: WriteSite): boolean {
  return site.operation === 'set' || (site.kind === 'assign' && ts.isBinaryExpression(site.node) && site.node.operatorToken.kind === ts.SyntaxKind.EqualsToken);
}

function lastName(expression: ts.Expression): string | undefined {
  const target = skipParens(expression);
  if (ts.isIdentifier(target)) return target.text;
  if (ts.isPropertyAccessExpression(target)) return target.name.text;
  return undefined;
}

/** Names of functions that return a new unique id each call. */
const FRESH_CALLS = new Set(['nanoid', 'randomUUID', 'uuid', 'v4', 'uuidv4', 'ulid', 'cuid', 'createId', 'generateId', 'uniqueId', 'nextId', 'newId', 'Symbol', 'random']);

function freshExpression(node: ts.Expression): boolean {
  if (ts.isPostfixUnaryExpression(node) || ts.isPrefixUnaryExpression(node)) {
    return node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken) return true;
  if (ts.isAwaitExpression(node)) return freshExpression(skipParens(node.expression));
  if (ts.isCallExpression(node)) {
    const name = calleeName(node.expression);
    if (name !== undefined && FRESH_CALLS.has(name)) return true;
    // `Math.random().toString(36).slice(2)`, `randomUUID().replace(…)`: a fresh value, reformatted.
    const callee = skipParens(node.expression);
    return ts.isPropertyAccessExpression(callee) && freshExpression(skipParens(callee.expression));
  }
  if (ts.isNewExpression(node) || ts.isObjectLiteralExpression(node)) return true;
  if (ts.isTemplateExpression(node)) return node.templateSpans.some((span) => freshExpression(skipParens(span.expression)));
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return freshExpression(skipParens(node.left)) || freshExpression(skipParens(node.right));
  }
  return false;
}

export interface Freshness {
  /** Whether `key`, used in step `index` of the activation, is generated fresh there or passed in fresh by a caller. */
  isFresh(key: ts.Expression, activation: readonly ActivationStep[], index: number): boolean;
  /** Whether the write's key is generated fresh in this activation (`id++`, `nanoid()`, passed in by the caller). */
  freshKey(activation: readonly ActivationStep[], write: MapWrite): boolean;
  /** Whether the write is a keyed delete on a container whose every set in the program is keyed fresh. */
  freshlyKeyed(write: MapWrite): boolean;
}
