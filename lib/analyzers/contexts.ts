import ts from '../util/typescript.cjs';
import { contained } from '../analysis/faults.js';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { calleeName, matchesDottedName, returnedExpressions, skipParens, unwrapFunctionReference } from '../util/ast.js';
import { isFromPackage, isLibraryDeclaration, lineageIncludes, resolveAlias, typeLineage } from '../util/types.js';
import { CrossProgramCache, Dependencies } from '../analysis/cross-program-cache.js';
import { callgraphAnalyzer } from './callgraph.js';
import { syntaxAnalyzer, type FileFacts, type RegistrationCandidate, type Unit } from './syntax.js';
import { valueFlowAnalyzer } from './valueflow.js';

/**
 * contexts: the functions that run in response to messages or on shared memory. A
 * function registered for `message`/`messageerror` (`onmessage = f`,
 * `addEventListener('message', f)`, Node's `on`/`once`/`addListener`/`prepend…`) is a
 * context when the checker says the receiver is a message endpoint: a web or Node
 * `Worker`, a worker or service-worker global scope, a `MessagePort`, a
 * `BroadcastChannel`, a `Window`, a service-worker container, `process` or a child
 * process or cluster worker, the global scope through `globalThis` or an alias, or any
 * type with an endpoint's shape (`postMessage` and a listener for the registration's
 * member), wherever it is declared. WebSocket, EventSource and RTCDataChannel messages
 * are not. Functions exposed over RPC (comlink's and threads.js' `expose`, workerpool's
 * `worker({…})`, also through an exposed variable's object literal, and what an exposed
 * method returns through comlink's `proxy`), functions that call `Atomics.wait`/
 * `Atomics.waitAsync`, and the `contexts` option's handlers and exposures are contexts
 * too. Files that `ignorePaths` leaves out contribute none.
 */
export const contextsAnalyzer = defineAnalyzer<readonly Context[]>({
  name: 'contexts',
  doc: 'Finds message handlers, RPC-exposed functions and Atomics.wait users: the entry points of the reach walk.',
  requires: [syntaxAnalyzer, callgraphAnalyzer, valueFlowAnalyzer],
  run(pass) {
    const { program, checker, config } = pass;
    const syntax = pass.resultOf(syntaxAnalyzer);
    const callgraph = pass.resultOf(callgraphAnalyzer);
    const valueflow = pass.resultOf(valueFlowAnalyzer);
    const contexts: Context[] = [];
    const seen = new Set<string>();

    /** Adds a context; false when this function was already one for this registration. */
    const add = (unit: Unit, kind: ContextKind, registration: ts.Node, description: string): boolean => {
      const key = `${unit.file.fileName}:${unit.node.pos}:${registration.pos}`;
      if (seen.has(key)) return false;
      seen.add(key);
      contexts.push({ unit, kind, registration, description });
      return true;
    };

    const isEndpoint = (candidate: RegistrationCandidate): boolean => {
      const known = endpointCache.get(program, candidate.node);
      if (known !== undefined) return known;
      const dependencies = new Dependencies();
      dependencies.addNode(candidate.node);
      const decision = decideEndpoint(candidate, dependencies);
      endpointCache.set(program, candidate.node, decision, dependencies.files, dependencies.probes);
      return decision;
    };

    const decideEndpoint = (candidate: RegistrationCandidate, dependencies: Dependencies): boolean => {
      const memberName =
        candidate.kind === 'property'
          ? ts.isBinaryExpression(candidate.node) && skipParens(candidate.node.left)
          : ts.isCallExpression(candidate.node) && skipParens(candidate.node.expression);
      if (!memberName) return false;
      const nameNode = ts.isPropertyAccessExpression(memberName) ? memberName.name : memberName;
      const symbol = checker.getSymbolAtLocation(nameNode);
      dependencies.addSymbol(symbol);
      for (const declaration of symbol?.declarations ?? []) {
        if (!isLibraryDeclaration(program, declaration)) continue;
        const owner = declaration.parent;
        if (isGlobalScopeDeclaration(declaration)) {
          // A global `onmessage`/`addEventListener`, bare or through `globalThis` (or an alias of
          // it): the worker's (or window's) own scope. Only the global object has lib globals as members.
          return true;
        }
        if ((ts.isInterfaceDeclaration(owner) || ts.isClassDeclaration(owner)) && owner.name && ENDPOINTS.has(owner.name.text)) {
          return true;
        }
      }
      if (!candidate.receiver) return false;
      const receiverType = checker.getTypeAtLocation(candidate.receiver);
      if (receiverType.flags & ts.TypeFlags.Any) return untypedReceiverIsEndpoint(candidate, candidate.receiver, dependencies);
      return typeIsEndpoint(receiverType, candidate, dependencies);
    };

    const typeIsEndpoint = (type: ts.Type, candidate: RegistrationCandidate, dependencies: Dependencies): boolean => {
      const lineage = typeLineage(checker, type);
      for (const typeSymbol of lineage) dependencies.addSymbol(typeSymbol);
      if (lineageIncludes(program, lineage, ENDPOINTS)) return true;
      if (lineageIncludes(program, lineage, NOT_ENDPOINTS)) return false;
      return hasEndpointShape(checker, type, candidate, dependencies);
    };

    /**
     * A receiver typed `any` (JavaScript, an untyped parameter or field) is an endpoint when
     * a value it can hold comes from one: `new Worker(…)`, `parentPort`, a
     * `MessageChannel`'s port, a factory returning one. When the walk sees no origin at
     * all, the `unknownReceivers` option decides; an origin that is not an endpoint (a
     * WebSocket) never makes one.
     */
    const untypedReceiverIsEndpoint = (candidate: RegistrationCandidate, receiver: ts.Expression, dependencies: Dependencies): boolean => {
      const origins = dependencies.track(() => valueflow.originsOf(receiver));
      const typed = origins.map((origin) => checker.getTypeAtLocation(origin)).filter((type) => !(type.flags & ts.TypeFlags.Any));
      if (typed.some((type) => typeIsEndpoint(type, candidate, dependencies))) return true;
      return typed.length === 0 && config.unknownReceivers === 'context';
    };

    const addHandlers = (handler: ts.Expression | undefined, kind: ContextKind, registration: ts.Node, description: string): void => {
      if (!handler) return;
      for (const unit of callgraph.functionsOf(handler)) add(unit, kind, registration, description);
    };

    /**
     * Every function an exposed value makes callable: a function, or the methods of an
     * object or instance. Functions that an exposed one returns through comlink's `proxy(x)`
     * are callable from the other side too, so `x` is exposed in turn.
     */
    const addExposed = (value: ts.Expression | undefined, registration: ts.Node, description: string): void => {
      if (!value) return;
      const node = unwrapFunctionReference(value);
      const direct = callgraph.functionsOf(node);
      const units = direct.length > 0 ? direct : exposedMembers(node).flatMap(functionsOfMember);
      for (const unit of units) {
        if (add(unit, 'rpc', registration, description)) addProxiedReturns(unit);
      }
    };

    /** The members of an exposed object: its object literal's properties when it has one, else its type's. */
    const exposedMembers = (node: ts.Expression): readonly ts.Node[] => {
      const literal = initializingObjectLiteral(checker, node);
      if (literal) {
        return literal.properties.flatMap((property) => (ts.isSpreadAssignment(property) ? exposedMembers(property.expression) : [property]));
      }
      return checker.getPropertiesOfType(checker.getTypeAtLocation(node)).flatMap((property) => property.declarations ?? []);
    };

    /** The functions one member makes callable: a method, or a property (also shorthand) holding functions. */
    const functionsOfMember = (member: ts.Node): readonly Unit[] => {
      if (ts.isShorthandPropertyAssignment(member)) return callgraph.functionsOf(member.name);
      if (ts.isPropertyAssignment(member) || ts.isPropertyDeclaration(member)) {
        return member.initializer ? callgraph.functionsOf(member.initializer) : [];
      }
      const unit = syntax.unitOf(member);
      return unit ? [unit] : [];
    };

    const addProxiedReturns = (unit: Unit): void => {
      if (ts.isSourceFile(unit.node)) return;
      for (const returned of returnedExpressions(unit.node)) {
        const call = skipAwait(skipParens(returned));
        if (ts.isCallExpression(call) && calleeName(call.expression) === 'proxy' && calleeDeclaredIn(call, ['comlink'])) {
          addExposed(call.arguments[0], call, 'proxied method');
        }
      }
    };

    const calleeDeclaredIn = (call: ts.CallExpression, packages: readonly string[]): boolean => {
      const callee = skipParens(call.expression);
      const nameNode = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
      const symbol = checker.getSymbolAtLocation(nameNode);
      const target = resolveAlias(checker, symbol);
      return (target?.declarations ?? []).some((declaration) => isFromPackage(declaration, packages));
    };

    const scanFile = (facts: FileFacts, text: string): void => {
      for (const candidate of facts.registrations) {
        contained(pass.failures, candidate.node, 'contexts', undefined, () => {
          if (isEndpoint(candidate)) addHandlers(candidate.handler, 'message', candidate.node, `'${candidate.event}' handler`);
        });
      }
      if (text.includes('Atomics')) {
        for (const unit of facts.units.values()) {
          const wait = unit.atomicsWaits[0];
          if (wait) add(unit, 'atomics', wait, 'Atomics.wait loop');
        }
      }
      for (const call of facts.callsByName.get('expose') ?? []) {
        contained(pass.failures, call, 'contexts', undefined, () => {
          if (calleeDeclaredIn(call, ['comlink', 'threads'])) addExposed(call.arguments[0], call, 'exposed method');
        });
      }
      for (const call of facts.callsByName.get('worker') ?? []) {
        contained(pass.failures, call, 'contexts', undefined, () => {
          if (calleeDeclaredIn(call, ['workerpool'])) addExposed(call.arguments[0], call, 'workerpool method');
        });
      }
      for (const spec of config.contexts) {
        const dotted = 'handler' in spec ? spec.handler : spec.expose;
        const last = dotted.split('.').pop()!;
        for (const call of facts.callsByName.get(last) ?? []) {
          if (!matchesDottedName(call.expression, dotted)) continue;
          contained(pass.failures, call, 'contexts', undefined, () => {
            if ('handler' in spec) {
              for (const argument of call.arguments) addHandlers(argument, 'configured', call, `${dotted} handler`);
            } else {
              addExposed(call.arguments[0], call, `${dotted} method`);
            }
          });
        }
      }
    };

    const configuredNames = config.contexts.map((spec) => ('handler' in spec ? spec.handler : spec.expose).split('.').pop()!);
    const mayRegister = mayRegisterByNames(configuredNames);
    for (const file of program.getSourceFiles()) {
      if (file.isDeclarationFile || !mayRegister(file)) continue;
      if (program.isSourceFileFromExternalLibrary(file) || config.isIgnoredFile(file.fileName)) continue;
      scanFile(syntax.facts(file), file.text);
    }
    return contexts;
  },
});

/** Whether a registration's receiver is a message endpoint, reused across programs while its files are unchanged. */
const endpointCache = new CrossProgramCache<ts.Node, boolean>();

/** A file that mentions none of these cannot register a context (except through configured names). */
const CHEAP_FILTER = /message|Atomics|expose|worker/;

const filtersByNames = new Map<string, (file: ts.SourceFile) => boolean>();

/** The cheap text test, remembered per file: an edit elsewhere does not re-read a file's text. */
function mayRegisterByNames(configuredNames: readonly string[]): (file: ts.SourceFile) => boolean {
  const key = configuredNames.join('\0');
  let filter = filtersByNames.get(key);
  if (!filter) {
    const answers = new WeakMap<ts.SourceFile, boolean>();
    filter = (file) => {
      let answer = answers.get(file);
      if (answer === undefined) {
        const text = file.text;
        answer =
          !/[\\/]node_modules[\\/]/.test(file.fileName) &&
          (CHEAP_FILTER.test(text) || configuredNames.some((name) => text.includes(name)));
        answers.set(file, answer);
      }
      return answer;
    };
    filtersByNames.set(key, filter);
  }
  return filter;
}

const ENDPOINTS = new Set([
  'Worker',
  'AbstractWorker',
  'MessageEventTarget',
  'DedicatedWorkerGlobalScope',
  'WorkerGlobalScope',
  'SharedWorkerGlobalScope',
  'ServiceWorkerGlobalScope',
  'ServiceWorkerContainer',
  'ServiceWorker',
  'MessagePort',
  'BroadcastChannel',
  'Window',
  'WindowEventHandlers',
  'Process',
  'ChildProcess',
]);

/**
 * Whether a typings declaration is a global of the script scope (lib.webworker's
 * `onmessage`, a `declare global` block's), not the export of a module or a namespace member.
 */
function isGlobalScopeDeclaration(declaration: ts.Declaration): boolean {
  const owner = declaration.parent;
  if (!ts.isSourceFile(owner) && !ts.isVariableDeclarationList(owner) && !ts.isModuleBlock(owner)) return false;
  const namespace = ts.findAncestor(declaration.parent, ts.isModuleDeclaration);
  if (namespace) return (namespace.flags & ts.NodeFlags.GlobalAugmentation) !== 0;
  return !ts.isExternalModule(declaration.getSourceFile());
}

/**
 * The object literal an exposed identifier was initialized with, through aliases and
 * `as`/`satisfies`: `const api: Api = { … }; expose(api)` exposes the literal's functions,
 * which an interface annotation would hide (its members are signatures).
 */
function initializingObjectLiteral(checker: ts.TypeChecker, node: ts.Expression): ts.ObjectLiteralExpression | undefined {
  let current = skipParens(node);
  for (let hops = 0; ts.isIdentifier(current) && hops < MAX_ALIAS_HOPS; hops++) {
    const declaration = resolveAlias(checker, checker.getSymbolAtLocation(current))?.valueDeclaration;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
    current = skipParens(declaration.initializer);
  }
  return ts.isObjectLiteralExpression(current) ? current : undefined;
}

/** `const a = b; const b = c; …`: far enough for real code, and no loop on `const a = a`. */
const MAX_ALIAS_HOPS = 8;

function skipAwait(node: ts.Expression): ts.Expression {
  return ts.isAwaitExpression(node) ? skipParens(node.expression) : node;
}

/** Lib types with 'message' events that are not postMessage traffic (a server's or a peer's messages). */
const NOT_ENDPOINTS = new Set(['WebSocket', 'EventSource', 'RTCDataChannel']);

/** The member a registration goes through: `onmessage`/`onmessageerror`, or the listener method. */
function listenerMember(candidate: RegistrationCandidate): string | undefined {
  if (candidate.kind === 'property') return `on${candidate.event}`;
  return ts.isCallExpression(candidate.node) ? calleeName(candidate.node.expression) : undefined;
}

/**
 * Whether a type has the shape of a message endpoint, wherever it was declared (an RPC
 * library's own `Endpoint`, a project's port type): a callable `postMessage` member and a
 * `member` (the listener method or `onmessage` property the registration goes through)
 * that takes a listener function. A WebSocket-shaped type (`send`, no `postMessage`) is
 * not one. The decision is cached with the registration's (endpointCache), so it is not
 * cached here.
 */
function hasEndpointShape(checker: ts.TypeChecker, type: ts.Type, candidate: RegistrationCandidate, dependencies: Dependencies): boolean {
  const listenerName = listenerMember(candidate);
  if (!listenerName) return false;
  const nonNullable = checker.getNonNullableType(type);
  return (nonNullable.isUnion() ? nonNullable.types : [nonNullable]).some((memberType) => {
    const apparent = checker.getApparentType(memberType);
    const postMessage = checker.getPropertyOfType(apparent, 'postMessage');
    const listener = checker.getPropertyOfType(apparent, listenerName);
    dependencies.addSymbol(postMessage);
    dependencies.addSymbol(listener);
    if (!postMessage || !listener) return false;
    if (signaturesOf(checker, postMessage).length === 0) return false;
    // `onmessage`: the property itself is the listener. A method: one of its parameters is.
    return candidate.kind === 'property'
      ? isCallable(checker.getNonNullableType(checker.getTypeOfSymbol(listener)))
      : signaturesOf(checker, listener).some((signature) =>
          signature.parameters.some((parameter) => isCallable(checker.getNonNullableType(checker.getTypeOfSymbol(parameter)))),
        );
  });
}

function signaturesOf(checker: ts.TypeChecker, symbol: ts.Symbol): readonly ts.Signature[] {
  return checker.getNonNullableType(checker.getTypeOfSymbol(symbol)).getCallSignatures();
}

/** A function type, or a union with one (`EventListener | EventListenerObject`). */
function isCallable(type: ts.Type): boolean {
  return (type.isUnion() ? type.types : [type]).some((member) => member.getCallSignatures().length > 0);
}

export type ContextKind = 'message' | 'rpc' | 'atomics' | 'configured';

/** A function that runs in response to a message, over RPC, or on shared memory. */
export interface Context {
  readonly unit: Unit;
  readonly kind: ContextKind;
  /** Where it is registered: the `onmessage =`, the `on('message', …)`, the `expose(…)`, the `Atomics.wait`. */
  readonly registration: ts.Node;
  readonly description: string;
}
