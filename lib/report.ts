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
  /** "await" mode: the stale read, the turn's earlier write of the entry, or the call that sent the key, with its place. */
  evidence: string;
  /** "await" mode: the suspension, `the await at a.ts:14`. */
  suspension: string;
  /** "await" mode: the other turn's write of the container, with its context and chain. */
  otherTurn: string;
  /** entryConflict, latePublish: the key, as written. */
  key: string;
}

/** The message a finding is reported with: its kind's. */
export function messageIdOf(finding: Finding): 'unguardedWrite' | 'staleRead' | 'entryConflict' | 'latePublish' {
  return finding.kind === 'unguarded' ? 'unguardedWrite' : finding.kind;
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
    evidence: finding.evidence ? `${finding.kind === 'entryConflict' ? 'with ' : ''}${quoted(finding.evidence)} at ${positionLabel(finding.evidence, cwd)}` : '',
    suspension: finding.suspendedAt ? `${suspensionNoun(finding.suspendedAt)} at ${positionLabel(finding.suspendedAt, cwd)}` : '',
    otherTurn: otherTurnPhrase(finding, cwd),
    key: keyText(finding.node),
  };
}

/** Source text, shortened: `` `sessions.has(id)` ``. */
function quoted(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return `\`${text.length > 50 ? `${text.slice(0, 47)}...` : text}\``;
}

/** The key of the reported write, as written: `` `id` ``. */
function keyText(node: ts.Node): string {
  let key: ts.Node | undefined;
  if (ts.isCallExpression(node)) key = node.arguments[0];
  else {
    const target = ts.isBinaryExpression(node) ? node.left : ts.isDeleteExpression(node) ? node.expression : undefined;
    if (target && ts.isElementAccessExpression(target)) key = target.argumentExpression;
  }
  return key ? quoted(key) : '';
}

/** "another 'message' turn writes it at b.ts:40 (chain …)", or the same write run by another turn. */
function otherTurnPhrase(finding: Finding, cwd: string): string {
  const other = finding.otherTurn;
  if (!other) return '';
  const kind = other.context.kind === 'atomics' ? 'Atomics.wait loop' : other.context.description;
  const chain = other.chain.length > 1 ? ` (${other.chain.join(' → ')})` : '';
  if (other.reads) return `a turn of the ${kind} registered at ${positionLabel(other.context.registration, cwd)} looks it up at ${positionLabel(other.node, cwd)} (${quoted(other.node)})${chain}`;
  if (other.node === finding.node) return `another turn of the ${kind} registered at ${positionLabel(other.context.registration, cwd)} can run this same write`;
  return `a turn of the ${kind} registered at ${positionLabel(other.context.registration, cwd)} can write it at ${positionLabel(other.node, cwd)}${chain}`;
}

/** The suspension as a noun: `the await`, `the callback deferred by setTimeout`, … */
function suspensionNoun(point: ts.Node): string {
  if (ts.isAwaitExpression(point) || ts.isForOfStatement(point)) return 'the await';
  if (ts.isYieldExpression(point)) return 'the yield';
  if (ts.isCallExpression(point)) return `the callback deferred by ${calleeName(point.expression) ?? 'a call'}`;
  return 'the event handler assigned';
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
