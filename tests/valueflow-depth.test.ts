// Value flow's search is depth-first: a handler passed through a long chain of calls nests one
// step per parameter, call result and return. Before MAX_DEPTH (lib/analyzers/valueflow.ts)
// 1,500 such calls overflowed the stack and the registration was reported `analysisFailed`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseJsonOutput, runCli } from './harness/cli.js';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A worker whose handler reaches `self.onmessage` through `length` identity functions. */
function chainProject(length: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'map-race-depth-'));
  dirs.push(dir);
  const lines = [
    'const cache = new Map<string, number>();',
    'function handler(event: MessageEvent) { cache.set(String(event.data), 1); }',
    'function id0(f: (e: MessageEvent) => void) { return f; }',
  ];
  for (let i = 1; i < length; i++) lines.push(`function id${i}(f: (e: MessageEvent) => void) { return id${i - 1}(f); }`);
  lines.push(`self.onmessage = id${length - 1}(handler);`);
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src/worker.ts'), lines.join('\n') + '\n');
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, target: 'es2022', lib: ['es2022', 'webworker'], noEmit: true }, include: ['src'] }),
  );
  return dir;
}

describe('value flow through long call chains', () => {
  it('a short chain is followed to the handler and its write', () => {
    const { problems } = parseJsonOutput(runCli(['--format', 'json'], chainProject(10)));
    assert.deepEqual(problems.map((p) => `${p.line}:${p.messageId}`), ['2:unguardedWrite']);
  });

  it('a chain of 1,500 calls ends the path instead of overflowing the stack', () => {
    const { problems } = parseJsonOutput(runCli(['--format', 'json'], chainProject(1500)));
    assert.deepEqual(problems.filter((p) => p.messageId === 'analysisFailed'), []);
  });

  it('says where a walk was cut, with MAP_RACE_DEBUG=1, and says nothing of a walk that was not', () => {
    const cut = runCli(['--format', 'json'], chainProject(1500), { MAP_RACE_DEBUG: '1' });
    assert.match(cut.stderr, /map-race: valueflow: a walk from .*worker\.ts:\d+:\d+ stopped at its depth bound/);
    const whole = runCli(['--format', 'json'], chainProject(10), { MAP_RACE_DEBUG: '1' });
    assert.doesNotMatch(whole.stderr, /valueflow: a walk/);
  });
});
