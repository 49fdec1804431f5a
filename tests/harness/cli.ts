// Runs the built command line (bin/map-race.js, which loads dist/) in a fresh process,
// with pipes for stdout and stderr: not a TTY.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');
export const cliBin = path.join(root, 'bin/map-race.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun {
  const inherited = { ...process.env };
  for (const key of ['NO_COLOR', 'FORCE_COLOR', 'MAP_RACE_DEBUG']) delete inherited[key];
  const result = spawnSync(process.execPath, [cliBin, ...args], { cwd, env: { ...inherited, ...env }, encoding: 'utf8', timeout: 180_000, maxBuffer: 32 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The reports of `map-race --format json`, as `file:line:column: message` lines. */
export interface JsonReport {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  ruleId: string;
  messageId: string;
  message: string;
  chain?: string[];
  reason?: string | null;
}

export function parseJsonOutput(run: CliRun): { problems: JsonReport[]; suppressed: JsonReport[] } {
  try {
    return JSON.parse(run.stdout) as { problems: JsonReport[]; suppressed: JsonReport[] };
  } catch {
    throw new Error(`map-race printed no JSON (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
}
