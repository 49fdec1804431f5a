import type { Finding } from './analyzers/reach.js';
import ts from './util/typescript.cjs';
import { calleeName, positionLabel } from './util/ast.js';

/** The placeholders of the `unguardedWrite` message, filled from a finding. */
export interface FindingMessageData {
  readonly [key: string]: string;
  container: string;
  interleaving: string;
  context: string;
  registration: string;
  chain: string;
  lockNote: string;
}

/**
 * The words of a report: which container, when it is written (after which await),
 * which context reaches it and where that context is registered, through which calls,
 * how many other contexts reach it, and what makes it worse (a shared lock, the same
 * container written under a lock elsewhere). File positions are relative to `cwd`.
 */
export function describeFinding(finding: Finding, cwd: string): FindingMessageData {
  const { context } = finding;
  const chain = finding.chain.length > 1 ? ` (${finding.chain.join(' → ')})` : '';
  const others = finding.contextCount > 1 ? `; ${finding.contextCount - 1} more context${finding.contextCount > 2 ? 's reach' : ' reaches'} it` : '';
  const notes: string[] = [];
  if (finding.sharedLock) notes.push(`The lock on the way (${finding.sharedLock}) is shared: holders run at the same time, so it does not order writes.`);
  if (finding.lockedElsewhere) {
    notes.push(
      finding.lockedElsewhere === finding.node
        ? 'Another path reaches this write under a lock: the paths disagree.'
        : `It is also written under a lock at ${positionLabel(finding.lockedElsewhere, cwd)}: the writes disagree about locking.`,
    );
  }
  return {
    container: finding.container,
    interleaving: finding.suspendedAt ? ` ${suspensionPhrase(finding.suspendedAt)} at ${positionLabel(finding.suspendedAt, cwd)}` : '',
    context: contextWord(finding),
    registration: positionLabel(context.registration, cwd),
    chain: `${chain}${others}`,
    lockNote: notes.length > 0 ? ` ${notes.join(' ')}` : '',
  };
}

function contextWord(finding: Finding): string {
  switch (finding.context.kind) {
    case 'message':
      return finding.context.description;
    case 'atomics':
      return 'Atomics.wait loop';
    default:
      return finding.context.description;
  }
}

/** How control was given back: `after the await`, `in the callback deferred by setTimeout`, … */
function suspensionPhrase(point: ts.Node): string {
  if (ts.isAwaitExpression(point) || ts.isForOfStatement(point)) return 'after the await';
  if (ts.isYieldExpression(point)) return 'after the yield';
  if (ts.isCallExpression(point)) return `in a callback deferred by ${calleeName(point.expression) ?? 'a call'}`;
  return 'in an event handler assigned';
}
