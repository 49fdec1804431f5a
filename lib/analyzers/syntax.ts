import ts from '../util/typescript.cjs';
import { contained, type AnalysisFailure } from '../analysis/faults.js';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { calleeName, isFunctionWithBody, skipParens, type FunctionWithBody } from '../util/ast.js';

/**
 * syntax: per-file syntactic facts. For every function of a file (and the module body
 * itself) it records the calls the function makes, the functions created inside it, the
 * write and delete expressions that could hit a Map or Record, the points where it gives
 * control back (`await`, `yield`, `for await`), and for the file the candidate context
 * registrations (`onmessage =`, `…('message', …)`, `Atomics.wait`, `expose(…)`). No type
 * is asked for: the facts depend only on the file's text, so they are cached by
 * `ts.SourceFile` and reused by every later program in which the file did not change.
 */
export const syntaxAnalyzer = defineAnalyzer<SyntaxFacts>({
  name: 'syntax',
  doc: 'Per-file syntactic facts: functions, their calls, nested functions, candidate writes, suspension points and candidate context registrations.',
  requires: [],
  run: () => syntaxFacts,
});

export type UnitNode = FunctionWithBody | ts.SourceFile;

export type WriteKind = 'method' | 'assign' | 'update' | 'delete' | 'destructure' | 'builtin';

/** An expression that writes or deletes through `receiver`, if `receiver` turns out to be a map. */
export interface WriteSite {
  readonly node: ts.Expression;
  readonly receiver: ts.Expression;
  readonly kind: WriteKind;
  /** For `r.k = v`: the property name, which must not be a declared key of the type. */
  readonly propertyName?: string;
  /** For method writes (`set`, `delete`, `clear`) and builtins (`Object.assign`, …). */
  readonly operation: string;
}

/** A function (or a module body) with what it does directly, nested functions excluded. */
export interface Unit {
  readonly node: UnitNode;
  readonly file: ts.SourceFile;
  readonly parent: Unit | undefined;
  readonly name: string;
  readonly calls: (ts.CallExpression | ts.NewExpression)[];
  readonly nested: Unit[];
  readonly writes: WriteSite[];
  /** `await`, `yield` and `for await` nodes of this function, in source order. */
  readonly suspensions: ts.Node[];
  /** Loops of this function whose body gives control back (a later iteration runs after it). */
  readonly suspendingLoops: ts.IterationStatement[];
  /** `Atomics.wait` / `Atomics.waitAsync` calls: they make this function an Atomics context. */
  readonly atomicsWaits: ts.CallExpression[];
  /**
   * Names put into object literals as values (`{ onClose }`, `{ onClose: handleClose }`):
   * like an inline arrow there, a function they name is stored for whoever calls it later.
   */
  readonly storedReferences: ts.Expression[];
}

export type RegistrationKind = 'property' | 'listener' | 'call';

/** A place that may register a message context, before the checker has looked at it. */
export interface RegistrationCandidate {
  readonly kind: RegistrationKind;
  /** `x.onmessage = f` / `onmessage = f` (kind 'property'), or the call. */
  readonly node: ts.BinaryExpression | ts.CallExpression;
  /** The receiver (`x`), undefined for a bare global. */
  readonly receiver: ts.Expression | undefined;
  readonly event: string;
  readonly handler: ts.Expression | undefined;
}

export interface FileFacts {
  readonly file: ts.SourceFile;
  readonly moduleUnit: Unit;
  readonly units: ReadonlyMap<ts.Node, Unit>;
  readonly registrations: readonly RegistrationCandidate[];
  /** Every call of the file by the last name of its callee, for name-configured contexts and guards. */
  readonly callsByName: ReadonlyMap<string, readonly ts.CallExpression[]>;
  /** Constructs whose facts could not be collected (left out of the facts above). */
  readonly failures: readonly AnalysisFailure[];
}

export interface SyntaxFacts {
  facts(file: ts.SourceFile): FileFacts;
  /** The unit of a function node (or module body), or undefined when it has no body. */
  unitOf(node: ts.Node): Unit | undefined;
}

const factsByFile = new WeakMap<ts.SourceFile, FileFacts>();

/** The failures met collecting a file's facts, if they were collected (never collects them). */
export function syntaxFailuresOf(file: ts.SourceFile): readonly AnalysisFailure[] {
  return factsByFile.get(file)?.failures ?? [];
}

const syntaxFacts: SyntaxFacts = {
  facts(file) {
    let facts = factsByFile.get(file);
    if (!facts) {
      facts = collectFileFacts(file);
      factsByFile.set(file, facts);
    }
    return facts;
  },
  unitOf(node) {
    if (!ts.isSourceFile(node) && !isFunctionWithBody(node)) return undefined;
    return syntaxFacts.facts(node.getSourceFile()).units.get(node);
  },
};

const MESSAGE_EVENTS = new Set(['message', 'messageerror']);
const LISTENER_METHODS = new Set([
  'addEventListener',
  'on',
  'once',
  'addListener',
  'prependListener',
  'prependOnceListener',
]);
const MAP_WRITE_METHODS = new Set(['set', 'delete', 'clear']);
/** The kinds `recordNode` records anything for (keep in step with its switch). */
const RECORDED_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.AwaitExpression,
  ts.SyntaxKind.YieldExpression,
  ts.SyntaxKind.ForOfStatement,
  ts.SyntaxKind.ForInStatement,
  ts.SyntaxKind.CallExpression,
  ts.SyntaxKind.NewExpression,
  ts.SyntaxKind.BinaryExpression,
  ts.SyntaxKind.PrefixUnaryExpression,
  ts.SyntaxKind.PostfixUnaryExpression,
  ts.SyntaxKind.DeleteExpression,
  ts.SyntaxKind.ShorthandPropertyAssignment,
  ts.SyntaxKind.PropertyAssignment,
]);
/** Keyed by a receiver's name in user code (`toString.call(x)`, `constructor.name`): a Map, so no name finds `Object.prototype`. */
const BUILTIN_WRITES = new Map<string, ReadonlySet<string>>([
  ['Object', new Set(['assign', 'defineProperty', 'defineProperties'])],
  ['Reflect', new Set(['set', 'deleteProperty', 'defineProperty'])],
]);

function collectFileFacts(file: ts.SourceFile): FileFacts {
  const units = new Map<ts.Node, Unit>();
  const registrations: RegistrationCandidate[] = [];
  const callsByName = new Map<string, ts.CallExpression[]>();
  const failures: AnalysisFailure[] = [];

  const newUnit = (node: UnitNode, parent: Unit | undefined): Unit => {
    const unit: Unit = {
      node,
      file,
      parent,
      name: ts.isSourceFile(node) ? '<module>' : functionName(node),
      calls: [],
      nested: [],
      writes: [],
      suspensions: [],
      suspendingLoops: [],
      atomicsWaits: [],
      storedReferences: [],
    };
    units.set(node, unit);
    parent?.nested.push(unit);
    return unit;
  };

  const moduleUnit = newUnit(file, undefined);
  const loopStack: ts.IterationStatement[] = [];

  const markSuspension = (unit: Unit, node: ts.Node): void => {
    unit.suspensions.push(node);
    for (const loop of loopStack) {
      if (!unit.suspendingLoops.includes(loop)) unit.suspendingLoops.push(loop);
    }
  };

  // The unit whose children are being visited: one visitor for every node, no closure per node.
  let currentUnit: Unit = moduleUnit;
  const visitChild = (child: ts.Node): void => visit(child, currentUnit);
  const visitChildren = (node: ts.Node, unit: Unit): void => {
    const outer = currentUnit;
    currentUnit = unit;
    try {
      ts.forEachChild(node, visitChild);
    } finally {
      // A construct that throws (contained below) must not leave its unit current for its siblings.
      currentUnit = outer;
    }
  };

  const visit = (node: ts.Node, unit: Unit): void => {
    if (isFunctionWithBody(node)) {
      const inner = newUnit(node, unit);
      const savedLoops = loopStack.splice(0);
      visitChildren(node, inner);
      loopStack.push(...savedLoops);
      return;
    }
    // One construct whose facts cannot be collected is left out (and reported), not the file.
    // Most nodes record nothing: they skip the containment wrapper and its closure.
    if (RECORDED_KINDS.has(node.kind) && !contained(failures, node, 'syntax', false, () => recordNode(node, unit))) return;
    if (ts.isIterationStatement(node, false)) {
      loopStack.push(node);
      visitChildren(node, unit);
      loopStack.pop();
      return;
    }
    visitChildren(node, unit);
  };

  /** The facts of one node; false when its children are already visited. */
  const recordNode = (node: ts.Node, unit: Unit): boolean => {
    switch (node.kind) {
      case ts.SyntaxKind.AwaitExpression:
      case ts.SyntaxKind.YieldExpression:
        visitChildren(node, unit);
        markSuspension(unit, node);
        return false;
      case ts.SyntaxKind.ForOfStatement:
      case ts.SyntaxKind.ForInStatement:
        recordLoopTarget(node as ts.ForOfStatement | ts.ForInStatement, unit);
        break;
      case ts.SyntaxKind.CallExpression:
        recordCall(node as ts.CallExpression, unit);
        break;
      case ts.SyntaxKind.NewExpression:
        unit.calls.push(node as ts.NewExpression);
        break;
      case ts.SyntaxKind.BinaryExpression:
        recordBinary(node as ts.BinaryExpression, unit);
        break;
      case ts.SyntaxKind.PrefixUnaryExpression:
      case ts.SyntaxKind.PostfixUnaryExpression:
        recordUpdate(node as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, unit);
        break;
      case ts.SyntaxKind.DeleteExpression:
        recordDelete(node as ts.DeleteExpression, unit);
        break;
      case ts.SyntaxKind.ShorthandPropertyAssignment:
        unit.storedReferences.push((node as ts.ShorthandPropertyAssignment).name);
        break;
      case ts.SyntaxKind.PropertyAssignment: {
        const value = skipParens((node as ts.PropertyAssignment).initializer);
        if (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value)) unit.storedReferences.push(value);
        break;
      }
    }
    return true;
  };

  const recordCall = (call: ts.CallExpression, unit: Unit): void => {
    unit.calls.push(call);
    const name = calleeName(call.expression);
    if (name === undefined) return;
    let list = callsByName.get(name);
    if (!list) callsByName.set(name, (list = []));
    list.push(call);

    const callee = skipParens(call.expression);
    const receiver =
      ts.isPropertyAccessExpression(callee) || (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression))
        ? callee.expression
        : undefined;
    if (receiver && MAP_WRITE_METHODS.has(name)) {
      unit.writes.push({ node: call, receiver, kind: 'method', operation: name });
    }
    if (receiver && ts.isIdentifier(receiver) && BUILTIN_WRITES.get(receiver.text)?.has(name) && call.arguments[0]) {
      unit.writes.push({
        node: call,
        receiver: call.arguments[0],
        kind: 'builtin',
        operation: `${receiver.text}.${name}`,
      });
    }
    if (receiver && ts.isIdentifier(receiver) && receiver.text === 'Atomics' && (name === 'wait' || name === 'waitAsync')) {
      unit.atomicsWaits.push(call);
    }
    if (LISTENER_METHODS.has(name)) {
      const event = call.arguments[0];
      if (event && ts.isStringLiteralLike(event) && MESSAGE_EVENTS.has(event.text)) {
        registrations.push({ kind: 'listener', node: call, receiver, event: event.text, handler: call.arguments[1] });
      }
    }
  };

  const recordBinary = (binary: ts.BinaryExpression, unit: Unit): void => {
    const operator = binary.operatorToken.kind;
    if (operator < ts.SyntaxKind.FirstAssignment || operator > ts.SyntaxKind.LastAssignment) return;
    // `[r.a = 1] = …`: the default of a destructuring target, which the pattern's own write covers.
    if (isPatternDefault(binary)) return;
    const target = skipParens(binary.left);
    if (operator === ts.SyntaxKind.EqualsToken) {
      const propertyName = assignedPropertyName(target);
      if (propertyName === 'onmessage' || propertyName === 'onmessageerror') {
        registrations.push({
          kind: 'property',
          node: binary,
          receiver: ts.isIdentifier(target) ? undefined : (target as ts.PropertyAccessExpression).expression,
          event: propertyName.slice(2),
          handler: binary.right,
        });
      }
      if (ts.isObjectLiteralExpression(target) || ts.isArrayLiteralExpression(target)) {
        for (const element of destructuringTargets(target)) {
          unit.writes.push(memberWrite(element, binary, 'destructure', '='));
        }
        return;
      }
    }
    if (isMemberAccess(target)) {
      unit.writes.push(memberWrite(target, binary, 'assign', ts.tokenToString(operator) ?? '='));
    }
  };

  const recordLoopTarget = (loop: ts.ForOfStatement | ts.ForInStatement, unit: Unit): void => {
    if (ts.isForOfStatement(loop) && loop.awaitModifier) markSuspension(unit, loop);
    if (ts.isVariableDeclarationList(loop.initializer)) return;
    const target = skipParens(loop.initializer);
    if (isMemberAccess(target)) {
      unit.writes.push(memberWrite(target, target, 'assign', ts.isForOfStatement(loop) ? 'for…of' : 'for…in'));
    } else if (ts.isObjectLiteralExpression(target) || ts.isArrayLiteralExpression(target)) {
      for (const element of destructuringTargets(target)) unit.writes.push(memberWrite(element, loop.initializer, 'destructure', '='));
    }
  };

  const recordUpdate = (node: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, unit: Unit): void => {
    if (node.operator !== ts.SyntaxKind.PlusPlusToken && node.operator !== ts.SyntaxKind.MinusMinusToken) return;
    const target = skipParens(node.operand);
    if (isMemberAccess(target)) {
      unit.writes.push(memberWrite(target, node, 'update', ts.tokenToString(node.operator) ?? '++'));
    }
  };

  const recordDelete = (node: ts.DeleteExpression, unit: Unit): void => {
    const target = skipParens(node.expression);
    if (isMemberAccess(target)) unit.writes.push(memberWrite(target, node, 'delete', 'delete'));
  };

  visitChildren(file, moduleUnit);
  return { file, moduleUnit, units, registrations, callsByName, failures };
}

type MemberAccess = ts.PropertyAccessExpression | ts.ElementAccessExpression;

/**
 * A member access that can write a dictionary entry. A private name (`this.#closing`) is
 * always a declared field, never a key of an index signature, so it is not one: the
 * checker does not find `#closing` by its source text, and a class with an index
 * signature would otherwise have its private fields reported as entries.
 */
function isMemberAccess(node: ts.Node): node is MemberAccess {
  return (ts.isPropertyAccessExpression(node) && !ts.isPrivateIdentifier(node.name)) || ts.isElementAccessExpression(node);
}

function memberWrite(target: ts.Expression, node: ts.Expression, kind: WriteKind, operation: string): WriteSite {
  const member = target as MemberAccess;
  return {
    node: kind === 'destructure' ? target : node,
    receiver: member.expression,
    kind,
    operation,
    ...(ts.isPropertyAccessExpression(member) ? { propertyName: member.name.text } : {}),
  };
}

/** The member-access targets of a destructuring assignment pattern, at any depth. */
function destructuringTargets(pattern: ts.Expression): MemberAccess[] {
  const found: MemberAccess[] = [];
  const visitTarget = (node: ts.Expression | undefined): void => {
    if (!node) return;
    const target = skipParens(node);
    if (isMemberAccess(target)) {
      found.push(target);
    } else if (ts.isObjectLiteralExpression(target)) {
      for (const property of target.properties) {
        if (ts.isPropertyAssignment(property)) visitTarget(property.initializer);
        else if (ts.isSpreadAssignment(property)) visitTarget(property.expression);
      }
    } else if (ts.isArrayLiteralExpression(target)) {
      for (const element of target.elements) {
        visitTarget(ts.isSpreadElement(element) ? element.expression : element);
      }
    } else if (ts.isBinaryExpression(target) && target.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      visitTarget(target.left);
    }
  };
  visitTarget(pattern);
  return found;
}

/** Whether an `=` expression is a default value inside a destructuring assignment pattern. */
function isPatternDefault(binary: ts.BinaryExpression): boolean {
  let node: ts.Node = binary;
  for (;;) {
    const parent = node.parent;
    if (
      ts.isArrayLiteralExpression(parent) ||
      ts.isObjectLiteralExpression(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isSpreadElement(parent) ||
      ts.isSpreadAssignment(parent) ||
      ts.isParenthesizedExpression(parent)
    ) {
      node = parent;
      continue;
    }
    if (node === binary) return false;
    return (
      (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.left === node) ||
      ((ts.isForOfStatement(parent) || ts.isForInStatement(parent)) && parent.initializer === node)
    );
  }
}

function assignedPropertyName(target: ts.Expression): string | undefined {
  if (ts.isIdentifier(target)) return target.text;
  if (ts.isPropertyAccessExpression(target)) return target.name.text;
  return undefined;
}


/** A readable name for a function, for call chains: `record`, `Store.touch`, `onmessage`. */
function functionName(node: FunctionWithBody): string {
  const ownName = node.name && !ts.isComputedPropertyName(node.name) ? node.name.getText() : undefined;
  if (ts.isConstructorDeclaration(node)) return `${className(node.parent)}.constructor`;
  if (ownName) {
    if (ts.isClassLike(node.parent)) return `${className(node.parent)}.${ownName}`;
    return ownName;
  }
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) && !ts.isComputedPropertyName(parent.name)) return parent.name.getText();
  if (ts.isPropertyDeclaration(parent) && !ts.isComputedPropertyName(parent.name)) {
    return `${className(parent.parent)}.${parent.name.getText()}`;
  }
  if (ts.isBinaryExpression(parent) && parent.right === node) {
    const target = assignedPropertyName(skipParens(parent.left));
    if (target) return target;
  }
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
    const callee = calleeName(parent.expression);
    const event = parent.arguments?.[0];
    if (callee && event && ts.isStringLiteralLike(event) && parent.arguments?.[1] === node) {
      return `${callee}('${event.text}') handler`;
    }
    if (callee) return `${callee} callback`;
  }
  const { line } = node.getSourceFile().getLineAndCharacterOfPosition(node.getStart());
  return `<anonymous:${line + 1}>`;
}

function className(node: ts.Node): string {
  return ts.isClassLike(node) && node.name ? node.name.text : '<class>';
}
