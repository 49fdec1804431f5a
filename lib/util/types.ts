import ts from './typescript.cjs';

/** Whether a declaration comes from a typings file: TypeScript's default libs or a package's `.d.ts`. */
export function isLibraryDeclaration(program: ts.Program, declaration: ts.Node): boolean {
  const file = declaration.getSourceFile();
  return program.isSourceFileDefaultLibrary(file) || file.isDeclarationFile && /[\\/]node_modules[\\/]/.test(file.fileName);
}

/** Whether a declaration comes from one of TypeScript's own lib files. */
export function isDefaultLibDeclaration(program: ts.Program, declaration: ts.Node): boolean {
  return program.isSourceFileDefaultLibrary(declaration.getSourceFile());
}

/** Whether a declaration comes from the typings of a package whose path contains `/<name>/`. */
export function isFromPackage(declaration: ts.Node, packageNames: readonly string[]): boolean {
  const fileName = declaration.getSourceFile().fileName.replaceAll('\\', '/');
  return packageNames.some((name) => fileName.includes(`/node_modules/${name}/`) || fileName.includes(`/node_modules/@types/${name}/`));
}

/** A symbol's own name, also for a default-exported class or function (whose symbol is named `default`). */
export function declaredName(symbol: ts.Symbol): string {
  if (symbol.name !== 'default') return symbol.name;
  const declaration = symbol.declarations?.[0] as ts.NamedDeclaration | undefined;
  return declaration?.name && ts.isIdentifier(declaration.name) ? declaration.name.text : symbol.name;
}

/**
 * Whether a type lineage holds a class or interface with one of `names` that comes from
 * typings: from the given packages, or (with none given) from any lib or package typings.
 */
export function lineageIncludes(
  program: ts.Program,
  lineage: readonly ts.Symbol[],
  names: ReadonlySet<string> | readonly string[],
  packages: readonly string[] = [],
): boolean {
  const named = (name: string): boolean => (Array.isArray(names) ? names.includes(name) : (names as ReadonlySet<string>).has(name));
  return lineage.some(
    (symbol) =>
      named(declaredName(symbol)) &&
      (symbol.declarations ?? []).some((declaration) =>
        packages.length === 0 ? isLibraryDeclaration(program, declaration) : isFromPackage(declaration, packages),
      ),
  );
}

/**
 * Every named class or interface a type is or inherits from, through unions,
 * intersections, type parameters' constraints and base types, each with its declarations.
 */
export function typeLineage(checker: ts.TypeChecker, type: ts.Type): ts.Symbol[] {
  const found: ts.Symbol[] = [];
  const seen = new Set<ts.Type>();
  const visit = (current: ts.Type): void => {
    if (seen.has(current)) return;
    seen.add(current);
    if (current.isUnionOrIntersection()) {
      for (const member of current.types) visit(member);
      return;
    }
    if (current.flags & ts.TypeFlags.TypeParameter) {
      const constraint = checker.getBaseConstraintOfType(current);
      if (constraint) visit(constraint);
      return;
    }
    const symbol = current.getSymbol() ?? current.aliasSymbol;
    if (symbol && !found.includes(symbol)) found.push(symbol);
    const target = (current as ts.TypeReference).target ?? current;
    if (target.isClassOrInterface()) {
      for (const base of checker.getBaseTypes(target)) visit(base);
    }
  };
  visit(type);
  return found;
}

export type MapKind = 'Map' | 'WeakMap' | 'Record';

/** Keyed by a declared type name from user code (a class may be called `constructor`): a Map, not an object. */
const MAP_CLASSES = new Map<string, MapKind>([
  ['Map', 'Map'],
  ['WeakMap', 'WeakMap'],
  ['ReadonlyMap', 'Map'],
]);

/**
 * What kind of map a type is: a `Map`/`WeakMap` (or a subclass or alias of one), a
 * type with a string or number index signature (`Record<string, T>`, `{ [k: string]: T }`,
 * `Record<number, T>`, `{ [id: number]: T }`), or a union containing one. Arrays, tuples, typed arrays, fixed-shape objects, `Set`,
 * classes that merely have `set`/`delete` methods, `any` and `unknown` are not maps.
 */
export function mapKindOf(program: ts.Program, checker: ts.TypeChecker, type: ts.Type): MapKind | undefined {
  return mapKindWithin(program, checker, type, new Set());
}

function mapKindWithin(program: ts.Program, checker: ts.TypeChecker, type: ts.Type, seen: Set<ts.Type>): MapKind | undefined {
  if (seen.has(type)) return undefined;
  seen.add(type);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never | PRIMITIVE)) return undefined;
  if (type.isUnion() || type.isIntersection()) {
    for (const member of type.types) {
      const kind = mapKindWithin(program, checker, member, seen);
      if (kind) return kind;
    }
    return undefined;
  }
  if (type.flags & ts.TypeFlags.TypeParameter) {
    const constraint = checker.getBaseConstraintOfType(type);
    return constraint ? mapKindWithin(program, checker, constraint, seen) : undefined;
  }
  if (checker.isArrayType(type) || checker.isTupleType(type)) return undefined;
  const mapClass = mapClassOf(program, checker, type);
  if (mapClass) return mapClass;
  if (isCollectionClass(program, checker, type)) return undefined;
  if (checker.getIndexInfoOfType(type, ts.IndexKind.String)) return 'Record';
  return checker.getIndexInfoOfType(type, ts.IndexKind.Number) && !isLibNumberIndexed(program, type) ? 'Record' : undefined;
}

/**
 * Lib interfaces and classes with a number index signature (`ArrayLike`, `NodeList`,
 * `HTMLCollection`, …) are sequences, not dictionaries; `Record<number, T>` and a
 * project's `{ [id: number]: T }` are dictionaries.
 */
function isLibNumberIndexed(program: ts.Program, type: ts.Type): boolean {
  const symbol = type.getSymbol();
  return (
    symbol !== undefined &&
    (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) !== 0 &&
    (symbol.declarations ?? []).some((declaration) => isDefaultLibDeclaration(program, declaration))
  );
}

function mapClassOf(program: ts.Program, checker: ts.TypeChecker, type: ts.Type): MapKind | undefined {
  for (const symbol of typeLineage(checker, type)) {
    const kind = MAP_CLASSES.get(declaredName(symbol));
    if (kind && symbol.declarations?.some((declaration) => isDefaultLibDeclaration(program, declaration))) return kind;
  }
  return undefined;
}

/** Lib collections and buffers that may carry index signatures but are not records. */
function isCollectionClass(program: ts.Program, checker: ts.TypeChecker, type: ts.Type): boolean {
  const symbol = type.getSymbol();
  if (!symbol || !(symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface))) return false;
  return (
    /^(Set|WeakSet|ReadonlySet|Array|ReadonlyArray|ArrayBuffer|SharedArrayBuffer|DataView|String|Function|\w+Array)$/.test(symbol.name) &&
    (symbol.declarations ?? []).some((declaration) => isDefaultLibDeclaration(program, declaration))
  ) || checker.isArrayLikeType(type) && !checker.getIndexInfoOfType(type, ts.IndexKind.String);
}

/** Types whose values are primitives: never a map, never a function. */
export const PRIMITIVE =
  ts.TypeFlags.StringLike |
  ts.TypeFlags.NumberLike |
  ts.TypeFlags.BigIntLike |
  ts.TypeFlags.BooleanLike |
  ts.TypeFlags.EnumLike |
  ts.TypeFlags.ESSymbolLike |
  ts.TypeFlags.VoidLike |
  ts.TypeFlags.Null;

/** The symbol an import or re-export stands for; other symbols as they are. */
export function resolveAlias(checker: ts.TypeChecker, symbol: ts.Symbol | undefined): ts.Symbol | undefined {
  return symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/**
 * Whether a value of `type` can be a function: it has call or construct signatures, is the
 * `Function` interface, or (through unions, intersections and constraints) contains such a
 * type. What `any`/`unknown` and an unconstrained type parameter count as is the caller's
 * choice: a value typed so may hold anything; a library parameter typed so only holds data.
 */
export function mayBeFunctionType(
  checker: ts.TypeChecker,
  type: ts.Type,
  loose: { readonly untyped: boolean; readonly freeTypeParameter: boolean },
  depth = 0,
): boolean {
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return loose.untyped;
  if (type.isUnionOrIntersection()) return depth < 4 && type.types.some((member) => mayBeFunctionType(checker, member, loose, depth + 1));
  if (type.flags & ts.TypeFlags.TypeParameter) {
    const constraint = checker.getBaseConstraintOfType(type);
    if (!constraint || constraint === type || constraint.flags & ts.TypeFlags.Unknown) return loose.freeTypeParameter;
    return mayBeFunctionType(checker, constraint, loose, depth + 1);
  }
  if (type.flags & (PRIMITIVE | ts.TypeFlags.Never)) return false;
  if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return true;
  const name = type.getSymbol()?.name;
  return name === 'Function' || name === 'CallableFunction' || name === 'NewableFunction';
}
