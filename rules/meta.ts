// What the rule and the command line both say: the rule's id, description, documentation
// link and message texts, and how a message's {{placeholders}} are filled. Kept apart from
// the rule itself so that the command line can use them without loading ESLint's utilities.

export const REPOSITORY_URL = 'https://github.com/map-race/eslint-plugin-map-race';

export const RULE_NAME = 'no-unguarded-map-write';
export const RULE_ID = `map-race/${RULE_NAME}`;
export const RULE_DESCRIPTION = 'Disallow unguarded writes to shared Map/Record state reachable from message handlers or Atomics code';

/** The documentation page of a rule of this plugin. */
export function ruleDocsUrl(name: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/rules/${name}.md`;
}

export const MESSAGES = {
  unguardedWrite:
    '{{container}} is written without a lock{{interleaving}}, reachable from the {{context}} registered at {{registration}}{{chain}}.{{lockNote}} Hold a lock around it (navigator.locks.request, async-mutex runExclusive, …), or mark it `// map-race-ignore: <why>` if it is safe.',
  staleRead:
    '{{container}} is written from a stale read: {{evidence}}, then {{suspension}}, then this write, in a turn of the {{context}} registered at {{registration}}{{chain}}. Meanwhile {{otherTurn}}, so what was read may no longer hold.{{lockNote}} Re-check after the await, cache the promise before awaiting (`m.set(k, p)` before `await p`), or hold a lock around the read and the write (navigator.locks.request, async-mutex runExclusive, …); or mark it `// map-race-ignore: <why>` if it is safe.',
  entryConflict:
    '{{container}} entry {{key}} is removed or replaced here, after this turn set it {{evidence}} and gave control back at {{suspension}}, in a turn of the {{context}} registered at {{registration}}{{chain}}. Meanwhile {{otherTurn}} with the same key, so this may drop or replace that turn\'s entry.{{lockNote}} Key the entry by something this turn generates (a counter, crypto.randomUUID()), check that the entry is still this turn\'s before removing it, or hold a lock across the set and the delete (navigator.locks.request, async-mutex runExclusive, …); or mark it `// map-race-ignore: <why>` if it is safe.',
  latePublish:
    '{{container}} entry {{key}} is set here, after {{suspension}}, but {{evidence}} already sent that key out, in a turn of the {{context}} registered at {{registration}}{{chain}}. Meanwhile {{otherTurn}}, so an answer that arrives during the wait finds no entry.{{lockNote}} Set the entry before the key leaves this turn (before the call that sends it, or at least before the first await), or mark it `// map-race-ignore: <why>` if it is safe.',
  unusedIgnore: 'This map-race-ignore directive covers no report of map-race/no-unguarded-map-write: remove it.',
  missingIgnoreReason:
    'This map-race-ignore directive gives no reason, which requireIgnoreReason requires: write `// map-race-ignore: <why it is safe>`. It covers nothing until then.',
  blindSpot:
    'map-race cannot see {{missing}}, so message handlers that depend on it are not analysed and nothing is reported for them. To fix it, {{fix}}. (Said once per program, at the first place it shows.)',
  analysisFailed:
    'map-race could not analyse {{unit}} ({{error}}), so nothing is reported for it; the rest of the program is analysed as usual. Please report this with the code of {{hint}}.',
} as const;

export type MessageId = keyof typeof MESSAGES;

/** A message with its placeholders filled, exactly as ESLint fills `{{ name }}` from a report's data. */
export function formatMessage(id: MessageId, data: Readonly<Record<string, string>> = {}): string {
  return MESSAGES[id].replace(/\{\{([^{}]+)\}\}/gu, (whole, term: string) => {
    const name = term.trim();
    return Object.hasOwn(data, name) ? data[name]! : whole;
  });
}
