import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { CrossProgramCache, Dependencies } from '../analysis/cross-program-cache.js';
import { valueFlowAnalyzer } from './valueflow.js';
import { isDefaultLibDeclaration, mapKindOf, typeLineage, type MapKind } from '../util/types.js';
import { type Unit, type WriteSite } from './syntax.js';
import { isObjectCreate, skipParens } from '../util/ast.js';

/**
 * mutations: the writes and deletes of a function that hit a map. A candidate from the
 * syntax facts is kept when the checker types its receiver as a map: `set`, `delete`
 * and `clear` on a `Map`/`WeakMap` (or a subclass, also through `this`/`super` inside
 * one); on a type with a string index signature, `r[k] = v`, `r.k = v` for a key the
 * type does not declare, compound assignments, `++`/`--`, `delete`, destructuring
 * targets, and `Object.assign`, `Object.defineProperty`, `Reflect.set`,
 * `Reflect.deleteProperty` on it. Reads never count. A receiver typed `any` (or JavaScript's
 * `{}`) is a map only when value flow finds it allocated as one (`new Map()`, or `{}` /
 * `Object.create(null)` written with computed keys).
 */
export const mutationsAnalyzer = defineAnalyzer<Mutations>({
  name: 'mutations',
  doc: 'Keeps the candidate writes of a function whose receiver the checker types as a Map, WeakMap or Record.',
  requires: [valueFlowAnalyzer],
  run(pass) {
    const { checker, program } = pass;
    const valueflow = pass.resultOf(valueFlowAnalyzer);

    const kindOfWrite = (write: WriteSite, dependencies: Dependencies): MapKind | undefined => {
      const receiverType = checker.getTypeAtLocation(write.receiver);
      for (const symbol of typeLineage(checker, receiverType)) dependencies.addSymbol(symbol);
      if (isUntyped(receiverType)) return kindByOrigin(write, dependencies);
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

    /**
     * A receiver the types do not describe (`any`, or JavaScript's `{}`): a map when a
     * value it can hold was allocated as one. `new Map()` makes `set`/`delete`/`clear`
     * writes; `{}` or `Object.create(null)` written or deleted with a computed key
     * (`d[id] = …`, `delete d[id]`) is a dictionary. A fixed-shape object written by
     * property name (`options.verbose = v`) is not.
     */
    const kindByOrigin = (write: WriteSite, dependencies: Dependencies): MapKind | undefined => {
      const origins = dependencies.track(() => valueflow.originsOf(write.receiver));
      for (const origin of origins) {
        if (write.kind === 'method') {
          const kind = mapKindOf(program, checker, checker.getTypeAtLocation(origin));
          if (kind === 'Map' || kind === 'WeakMap') return kind;
        } else if (isDictionaryAllocation(origin) && hasComputedKey(write)) {
          return 'Record';
        }
      }
      return undefined;
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
        writesCache.set(program, unit, found, dependencies.files, dependencies.probes);
        writes = found;
      }
      return writes;
    };

    return { writesOf };
  },
});

/** The map writes of a function, reused across programs while the files their types come from are unchanged. */
const writesCache = new CrossProgramCache<Unit, readonly MapWrite[]>();

/** `any`, or the empty object type JavaScript gives `{}`. */
function isUntyped(type: ts.Type): boolean {
  if (type.flags & ts.TypeFlags.Any) return true;
  return (
    (type.flags & ts.TypeFlags.Object) !== 0 &&
    type.getProperties().length === 0 &&
    type.getCallSignatures().length === 0 &&
    type.getStringIndexType() === undefined &&
    type.getNumberIndexType() === undefined &&
    type.getSymbol()?.flags !== ts.SymbolFlags.Class
  );
}

/** `{}` (or an object literal), `Object.create(…)`: a fresh object that code may use as a dictionary. */
function isDictionaryAllocation(origin: ts.Expression): boolean {
  return ts.isObjectLiteralExpression(origin) || isObjectCreate(origin);
}

/** `d[id] = …`, `delete d[id]`, `d[id]++`: a key known only at run time. */
function hasComputedKey(write: WriteSite): boolean {
  if (write.propertyName !== undefined || write.kind === 'builtin') return false;
  return literalKey(write) === undefined && elementAccessOf(write) !== undefined;
}

function elementAccessOf(write: WriteSite): ts.ElementAccessExpression | undefined {
  let target: ts.Node = write.node;
  if (ts.isBinaryExpression(target)) target = skipParens(target.left);
  else if (ts.isPrefixUnaryExpression(target) || ts.isPostfixUnaryExpression(target)) target = skipParens(target.operand);
  else if (ts.isDeleteExpression(target)) target = skipParens(target.expression);
  return ts.isElementAccessExpression(target) ? target : undefined;
}

/** `r['k']`: the literal key of an element-access write. */
function literalKey(write: WriteSite): string | undefined {
  const access = elementAccessOf(write);
  return access && ts.isStringLiteralLike(access.argumentExpression) ? access.argumentExpression.text : undefined;
}

export interface MapWrite {
  readonly site: WriteSite;
  readonly mapKind: MapKind;
}

export interface Mutations {
  writesOf(unit: Unit): readonly MapWrite[];
}
