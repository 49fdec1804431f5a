import ts from '../util/typescript.cjs';
import { defineAnalyzer, type Pass } from '../analysis/analyzer.js';
import { skipParens } from '../util/ast.js';
import { syntaxAnalyzer, type FileFacts, type RegistrationCandidate } from './syntax.js';
import { CrossProgramCache, Dependencies } from '../analysis/cross-program-cache.js';

/**
 * blindspots: where missing types hide message endpoints from the analysis, which would
 * otherwise report nothing there and look clean. Two causes: a file imports Node's
 * `worker_threads` (or `child_process`, `cluster`) but the program cannot resolve it —
 * typically @types/node is installed but TypeScript 6's default `types: []` leaves it
 * out; or a file registers a `'message'` listener (or assigns `onmessage`) on a receiver
 * the checker cannot type. Only the first such place of the program is answered (an
 * unresolved import before an unresolved receiver, which it usually causes), so a
 * project hears of it once per run, not once per file.
 */
export const blindSpotsAnalyzer = defineAnalyzer<BlindSpot | undefined>({
  name: 'blindspots',
  doc: 'Finds the first place where missing types hide message endpoints: an unresolved worker_threads import, or a message listener on an untyped receiver.',
  requires: [syntaxAnalyzer],
  run(pass) {
    const syntax = pass.resultOf(syntaxAnalyzer);
    const files = analysedFiles(pass);
    // Every registration names a 'message' event: a file without the word registers none.
    const mayRegister = files.filter((file) => textFactsOf(file).mentionsMessage);
    return firstUnresolvedNodeModule(pass, files) ?? firstUntypedReceiver(pass, mayRegister.map((file) => syntax.facts(file)));
  },
});

/** What the cheap text tests and the import walk found in a file, kept while the file is unchanged. */
interface TextFacts {
  readonly mentionsMessage: boolean;
  /** Specifiers of imports and `require`s of Node's endpoint modules. */
  readonly endpointModules: readonly ts.StringLiteralLike[];
}

const textFactsByFile = new WeakMap<ts.SourceFile, TextFacts>();

function textFactsOf(file: ts.SourceFile): TextFacts {
  let facts = textFactsByFile.get(file);
  if (!facts) {
    facts = {
      mentionsMessage: file.text.includes('message'),
      endpointModules: NODE_ENDPOINT_MODULE_TEXT.test(file.text)
        ? moduleSpecifiers(file).filter((specifier) => NODE_ENDPOINT_MODULES.test(specifier.text))
        : [],
    };
    textFactsByFile.set(file, facts);
  }
  return facts;
}

/** Whether a place resolves, per node, reused by later programs while the files involved are unchanged. */
const resolvedCache = new CrossProgramCache<ts.Node, boolean>();

function cachedDecision(program: ts.Program, node: ts.Node, decide: (dependencies: Dependencies) => boolean): boolean {
  const known = resolvedCache.get(program, node);
  if (known !== undefined) return known;
  const dependencies = new Dependencies();
  dependencies.addNode(node);
  const decision = decide(dependencies);
  resolvedCache.set(program, node, decision, dependencies.files);
  return decision;
}

/** A piece of the program the analysis cannot see, where it first shows, and what makes it visible. */
export interface BlindSpot {
  readonly node: ts.Node;
  /** What is missing, as a phrase: `the types of 'node:worker_threads'`. */
  readonly missing: string;
  /** The change that makes it visible. */
  readonly fix: string;
}

/** Node modules whose endpoints (`parentPort`, `Worker`, child processes, cluster workers) are known only from @types/node. */
const NODE_ENDPOINT_MODULES = /^(node:)?(worker_threads|child_process|cluster)$/;
/** The cheap text test before any walk: a file that names none of them in quotes imports none. */
const NODE_ENDPOINT_MODULE_TEXT = /['"`](node:)?(worker_threads|child_process|cluster)['"`]/;

const NODE_TYPES_FIX =
  'add "node" to compilerOptions.types in tsconfig.json (TypeScript 6 includes no @types packages by default), and install @types/node if it is missing';

function analysedFiles({ program, config }: Pass): ts.SourceFile[] {
  return program
    .getSourceFiles()
    .filter(
      (file) => !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file) && !config.isIgnoredFile(file.fileName),
    );
}

function firstUnresolvedNodeModule({ checker, program }: Pass, files: readonly ts.SourceFile[]): BlindSpot | undefined {
  for (const file of files) {
    for (const specifier of textFactsOf(file).endpointModules) {
      const resolves = cachedDecision(program, specifier, (dependencies) => {
        const symbol = checker.getSymbolAtLocation(specifier);
        dependencies.addSymbol(symbol);
        return symbol !== undefined;
      });
      if (!resolves) return { node: specifier, missing: `the types of '${specifier.text}'`, fix: NODE_TYPES_FIX };
    }
  }
  return undefined;
}

/** The module names of a file's imports, re-exports and `require(…)` calls. */
function moduleSpecifiers(file: ts.SourceFile): ts.StringLiteralLike[] {
  const found: ts.StringLiteralLike[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteralLike(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteralLike(expression)) found.push(expression);
    } else if (ts.isCallExpression(node) && isRequireOrImport(node) && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      found.push(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function isRequireOrImport(call: ts.CallExpression): boolean {
  return call.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(call.expression) && call.expression.text === 'require');
}

function firstUntypedReceiver({ checker, program }: Pass, facts: readonly FileFacts[]): BlindSpot | undefined {
  for (const { registrations } of facts) {
    for (const candidate of registrations) {
      const typed = cachedDecision(program, candidate.node, (dependencies) => {
        const target = untypedTarget(checker, candidate);
        if (candidate.receiver) dependencies.addSymbol(checker.getTypeAtLocation(candidate.receiver).getSymbol());
        return target === undefined;
      });
      const untyped = typed ? undefined : untypedTarget(checker, candidate);
      if (untyped) {
        return {
          node: candidate.node,
          missing: `the type of '${untyped.getText()}', on which this '${candidate.event}' listener is registered`,
          fix: 'make its type resolve: import it from a package whose types are installed, add "node" to compilerOptions.types for Node (worker_threads, process), or "WebWorker" (or "DOM") to compilerOptions.lib for a worker\'s (or page\'s) globals',
        };
      }
    }
  }
  return undefined;
}

/** The receiver (or, for a bare `onmessage =`/`addEventListener(…)`, the global name) that has no type, if any. */
function untypedTarget(checker: ts.TypeChecker, candidate: RegistrationCandidate): ts.Expression | undefined {
  if (candidate.receiver) return isErrorType(checker.getTypeAtLocation(candidate.receiver)) ? candidate.receiver : undefined;
  const name = ts.isBinaryExpression(candidate.node) ? skipParens(candidate.node.left) : skipParens(candidate.node.expression);
  return ts.isIdentifier(name) && !checker.getSymbolAtLocation(name) ? name : undefined;
}

/**
 * The checker's type for what it could not resolve. It is an `any` that TypeScript names
 * `error` (`intrinsicName` is not in the public typings); a declared `any` is not one.
 */
function isErrorType(type: ts.Type): boolean {
  return (type.flags & ts.TypeFlags.Any) !== 0 && (type as { intrinsicName?: string }).intrinsicName === 'error';
}
