import { createRequire } from 'node:module';
import type { ESLint, Linter, Rule } from 'eslint';
import { noUnguardedMapWrite } from './rules/no-unguarded-map-write.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

const rules = {
  'no-unguarded-map-write': noUnguardedMapWrite as unknown as Rule.RuleModule,
};

interface MapRacePlugin extends ESLint.Plugin {
  meta: { name: string; version: string; namespace: string };
  rules: typeof rules;
  configs: { recommended: Linter.Config; strict: Linter.Config };
}

const plugin: MapRacePlugin = {
  meta: { name, version, namespace: 'map-race' },
  rules,
  configs: {} as MapRacePlugin['configs'],
};

plugin.configs.recommended = {
  name: 'map-race/recommended',
  plugins: { 'map-race': plugin },
  rules: { 'map-race/no-unguarded-map-write': ['error', { interleaving: 'await' }] },
};

plugin.configs.strict = {
  name: 'map-race/strict',
  plugins: { 'map-race': plugin },
  rules: { 'map-race/no-unguarded-map-write': ['error', { interleaving: 'any', requireIgnoreReason: true }] },
};

export default plugin;

// `require('eslint-plugin-map-race')` (Node 20.19+ loads ES modules synchronously) returns the plugin itself.
export { plugin as 'module.exports' };
