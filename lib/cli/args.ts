import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export const FORMATS = ['text', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

/** The command line, parsed; options are still unvalidated strings where the rule's validation applies. */
export interface CliArgs {
  readonly projects: readonly string[];
  readonly files: readonly string[];
  readonly config: string | undefined;
  readonly interleaving: string | undefined;
  readonly workspace: string | undefined;
  readonly ignorePaths: readonly string[];
  readonly format: Format;
  readonly quiet: boolean;
  readonly timing: boolean;
  /** --color / --no-color; undefined: colour when stdout is a TTY. */
  readonly color: boolean | undefined;
  readonly help: boolean;
  readonly version: boolean;
}

export const USAGE = `Usage: map-race [-p tsconfig.json …] [options] [files…]

Finds unguarded writes to shared Map/Record state reachable from message handlers,
with TypeScript's API (no ESLint). Without files, reports every file of each program;
with files, analyses the whole program and reports those files only.

Options:
  -p, --project <tsconfig>   tsconfig.json or its directory (repeatable; default: the
                             nearest tsconfig.json). A solution tsconfig ("files": [] and
                             "references") analyses each referenced project on its own,
                             and a write in one is also reached from the others.
  -c, --config <file>        options file (default: ./map-race.json, else the "map-race"
                             key of ./package.json): the rule's options
      --interleaving <mode>  await | any (overrides the options file; default any)
      --workspace <reach>    auto | off: also reach writes from the projects and workspace
                             packages that depend on a file's own (default auto)
      --ignore-path <glob>   leave matching files out of the analysis (repeatable; added
                             to ignorePaths)
  -f, --format <format>      text (default) | json | sarif
  -q, --quiet                no progress line
      --timing               print where the time went (stderr)
      --color, --no-color    force colour on or off (default: on when stdout is a TTY)
  -h, --help                 this help
  -v, --version              the version

Exit status: 0 no findings, 1 findings, 2 usage, configuration or analysis error.`;

/** Parses argv (without node and the script), rejecting unknown flags and formats. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        project: { type: 'string', short: 'p', multiple: true },
        config: { type: 'string', short: 'c' },
        interleaving: { type: 'string' },
        workspace: { type: 'string' },
        'ignore-path': { type: 'string', multiple: true },
        format: { type: 'string', short: 'f' },
        quiet: { type: 'boolean', short: 'q' },
        timing: { type: 'boolean' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }));
  }
  const { values, positionals } = parsed;
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not ${JSON.stringify(format)}`);
  }
  if (values.color && values['no-color']) throw new UsageError('--color and --no-color contradict each other');
  return {
    projects: values.project ?? [],
    files: positionals,
    config: values.config,
    interleaving: values.interleaving,
    workspace: values.workspace,
    ignorePaths: values['ignore-path'] ?? [],
    format: format as Format,
    quiet: values.quiet ?? false,
    timing: values.timing ?? false,
    color: values.color ? true : values['no-color'] ? false : undefined,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

/** util.parseArgs' messages, shortened to the flag at fault. */
function describeParseError(error: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1];
  const flag = quoted && (/--[\w-]+/.exec(quoted)?.[0] ?? quoted);
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${flag ?? error.message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return flag ? `option ${flag} ${/argument missing/.test(error.message) ? 'needs a value' : 'takes no value'}` : error.message;
    default:
      return error.message;
  }
}
