import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { recordUsage, trackUsage, type Probe } from '../analysis/cross-program-cache.js';
import { isFunctionWithBody, isObjectCreate, outermostWrapper, PROMISE_METHODS, returnedArgumentOf, returnedExpressions, skipParens, type FunctionWithBody } from '../util/ast.js';
import { isLibraryDeclaration, mayBeFunctionType, PRIMITIVE, typeLineage } from '../util/types.js';
import { ANY_EVENT, containerName, flowSitesAnalyzer, memberName, NAMED_EVENT, type FlowSites, type ListenerSite, type SiteKind, type StoreSite } from './flowsites.js';
import { eventNameOf } from '../util/events.js';
import { syntaxAnalyzer, type SyntaxFacts, type Unit } from './syntax.js';

/**
 * valueflow: which functions an expression can be. It answers by walking backwards from
 * the expression through the places a function value can sit, in the manner of
 * field-based flow graphs for JavaScript call graphs: a variable's initializer and every
 * assignment to it; a parameter's arguments at each call of its function (found by the
 * function's name, then checked by the checker), and for a callback of a library call
 * the values that call hands it (a promise's value to `then`, a collection's elements to
 * `forEach`/`map`/`reduce`); a property's declarations and every write to the same
 * property (`this.onData = onData`, a parameter property, an options object), and for
 * an interface member the object literals and classes that implement it; the elements
 * of an array, Set, Map or queue (`push`, `set`, `add`, `[i] =`, read back by `for…of`,
 * `shift`, `get`, `[i]`); every member of a dispatch table read with a computed key;
 * a call's returned values (also through `await` and `async`); destructuring; `bind`.
 * Identity comes from the checker's symbols wherever it has them; a value from library
 * code, or one the walk cannot see, resolves to nothing: an unresolved call is no edge.
 * The walk is on demand and memoised per expression, so its cost follows the code that
 * contexts reach, not the size of the program.
 */
export const valueFlowAnalyzer = defineAnalyzer<ValueFlow>({
  name: 'valueflow',
  doc: 'Resolves an expression to the function values that can reach it: through variables, parameters, properties, collections, returns, dispatch tables and interface implementations.',
  requires: [syntaxAnalyzer, flowSitesAnalyzer],
  run(pass) {
    const context: FlowContext = {
      program: pass.program,
      checker: pass.checker,
      syntax: pass.resultOf(syntaxAnalyzer),
      sites: pass.resultOf(flowSitesAnalyzer),
      memo: new Map(),
      originMemo: new Map(),
    };
    return {
      functionsOf: (expression) => functionsOf(context, expression),
      listenersOf: (call, event) => listenersOf(context, call, event),
      originsOf: (expression) => originsOf(context, expression),
    };
  },
});

/** A function an expression can be, with how it got there. */
export interface FlowTarget extends Trail {
  readonly unit: Unit;
}

/** The way a function value travelled to the expression: the first store and the first argument it went through. */
export interface Trail {
  /** The write, push or assignment through which the value reached the expression (the one nearest to it). */
  readonly storedAt?: ts.Node;
  /** The calls that passed the value as an argument to a parameter on the way. */
  readonly passedThrough?: readonly PassedArgument[];
}

export interface PassedArgument {
  readonly call: ts.CallExpression | ts.NewExpression;
  readonly index: number;
  /** The function whose parameter the argument became. */
  readonly into: ts.Node;
}

function stored(trail: Trail | undefined, node: ts.Node): Trail {
  return trail?.storedAt ? trail : { ...trail, storedAt: node };
}

function passed(trail: Trail | undefined, call: ts.CallExpression | ts.NewExpression, index: number, into: ts.Node): Trail {
  return { ...trail, passedThrough: [...(trail?.passedThrough ?? []), { call, index, into }] };
}

export interface ValueFlow {
  functionsOf(expression: ts.Expression): readonly FlowTarget[];
  /**
   * The listeners registered for `event` on the emitter that `call` emits on
   * (`bus.emit('cancel', m)` runs every `bus.on('cancel', f)`), across files.
   */
  listenersOf(call: ts.CallExpression, event: string): readonly FlowTarget[];
  /**
   * Where the value of an expression the checker cannot type comes from: the
   * allocations (`new Worker(…)`, `new Map()`, `{}`, `Object.create(null)`) and the
   * library values (`parentPort`, `self`, `require('worker_threads').parentPort`) that
   * reach it by the same paths as function values. Empty when the walk sees none.
   */
  originsOf(expression: ts.Expression): readonly ts.Expression[];
}

interface FlowContext {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  readonly syntax: SyntaxFacts;
  readonly sites: FlowSites;
  readonly memo: Map<ts.Node, MemoEntry<FlowTarget> | 'pending'>;
  readonly originMemo: Map<ts.Node, MemoEntry<ts.Expression> | 'pending'>;
}

interface MemoEntry<T> {
  readonly targets: readonly T[];
  readonly files: ReadonlySet<ts.SourceFile>;
  readonly probes: ReadonlySet<Probe>;
}

/** The memoised answer for one expression; a query met again while it is being answered (a cycle) adds nothing. */
function functionsOf(context: FlowContext, expression: ts.Expression): readonly FlowTarget[] {
  return memoised(context.memo, expression, () => {
    const search = new Search(context, 'functions');
    search.expression(expression, undefined);
    sayWhereCut(search, expression);
    return search.functions();
  });
}

function originsOf(context: FlowContext, expression: ts.Expression): readonly ts.Expression[] {
  return memoised(context.originMemo, expression, () => {
    const search = new Search(context, 'origins');
    search.expression(expression, undefined);
    sayWhereCut(search, expression);
    return search.origins();
  });
}

/**
 * A walk that ended at a bound answered with what it had found: calls resolved through the
 * rest go unseen, and so may writes. Not an error (the bounds are what keep one odd chain from
 * costing the whole program), but not silent either: with `MAP_RACE_DEBUG=1` each cut walk is
 * named on stderr, where scripts/robustness.mjs counts them.
 */
function sayWhereCut(search: Search, expression: ts.Expression): void {
  if (!search.cutAt || !process.env.MAP_RACE_DEBUG) return;
  const file = expression.getSourceFile();
  const { line, character } = file.getLineAndCharacterOfPosition(expression.getStart(file));
  process.stderr.write(`map-race: valueflow: a walk from ${file.fileName}:${line + 1}:${character + 1} stopped at its ${search.cutAt} bound\n`);
}

function memoised<T>(memo: Map<ts.Node, MemoEntry<T> | 'pending'>, expression: ts.Expression, compute: () => readonly T[]): readonly T[] {
  const known = memo.get(expression);
  if (known === 'pending') return [];
  if (known) {
    recordUsage(known.files, known.probes);
    return known.targets;
  }
  memo.set(expression, 'pending');
  const { value, files, probes } = trackUsage(compute);
  memo.set(expression, { targets: value, files, probes });
  return value;
}

/**
 * An emitter is the same when both receivers name the same variable or field, when both
 * are the global scope, when both are instances of the same project class (`this`
 * inside `class Bus extends EventEmitter` and `bus` outside), or when one is typed by a
 * project interface or class that the other's class extends or implements (an adapter
 * class's `this.emit('message', m)` and `adapter.on('message', f)` on a parameter typed by
 * the interface it implements, as calls through an interface reach its implementations).
 * Two unrelated instances of a library class (two `new EventEmitter()`s) are not the same
 * emitter, nor are two project classes whose only common ancestor is a library class.
 */
function listenersOf(context: FlowContext, call: ts.CallExpression, event: string): readonly FlowTarget[] {
  const callee = skipParens(call.expression);
  const emitter = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
  const found = new Map<Unit, FlowTarget>();
  const sites = [...context.sites.sites('listener', event), ...namedListenerSites(context, event)];
  recordUsage([], [context.sites.probe('listener', event)]);
  for (const site of sites) {
    if (!sameEmitter(context, emitter, site.receiver)) continue;
    recordUsage([site.node.getSourceFile()]);
    for (const target of functionsOf(context, site.handler)) {
      if (!found.has(target.unit)) found.set(target.unit, { ...target, storedAt: site.node });
    }
  }
  return [...found.values()];
}

/**
 * The listeners registered under an event named by an expression (`player.on(Events.Loaded, f)`)
 * whose one literal value is `event` (any literal for an `emit` of a run-time name). A name
 * the checker cannot pin to one literal (the `event` parameter of a forwarding `on`) matches
 * nothing here: the wrapper's own call sites carry the name.
 */
function namedListenerSites(context: FlowContext, event: string): ListenerSite[] {
  recordUsage([], [context.sites.probe('listener', NAMED_EVENT)]);
  return context.sites.sites('listener', NAMED_EVENT).filter((site) => {
    const name = eventNameOf(context.checker, site.event);
    return name !== undefined && (event === ANY_EVENT || name === event);
  });
}

function sameEmitter(context: FlowContext, a: ts.Expression | undefined, b: ts.Expression | undefined): boolean {
  if (!a || !b) return !a && !b;
  const { checker, program } = context;
  const symbolA = containerSymbol(checker, a);
  const symbolB = containerSymbol(checker, b);
  if (symbolA && symbolB && sameSymbol(symbolA, symbolB)) return true;
  const typeA = checker.getTypeAtLocation(a);
  const typeB = checker.getTypeAtLocation(b);
  const classA = typeA.getSymbol();
  const classB = typeB.getSymbol();
  if (!classA || !classB || isLibrarySymbol(program, classA) || isLibrarySymbol(program, classB)) return false;
  if (sameSymbol(classA, classB)) return (classA.flags & ts.SymbolFlags.Class) !== 0;
  return implementsOrExtends(checker, typeA, classB) || implementsOrExtends(checker, typeB, classA);
}

/** Whether a project class type extends or implements `ancestor` (a project class or interface), directly or not. */
function implementsOrExtends(checker: ts.TypeChecker, type: ts.Type, ancestor: ts.Symbol): boolean {
  if (!(ancestor.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface))) return false;
  const own = type.getSymbol();
  const seen = new Set<ts.Symbol>();
  const queue = [type];
  for (let current = queue.pop(); current; current = queue.pop()) {
    for (const symbol of typeLineage(checker, current)) {
      if (seen.has(symbol)) continue;
      seen.add(symbol);
      if (symbol !== own && sameSymbol(symbol, ancestor)) return true;
      recordUsage((symbol.declarations ?? []).map((declaration) => declaration.getSourceFile()));
      for (const declaration of symbol.declarations ?? []) {
        if (!ts.isClassLike(declaration)) continue;
        for (const clause of declaration.heritageClauses ?? []) {
          if (clause.token === ts.SyntaxKind.ImplementsKeyword) queue.push(...clause.types.map((implemented) => checker.getTypeAtLocation(implemented)));
        }
      }
    }
  }
  return false;
}

/** Names by which code reaches the global object. */
const GLOBAL_OBJECTS: ReadonlySet<string> = new Set(['globalThis', 'self', 'window', 'global']);

/** `RUNTIME` for `globalThis.RUNTIME`, `(self as any).RUNTIME` or `window['RUNTIME']`. */
function globalPropertyName(expression: ts.Expression): string | undefined {
  const node = skipParens(expression);
  let name: string | undefined;
  if (ts.isPropertyAccessExpression(node)) name = node.name.text;
  else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) name = node.argumentExpression.text;
  else return undefined;
  const base = skipParens(node.expression);
  return ts.isIdentifier(base) && GLOBAL_OBJECTS.has(base.text) ? name : undefined;
}

/** Work bounds for one query: beyond them the answer is what was found so far. */
const MAX_STEPS = 4000;
/**
 * How deeply expressions may nest in one path of a query. The search is depth-first, and each
 * step through a parameter, a call's result or a return adds a few frames (and the checker's
 * own); a chain of hundreds of such steps overflowed the stack (a `RangeError` that failed the
 * whole function). Beyond this depth a path ends with what it found, as beyond MAX_STEPS.
 * Counted over every search on the stack: a search asks for another's answer
 * (`#resolverOfDeferred` → `originsOf`), and their paths nest on the same stack.
 */
const MAX_DEPTH = 200;
let searchDepth = 0;

/** Library methods that call their callback with the receiver's elements (its first parameter; `reduce`'s second). */
export const ELEMENT_CALLBACKS: ReadonlySet<string> = new Set(['forEach', 'map', 'filter', 'find', 'findLast', 'findIndex', 'some', 'every', 'flatMap', 'sort']);
/** Calls that return an element of their receiver. */
export const ELEMENT_READS: ReadonlySet<string> = new Set(['get', 'shift', 'pop', 'at', 'find', 'findLast']);

/** One backward walk: every place it visits once, the functions it finds, and what it consulted. */
class Search {
  readonly #context: FlowContext;
  /** Places visited, per kind of place (a symbol's elements and its property values are different places). */
  readonly #seen = new Map<string, Set<unknown>>();
  readonly #found = new Map<Unit, FlowTarget>();
  /** What the walk looks for: function values, or the allocations and library values a value comes from. */
  readonly #mode: 'functions' | 'origins';
  readonly #origins = new Set<ts.Expression>();
  readonly #files = new Set<ts.SourceFile>();
  readonly #probes = new Set<Probe>();
  #steps = 0;
  /** The bound at which the walk stopped following some path, if it did. */
  cutAt: 'step' | 'depth' | undefined;

  constructor(context: FlowContext, mode: 'functions' | 'origins') {
    this.#context = context;
    this.#mode = mode;
  }

  functions(): readonly FlowTarget[] {
    recordUsage(this.#files, this.#probes);
    return [...this.#found.values()];
  }

  origins(): readonly ts.Expression[] {
    recordUsage(this.#files, this.#probes);
    return [...this.#origins];
  }

  /**
   * In "origins" mode, `d.resolve` or `const { resolve } = d` where `d` is a
   * `Promise.withResolvers()` result: the resolver is library code, so the walk ends at the
   * place it is taken from, and settlement reads the promise and the outcome from there.
   */
  #resolverOfDeferred(receiver: ts.Expression, name: string, place: ts.Expression): boolean {
    if (this.#mode !== 'origins' || (name !== 'resolve' && name !== 'reject')) return false;
    if (!originsOf(this.#context, receiver).some(isWithResolversCall)) return false;
    this.#origins.add(place);
    return true;
  }

  /** In "origins" mode, an allocation or a library value ends the walk as an origin. */
  #isOrigin(node: ts.Expression): boolean {
    if (this.#mode !== 'origins') return false;
    if (ts.isNewExpression(node) || ts.isObjectLiteralExpression(node) || ts.isArrayLiteralExpression(node) || isObjectCreate(node)) return true;
    if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
      const symbol = this.#symbolAt(ts.isPropertyAccessExpression(node) ? node.name : node);
      return symbol !== undefined && isLibrarySymbol(this.#context.program, symbol);
    }
    return false;
  }

  /** Whether `key` is new to this walk as a place of `kind` (and the walk is within its bounds). */
  #first(key: unknown, kind = 'value'): boolean {
    let seen = this.#seen.get(kind);
    if (!seen) this.#seen.set(kind, (seen = new Set()));
    if (seen.has(key)) return false;
    if (++this.#steps > MAX_STEPS) {
      this.cutAt ??= 'step';
      return false;
    }
    seen.add(key);
    return true;
  }

  #sites<K extends SiteKind>(kind: K, name: string | undefined) {
    if (name === undefined) return [];
    this.#probes.add(this.#context.sites.probe(kind, name));
    return this.#context.sites.sites(kind, name);
  }

  #symbolAt(node: ts.Node): ts.Symbol | undefined {
    const symbol = this.#context.checker.getSymbolAtLocation(node);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) return this.#context.checker.getAliasedSymbol(symbol);
    return symbol;
  }

  /**
   * Whether a declaration (or symbol) can hold a function, by its type: a parameter typed
   * `string` or `Msg` never does, so the walk does not search for what its callers pass.
   */
  #holdsFunctions(place: ts.Declaration | ts.Symbol): boolean {
    const checker = this.#context.checker;
    const type = 'kind' in place ? checker.getTypeAtLocation(place) : checker.getTypeOfSymbol(place);
    if (this.#mode === 'origins') return (type.flags & NOT_FUNCTIONS) === 0;
    return mayBeFunctionType(checker, checker.getAwaitedType(type) ?? type, VALUES);
  }

  /** Whether a container's elements can be functions: an array or collection of callables, or of `any`. */
  #holdsFunctionElements(symbol: ts.Symbol): boolean {
    if (this.#mode === 'origins') return true;
    const checker = this.#context.checker;
    const type = checker.getTypeOfSymbol(symbol);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return true;
    const members = type.isUnion() ? type.types : [type];
    return members.some((member) => {
      const args = member.flags & ts.TypeFlags.Object && (member as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference ? checker.getTypeArguments(member as ts.TypeReference) : [];
      if (args.length > 0) return args.some((arg) => mayBeFunctionType(checker, arg, VALUES));
      const index = checker.getIndexInfosOfType(member);
      return index.length === 0 || index.some((info) => mayBeFunctionType(checker, info.type, VALUES));
    });
  }

  /** A declared function is that function; a getter's value is what it returns. */
  #declaredFunction(declaration: FunctionWithBody, trail: Trail | undefined): void {
    if (ts.isGetAccessorDeclaration(declaration)) this.returns(this.#context.syntax.unitOf(declaration)!, trail);
    else this.#addFunction(declaration, trail);
  }

  #addFunction(node: ts.Node, trail: Trail | undefined): void {
    const unit = this.#context.syntax.unitOf(node);
    if (!unit || this.#found.has(unit)) return;
    this.#found.set(unit, { unit, ...trail });
  }

  expression(expression: ts.Expression, trail: Trail | undefined): void {
    if (searchDepth >= MAX_DEPTH) {
      this.cutAt ??= 'depth';
      return;
    }
    searchDepth++;
    try {
      this.#expressionStep(expression, trail);
    } finally {
      searchDepth--;
    }
  }

  #expressionStep(expression: ts.Expression, trail: Trail | undefined): void {
    const node = skipParens(expression);
    if (!this.#first(node)) return;
    this.#files.add(node.getSourceFile());
    if (isFunctionWithBody(node)) {
      if (this.#mode === 'functions') this.#addFunction(node, trail);
      return;
    }
    if (this.#isOrigin(node)) {
      this.#origins.add(node);
      return;
    }
    if (ts.isIdentifier(node)) {
      this.symbol(this.#symbolAt(node), trail);
    } else if (ts.isPropertyAccessExpression(node)) {
      if (this.#resolverOfDeferred(node.expression, node.name.text, node)) return;
      this.property(node.expression, node.name.text, this.#symbolAt(node.name), trail);
    } else if (ts.isElementAccessExpression(node)) {
      this.elementAccess(node, trail);
    } else if (ts.isCallExpression(node)) {
      this.callResult(node, trail);
    } else if (isProxyConstruction(node)) {
      if (this.#mode === 'functions') this.proxyCall(node, trail);
    } else if (ts.isAwaitExpression(node)) {
      this.expression(node.expression, trail);
    } else if (ts.isConditionalExpression(node)) {
      this.expression(node.whenTrue, trail);
      this.expression(node.whenFalse, trail);
    } else if (ts.isBinaryExpression(node)) {
      this.binary(node, trail);
    }
  }

  binary(node: ts.BinaryExpression, trail: Trail | undefined): void {
    switch (node.operatorToken.kind) {
      case ts.SyntaxKind.QuestionQuestionToken:
      case ts.SyntaxKind.BarBarToken:
      case ts.SyntaxKind.QuestionQuestionEqualsToken:
      case ts.SyntaxKind.BarBarEqualsToken:
        this.expression(node.left, trail);
        this.expression(node.right, trail);
        return;
      case ts.SyntaxKind.AmpersandAmpersandToken:
      case ts.SyntaxKind.CommaToken:
      case ts.SyntaxKind.EqualsToken:
        this.expression(node.right, trail);
        return;
    }
  }

  /** `o['p']` is the property; `table[key]` is any member of the table or any element of the collection. */
  elementAccess(node: ts.ElementAccessExpression, trail: Trail | undefined): void {
    const key = skipParens(node.argumentExpression);
    if (ts.isStringLiteralLike(key)) {
      this.property(node.expression, key.text, this.#symbolAt(key), trail);
      return;
    }
    // A key of one known value (`const K = 'open'`, a `unique symbol`) names one property, not the whole table.
    const keyType = this.#context.checker.getTypeAtLocation(key);
    const checker = this.#context.checker;
    if (keyType.isNumberLiteral() && checker.isArrayLikeType(checker.getTypeAtLocation(node.expression))) {
      this.elements(node.expression, trail);
      return;
    }
    if (keyType.isStringLiteral() || keyType.isNumberLiteral()) {
      this.property(node.expression, String(keyType.value), undefined, trail);
      return;
    }
    if (keyType.flags & ts.TypeFlags.UniqueESSymbol) return;
    this.elements(node.expression, trail);
    this.tableMembers(node.expression, trail);
  }

  /** What a call returns: `f.bind(…)` is `f`; `Object.freeze(x)` is `x`; `queue.shift()`, `callbacks.get(id)` an element; otherwise the callees' returns. */
  callResult(call: ts.CallExpression, trail: Trail | undefined): void {
    const argument = returnedArgumentOf(call);
    if (argument) {
      this.expression(argument, trail);
      return;
    }
    const callee = skipParens(call.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      const name = callee.name.text;
      if (name === 'bind') {
        this.expression(callee.expression, trail);
        return;
      }
      if (name === 'resolve' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Promise' && call.arguments[0]) {
        this.expression(call.arguments[0], trail);
        return;
      }
      if (ELEMENT_READS.has(name)) this.elements(callee.expression, trail);
    }
    const callees = functionsOf(this.#context, call.expression);
    // In "origins" mode a call into code the walk cannot see is where the value comes from.
    if (callees.length === 0 && this.#mode === 'origins') this.#origins.add(call);
    for (const callee of callees) this.returns(callee.unit, trail);
  }

  /** The values a function returns: its `return` expressions, or an arrow's expression body. */
  returns(unit: Unit, trail: Trail | undefined): void {
    const node = unit.node;
    if (ts.isSourceFile(node) || !this.#first(unit, 'returns')) return;
    for (const returned of returnedExpressions(node)) this.expression(returned, trail);
  }

  /** A name's values: every declaration of what it names, and every assignment to it. */
  symbol(symbol: ts.Symbol | undefined, trail: Trail | undefined): void {
    if (!symbol || !this.#first(symbol) || isLibrarySymbol(this.#context.program, symbol)) return;
    let isProperty = false;
    for (const declaration of symbol.declarations ?? []) {
      this.#files.add(declaration.getSourceFile());
      if (isFunctionWithBody(declaration)) {
        this.#declaredFunction(declaration, trail);
      } else if (ts.isVariableDeclaration(declaration)) {
        this.variable(declaration, trail);
      } else if (ts.isBindingElement(declaration)) {
        this.binding(declaration, trail);
      } else if (ts.isParameter(declaration)) {
        this.parameter(declaration, trail);
      } else if (isPropertyDeclarationLike(declaration)) {
        isProperty = true;
      }
    }
    if (isProperty) this.propertySymbol(symbol, symbol.name, trail);
  }

  variable(declaration: ts.VariableDeclaration, trail: Trail | undefined): void {
    if (!ts.isIdentifier(declaration.name)) return;
    if (declaration.initializer) this.expression(declaration.initializer, trail);
    const statement = declaration.parent.parent;
    if (ts.isForOfStatement(statement) && statement.initializer === declaration.parent) this.elements(statement.expression, trail);
    if (this.#holdsFunctions(declaration)) this.assignments(declaration.name, trail);
  }

  /** `x = v` anywhere the same variable (or parameter) is assigned. */
  assignments(name: ts.Identifier, trail: Trail | undefined): void {
    const symbol = this.#symbolAt(name);
    if (!symbol) return;
    for (const site of this.#sites('assign', name.text)) {
      if (this.#symbolAt(site.target) === symbol) this.expression(site.value, stored(trail, site.node));
    }
  }

  /** `const { read } = make()`, `const [first] = list`, `function f({ onClose })`: one level of destructuring. */
  binding(element: ts.BindingElement, trail: Trail | undefined): void {
    const pattern = element.parent;
    const holder = pattern.parent;
    const key = ts.isObjectBindingPattern(pattern) ? memberName(element.propertyName ?? (ts.isIdentifier(element.name) ? element.name : undefined)) : undefined;
    const project = (source: ts.Expression): void => {
      if (key !== undefined && ts.isIdentifier(element.name) && this.#resolverOfDeferred(source, key, element.name)) return;
      if (ts.isArrayBindingPattern(pattern)) this.elements(source, trail);
      else if (key !== undefined) this.property(source, key, undefined, trail);
    };
    if (ts.isVariableDeclaration(holder)) {
      if (holder.initializer) project(holder.initializer);
      const statement = holder.parent.parent;
      if (ts.isForOfStatement(statement) && key === undefined) this.elements(statement.expression, trail);
    } else if (ts.isParameter(holder)) {
      for (const { argument } of this.argumentsOf(holder)) project(argument);
    }
  }

  /** A parameter's values: what its function's callers pass, or what the library call that runs a callback hands it. */
  parameter(parameter: ts.ParameterDeclaration, trail: Trail | undefined): void {
    const owner = parameter.parent;
    if (!isFunctionWithBody(owner) || !this.#first(parameter, 'parameter') || !this.#holdsFunctions(parameter)) return;
    this.callbackParameter(owner, owner.parameters.indexOf(parameter), trail);
    for (const { argument, call, index } of this.argumentsOf(parameter)) this.expression(argument, passed(trail, call, index, owner));
    if (ts.isIdentifier(parameter.name)) this.assignments(parameter.name, trail);
  }

  /** `p.then(f => …)`: f is p's value; `list.forEach(f => …)`: f is an element; `list.reduce((acc, f) => …, init)`. */
  callbackParameter(callback: ts.Node, index: number, trail: Trail | undefined): void {
    const call = outermostWrapper(callback).parent;
    // A resolver that `new Promise` hands its executor is where a settling function comes from (see `settlement`).
    if (this.#mode === 'origins' && index <= 1 && call && promiseOfExecutor(callback) && ts.isFunctionLike(callback)) {
      const name = callback.parameters[index]?.name;
      if (name && ts.isIdentifier(name)) this.#origins.add(name);
      return;
    }
    if (!call || !ts.isCallExpression(call) || !call.arguments.some((argument) => skipParens(argument) === callback)) return;
    const callee = skipParens(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return;
    const name = callee.name.text;
    if (PROMISE_METHODS.has(name) && index === 0) this.expression(callee.expression, trail);
    else if (ELEMENT_CALLBACKS.has(name) && index === 0) this.elements(callee.expression, trail);
    else if ((name === 'reduce' || name === 'reduceRight') && index === 1) this.elements(callee.expression, trail);
    else if ((name === 'reduce' || name === 'reduceRight') && index === 0 && call.arguments[1]) this.expression(call.arguments[1], trail);
  }

  /** The arguments that calls of the parameter's function pass for it (all the rest, for a rest parameter). */
  argumentsOf(parameter: ts.ParameterDeclaration): { argument: ts.Expression; call: ts.CallExpression | ts.NewExpression; index: number }[] {
    const owner = parameter.parent as ts.SignatureDeclaration;
    const first = owner.parameters.indexOf(parameter);
    const found: { argument: ts.Expression; call: ts.CallExpression | ts.NewExpression; index: number }[] = [];
    for (const call of this.invocationsOf(owner, first)) {
      const args = call.arguments ?? [];
      const last = parameter.dotDotDotToken ? args.length : Math.min(first + 1, args.length);
      for (let index = first; index < last; index++) {
        const argument = args[index]!;
        found.push({ argument: ts.isSpreadElement(argument) ? argument.expression : argument, call, index });
      }
    }
    return found;
  }

  /** The calls (and `new`s, and `super(…)`s) that run `fn` with an argument at `withArgument`, found by its name and checked by the checker. */
  invocationsOf(fn: ts.SignatureDeclaration, withArgument: number): (ts.CallExpression | ts.NewExpression)[] {
    const found: (ts.CallExpression | ts.NewExpression)[] = [];
    for (const name of invocationNames(fn)) {
      for (const site of this.#sites('invoke', name)) {
        // A call that passes nothing at that position passes no function there.
        if ((site.node.arguments?.length ?? 0) <= withArgument) continue;
        if (this.invokes(site.node, fn)) found.push(site.node);
      }
    }
    return found;
  }

  invokes(call: ts.CallExpression | ts.NewExpression, fn: ts.SignatureDeclaration): boolean {
    const callee = skipParens(call.expression);
    if (ts.isConstructorDeclaration(fn)) {
      if (callee.kind === ts.SyntaxKind.SuperKeyword) {
        const base = ts.findAncestor(call, ts.isClassLike)?.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
        return base !== undefined && declares(this.#symbolAt(base.expression), fn.parent);
      }
      return ts.isNewExpression(call) && declares(this.#symbolAt(callee), fn.parent);
    }
    if (ts.isNewExpression(call)) return false;
    const nameNode = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
    const symbol = this.#symbolAt(nameNode);
    if (declares(symbol, fn) || (symbol?.declarations ?? []).some((declaration) => initializerOf(declaration) === fn)) return true;
    if (!symbol || isLibrarySymbol(this.#context.program, symbol)) return false;
    // Through a value (a parameter, a field, an interface member): ask the flow itself.
    return functionsOf(this.#context, call.expression).some((target) => target.unit.node === fn);
  }

  /** `receiver.name`: the property's declarations and writes; on a receiver the checker cannot type, nothing. */
  property(receiver: ts.Expression, name: string, symbol: ts.Symbol | undefined, trail: Trail | undefined): void {
    const checker = this.#context.checker;
    const property = symbol ?? checker.getPropertyOfType(checker.getTypeAtLocation(receiver), name);
    if (property && this.#passedLibraryValuesOnly(receiver, property, name)) return;
    const known = this.#found.size;
    if (property && this.#membersOfOrigins(receiver, property, name, trail)) return;
    if (property) this.propertySymbol(property, name, trail);
    this.publishedMember(receiver, name, trail);
    if (this.#found.size === known) this.proxiedMember(receiver, trail);
  }

  /**
   * `port.addEventListener(…)` on a parameter typed by a project interface (`MessageEndpoint`)
   * that every call passes a library object for (`endpoint.replace(data.port)` with a
   * `MessagePort`, by the argument's type where it is passed, narrowed by `instanceof`): the
   * member is the library's, not every project implementation of the interface. Only for a
   * parameter nothing reassigns and whose function has calls the walk finds.
   */
  #passedLibraryValuesOnly(receiver: ts.Expression, property: ts.Symbol, name: string): boolean {
    const node = skipParens(receiver);
    if (!ts.isIdentifier(node) || isLibrarySymbol(this.#context.program, property)) return false;
    const symbol = this.#symbolAt(node);
    const parameters = symbol?.declarations ?? [];
    if (parameters.length !== 1 || !ts.isParameter(parameters[0]!) || !ts.isIdentifier(parameters[0].name)) return false;
    if (this.#sites('assign', node.text).some((site) => this.#symbolAt(site.target) === symbol)) return false;
    const passed = this.argumentsOf(parameters[0]);
    const checker = this.#context.checker;
    return (
      passed.length > 0 &&
      passed.every(({ argument }) => {
        const member = checker.getNonNullableType(checker.getTypeAtLocation(argument)).getProperty(name);
        return member !== undefined && isLibrarySymbol(this.#context.program, member);
      })
    );
  }

  /**
   * `timer.dispose()` or `reader.listen(cb)` where the member is declared only by a project
   * interface or type literal (`Disposable`, `MessageReader`): the members of the objects
   * the receiver can be, when value flow finds every one of them and each is an object
   * literal or a `new` of a project class that has the member, instead of every
   * implementation of the interface in the program (a `Disposable`'s `dispose` is every
   * `{ dispose: … }` a program returns). When the walk sees a value it cannot follow (a
   * library value, an unresolved call, a parameter without callers, an object whose member
   * is added later), the answer is every implementation, as before.
   */
  #membersOfOrigins(receiver: ts.Expression, property: ts.Symbol, name: string, trail: Trail | undefined): boolean {
    const declarations = property.declarations ?? [];
    if (declarations.length === 0 || !declarations.every(isMemberSignature) || isLibrarySymbol(this.#context.program, property)) return false;
    const origins = originsOf(this.#context, receiver);
    if (origins.length === 0 || !origins.every((origin) => this.#hasOwnMember(origin, name))) return false;
    for (const origin of origins) this.memberOfOrigin(origin, name, trail);
    return true;
  }

  /** Whether an origin is an object literal that spells the member (with no spread), or a `new` of a project class that declares it. */
  #hasOwnMember(origin: ts.Expression, name: string): boolean {
    if (ts.isObjectLiteralExpression(origin)) {
      return !origin.properties.some(ts.isSpreadAssignment) && origin.properties.some((element) => memberName(element.name) === name);
    }
    if (!ts.isNewExpression(origin)) return false;
    const member = this.#context.checker.getTypeAtLocation(origin).getProperty(name);
    const declarations = member?.declarations ?? [];
    return declarations.length > 0 && !declarations.some(isMemberSignature) && !isLibrarySymbol(this.#context.program, member!);
  }

  /**
   * `rpc.hello(…)` where `rpc` is a `new Proxy(target, { get })` (an RPC stub): a member of
   * a proxy is whatever its `get` trap returns, whatever the name. Asked only when the
   * property's declarations gave nothing, and only in a program that makes proxies.
   */
  proxiedMember(receiver: ts.Expression, trail: Trail | undefined): void {
    if (this.#mode !== 'functions' || this.#sites('invoke', 'Proxy').length === 0) return;
    for (const origin of originsOf(this.#context, receiver)) {
      for (const trap of this.#proxyTraps(origin, 'get')) this.returns(trap, trail);
    }
  }

  /** `new Proxy(target, handler)` called: its `apply` trap runs, or the target when it has none. */
  proxyCall(proxy: ts.NewExpression, trail: Trail | undefined): void {
    const traps = this.#proxyTraps(proxy, 'apply');
    for (const trap of traps) this.#addFunction(trap.node, trail);
    if (traps.length === 0 && proxy.arguments?.[0]) this.expression(proxy.arguments[0], trail);
  }

  /** The `name` traps of a `new Proxy(target, handler)`: members of the handler's object literals. */
  #proxyTraps(proxy: ts.Expression, name: string): Unit[] {
    if (!isProxyConstruction(proxy) || !proxy.arguments?.[1]) return [];
    const handler = skipParens(proxy.arguments[1]);
    const handlers = ts.isObjectLiteralExpression(handler) ? [handler] : originsOf(this.#context, handler).filter(ts.isObjectLiteralExpression);
    const traps: Unit[] = [];
    for (const literal of handlers) {
      for (const element of literal.properties) {
        if (memberName(element.name) !== name) continue;
        const fn = ts.isPropertyAssignment(element) ? skipParens(element.initializer) : element;
        const unit = isFunctionWithBody(fn) ? this.#context.syntax.unitOf(fn) : undefined;
        if (unit) traps.push(unit);
      }
    }
    return traps;
  }

  /**
   * `globalThis.RUNTIME.record` or `(self as any).api.store`, where another file published
   * an object on the global (`globalThis.RUNTIME = runtime`): the member `name` of every
   * object or class instance written to that global property. The global's declared type
   * (`declare global { var RUNTIME: { record(): void } }`, or `any`) says nothing of the
   * object, so the walk follows the writes by the property's name; the test that the
   * receiver is a property of a global is syntactic and comes first.
   */
  publishedMember(receiver: ts.Expression, name: string, trail: Trail | undefined): void {
    const published = globalPropertyName(receiver);
    if (published === undefined || !this.#first(`${published}\u0000${name}`, 'published')) return;
    for (const site of this.#sites('property', published)) {
      if (globalPropertyName(site.target) !== published) continue;
      for (const origin of originsOf(this.#context, site.value)) this.memberOfOrigin(origin, name, stored(trail, site.node));
    }
  }

  /** The member `name` of an object literal, or of the class a `new` makes. */
  memberOfOrigin(origin: ts.Expression, name: string, trail: Trail | undefined): void {
    this.#files.add(origin.getSourceFile());
    if (ts.isObjectLiteralExpression(origin)) {
      for (const element of origin.properties) if (memberName(element.name) === name) this.objectMember(element, trail);
    } else if (ts.isNewExpression(origin)) {
      const type = this.#context.checker.getTypeAtLocation(origin);
      const member = type.getProperty(name);
      if (member) this.propertySymbol(member, name, trail);
    }
  }

  /** A property's values: its declarations, every write to it, and for an interface member its implementations. */
  propertySymbol(symbol: ts.Symbol, name: string, trail: Trail | undefined): void {
    const checker = this.#context.checker;
    if (!this.#first(symbolKey(symbol), 'property') || isLibrarySymbol(this.#context.program, symbol) || !this.#holdsFunctions(symbol)) return;
    for (const declaration of symbol.declarations ?? []) {
      this.#files.add(declaration.getSourceFile());
      if (isFunctionWithBody(declaration)) {
        this.#declaredFunction(declaration, trail);
      } else if (ts.isPropertyAssignment(declaration) || ts.isPropertyDeclaration(declaration)) {
        if (declaration.initializer) this.expression(declaration.initializer, trail);
        else this.implementations(declaration, name, trail);
      } else if (ts.isShorthandPropertyAssignment(declaration)) {
        this.symbol(checker.getShorthandAssignmentValueSymbol(declaration), trail);
      } else if (ts.isParameter(declaration)) {
        this.parameter(declaration, trail);
      } else if (ts.isPropertySignature(declaration) || ts.isMethodSignature(declaration) || ts.isMethodDeclaration(declaration)) {
        this.implementations(declaration, name, trail);
      } else if (ts.isBinaryExpression(declaration)) {
        this.expression(declaration.right, stored(trail, declaration));
      }
    }
    for (const site of this.#sites('property', name)) {
      const target = site.target as ts.PropertyAccessExpression | ts.ElementAccessExpression;
      const nameNode = ts.isPropertyAccessExpression(target) ? target.name : target.argumentExpression;
      if (sameSymbol(this.#symbolAt(nameNode), symbol)) this.expression(site.value, stored(trail, site.node));
    }
  }

  /**
   * An interface (or abstract) member's implementations: members of the same name in
   * object literals whose contextual type has this member (`const api: Api = { … }`, an
   * options argument, a factory's annotated return), and in classes that implement or
   * extend the declaring type.
   */
  implementations(member: ts.Declaration, name: string, trail: Trail | undefined): void {
    const owner = member.parent;
    if (!this.#first(member, 'implementations')) return;
    const checker = this.#context.checker;
    for (const site of this.#sites('member', name)) {
      const element = site.node;
      if (element === member) continue;
      if (ts.isObjectLiteralExpression(element.parent)) {
        const contextual = checker.getContextualType(element.parent);
        const expected = contextual && checker.getPropertyOfType(contextual, name);
        if (expected ? (expected.declarations ?? []).includes(member) : this.#assignableTo(element.parent, owner)) {
          this.objectMember(element as ts.ObjectLiteralElementLike, trail);
        }
      } else if (ts.isClassLike(element.parent) && element.parent !== owner && this.classImplements(element.parent, owner)) {
        const own = element.name && this.#symbolAt(element.name);
        if (own) this.propertySymbol(own, name, trail);
      }
    }
  }

  /**
   * An object literal without a contextual type (`export default { read, write }`) that
   * is returned or assigned as the interface elsewhere: it implements the interface when
   * its type is assignable to it (only for interfaces and type aliases without type
   * parameters, whose declared type stands for every use).
   */
  #assignableTo(literal: ts.ObjectLiteralExpression, owner: ts.Node): boolean {
    const checker = this.#context.checker as ts.TypeChecker & { isTypeAssignableTo?(source: ts.Type, target: ts.Type): boolean };
    if (!checker.isTypeAssignableTo) return false;
    let target: ts.Type | undefined;
    if (ts.isInterfaceDeclaration(owner) && !owner.typeParameters) {
      const symbol = checker.getSymbolAtLocation(owner.name);
      target = symbol && checker.getDeclaredTypeOfSymbol(symbol);
    } else if (ts.isTypeLiteralNode(owner) && ts.isTypeAliasDeclaration(owner.parent) && !owner.parent.typeParameters) {
      target = checker.getTypeAtLocation(owner.parent.name);
    }
    return target !== undefined && checker.isTypeAssignableTo(checker.getTypeAtLocation(literal), target);
  }

  objectMember(element: ts.ObjectLiteralElementLike, trail: Trail | undefined): void {
    if (ts.isPropertyAssignment(element)) this.expression(element.initializer, trail);
    else if (ts.isShorthandPropertyAssignment(element)) this.symbol(this.#context.checker.getShorthandAssignmentValueSymbol(element), trail);
    else if (isFunctionWithBody(element)) this.#addFunction(element, trail);
  }

  /** Whether a class implements or extends (directly or through its bases) the type that declares a member. */
  classImplements(classNode: ts.ClassLikeDeclaration, owner: ts.Node): boolean {
    const checker = this.#context.checker;
    const related = [checker.getTypeAtLocation(classNode)];
    for (const clause of classNode.heritageClauses ?? []) for (const type of clause.types) related.push(checker.getTypeAtLocation(type));
    return related.some((type) => typeLineage(checker, type).some((symbol) => (symbol.declarations ?? []).includes(owner as ts.Declaration)));
  }

  /** The elements of an array, Set, Map or queue: its initializer's items and every push/set/add/`[i] =` into it. */
  elements(container: ts.Expression, trail: Trail | undefined): void {
    const node = skipParens(container);
    if (ts.isArrayLiteralExpression(node)) {
      for (const element of node.elements) {
        // `[...listeners]` holds the elements of `listeners`; `[f, g]` holds f and g.
        if (ts.isSpreadElement(element)) this.elements(element.expression, trail);
        else this.expression(element, trail);
      }
      return;
    }
    const copied = copiedCollection(node);
    if (copied) {
      this.elements(copied, trail);
      return;
    }
    const symbol = containerSymbol(this.#context.checker, node);
    if (!symbol || !this.#first(symbolKey(symbol), 'elements') || isLibrarySymbol(this.#context.program, symbol)) return;
    for (const declaration of symbol.declarations ?? []) {
      const initializer = initializerOf(declaration);
      if (initializer) this.initialElements(initializer, trail);
    }
    if (!this.#holdsFunctionElements(symbol)) return;
    for (const site of this.#storesInto(symbol, containerName(node))) {
      if (ts.isBinaryExpression(site.node) && !ts.isElementAccessExpression(skipParens(site.node.left))) continue;
      this.expression(site.value, stored(trail, site.node));
    }
  }

  /**
   * The stores into a container (`c.push(v)`, `c[k] = v`, `c.p = v`), also through a local
   * alias of it (`const ah = this.actionHandler; ah[name] = handler`).
   */
  #storesInto(symbol: ts.Symbol, name: string | undefined): StoreSite[] {
    const checker = this.#context.checker;
    const found = this.#sites('store', name).filter((site) => sameSymbol(containerSymbol(checker, site.target), symbol));
    for (const alias of this.#sites('alias', name)) {
      if (!sameSymbol(containerSymbol(checker, alias.value), symbol)) continue;
      const aliasSymbol = checker.getSymbolAtLocation(alias.target);
      if (!aliasSymbol) continue;
      for (const site of this.#sites('store', (alias.target as ts.Identifier).text)) {
        if (sameSymbol(containerSymbol(checker, site.target), aliasSymbol)) found.push(site);
      }
    }
    return found;
  }

  /** `[f, g]`, `new Set([f])`, `new Map([[k, f]])`. */
  initialElements(initializer: ts.Node, trail: Trail | undefined): void {
    const node = ts.isExpression(initializer) ? skipParens(initializer) : initializer;
    if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
      // `const listeners = this.onreadyListeners`: the same collection under another name.
      this.elements(node, trail);
      return;
    }
    if (ts.isArrayLiteralExpression(node) || (ts.isExpression(node) && copiedCollection(node))) {
      this.elements(node, trail);
    } else if (ts.isNewExpression(node) && node.arguments?.[0]) {
      const items = skipParens(node.arguments[0]);
      if (!ts.isArrayLiteralExpression(items)) return;
      for (const item of items.elements) {
        const entry = skipParens(item);
        if (ts.isArrayLiteralExpression(entry) && entry.elements[1]) this.expression(entry.elements[1], trail);
        else this.expression(entry, trail);
      }
    }
  }

  /** `handlers[msg.op]`: every member of the table's type that the project declares, and every write into the table. */
  tableMembers(table: ts.Expression, trail: Trail | undefined): void {
    const checker = this.#context.checker;
    const type = checker.getTypeAtLocation(table);
    if (checker.isArrayLikeType(type)) return;
    for (const property of checker.getPropertiesOfType(type)) this.propertySymbol(property, property.name, trail);
    const symbol = containerSymbol(checker, skipParens(table));
    if (!symbol) return;
    for (const site of this.#storesInto(symbol, containerName(table))) {
      if (ts.isBinaryExpression(site.node)) this.expression(site.value, stored(trail, site.node));
    }
  }
}

const NOT_FUNCTIONS = PRIMITIVE | ts.TypeFlags.Never;

/** A value typed `any`, `unknown` or by a free type parameter may be a function. */
const VALUES = { untyped: true, freeTypeParameter: true } as const;

/** Calls that copy a collection's elements into a new one: `xs.slice()`, `xs.filter(…)`, `Array.from(xs)`, `m.values()`. */
const COPYING_METHODS = new Set(['slice', 'filter', 'concat', 'values', 'toArray', 'toReversed', 'toSorted']);

function copiedCollection(node: ts.Expression): ts.Expression | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const callee = skipParens(node.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  if (ts.isIdentifier(callee.expression) && callee.expression.text === 'Array' && callee.name.text === 'from') return node.arguments[0];
  return COPYING_METHODS.has(callee.name.text) ? callee.expression : undefined;
}



/** A member declared by an interface or a type literal: a shape, with no value of its own. */
function isMemberSignature(declaration: ts.Declaration): boolean {
  return ts.isPropertySignature(declaration) || ts.isMethodSignature(declaration);
}

function isPropertyDeclarationLike(declaration: ts.Declaration): boolean {
  return (
    ts.isPropertyAssignment(declaration) ||
    ts.isShorthandPropertyAssignment(declaration) ||
    ts.isPropertyDeclaration(declaration) ||
    ts.isPropertySignature(declaration) ||
    ts.isMethodSignature(declaration) ||
    ts.isMethodDeclaration(declaration) ||
    ts.isBinaryExpression(declaration)
  );
}

/** A library's own symbols (lib.d.ts, packages' typings) hold no project function. */
function isLibrarySymbol(program: ts.Program, symbol: ts.Symbol): boolean {
  const declarations = symbol.declarations ?? [];
  return declarations.length > 0 && declarations.every((declaration) => isLibraryDeclaration(program, declaration));
}

/** Symbols of instantiated generic types are fresh objects: their declarations are their identity. */
function symbolKey(symbol: ts.Symbol): unknown {
  return symbol.declarations?.[0] ?? symbol;
}

function sameSymbol(a: ts.Symbol | undefined, b: ts.Symbol): boolean {
  if (!a) return false;
  if (a === b) return true;
  const theirs = b.declarations ?? [];
  return (a.declarations ?? []).some((declaration) => theirs.includes(declaration));
}

function declares(symbol: ts.Symbol | undefined, node: ts.Node): boolean {
  return (symbol?.declarations ?? []).includes(node as ts.Declaration);
}

/** The symbol that stands for a container: a variable, a field (`this.#listeners`), a property. */
function containerSymbol(checker: ts.TypeChecker, expression: ts.Expression): ts.Symbol | undefined {
  const node = skipParens(expression);
  const nameNode = ts.isPropertyAccessExpression(node)
    ? node.name
    : ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)
      ? node.argumentExpression
      : node;
  if (!ts.isIdentifier(nameNode) && !ts.isPrivateIdentifier(nameNode) && !ts.isStringLiteralLike(nameNode)) return undefined;
  const symbol = checker.getSymbolAtLocation(nameNode);
  return symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** The initializer of a variable, property or parameter declaration. */
function initializerOf(declaration: ts.Declaration): ts.Expression | undefined {
  if (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration) || ts.isPropertyAssignment(declaration) || ts.isParameter(declaration)) {
    return declaration.initializer && skipParens(declaration.initializer);
  }
  return undefined;
}

/** `new Proxy(target, handler)` (by name: a project's own class called `Proxy` is rare, and its traps would be members anyway). */
function isProxyConstruction(node: ts.Node): node is ts.NewExpression {
  return ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Proxy';
}

/**
 * `new Promise(executor)` when `callback` is that executor: the promise its resolvers
 * settle (by name; `settlement` checks with the checker that it is the global `Promise`).
 */
export function promiseOfExecutor(callback: ts.Node): ts.NewExpression | undefined {
  const holder = outermostWrapper(callback).parent;
  if (!holder || !ts.isNewExpression(holder) || !holder.arguments?.[0] || skipParens(holder.arguments[0]) !== callback) return undefined;
  const callee = skipParens(holder.expression);
  return ts.isIdentifier(callee) && callee.text === 'Promise' ? holder : undefined;
}

/** `Promise.withResolvers()`: a promise made with its resolver and rejecter beside it, as `{ promise, resolve, reject }`. */
export function isWithResolversCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const callee = skipParens(node.expression);
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'withResolvers' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Promise';
}

/** The names a call of `fn` can use: its own name, its variable's or property's, its class's for a constructor. */
export function invocationNames(fn: ts.SignatureDeclaration): string[] {
  if (ts.isConstructorDeclaration(fn)) {
    const name = fn.parent.name?.text;
    return name ? [name, 'super'] : ['super'];
  }
  const own = fn.name && !ts.isComputedPropertyName(fn.name) ? memberName(fn.name) : undefined;
  if (own) return [own];
  const parent = outermostWrapper(fn).parent;
  if (!parent) return [];
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return [parent.name.text];
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && memberName(parent.name)) return [memberName(parent.name)!];
  if (ts.isBinaryExpression(parent) && isAssignment(parent.operatorToken.kind)) {
    const name = containerName(parent.left);
    return name ? [name, ...gettersReturning(parent)] : [];
  }
  return [];
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.EqualsToken || kind === ts.SyntaxKind.QuestionQuestionEqualsToken || kind === ts.SyntaxKind.BarBarEqualsToken;
}

/**
 * A lazily made function that a getter hands out (`get event() { this._event ??= (l) =>
 * …; return this._event }`, as emitters do): `x.event(listener)` calls it by the getter's
 * name.
 */
function gettersReturning(assignment: ts.BinaryExpression): string[] {
  const getter = ts.findAncestor(assignment, isFunctionWithBody);
  if (!getter || !ts.isGetAccessorDeclaration(getter) || !getter.name || !memberName(getter.name)) return [];
  const stored = skipParens(assignment.left).getText();
  const returnsIt = returnedExpressions(getter).some((returned) => {
    const node = skipParens(returned);
    return node === assignment || node.getText() === stored;
  });
  return returnsIt ? [memberName(getter.name)!] : [];
}

