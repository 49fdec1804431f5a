// The command line validates its options file with the code that validates the rule's
// shared settings (rules/options.ts validateOptions). That code must accept exactly what
// ESLint accepts through the rule's JSON schema: checked here option by option, with
// ESLint's own schema validation as the reference.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Linter } from 'eslint';
import plugin from '../dist/index.js';
import { validateOptions } from '../dist/rules/options.js';

const RULE = 'map-race/no-unguarded-map-write';

const samples: unknown[] = [
  {},
  { interleaving: 'await' },
  { interleaving: 'any', requireIgnoreReason: true, reportUnusedIgnores: false },
  { ignorePaths: ['test/**', 'src/legacy/*.ts'] },
  { guards: [{ callback: 'withLock' }, { acquire: 'spin.lock', release: 'spin.unlock' }] },
  { contexts: [{ handler: 'rpc.on' }, { expose: 'registerApi' }] },
  { interleving: 'await' },
  { interleaving: 'sometimes' },
  { interleaving: 1 },
  { workspace: 'auto' },
  { workspace: 'off' },
  { workspace: 'references' },
  { workspace: false },
  { reportUnusedIgnores: 'yes' },
  { requireIgnoreReason: null },
  { ignorePaths: 'test/**' },
  { ignorePaths: [1] },
  { ignorePaths: [''] },
  { guards: 'withLock' },
  { guards: [{ callbak: 'withLock' }] },
  { guards: [{ acquire: 'lock' }] },
  { guards: [{ callback: '' }] },
  { guards: [{ callback: 'a', acquire: 'b', release: 'c' }] },
  { contexts: [{ handler: 1 }] },
  { contexts: [{ handler: 'a', expose: 'b' }] },
  { contexts: 'serve' },
  [],
  'await',
];

/**
 * Whether ESLint accepts these as the rule's options. Its schema validation runs before the
 * rule; accepted options get as far as the rule, which then asks for type information.
 */
function eslintAccepts(options: unknown): boolean {
  try {
    new Linter().verify('', [{ plugins: { 'map-race': plugin }, rules: { [RULE]: ['error', options] } as Linter.RulesRecord }], 'a.js');
    assert.fail('the rule ran without type information');
  } catch (error) {
    const message = (error as Error).message;
    if (/requires type information/.test(message)) return true;
    assert.match(message, /Key "rules": Key "map-race\/no-unguarded-map-write"/, 'a schema error');
    return false;
  }
}

function validateAccepts(options: unknown): boolean {
  try {
    validateOptions(options, { where: 'map-race.json', key: (name) => `option "${name}" in map-race.json` });
    return true;
  } catch (error) {
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /map-race\.json/, 'the message says where');
    return false;
  }
}

describe('options validation outside ESLint', () => {
  it('accepts exactly what the rule schema accepts', () => {
    const verdicts = samples.map((options) => ({ options, eslint: eslintAccepts(options), cli: validateAccepts(options) }));
    assert.ok(verdicts.some((v) => v.eslint) && verdicts.some((v) => !v.eslint), 'both kinds of samples');
    assert.deepEqual(
      verdicts.filter((v) => v.eslint !== v.cli),
      [],
    );
  });
});
