// `eslint-doc-generator --check` (npm run docs:check): the README rules table and
// the generated header of docs/rules/no-unguarded-map-write.md must match the
// rule metadata of the built plugin. Run `npm run docs:update` to regenerate.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { root, run } from './example-sandbox.js';

const generator = path.join(root, 'node_modules/eslint-doc-generator/dist/bin/eslint-doc-generator.js');

test('README rules table and rule doc headers are in sync with the rule metadata', { timeout: 120_000 }, () => {
  assert.ok(fs.existsSync(path.join(root, 'dist/index.js')), 'build the plugin first (npm run build)');
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  assert.match(readme, /<!-- begin auto-generated rules list -->/, 'README.md has the rules-list markers');
  const doc = fs.readFileSync(path.join(root, 'docs/rules/no-unguarded-map-write.md'), 'utf8');
  assert.match(doc, /<!-- end auto-generated rule header -->/, 'the rule doc has the header marker');
  const check = run(process.execPath, [generator, '--check'], root);
  assert.equal(check.status, 0, `eslint-doc-generator --check failed (run npm run docs:update):\n${check.output}`);
});
