import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { CrossProgramCache, Dependencies } from '../analysis/cross-program-cache.js';
import { isDefaultLibDeclaration, mapKindOf, typeLineage, type MapKind } from '../util/types.js';
import { type Unit, type WriteSite } from './syntax.js';
import { skipParens } from '../util/ast.js';

/**
 * mutations: the writes and deletes of a function that hit a map. A candidate from the
 * syntax facts is kept when the checker types its receiver as a map: `set`, `delete`
 * and `clear` on a `Map`/`WeakMap` (or a subclass, also through `this`/`super` inside
 * one); on a type with a string index signature, `r[k] = v`, `r.k = v` for a key the
 * type does not declare, compound assignments, `++`/`--`, `delete`, destructuring
 * targets, and `Object.assign`, `Object.defineProperty`, `Reflect.set`,
 * `Reflect.deleteProperty` on it. Reads never count, and nothing typed `any` does.
 */
export const mutationsAnalyzer = defineAnalyzer<Mutations>({
  name: 'mutations',
  doc: 'Keeps the candidate writes of a function whose receiver the checker types as a Map, WeakMap or Record.',
  requires: [],
  run(pass) {
    const { checker, program } = pass;

    const kindOfWrite = (write: WriteSite, dependencies: Dependencies): MapKind | undefined => {
      const receiverType = checker.getTypeAtLocation(write.receiver);
      for (const symbol of typeLineage(checker, receiverType)) dependencies.addSymbol(symbol);
      const kind = mapKindOf(program, checker, receiverType);
      if (!kind) return undefined;
      switch (write.kind) {
        case 'method':
          return kind === 'Record' ? undefined : kind;
        case 'builtin':
          return kind === 'Record' && isGlobalBuiltin(write) ? kind : undefined;
        default: {
          if (kind !== 'Record') return undefined;
          const key = write.propertyName ?? literalKey(write);
          if (key !== undefined && declaresProperty(receiverType, key)) return undefined;
          return kind;
        }
      }
    };

    const declaresProperty = (type: ts.Type, name: string): boolean => {
      const members = type.isUnion() ? type.types : [type];
      return members.some((member) => checker.getPropertyOfType(checker.getApparentType(member), name) !== undefined);
    };

    const isGlobalBuiltin = (write: WriteSite): boolean => {
      const call = write.node as ts.CallExpression;
      const callee = skipParens(call.expression) as ts.PropertyAccessExpression;
      const symbol = checker.getSymbolAtLocation(callee.expression);
      return (symbol?.declarations ?? []).some((declaration) => isDefaultLibDeclaration(program, declaration));
    };

    const writesOf = (unit: Unit): readonly MapWrite[] => {
      let writes = writesCache.get(program, unit);
      if (!writes) {
        const found: MapWrite[] = [];
        const dependencies = new Dependencies();
        dependencies.addNode(unit.node);
        for (const site of unit.writes) {
          const kind = kindOfWrite(site, dependencies);
          if (kind) found.push({ site, mapKind: kind });
        }
        writesCache.set(unit, found, dependencies.files);
        writes = found;
      }
      return writes;
    };

    return { writesOf };
  },
});

/** The map writes of a function, reused across programs while the files their types come from are unchanged. */
const writesCache = new CrossProgramCache<Unit, readonly MapWrite[]>();

/** `r['k']`: the literal key of an element-access write. */
function literalKey(write: WriteSite): string | undefined {
  let target: ts.Node = write.node;
  if (ts.isBinaryExpression(target)) target = skipParens(target.left);
  else if (ts.isPrefixUnaryExpression(target) || ts.isPostfixUnaryExpression(target)) target = skipParens(target.operand);
  else if (ts.isDeleteExpression(target)) target = skipParens(target.expression);
  if (ts.isElementAccessExpression(target) && ts.isStringLiteralLike(target.argumentExpression)) {
    return target.argumentExpression.text;
  }
  return undefined;
}

export interface MapWrite {
  readonly site: WriteSite;
  readonly mapKind: MapKind;
}

export interface Mutations {
  writesOf(unit: Unit): readonly MapWrite[];
}
