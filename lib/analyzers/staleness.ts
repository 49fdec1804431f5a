import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { alwaysJumps, contains, isFunctionWithBody, skipParens } from '../util/ast.js';
import { keyOf, readsAnalyzer } from './reads.js';
import { idempotenceAnalyzer } from './idempotence.js';
import type { MapWrite } from './mutations.js';
import type { Unit } from './syntax.js';

/**
 * staleness: whether a write that runs after control was given back acts on a read taken
 * before it — check, await, act (`if (!m.has(k)) { await load(); m.set(k, v) }`), read,
 * await, write back (`const n = m.get(k); await save(); m.set(k, n + 1)`), iterate, await,
 * delete (`for (const k of m.keys()) { await close(k); m.delete(k) }`). Another turn may
 * have written the container in between, so what was read no longer holds when the write
 * acts on it. The activation is the chain of functions reach walked from the turn's start
 * to the write (each with the call it made); a read counts when it happens in that
 * activation before the suspension and either controls the write (the write sits under a
 * condition, an early exit or a loop over the container that read it) or feeds the
 * written key or value (through locals, returns and helpers, see `reads`). A write of a
 * constant only controlled by the read (`if (!ready.get(k)) { await init(); ready.set(k,
 * true) }`), or of a module loaded by the key (`idempotence`), gives the same result from
 * every turn and is not stale. A read taken after the
 * last suspension, a write depending on no read, and check-and-act with nothing given
 * back between them are not stale either.
 */
export const stalenessAnalyzer = defineAnalyzer<Staleness>({
  name: 'staleness',
  doc: 'Pairs a read of a container, a later suspension and a later write in one activation: the write acts on a stale read.',
  requires: [readsAnalyzer, idempotenceAnalyzer],
  run(pass) {
    const { checker } = pass;
    const reads = pass.resultOf(readsAnalyzer);
    const idempotence = pass.resultOf(idempotenceAnalyzer);

    const staleRead = (activation: readonly ActivationStep[], write: MapWrite): StaleRead | undefined => {
      const container = write.site.receiver;
      // The same value from every turn (a constant, a module loaded by the key): a stale read changes nothing.
      const constant = writesConstant(write) || (activation[0] !== undefined && idempotence.sameFromEveryTurn(write, activation[0].unit));
      const live = constant ? [] : liveArguments(checker, activation, write);
      for (const { step, index, cut } of beforeSuspension(activation)) {
        const found = evidenceIn(step, container, cut, write, index === 0, constant, live[index] ?? []);
        if (found) return rechecked(activation, write) ? undefined : found;
      }
      return undefined;
    };

    /**
     * Whether the turn reads the container again after it gave control back and before the
     * write (`setTimeout(() => { if (m.size === 0) m.clear() })`): the write then acts on
     * the fresh read, which is the fix the report asks for.
     */
    const rechecked = (activation: readonly ActivationStep[], write: MapWrite): boolean => {
      const container = write.site.receiver;
      const writeKey = keyOf(write.site);
      for (const step of activation) {
        const from = step.point ? suspendsAt(step.point) : step.unit.node.getStart();
        const to = step.node.getStart();
        const again = reads.directReadsOf(step.unit, container).some((read) => {
          if (read.getStart() < from || read.end > to) return false;
          const readKey = reads.keyOfRead(read);
          // Only a look at the same entry, or (for a whole-container write) at the whole container, is a re-check.
          return readKey && writeKey ? reads.sameKey(readKey, writeKey) : !readKey && !writeKey;
        });
        if (again) return true;
        if (step.point || step.enteredDeferred) return false;
      }
      return false;
    };

    /** A read before `cut` in `step`'s function that controls `step.node` or feeds it. */
    const evidenceIn = (step: ActivationStep, container: ts.Expression, cut: number, write: MapWrite, writeStep: boolean, constant: boolean, liveArgs: readonly ts.Node[]): StaleRead | undefined => {
      // Positions compare only within this step's own function: a read in the write's own
      // operands, found from a caller's step, runs in the callee, after the caller's suspension.
      const before = (read: ts.Node | undefined): ts.Node | undefined => (read && read.end <= cut && ownedBy(step.unit, read) ? read : undefined);
      const readValue = (node: ts.Node): ts.Node | undefined => before(reads.readIn(node, step.unit, container));
      const writeKey = keyOf(write.site);
      if (!constant) {
        // The write's own operands may use this function's locals too, captured by a closure.
        const operands = writeStep ? operandsOf(step.node, write) : [...liveArgs, ...operandsOf(write.site.node, write)];
        for (const operand of operands) {
          const read = readValue(operand);
          if (read) return { read, how: 'value' };
        }
      }
      if (constant) return undefined;
      // Snapshot, await, clear: `clear()` drops what other turns added since the snapshot was taken.
      if (!writeKey && write.site.operation === 'clear') {
        const snapshot = reads.directReadsOf(step.unit, container).find((read) => read.end <= cut && !reads.keyOfRead(read));
        if (snapshot) return { read: snapshot, how: 'iteration' };
      }
      // A condition on another entry (`if (m.get(a)) …; await …; m.delete(b)`) says nothing about this one.
      const readIn = (node: ts.Node): ts.Node | undefined => {
        const read = readValue(node);
        const readKey = read && reads.keyOfRead(read);
        // A check of the same key in a sibling table (`files.has(path)`, then `handles[path] = …`) is stale alike.
        if (!read) return writeKey ? before(reads.keyedReadIn(node, writeKey)) : undefined;
        // A keyed check says nothing about clearing the whole container; a size or an iteration says something about every entry.
        if (!writeKey) return readKey ? undefined : read;
        return !readKey || reads.sameKey(readKey, writeKey) ? read : undefined;
      };
      // The branch conditions the step runs under, innermost first: what is known to hold there.
      const holds: Array<{ condition: ts.Expression; value: boolean }> = [];
      for (let child: ts.Node = step.node, parent = child.parent; parent && child !== step.unit.node; child = parent, parent = parent.parent) {
        if (isFunctionWithBody(child) && child !== step.node) break;
        const condition = conditionOver(parent, child);
        const read = condition && readIn(condition);
        if (read) return { read, how: 'condition', absent: runsWhenFalsy(parent, child, condition) };
        if (ts.isIfStatement(parent) && condition) holds.push({ condition, value: parent.thenStatement === child });
        if ((ts.isForOfStatement(parent) || ts.isForInStatement(parent)) && parent.statement === child && reads.iterationOf(parent, container)) {
          const iteration = before(parent.expression);
          if (iteration) return { read: iteration, how: 'iteration' };
        }
        if (ts.isBlock(parent) || ts.isSourceFile(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent)) {
          for (const statement of parent.statements) {
            if (statement === child) break;
            if (ts.isIfStatement(statement) && alwaysJumps(statement.thenStatement)) {
              const early = readIn(statement.expression);
              if (early && !shortCircuited(statement.expression, early, holds)) return { read: early, how: 'condition', absent: isPositive(statement.expression) };
            }
          }
        }
      }
      return undefined;
    };

    return { staleRead };
  },
});

/** Whether `node` is in `unit`'s own code: its nearest enclosing function is the unit's (or it is the module's). */
function ownedBy(unit: Unit, node: ts.Node): boolean {
  if (node.getSourceFile() !== unit.file) return false;
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionWithBody(current)) return current === unit.node;
  }
  return ts.isSourceFile(unit.node);
}

/**
 * The parts of an activation that ran before the turn gave control back, bottom-up: in
 * each function, what precedes `cut` — its last suspension before the step's node, or,
 * once a suspension lies further down the activation (in a callee, or at a deferral into
 * it), everything before the call it made.
 */
export function* beforeSuspension(activation: readonly ActivationStep[]): Generator<{ step: ActivationStep; index: number; cut: number }> {
  let suspendedBelow = false;
  for (const [index, step] of activation.entries()) {
    const cut = suspendedBelow ? step.node.getStart() : step.point && suspendsAt(step.point);
    if (cut !== undefined) yield { step, index, cut };
    suspendedBelow ||= step.point !== undefined || step.enteredDeferred;
  }
}

/**
 * Where control is given back at a suspension point: after an `await`'s or `yield`'s operand
 * is evaluated (`await save(m.keys())` reads before it suspends), after a `for await`'s
 * iterable expression, and at a deferring call itself.
 */
export function suspendsAt(point: ts.Node): number {
  if (ts.isForOfStatement(point)) return point.expression.end;
  if (ts.isAwaitExpression(point) || ts.isYieldExpression(point)) return point.end;
  return point.getStart();
}

/**
 * Per activation step, the arguments of the call it made whose values can reach the write.
 * Bottom-up: the write's key and value are live; a caller's argument is live when the callee
 * uses the parameter it binds in something live below (an argument it passes on, the
 * write's operands, a condition over the step) — directly, through a local's initialiser,
 * or as `this.name` of a parameter property. A value read before an await and handed to a
 * callee that never passes it on (webext-bridge: a listener's reply relayed into a call
 * that only registers another listener) does not feed the write. Where the call does not
 * bind the callee's parameters itself (the callee is passed as a callback, an argument is
 * spread, the step is not a call), every argument stays live.
 */
function liveArguments(checker: ts.TypeChecker, activation: readonly ActivationStep[], write: MapWrite): ts.Node[][] {
  const live: ts.Node[][] = [[]];
  const below: ts.Node[] = [...operandsOf(write.site.node, write), ...conditionsOver(activation[0])];
  for (let index = 1; index < activation.length; index++) {
    const step = activation[index]!;
    const callee = activation[index - 1]!.unit.node;
    const args = operandsOf(step.node, undefined);
    const bound = bindsParameters(step.node, callee) ? parametersUsed(checker, callee, below) : undefined;
    const chosen = bound ? args.filter((_, position) => bound(position)) : args;
    live.push(chosen);
    below.push(...chosen, ...conditionsOver(step));
  }
  return live;
}

/** Whether `call` is a direct call of `callee` with plain arguments, so argument i binds parameter i. */
function bindsParameters(call: ts.Node, callee: ts.Node): callee is ts.SignatureDeclaration {
  if (!(ts.isCallExpression(call) || ts.isNewExpression(call)) || !isFunctionWithBody(callee)) return false;
  const args = call.arguments ?? [];
  return !args.some((argument) => ts.isSpreadElement(argument) || contains(argument, callee));
}

/** Which argument positions bind a parameter of `callee` that `nodes` use; a rest parameter takes the rest. */
function parametersUsed(checker: ts.TypeChecker, callee: ts.SignatureDeclaration, nodes: readonly ts.Node[]): (position: number) => boolean {
  // Without parameter properties only the callee's own names matter: what else an operand uses is not asked of the checker.
  const names = callee.parameters.some((parameter) => ts.isParameterPropertyDeclaration(parameter, parameter.parent)) ? undefined : namesDeclaredIn(callee);
  const { symbols, thisNames } = referencesIn(checker, nodes, names);
  const used = callee.parameters.map((parameter) =>
    boundNames(parameter.name).some((name) => {
      const symbol = checker.getSymbolAtLocation(name);
      return (symbol !== undefined && symbols.has(symbol)) || (ts.isParameterPropertyDeclaration(parameter, parameter.parent) && thisNames.has(name.text));
    }),
  );
  const last = callee.parameters[callee.parameters.length - 1];
  return (position) => (position < used.length ? used[position]! : last?.dotDotDotToken !== undefined && used[used.length - 1]!);
}

function boundNames(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((element) => (ts.isBindingElement(element) ? boundNames(element.name) : []));
}

const declaredNames = new WeakMap<ts.Node, ReadonlySet<string>>();

/**
 * The names a function's parameters and variables (its nested functions' too) bind. A chain of
 * locals that ends at one of its parameters runs through variables declared inside it (an
 * initialiser that uses the parameter is inside it), so every identifier on it spells one of these.
 */
function namesDeclaredIn(callee: ts.SignatureDeclaration): ReadonlySet<string> {
  let names = declaredNames.get(callee);
  if (names) return names;
  const found = new Set<string>();
  const visit = (node: ts.Node): void => {
    if ((ts.isParameter(node) || ts.isVariableDeclaration(node) || ts.isBindingElement(node)) && ts.isIdentifier(node.name)) found.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(callee);
  declaredNames.set(callee, (names = found));
  return names;
}

/**
 * The symbols `nodes` refer to, following locals to their initialisers, and the names read off
 * `this`. With `only`, identifiers spelling none of its names are not resolved (nor followed).
 */
function referencesIn(checker: ts.TypeChecker, nodes: readonly ts.Node[], only?: ReadonlySet<string>): { symbols: Set<ts.Symbol>; thisNames: Set<string> } {
  const symbols = new Set<ts.Symbol>();
  const thisNames = new Set<string>();
  const pending = [...nodes];
  const visitInitialiser = (symbol: ts.Symbol): void => {
    let declaration: ts.Node | undefined = symbol.valueDeclaration;
    while (declaration && ts.isBindingElement(declaration)) declaration = declaration.parent.parent;
    if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer) pending.push(declaration.initializer);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      if (only && !only.has(node.text)) return;
      const symbol = ts.isShorthandPropertyAssignment(node.parent) && node.parent.name === node ? checker.getShorthandAssignmentValueSymbol(node.parent) : checker.getSymbolAtLocation(node);
      if (symbol && !symbols.has(symbol)) {
        symbols.add(symbol);
        visitInitialiser(symbol);
      }
    } else if (ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword) {
      thisNames.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  for (let node = pending.pop(); node; node = pending.pop()) visit(node);
  return { symbols, thisNames };
}

/** The conditions in `step`'s own function that decide whether its node runs: enclosing branches and earlier early exits. */
function conditionsOver(step: ActivationStep | undefined): ts.Node[] {
  const found: ts.Node[] = [];
  if (!step) return found;
  for (let child: ts.Node = step.node, parent = child.parent; parent && child !== step.unit.node; child = parent, parent = parent.parent) {
    const condition = conditionOver(parent, child);
    if (condition) found.push(condition);
    if (ts.isBlock(parent)) {
      for (const statement of parent.statements) {
        if (statement === child) break;
        if (ts.isIfStatement(statement) && alwaysJumps(statement.thenStatement)) found.push(statement.expression);
      }
    }
  }
  return found;
}

/** The expressions whose values a write or call takes: its key and value, or the call's arguments. */
function operandsOf(node: ts.Node, write: MapWrite | undefined): ts.Node[] {
  if (ts.isCallExpression(node) || ts.isNewExpression(node)) return [...(node.arguments ?? [])];
  if (write && ts.isBinaryExpression(node)) {
    const left = skipParens(node.left);
    const key = ts.isElementAccessExpression(left) ? [left.argumentExpression] : [];
    return [...key, node.right];
  }
  if (ts.isDeleteExpression(node)) {
    const target = skipParens(node.expression);
    return ts.isElementAccessExpression(target) ? [target.argumentExpression] : [];
  }
  return [];
}

/**
 * Whether the read in an early exit's `a && read` was never evaluated on the step's path:
 * the step runs under a branch where `a` is known false (`if (cookie !== 0 && !m.has(k))
 * return; if (cookie === 0) m.set(k, await load())` — the check only ran for the other
 * cookie), so the write does not act on it.
 */
function shortCircuited(condition: ts.Expression, read: ts.Node, holds: ReadonlyArray<{ condition: ts.Expression; value: boolean }>): boolean {
  const target = skipParens(condition);
  if (!ts.isBinaryExpression(target) || target.operatorToken.kind !== ts.SyntaxKind.AmpersandAmpersandToken) return false;
  if (contains(target.left, read) || !contains(target.right, read)) return shortCircuited(target.left, read, holds);
  return holds.some(({ condition: known, value }) => (value ? negates(known, target.left) : sameText(known, target.left)));
}

/** `a !== b` / `a === b`, `!x` / `x`: one is true exactly when the other is false (compared as written). */
function negates(one: ts.Expression, other: ts.Expression): boolean {
  const a = skipParens(one);
  const b = skipParens(other);
  if (ts.isPrefixUnaryExpression(a) && a.operator === ts.SyntaxKind.ExclamationToken) return sameText(a.operand, b);
  if (ts.isPrefixUnaryExpression(b) && b.operator === ts.SyntaxKind.ExclamationToken) return sameText(a, b.operand);
  if (!ts.isBinaryExpression(a) || !ts.isBinaryExpression(b) || OPPOSITE.get(a.operatorToken.kind) !== b.operatorToken.kind) return false;
  return sameText(a.left, b.left) && sameText(a.right, b.right);
}

function sameText(one: ts.Node, other: ts.Node): boolean {
  return skipParens(one as ts.Expression).getText() === skipParens(other as ts.Expression).getText();
}

const OPPOSITE = new Map([
  [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken],
  [ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken],
  [ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken],
  [ts.SyntaxKind.ExclamationEqualsToken, ts.SyntaxKind.EqualsEqualsToken],
]);

/** The condition that decides whether `child` (a part of `parent`) runs, if `parent` branches. */
function conditionOver(parent: ts.Node, child: ts.Node): ts.Expression | undefined {
  if (ts.isIfStatement(parent) && child !== parent.expression) return parent.expression;
  if (ts.isConditionalExpression(parent) && child !== parent.condition) return parent.condition;
  if ((ts.isWhileStatement(parent) || ts.isDoStatement(parent)) && child === parent.statement) return parent.expression;
  if (ts.isForStatement(parent) && child === parent.statement) return parent.condition;
  if (ts.isBinaryExpression(parent) && parent.right === child && LOGICAL.has(parent.operatorToken.kind)) return parent.left;
  return undefined;
}

/**
 * Whether `child` runs when `condition` (over a read) is falsy, with the condition testing
 * presence: the else branch of `if (m.get(k))`, the then branch of `if (!m.has(k))` or
 * `if (m.get(k) === undefined)`, the right of `m.get(k) || …` / `?? …`.
 */
function runsWhenFalsy(parent: ts.Node, child: ts.Node, condition: ts.Expression): boolean {
  const whenTrue = (ts.isIfStatement(parent) && parent.thenStatement === child) || (ts.isConditionalExpression(parent) && parent.whenTrue === child);
  const whenFalse = (ts.isIfStatement(parent) && parent.elseStatement === child) || (ts.isConditionalExpression(parent) && parent.whenFalse === child);
  if (ts.isBinaryExpression(parent) && parent.right === child) {
    const operator = parent.operatorToken.kind;
    if (operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.QuestionQuestionToken) return isPositive(condition);
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken) return isNegative(condition);
  }
  return (whenTrue && isNegative(condition)) || (whenFalse && isPositive(condition));
}

/** `!x`, `x === undefined`, `x == null`: true when a lookup found nothing. */
function isNegative(condition: ts.Expression): boolean {
  const target = skipParens(condition);
  if (ts.isPrefixUnaryExpression(target) && target.operator === ts.SyntaxKind.ExclamationToken) return isPositive(target.operand);
  return ts.isBinaryExpression(target) && EQUALS.has(target.operatorToken.kind) && isNothing(target.right);
}

/** `x`, `x !== undefined`, `x != null`: true when a lookup found something. */
function isPositive(condition: ts.Expression): boolean {
  const target = skipParens(condition);
  if (ts.isPrefixUnaryExpression(target) && target.operator === ts.SyntaxKind.ExclamationToken) return isNegative(target.operand);
  if (ts.isBinaryExpression(target)) return NOT_EQUALS.has(target.operatorToken.kind) && isNothing(target.right);
  return ts.isCallExpression(target) || ts.isIdentifier(target) || ts.isElementAccessExpression(target) || ts.isPropertyAccessExpression(target) || ts.isAwaitExpression(target);
}

function isNothing(node: ts.Expression): boolean {
  const target = skipParens(node);
  return target.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(target) && target.text === 'undefined') || ts.isVoidExpression(target);
}

const EQUALS = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken]);
const NOT_EQUALS = new Set([ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken]);

const LOGICAL = new Set([ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken]);

/** `m.set(k, true)`, `r[k] = 'ready'`: every turn writes the same value. */
function writesConstant(write: MapWrite): boolean {
  const node = write.site.node;
  let value: ts.Expression | undefined;
  if (ts.isCallExpression(node) && write.site.operation === 'set') value = node.arguments[1];
  else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) value = node.right;
  return value !== undefined && isConstant(skipParens(value));
}

function isConstant(value: ts.Expression): boolean {
  return (
    ts.isLiteralExpression(value) ||
    ts.isNoSubstitutionTemplateLiteral(value) ||
    value.kind === ts.SyntaxKind.TrueKeyword ||
    value.kind === ts.SyntaxKind.FalseKeyword ||
    value.kind === ts.SyntaxKind.NullKeyword ||
    (ts.isIdentifier(value) && value.text === 'undefined') ||
    (ts.isPrefixUnaryExpression(value) && ts.isNumericLiteral(value.operand))
  );
}

/**
 * One function of an activation, from the write up to where the turn began: the write
 * (or the call that leads to it), the last suspension before it in that function, and
 * whether the function was entered through a deferral (a promise callback, a timer), so
 * that control was given back between the caller's call and this function's body.
 */
export interface ActivationStep {
  readonly unit: Unit;
  readonly node: ts.Node;
  readonly point: ts.Node | undefined;
  readonly enteredDeferred: boolean;
}

export interface StaleRead {
  /** The read (or the iteration) the write acts on. */
  readonly read: ts.Node;
  /** How the write depends on it: under its condition, from its value, inside a loop over the container. */
  readonly how: 'condition' | 'value' | 'iteration';
  /**
   * For a condition: the write runs where the read found nothing (`if (!m.has(k))`, after
   * `if (m.get(k)) return`). Another turn's delete cannot make that wrong — the entry is
   * still missing — only another turn's set can.
   */
  readonly absent?: boolean;
}

export interface Staleness {
  /** The read before a suspension that the write acts on, if any, searching the activation bottom-up. */
  staleRead(activation: readonly ActivationStep[], write: MapWrite): StaleRead | undefined;
}

