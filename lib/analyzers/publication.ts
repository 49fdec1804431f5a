import ts from '../util/typescript.cjs';
import { defineAnalyzer } from '../analysis/analyzer.js';
import { contains, isFunctionWithBody, skipParens } from '../util/ast.js';
import { freshnessAnalyzer, setsEntry } from './freshness.js';
import { keyOf, readsAnalyzer } from './reads.js';
import type { MapWrite } from './mutations.js';
import { beforeSuspension, type ActivationStep } from './staleness.js';

/**
 * publication: an entry published after its key was already sent out. A turn generates a
 * fresh key (`const id = seq++`), hands it to a call before it gives control back — in the
 * request it writes (`await writer.write({ id, … })`, `port.postMessage({ id })`) — and only
 * after the suspension sets the entry (`pending.set(id, resolve)`). The peer can answer
 * during the wait, and the turn that handles the answer looks the entry up by that key and
 * finds nothing (vscode-jsonrpc before 09d4e3d4: a response dropped, a request that never
 * settles). A blind set of a fresh key is otherwise harmless — nobody can know the key
 * before it exists — so this is reported only when the key left the turn before the
 * suspension and some other turn reached from a context looks the container up by key
 * (`reach` checks the second half over its walks). The key counts as sent when a call
 * before the suspension takes it as an argument, in an object or array literal there, or
 * through a local initialised with such a literal.
 */
export const publicationAnalyzer = defineAnalyzer<Publication>({
  name: 'publication',
  doc: 'Finds entries set after a suspension whose fresh key was sent out (posted, written) before it: an answer can come before the entry exists.',
  requires: [readsAnalyzer, freshnessAnalyzer],
  run(pass) {
    const { checker } = pass;
    const reads = pass.resultOf(readsAnalyzer);
    const freshness = pass.resultOf(freshnessAnalyzer);

    /** Whether `node` carries the key: the key itself, a literal holding it, or a local initialised with one. */
    const carries = (node: ts.Expression, key: ts.Expression, depth = 0): boolean => {
      const target = skipParens(node);
      if (reads.sameKey(target, key)) return true;
      if (depth > 2) return false;
      if (ts.isObjectLiteralExpression(target)) {
        return target.properties.some(
          (property) =>
            (ts.isPropertyAssignment(property) && carries(property.initializer, key, depth + 1)) ||
            (ts.isShorthandPropertyAssignment(property) && shorthandNames(property, key)),
        );
      }
      if (ts.isArrayLiteralExpression(target)) return target.elements.some((element) => carries(element, key, depth + 1));
      if (ts.isIdentifier(target)) {
        const declaration = checker.getSymbolAtLocation(target)?.valueDeclaration;
        const initializer = declaration && ts.isVariableDeclaration(declaration) ? declaration.initializer : undefined;
        return initializer !== undefined && !ts.isIdentifier(skipParens(initializer)) && carries(initializer, key, depth + 1);
      }
      return false;
    };

    /** `{ id }`: the shorthand's value is the variable `id`, not the property. */
    const shorthandNames = (property: ts.ShorthandPropertyAssignment, key: ts.Expression): boolean => {
      const target = skipParens(key);
      const value = checker.getShorthandAssignmentValueSymbol(property);
      return ts.isIdentifier(target) && value !== undefined && value === checker.getSymbolAtLocation(target);
    };

    /** The first call in `unit`'s own code, before `cut`, that takes the key along. */
    const sentIn = (step: ActivationStep, key: ts.Expression, cut: number, write: MapWrite): ts.CallExpression | undefined =>
      step.unit.calls.find(
        (call): call is ts.CallExpression =>
          ts.isCallExpression(call) &&
          call.end <= cut &&
          call !== write.site.node &&
          !contains(call, write.site.node) &&
          !insideNestedFunction(call, step.unit.node) &&
          call.arguments.some((argument) => carries(argument, key)),
      );

    const latePublish = (activation: readonly ActivationStep[], write: MapWrite): LatePublish | undefined => {
      const key = keyOf(write.site);
      if (!key || !setsEntry(write.site) || !freshness.freshKey(activation, write)) return undefined;
      for (const { step, cut } of beforeSuspension(activation)) {
        // The key as this function names it: the write's own, or (in a caller) the argument it was passed as.
        const sent = sentIn(step, key, cut, write);
        if (sent) return { sent };
      }
      return undefined;
    };

    return { latePublish };
  },
});

function insideNestedFunction(node: ts.Node, unitNode: ts.Node): boolean {
  for (let current = node.parent; current && current !== unitNode; current = current.parent) {
    if (isFunctionWithBody(current)) return true;
  }
  return false;
}

export interface LatePublish {
  /** The call that sent the key out before the suspension. */
  readonly sent: ts.CallExpression;
}

export interface Publication {
  /** The call that sent the fresh key of an entry set after a suspension, before that suspension, if any. */
  latePublish(activation: readonly ActivationStep[], write: MapWrite): LatePublish | undefined;
}
