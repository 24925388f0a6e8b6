import type { CliCommand, CliIo } from './command.ts';
import { UsageError } from './command.ts';
import { explainError } from './errors.ts';

/** Subcommands, loaded on demand so `--help` stays fast. */
const COMMANDS: Record<string, () => Promise<{ command: CliCommand }>> = {
  init: () => import('./commands/init.ts'),
  validate: () => import('./commands/validate.ts'),
  questionnaire: () => import('./commands/questionnaire.ts'),
  launch: () => import('./commands/launch.ts'),
  status: () => import('./commands/status.ts'),
  extend: () => import('./commands/extend.ts'),
  close: () => import('./commands/close.ts'),
  publish: () => import('./commands/publish.ts'),
  results: () => import('./commands/results.ts'),
  score: () => import('./commands/score.ts'),
  purge: () => import('./commands/purge.ts'),
};

const HELP = (summaries: string[]) => `supervision — government service supervision campaigns (政务服务督查)

Usage: supervision <command> [options]     supervision <command> --help

Commands:
${summaries.join('\n')}

Commands that reach campaigns take --local (the embedded cloud of \`npm start -- --serve\`) or, on AWS,
--stack, --profile and --region. Walkthrough: docs/organizer-guide.md
`;

const defaultIo = (): CliIo => ({ out: (l) => console.log(l), err: (l) => console.error(l), cwd: process.cwd() });

/** Runs the command line; returns the exit code. */
export const main = async (argv: readonly string[], io: CliIo = defaultIo()): Promise<number> => {
  const [name, ...rest] = argv;
  // One subcommand that fails to load must not hide the others from the list.
  const summaries = async () =>
    Promise.all(
      Object.entries(COMMANDS).map(async ([commandName, load]) => {
        try {
          const { command } = await load();
          return `  ${command.name.padEnd(13)} ${command.summary}`;
        } catch (error) {
          return `  ${commandName.padEnd(13)} (unavailable: ${explainError(error)})`;
        }
      }),
    );
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP(await summaries()));
    return name ? 0 : 2;
  }
  // Own keys only: `supervision toString` is an unknown command, not Object.prototype's.
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    io.err(`unknown command "${name}". Run "supervision --help" for the list of commands.`);
    return 2;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${command.help}`);
      return 2;
    }
    io.err(`supervision ${name}: ${explainError(error)}`);
    if (process.env.SUPERVISION_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
    return 1;
  }
};
