/**
 * An error the command line reports as one line on stderr with exit status 2: bad usage,
 * a configuration that does not validate, a tsconfig that does not parse, an analysis
 * that failed. Anything else that escapes is a bug, reported the same way.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** Wrong flags or arguments: the message ends with a pointer to `--help`. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(`${message} (see map-race --help)`);
  }
}
