// Flat config for the example project. Run from the repository root with
//   npm run demo            (builds the plugin if needed, then lints examples/)
// or from this directory with
//   npx eslint .
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import mapRace from 'eslint-plugin-map-race';

export default defineConfig([
  {
    files: ['src/**/*.ts'],
    // `extends` scopes the preset to the TypeScript sources: the rule is
    // type-aware, so it must not run on files the TypeScript parser doesn't see
    // (like this config file).
    extends: [mapRace.configs.recommended],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        // The rule follows calls across files, so it needs the whole TypeScript
        // program: let the project service find examples/tsconfig.json.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
]);
