import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { calleeName, skipParens } from '../util/ast.js';
import { keyOf, readsAnalyzer } from './reads.js';
import type { MapWrite } from './mutations.js';
import { beforeSuspension, type ActivationStep } from './staleness.js';
import type { WriteSite } from './syntax.js';

/**
 * entryconflict: a turn that sets an entry, gives control back, and then deletes or
 * overwrites that entry (`pending.set(id, job); try { await job.run() } finally {
 * pending.delete(id) }`). When another overlapping turn can set the same key — the key
 * comes from message data, a parameter, a peer — the later delete removes the other
 * turn's entry, or the overwrite replaces it. A key this side generates fresh for each
 * activation (`id++`, `nanoid()`, `crypto.randomUUID()`, directly or passed in by the
 * caller on the activation) belongs to this turn alone, so its set-then-delete lifecycle
 * is not a conflict. The earlier write is searched in the activation reach walked (the
 * write's function and its callers up to the turn's start) before the suspension.
 */
export const entryConflictAnalyzer = defineAnalyzer<EntryConflicts>({
  name: 'entryconflict',
  doc: 'Finds deletes/overwrites of an entry the same turn set before a suspension, keyed by something another turn can also use.',
  requires: [readsAnalyzer],
  run(pass) {
    const { checker } = pass;
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
      const symbol = symbolOf(target);
      const declaration = symbol?.valueDeclaration;
      if (!declaration) return false;
      if (ts.isVariableDeclaration(declaration) && declaration.initializer) return isFresh(declaration.initializer, activation, index, depth + 1);
      if (ts.isParameter(declaration) && ts.isIdentifier(declaration.name)) {
        const caller = activation[index + 1];
        const call = caller?.node;
        if (!call || !(ts.isCallExpression(call) || ts.isNewExpression(call))) return false;
        const position = declaration.parent.parameters.indexOf(declaration);
        const argument = call.arguments?.[position];
        return argument !== undefined && isFresh(argument, activation, index + 1, depth + 1);
      }
      return false;
    };

    const entryConflict = (activation: readonly ActivationStep[], write: MapWrite): EntryConflict | undefined => {
      const key = keyOf(write.site);
      if (!key || !(write.site.operation === 'delete' || write.site.operation === 'set' || write.site.kind === 'assign')) return undefined;
      for (const { step, index, cut } of beforeSuspension(activation)) {
        const earlier = step.unit.writes.find(
          (site) => site.node.end <= cut && site !== write.site && setsEntry(site) && reads.sameContainer(site.receiver, write.site.receiver) && sameKeyOf(site, key),
        );
        if (!earlier) continue;
        if (isFresh(key, activation, 0) || isFresh(keyOf(earlier)!, activation, index)) return undefined;
        return { earlier: earlier.node, key };
      }
      return undefined;
    };

    const sameKeyOf = (site: WriteSite, key: ts.Expression): boolean => {
      const other = keyOf(site);
      return other !== undefined && reads.sameKey(other, key);
    };

    /** Whether the write's key was generated fresh in this activation: no other turn can have touched that entry. */
    const freshKey = (activation: readonly ActivationStep[], write: MapWrite): boolean => {
      const key = keyOf(write.site);
      return key !== undefined && isFresh(key, activation, 0);
    };

    return { entryConflict, freshKey };
  },
});

function setsEntry(site: WriteSite): boolean {
  return site.operation === 'set' || (site.kind === 'assign' && ts.isBinaryExpression(site.node) && site.node.operatorToken.kind === ts.SyntaxKind.EqualsToken);
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

export interface EntryConflict {
  /** The turn's own earlier write of the entry, before the suspension. */
  readonly earlier: ts.Node;
  /** The key both writes use. */
  readonly key: ts.Expression;
}

export interface EntryConflicts {
  /** The entry this turn set before a suspension that the write now deletes or overwrites, when another turn can use its key. */
  entryConflict(activation: readonly ActivationStep[], write: MapWrite): EntryConflict | undefined;
  /** Whether the write's key is generated fresh in this activation (`id++`, `nanoid()`, passed in by the caller). */
  freshKey(activation: readonly ActivationStep[], write: MapWrite): boolean;
}
