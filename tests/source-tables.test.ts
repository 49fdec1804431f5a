/**
 * No lookup keyed by source text on a plain object. The analysis indexes tables by
 * identifiers, property, event and module names it reads from user code, and
 * `constructor`, `toString` or `__proto__` are ordinary names there: on an object literal
 * or a `Record` they find `Object.prototype`'s members (`BUILTIN_WRITES['toString']?.has`
 * is not a function). This test type-checks lib/ and rules/ with the TypeScript API and
 * fails on every element access or `in` test whose key is not a literal (or a union of
 * literal types) into an object that has a prototype: tables must be `Map`/`Set`, or
 * `Object.create(null)`, or be read behind `Object.hasOwn(table, key)`.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const root = path.join(import.meta.dirname, '..');

function sourceProgram(): ts.Program {
  const configFile = ts.readConfigFile(path.join(root, 'tsconfig.build.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  return ts.createProgram(parsed.fileNames, { ...parsed.options, noEmit: true });
}

/** Literal keys, and keys whose type is a union of literal types (`keyof typeof MESSAGES`), name known properties. */
function isKnownKey(checker: ts.TypeChecker, key: ts.Expression): boolean {
  if (ts.isStringLiteralLike(key) || ts.isNumericLiteral(key)) return true;
  const type = checker.getTypeAtLocation(key);
  const members = type.isUnion() ? type.types : [type];
  return members.every((member) => member.isLiteral() || (member.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLike | ts.TypeFlags.ESSymbolLike)) !== 0);
}

/** Arrays, tuples and typed arrays are indexed by numbers, not by names. */
function isSequence(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (checker.isArrayType(type) || checker.isTupleType(type)) return true;
  return checker.getIndexInfosOfType(type).some((info) => info.keyType.flags & ts.TypeFlags.Number) && !checker.getIndexInfoOfType(type, ts.IndexKind.String);
}

/** An object made by `Object.create(null)` has no prototype to find. */
function isPrototypeFree(checker: ts.TypeChecker, table: ts.Expression): boolean {
  const symbol = checker.getSymbolAtLocation(table);
  return (symbol?.declarations ?? []).some(
    (declaration) =>
      ts.isVariableDeclaration(declaration) &&
      !!declaration.initializer &&
      /^Object\.create\(null\)/.test(declaration.initializer.getText()),
  );
}

/** `Object.hasOwn(table, key)` in the enclosing function guards lookups of that key. */
function isGuardedByHasOwn(access: ts.Node, table: ts.Expression, key: ts.Expression): boolean {
  let scope: ts.Node = access;
  while (scope.parent && !ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  let found = false;
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      node.expression.getText() === 'Object.hasOwn' &&
      node.arguments[0]?.getText() === table.getText() &&
      node.arguments[1]?.getText() === key.getText()
    ) {
      found = true;
    }
    if (!found) ts.forEachChild(node, visit);
  };
  visit(scope);
  return found;
}

/** Every name-keyed lookup into an object with a prototype, as `file:line: text`. */
export function prototypeLookups(program: ts.Program): string[] {
  const checker = program.getTypeChecker();
  const found: string[] = [];
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || path.relative(root, file.fileName).startsWith('..') || file.fileName.includes('node_modules')) continue;
    const check = (node: ts.Node, table: ts.Expression, key: ts.Expression): void => {
      if (isKnownKey(checker, key)) return;
      const type = checker.getApparentType(checker.getTypeAtLocation(table));
      if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
      if (isSequence(checker, type)) return;
      // A property named by a computed key is found on a plain object and on its prototype alike.
      if (type.getCallSignatures().length > 0 && type.getProperties().length === 0) return;
      if (isPrototypeFree(checker, table) || isGuardedByHasOwn(node, table, key)) return;
      const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
      found.push(`${path.relative(root, file.fileName)}:${line + 1}: ${node.getText(file)}`);
    };
    const visit = (node: ts.Node): void => {
      if (ts.isElementAccessExpression(node)) check(node, node.expression, node.argumentExpression);
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.InKeyword && !ts.isPrivateIdentifier(node.left)) {
        check(node, node.right, node.left);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return found;
}

describe('tables keyed by source text', () => {
  it('lib/ and rules/ look names up only in Map/Set, prototype-free objects, or behind Object.hasOwn', () => {
    assert.deepEqual(prototypeLookups(sourceProgram()), []);
  });

  it('the check finds a name-keyed lookup into an object literal', () => {
    const text = [
      "const TABLE: Record<string, Set<string>> = { Object: new Set(['assign']) };",
      "export function has(name: string, method: string): boolean { return TABLE[name]?.has(method) ?? false; }",
      "export function known(name: string): boolean { return name in TABLE; }",
      "const SAFE: Record<string, number> = Object.create(null);",
      "export function safe(name: string): number | undefined { return SAFE[name]; }",
      "export function guarded(name: string): number | undefined { return Object.hasOwn(TABLE, name) ? TABLE[name]!.size : undefined; }",
      "export function literal(list: string[], i: number): string | undefined { return list[i] ?? ({ a: 'x' } as Record<string, string>)['a']; }",
    ].join('\n');
    const fileName = path.join(root, 'lib', '__probe__.ts');
    const host = ts.createCompilerHost({ strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'] });
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, language, ...rest) =>
      name === fileName ? ts.createSourceFile(name, text, language, true) : read(name, language, ...rest);
    host.fileExists = ((exists) => (name: string) => name === fileName || exists(name))(host.fileExists.bind(host));
    const program = ts.createProgram([fileName], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'] }, host);
    assert.deepEqual(prototypeLookups(program), ['lib/__probe__.ts:2: TABLE[name]', 'lib/__probe__.ts:3: name in TABLE']);
  });
});
