// lint-staged 16 recipe for eslint-plugin-map-race (used by .husky/pre-commit).
//
// A map-race finding is reported at the write (here: src/shared/cache.ts), but
// whether that write is racy depends on every handler that reaches it (here:
// src/web/search.worker.ts, src/pool/worker.ts). Staging only a handler can
// create a finding in a file you did not stage, so when any TypeScript file is
// staged we lint the whole project instead of the staged list. The hook runs
// `lint-staged --hide-unstaged`, so unstaged edits are hidden and the working
// tree is exactly what is being committed.
//
// The TypeScript program is loaded in full either way (the rule is type-aware
// and follows calls across files); linting every file on top of that costs one
// ESLint pass per file. See docs/integrations.md for the staged-files-only
// variant and its trade-off.
export default {
  '*.{ts,tsx,mts,cts}': () => 'eslint --max-warnings=0 .',
};
