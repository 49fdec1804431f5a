import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { isFunctionWithBody, returnedExpressions, skipParens } from '../util/ast.js';
import { keyOf } from './reads.js';
import type { MapWrite } from './mutations.js';
import type { Unit } from './syntax.js';

/**
 * idempotence: cache fills whose value depends on the key only, so every turn writes the
 * same value. A module load is one: `import(spec)` (and `require(spec)`) of the same
 * specifier gives the same module namespace object every time (ECMA-262 HostLoadImportedModule:
 * the same referrer and specifier must load the same module record; Node's require cache
 * likewise), so check, `await import(file)`, `cache.set(k, mod)` by two turns for one key
 * sets the identical value twice — a duplicate load, not a lost update. The written value
 * counts as loaded by the key when every assignment of it in the write's function is such a
 * load (awaited, a property of one, or a choice between them), the cached value itself, or
 * a load through a function that wraps `import()` (`new Function('s', 'return import(s)')`,
 * which keeps a compiler from turning `import()` into `require()`); the specifier may use
 * only names the written key uses (and calls of functions on them). Any other load —
 * `fetch`, `open`, `new Worker` — makes a new object per turn, and the second set replaces
 * the first turn's object: still reported.
 */
export const idempotenceAnalyzer = defineAnalyzer<Idempotence>({
  name: 'idempotence',
  doc: 'Finds cache fills whose value depends on the key only (module loads keyed by the written key): every turn writes the same value.',
  requires: [],
  run(pass) {
    const { checker } = pass;

    const symbolOf = (node: ts.Node): ts.Symbol | undefined => (ts.isIdentifier(node) ? checker.getSymbolAtLocation(node) : undefined);

    /** The names of an expression's value (not property names, not callees). */
    const namesIn = (node: ts.Node): ts.Identifier[] => {
      const names: ts.Identifier[] = [];
      const visit = (current: ts.Node): void => {
        if (ts.isIdentifier(current)) {
          names.push(current);
          return;
        }
        if (ts.isPropertyAccessExpression(current)) return visit(current.expression);
        if (ts.isCallExpression(current)) {
          if (!ts.isIdentifier(skipParens(current.expression))) visit(current.expression);
          current.arguments.forEach(visit);
          return;
        }
        ts.forEachChild(current, visit);
      };
      visit(node);
      return names;
    };

    /** Whether a specifier uses only names the key uses. */
    const keyedBy = (specifier: ts.Node, key: ts.Expression): boolean => {
      const keyNames = new Set(namesIn(key).map(symbolOf));
      return namesIn(specifier).every((name) => keyNames.has(symbolOf(name)));
    };

    const wrapMemo = new Map<ts.Node, boolean>();
    /** Whether a function value is a wrapper of `import()`: `new Function('s', 'return import(s)')`, directly or returned by a helper. */
    const wrapsImport = (callee: ts.Expression, depth = 0): boolean => {
      const target = skipParens(callee);
      if (ts.isNewExpression(target) && ts.isIdentifier(target.expression) && target.expression.text === 'Function') {
        const body = target.arguments?.[target.arguments.length - 1];
        return body !== undefined && ts.isStringLiteralLike(body) && /\bimport\s*\(/.test(body.text);
      }
      if (depth > 3) return false;
      if (ts.isCallExpression(target)) {
        const declaration = symbolOf(skipParens(target.expression))?.valueDeclaration;
        if (!declaration || !isFunctionWithBody(declaration)) return false;
        const known = wrapMemo.get(declaration);
        if (known !== undefined) return known;
        wrapMemo.set(declaration, false);
        const result = returnedExpressions(declaration).some((returned) => wrapsImport(returned, depth + 1));
        wrapMemo.set(declaration, result);
        return result;
      }
      const symbol = symbolOf(target);
      return symbol !== undefined && assignmentsOf(symbol).some((assigned) => wrapsImport(assigned, depth + 1));
    };

    /** What a variable is given: its initializer and every `=` to it in its file. */
    const assignmentsOf = (symbol: ts.Symbol): ts.Expression[] => {
      const declaration = symbol.valueDeclaration;
      if (!declaration || !ts.isVariableDeclaration(declaration)) return [];
      const found: ts.Expression[] = declaration.initializer ? [declaration.initializer] : [];
      const visit = (current: ts.Node): void => {
        if (ts.isBinaryExpression(current) && current.operatorToken.kind === ts.SyntaxKind.EqualsToken && symbolOf(skipParens(current.left)) === symbol) {
          found.push(current.right);
        }
        ts.forEachChild(current, visit);
      };
      visit(declaration.getSourceFile());
      return found;
    };

    /** Whether an expression is a module loaded by the key, or a part of one. */
    const loadedByKey = (expression: ts.Expression, key: ts.Expression, container: ts.Expression, seen: Set<ts.Symbol>): boolean => {
      const node = skipParens(expression);
      if (ts.isAwaitExpression(node)) return loadedByKey(node.expression, key, container, seen);
      if (ts.isPropertyAccessExpression(node)) return loadedByKey(node.expression, key, container, seen);
      if (ts.isElementAccessExpression(node)) return loadedByKey(node.expression, key, container, seen) && keyedBy(node.argumentExpression, key);
      if (ts.isConditionalExpression(node)) return loadedByKey(node.whenTrue, key, container, seen) && loadedByKey(node.whenFalse, key, container, seen);
      if (ts.isBinaryExpression(node) && LOGICAL.has(node.operatorToken.kind)) {
        return (isTest(node.left) || loadedByKey(node.left, key, container, seen)) && loadedByKey(node.right, key, container, seen);
      }
      if (ts.isCallExpression(node)) {
        if (isCachedRead(node, key, container)) return true;
        const specifier = node.arguments[0];
        if (!specifier || !keyedBy(specifier, key)) return false;
        if (node.expression.kind === ts.SyntaxKind.ImportKeyword) return true;
        const callee = skipParens(node.expression);
        if (ts.isIdentifier(callee) && callee.text === 'require') return true;
        return wrapsImport(callee);
      }
      const symbol = symbolOf(node);
      const declaration = symbol?.valueDeclaration;
      if (!symbol || !declaration || !ts.isVariableDeclaration(declaration) || !isFunctionWithBody(enclosingFunction(declaration))) return false;
      if (seen.has(symbol)) return true;
      seen.add(symbol);
      const assigned = assignmentsOf(symbol);
      return assigned.length > 0 && assigned.every((value) => loadedByKey(value, key, container, seen));
    };

    /** `cache.get(k)`: the value cached for this key (a module, when every fill is one). */
    const isCachedRead = (call: ts.CallExpression, key: ts.Expression, container: ts.Expression): boolean => {
      const callee = skipParens(call.expression);
      const argument = call.arguments[0];
      return (
        ts.isPropertyAccessExpression(callee) &&
        callee.name.text === 'get' &&
        skipParens(callee.expression).getText() === skipParens(container).getText() &&
        argument !== undefined &&
        skipParens(argument).getText().replace(/\s+/g, '') === skipParens(key).getText().replace(/\s+/g, '')
      );
    };

    const sameFromEveryTurn = (write: MapWrite, unit: Unit): boolean => {
      const key = keyOf(write.site);
      const value = valueOf(write);
      if (!key || !value || !isFunctionWithBody(unit.node)) return false;
      return loadedByKey(value, key, write.site.receiver, new Set());
    };

    return { sameFromEveryTurn };
  },
});

const LOGICAL = new Set([ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken]);

/** A test that picks between loads (`typeof m.default !== 'function' && m.default || m`). */
function isTest(node: ts.Expression): boolean {
  const target = skipParens(node);
  return ts.isBinaryExpression(target) && COMPARISONS.has(target.operatorToken.kind);
}

const COMPARISONS = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

function valueOf(write: MapWrite): ts.Expression | undefined {
  const node = write.site.node;
  if (ts.isCallExpression(node) && write.site.operation === 'set') return node.arguments[1];
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) return node.right;
  return undefined;
}

function enclosingFunction(node: ts.Node): ts.Node {
  let current = node.parent;
  while (current && !isFunctionWithBody(current) && !ts.isSourceFile(current)) current = current.parent;
  return current;
}

export interface Idempotence {
  /** Whether the write sets a value every turn would set for its key (a module loaded by the key). */
  sameFromEveryTurn(write: MapWrite, unit: Unit): boolean;
}
