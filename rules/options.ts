import type { JSONSchema4 } from '@typescript-eslint/utils/json-schema';
import type { AnalysisOptions, ContextSpec, GuardSpec, Interleaving, UnknownReceivers, WorkspaceReach } from '../lib/index.js';

/** Everything the rule's one options object may hold. All keys are optional. */
export interface RuleOptions {
  ignorePaths?: string[];
  guards?: GuardSpec[];
  contexts?: ContextSpec[];
  interleaving?: Interleaving;
  unknownReceivers?: UnknownReceivers;
  workspace?: WorkspaceReach;
  reportUnusedIgnores?: boolean;
  requireIgnoreReason?: boolean;
}

export type ResolvedOptions = AnalysisOptions & { reportUnusedIgnores: boolean; requireIgnoreReason: boolean };

/** Documented defaults. They are applied here, not through `meta.defaultOptions`, so that `settings['map-race']` can sit between them and the rule's own options. */
export const DEFAULTS: ResolvedOptions = {
  ignorePaths: [],
  guards: [],
  contexts: [],
  interleaving: 'any',
  unknownReceivers: 'ignore',
  workspace: 'auto',
  reportUnusedIgnores: true,
  requireIgnoreReason: false,
};

const nameSchema: JSONSchema4 = { type: 'string', minLength: 1 };
const named = (description: string): JSONSchema4 => ({ ...nameSchema, description });

/** The real schema of each option. */
const propertySchemas: Record<string, JSONSchema4> = {
  ignorePaths: {
    type: 'array',
    items: nameSchema,
    description: "Globs, relative to ESLint's working directory, of files left out of the analysis entirely. Default: `[]`.",
  },
  guards: {
    type: 'array',
    description: "The project's own locks: `{ callback }` or `{ acquire, release }` entries. Default: `[]`.",
    items: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['callback'],
          properties: { callback: named('In `guards`: function arguments of a call with this (dotted) name run under the lock.') },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['acquire', 'release'],
          properties: {
            acquire: named('In `guards`: a call with this (dotted) name takes the lock.'),
            release: named('In `guards`: a call with this (dotted) name releases the lock taken by `acquire`.'),
          },
        },
      ],
    },
  },
  contexts: {
    type: 'array',
    description: "The project's own ways to receive messages: `{ handler }` or `{ expose }` entries. Default: `[]`.",
    items: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['handler'],
          properties: { handler: named('In `contexts`: function arguments of a call with this (dotted) name are message handlers.') },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['expose'],
          properties: { expose: named('In `contexts`: every method of the object passed to a call with this (dotted) name is a message handler.') },
        },
      ],
    },
  },
  interleaving: {
    type: 'string',
    enum: ['any', 'await'],
    description: '`any`: every unguarded write a context reaches; `await`: only writes an interleaving can make wrong (a stale read across a suspension, an entry conflict between turns). Default: `any`.',
  },
  unknownReceivers: {
    type: 'string',
    enum: ['ignore', 'context'],
    description:
      "A `'message'` listener or `onmessage` on a receiver typed `any` whose origin the analysis cannot see: `ignore` it, or take it for a `context` (wider net, more false reports). Default: `ignore`.",
  },
  workspace: {
    type: 'string',
    enum: ['auto', 'off'],
    description:
      "`auto`: in a monorepo, writes are also reached from contexts in the projects and workspace packages that depend on the file's own, and workspace packages are read from their sources; `off`: the linted program only. Default: `auto`.",
  },
  reportUnusedIgnores: { type: 'boolean', description: 'Report map-race-ignore directives that cover no report. Default: `true`.' },
  requireIgnoreReason: { type: 'boolean', description: 'A map-race-ignore directive must give a reason. Default: `false`.' },
};

/**
 * ESLint prints a schema error with the offending value only (`Value "sometimes" should be
 * equal to one of the allowed values`). So the top level lists the options (ESLint names
 * an unknown one with the list of known ones) and the real checks sit in an `anyOf`: a
 * failure there is also reported with the whole options object, which names the option.
 */
export const optionsSchema: JSONSchema4[] = [
  {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      Object.entries(propertySchemas).map(([name, schema]) => [name, { description: schema.description } as JSONSchema4]),
    ),
    anyOf: [{ type: 'object', properties: propertySchemas }],
  },
];

/**
 * The options in force: documented defaults, then `settings['map-race']` (shared by
 * every rule of the plugin), then the rule's own options. ESLint validates the rule's
 * options against the schema; settings are validated here, with messages that name
 * the offending key.
 */
export function resolveOptions(ruleOptions: RuleOptions | undefined, settings: unknown): ResolvedOptions {
  const shared = validateSettings(settings);
  return { ...DEFAULTS, ...shared, ...stripUndefined(ruleOptions ?? {}) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function validateSettings(settings: unknown): RuleOptions {
  if (settings === undefined) return {};
  return validateOptions(settings, { where: "settings['map-race']", key: (key) => `settings['map-race'].${key}` });
}

/** How validation messages name the options object and one of its keys. */
export interface OptionsNaming {
  /** The whole object: `settings['map-race']`, `map-race.json`. */
  where: string;
  /** One key of it: `settings['map-race'].guards`, `option "guards" in map-race.json`. */
  key(name: string): string;
}

/**
 * Checks an options object given outside ESLint's schema validation (shared settings, the
 * command line's configuration file) against what `optionsSchema` allows, with a message
 * that names the offending key.
 */
export function validateOptions(options: unknown, naming: OptionsNaming): RuleOptions {
  const { where } = naming;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where} must be an object`);
  }
  const value = options as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(DEFAULTS, key)) {
      throw new TypeError(`${where} has an unknown key "${key}"; expected one of ${Object.keys(DEFAULTS).join(', ')}`);
    }
  }
  const stringArray = (key: keyof ResolvedOptions): void => {
    const entry = value[key];
    if (entry !== undefined && (!Array.isArray(entry) || entry.some((item) => typeof item !== 'string' || item === ''))) {
      throw new TypeError(`${naming.key(key)} must be an array of non-empty strings`);
    }
  };
  const specArray = (key: keyof ResolvedOptions, shapes: readonly (readonly string[])[]): void => {
    const entry = value[key];
    if (entry === undefined) return;
    const fits = (item: unknown): boolean =>
      typeof item === 'object' &&
      item !== null &&
      shapes.some((shape) => {
        const record = item as Record<string, unknown>;
        const keys = Object.keys(record);
        return keys.length === shape.length && shape.every((name) => Object.hasOwn(record, name) && typeof record[name] === 'string' && record[name] !== '');
      });
    if (!Array.isArray(entry) || !entry.every(fits)) {
      const expected = shapes.map((shape) => `{ ${shape.map((name) => `${name}: string`).join(', ')} }`).join(' or ');
      throw new TypeError(`${naming.key(key)} must be an array of ${expected}`);
    }
  };
  const boolean = (key: keyof ResolvedOptions): void => {
    if (value[key] !== undefined && typeof value[key] !== 'boolean') throw new TypeError(`${naming.key(key)} must be a boolean`);
  };
  stringArray('ignorePaths');
  specArray('guards', [['callback'], ['acquire', 'release']]);
  specArray('contexts', [['handler'], ['expose']]);
  if (value.interleaving !== undefined && value.interleaving !== 'any' && value.interleaving !== 'await') {
    throw new TypeError(`${naming.key('interleaving')} must be "any" or "await"`);
  }
  if (value.unknownReceivers !== undefined && value.unknownReceivers !== 'ignore' && value.unknownReceivers !== 'context') {
    throw new TypeError(`${where}.unknownReceivers must be "ignore" or "context"`);
  }
  if (value.workspace !== undefined && value.workspace !== 'auto' && value.workspace !== 'off') {
    throw new TypeError(`${naming.key('workspace')} must be "auto" or "off"`);
  }
  boolean('reportUnusedIgnores');
  boolean('requireIgnoreReason');
  return value as RuleOptions;
}
