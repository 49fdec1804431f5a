#!/usr/bin/env node
// `map-race`: the analysis on the command line, without ESLint (docs/cli.md).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/lib/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('map-race: the command line is not built: run `npm run build` in eslint-plugin-map-race first\n');
  process.exit(2);
}
// A closed pipe (`map-race | head`) is no error of ours.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = await import(entry);
process.exitCode = main(process.argv.slice(2));
