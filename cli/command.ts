/** Where a command writes; tests capture it. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  cwd: string;
}

/** One subcommand of `supervision`. */
export interface CliCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full help text shown by `supervision <name> --help`. */
  help: string;
  /** Runs the command; returns the process exit code (0 ok, 1 problems found, 2 usage error). */
  run: (argv: readonly string[], io: CliIo) => Promise<number>;
}

/** A usage mistake: shown with the command's help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
