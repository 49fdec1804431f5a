import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, createConfig, type AnalysisConfig } from '../index.js';
import { resolveOptions, validateOptions, type ResolvedOptions, type RuleOptions } from '../../rules/options.js';
import type { CliArgs } from './args.js';
import { CliError } from './errors.js';

export const CONFIG_FILE = 'map-race.json';
export const PACKAGE_KEY = 'map-race';

/** The rule's options in force on the command line, and the compiled analysis configuration. */
export interface CliOptions {
  readonly options: ResolvedOptions;
  readonly config: AnalysisConfig;
  /** Where the options came from, for messages: `map-race.json`, `package.json "map-race"`, or undefined for defaults. */
  readonly source: string | undefined;
}

/**
 * The rule's options from the options file (`--config`, else ./map-race.json, else the
 * "map-race" key of ./package.json), validated by the rule's own validation, then the flags
 * over them (`--interleaving` replaces, `--ignore-path` adds), then the rule's defaults under
 * them. `ignorePaths` are relative to `cwd`, as they are to ESLint's working directory.
 */
export function loadOptions(args: CliArgs, cwd: string): CliOptions {
  const file = readOptionsFile(args.config, cwd);
  const fromFile = file ? validated(file.value, file.label) : {};
  const given = { interleaving: args.interleaving, workspace: args.workspace };
  const flagged = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  const flags: RuleOptions = validateOptions(flagged, {
    where: 'the command line',
    key: (name) => `--${name}`,
  });
  const merged: RuleOptions = { ...fromFile, ...flags };
  if (args.ignorePaths.length > 0) merged.ignorePaths = [...(fromFile.ignorePaths ?? []), ...args.ignorePaths];
  const options = resolveOptions(merged, undefined);
  try {
    return { options, config: createConfig(options, cwd), source: file?.label };
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(file ? `${file.label}: ${error.message}` : error.message);
    throw error;
  }
}

function validated(value: unknown, label: string): RuleOptions {
  try {
    return validateOptions(value, { where: label, key: (name) => `option "${name}" in ${label}` });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

interface OptionsFile {
  readonly value: unknown;
  readonly label: string;
}

function readOptionsFile(explicit: string | undefined, cwd: string): OptionsFile | undefined {
  if (explicit !== undefined) {
    const file = path.resolve(cwd, explicit);
    if (!fs.existsSync(file)) throw new CliError(`cannot read the options file ${explicit}: it does not exist`);
    return fromJsonFile(file, path.relative(cwd, file) || explicit, true);
  }
  const own = path.join(cwd, CONFIG_FILE);
  if (fs.existsSync(own)) return fromJsonFile(own, CONFIG_FILE, true);
  const manifest = path.join(cwd, 'package.json');
  if (fs.existsSync(manifest)) return fromJsonFile(manifest, 'package.json', false);
  return undefined;
}

/** A JSON options file; a package.json holds them under its "map-race" key (required when the file was named explicitly). */
function fromJsonFile(file: string, label: string, explicit: boolean): OptionsFile | undefined {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read the options file ${label}: ${(error as Error).message}`);
  }
  if (path.basename(file) !== 'package.json') return { value: json, label };
  const value = (json as Record<string, unknown> | null)?.[PACKAGE_KEY];
  if (value === undefined) {
    if (explicit) throw new CliError(`${label} has no "${PACKAGE_KEY}" key with the options`);
    return undefined;
  }
  return { value, label: `${label} "${PACKAGE_KEY}"` };
}
