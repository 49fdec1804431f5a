import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { CrossProgramCache, DependencyTracker } from '../analysis/cross-program-cache.js';
import { isFunctionWithBody, skipParens } from '../util/ast.js';
import { isLibraryDeclaration, mayBeFunctionType, resolveAlias } from '../util/types.js';
import { memberName } from './flowsites.js';
import { syntaxAnalyzer, type Unit } from './syntax.js';
import { valueFlowAnalyzer } from './valueflow.js';

/**
 * handedobjects: the methods that library code can call back on an object the project hands
 * it. `new WritableStream(new ChunkSink())` makes the stream call the sink's `write` for
 * every chunk; `sqlite3.vfs_register(new MemoryVFS(…))` makes SQLite call the VFS's
 * `jOpen`/`jWrite` while queries run; a strategy, a reporter or a plugin object works the
 * same way. Value flow follows functions, and a function passed to library code is an
 * argument edge; an object is not a function, so without this its methods are reached only
 * where project code calls them. For a call whose callee the walk cannot see (library
 * code), each argument whose declared parameter type has methods is followed
 * to its value-flow origins; each origin that is a `new` of a project class hands the
 * library that class's methods that it can call: those the parameter's type names, those
 * that override a method of a library base class (a `FacadeVFS` subclass's `jOpen`), or
 * every public method when that base has no typings. A parameter typed `any` (or a
 * callee without typings) names nothing and hands nothing. Object literals are not asked about:
 * their methods are already stored for later where the literal is written. Asked only for
 * library calls of functions the reach walk visits; answers are kept across programs while
 * the files they consulted are unchanged.
 */
export const handedObjectsAnalyzer = defineAnalyzer<HandedObjects>({
  name: 'handedobjects',
  doc: 'Finds the methods of project class instances handed to library calls (a stream sink, a VFS, a strategy object) that the library can call back.',
  requires: [syntaxAnalyzer, valueFlowAnalyzer],
  run(pass) {
    const tracker = new DependencyTracker(pass.program);
    const finder = new HandedMethodFinder(pass.program, pass.checker, pass.resultOf(syntaxAnalyzer).unitOf, pass.resultOf(valueFlowAnalyzer).originsOf, tracker);
    return {
      methodsCalledBack: (call) => (mayHandObjects(call) ? tracker.memoize(handedCache, call, call, () => finder.methodsCalledBack(call)) : []),
    };
  },
});

export interface HandedObjects {
  /** The methods of project objects that `call`, a call into library code, is handed and can call back. */
  methodsCalledBack(call: ts.CallExpression | ts.NewExpression): readonly HandedMethod[];
}

/** A method that library code can call on an object handed to it. */
export interface HandedMethod {
  readonly unit: Unit;
  /** The argument through which the object was handed. */
  readonly argument: ts.Expression;
}

const handedCache = new CrossProgramCache<ts.Node, readonly HandedMethod[]>();

/** A cheap syntactic test first: some argument may be an object made elsewhere (a name, a field, a `new`, a call's result). */
function mayHandObjects(call: ts.CallExpression | ts.NewExpression): boolean {
  return (call.arguments ?? []).some((argument) => {
    const node = skipParens(argument);
    return ts.isIdentifier(node) || ts.isPropertyAccessExpression(node) || ts.isNewExpression(node) || ts.isCallExpression(node) || ts.isElementAccessExpression(node);
  });
}

class HandedMethodFinder {
  constructor(
    private readonly program: ts.Program,
    private readonly checker: ts.TypeChecker,
    private readonly unitOf: (node: ts.Node) => Unit | undefined,
    private readonly originsOf: (expression: ts.Expression) => readonly ts.Expression[],
    private readonly tracker: DependencyTracker,
  ) {}

  methodsCalledBack(call: ts.CallExpression | ts.NewExpression): HandedMethod[] {
    const declaration = this.checker.getResolvedSignature(call)?.getDeclaration();
    this.tracker.current.addNode(declaration);
    const found: HandedMethod[] = [];
    (call.arguments ?? []).forEach((argument, index) => {
      const expected = this.expectedMembers(declaration, index);
      if (expected === 'none') return;
      for (const origin of this.originsOf(argument)) {
        for (const unit of this.methodsOfInstance(origin, expected)) found.push({ unit, argument });
      }
    });
    return found;
  }

  /**
   * What the library's parameter at `index` says of the object: the names of its function
   * members, or `'none'` when it takes data only (a primitive, a function, a type without
   * methods, a free type parameter). An untyped parameter (`any`, or a callee without
   * typings) says nothing: libraries type the data they only hold or log that way
   * (`console.log(...data: any[])`), so it is taken as data.
   */
  private expectedMembers(declaration: ts.Declaration | undefined, index: number): ReadonlySet<string> | 'none' {
    if (!declaration || !('parameters' in declaration)) return 'none';
    const parameters = (declaration as ts.SignatureDeclaration).parameters;
    const last = parameters[parameters.length - 1];
    const parameter = parameters[index] ?? (last?.dotDotDotToken ? last : undefined);
    if (!parameter) return 'none';
    let type = this.checker.getTypeAtLocation(parameter);
    if (parameter.dotDotDotToken && this.checker.isArrayType(type)) type = this.checker.getTypeArguments(type as ts.TypeReference)[0] ?? type;
    if (type.flags & ts.TypeFlags.Any) return 'none';
    const names = new Set<string>();
    for (const member of this.checker.getNonNullableType(type).isUnion() ? (type as ts.UnionType).types : [this.checker.getNonNullableType(type)]) {
      if (member.getCallSignatures().length > 0 || member.getConstructSignatures().length > 0) continue;
      for (const property of this.checker.getPropertiesOfType(member)) {
        if (mayBeFunctionType(this.checker, this.checker.getNonNullableType(this.checker.getTypeOfSymbol(property)), LIBRARY_MEMBERS)) names.add(property.name);
      }
    }
    return names.size > 0 ? names : 'none';
  }

  /** The methods of the project class that `origin` instantiates that the library can call, given what its parameter names. */
  private methodsOfInstance(origin: ts.Expression, expected: ReadonlySet<string>): Unit[] {
    if (!ts.isNewExpression(origin)) return [];
    const symbol = resolveAlias(this.checker, this.checker.getSymbolAtLocation(origin.expression));
    this.tracker.current.addSymbol(symbol);
    const classDeclaration = symbol?.declarations?.find(ts.isClassLike);
    if (!classDeclaration || this.isLibrary(classDeclaration)) return [];
    const units: Unit[] = [];
    const seen = new Set<string>();
    for (const [owner, libraryBase] of this.projectLineage(classDeclaration)) {
      for (const member of owner.members) {
        if (!ts.isMethodDeclaration(member) || !isFunctionWithBody(member) || !isPublicInstanceMember(member)) continue;
        const name = memberName(member.name);
        if (name === undefined || seen.has(name)) continue;
        seen.add(name);
        // A base the checker cannot type (a JavaScript module without typings) may call any of them.
        const called = expected.has(name) || (libraryBase !== undefined && (libraryBase.flags & ts.TypeFlags.Any || libraryBase.getProperty(name) !== undefined));
        const unit = called ? this.unitOf(member) : undefined;
        if (unit) units.push(unit);
      }
    }
    return units;
  }

  /** Library code: typings, or a package's own JavaScript that the program reads. */
  private isLibrary(declaration: ts.Node): boolean {
    return isLibraryDeclaration(this.program, declaration) || /[\\/]node_modules[\\/]/.test(declaration.getSourceFile().fileName);
  }

  /** The class and its project base classes, nearest first, each with the library class the chain ends in (if any). */
  private projectLineage(classDeclaration: ts.ClassLikeDeclaration): [ts.ClassLikeDeclaration, ts.Type | undefined][] {
    const chain: ts.ClassLikeDeclaration[] = [];
    let libraryBase: ts.Type | undefined;
    for (let current: ts.ClassLikeDeclaration | undefined = classDeclaration; current && chain.length < 20; ) {
      chain.push(current);
      this.tracker.current.addNode(current);
      const base = current.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
      if (!base) break;
      const baseSymbol = resolveAlias(this.checker, this.checker.getSymbolAtLocation(base.expression));
      const baseDeclaration = baseSymbol?.declarations?.find(ts.isClassLike);
      if (!baseDeclaration || this.isLibrary(baseDeclaration)) {
        libraryBase = this.checker.getTypeAtLocation(base);
        break;
      }
      if (chain.includes(baseDeclaration)) break;
      current = baseDeclaration;
    }
    return chain.map((owner) => [owner, libraryBase]);
  }
}

/** A library's method member is typed as a function; `any` members are data it passes along. */
const LIBRARY_MEMBERS = { untyped: false, freeTypeParameter: false } as const;

function isPublicInstanceMember(member: ts.MethodDeclaration): boolean {
  if (ts.isPrivateIdentifier(member.name)) return false;
  const flags = ts.getCombinedModifierFlags(member);
  return (flags & (ts.ModifierFlags.Static | ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0;
}
