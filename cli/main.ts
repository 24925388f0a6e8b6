import type { CliCommand, CliIo } from './command.ts';
import { UsageError } from './command.ts';

/** Subcommands, loaded on demand so `--help` stays fast. */
const COMMANDS: Record<string, () => Promise<{ command: CliCommand }>> = {};

/** Registers a subcommand module (used by the command list below). */
const register = (name: string, load: () => Promise<{ command: CliCommand }>) => {
  COMMANDS[name] = load;
};

register('score', () => import('./commands/score.ts'));

const HELP = (summaries: string[]) => `supervision — government service supervision campaigns (政务服务督查)

Usage: supervision <command> [options]     supervision <command> --help

Commands:
${summaries.join('\n')}
`;

const defaultIo = (): CliIo => ({ out: (l) => console.log(l), err: (l) => console.error(l), cwd: process.cwd() });

/** Runs the command line; returns the exit code. */
export const main = async (argv: readonly string[], io: CliIo = defaultIo()): Promise<number> => {
  const [name, ...rest] = argv;
  const loadAll = async () =>
    Promise.all(Object.values(COMMANDS).map(async (load) => (await load()).command));
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const commands = await loadAll();
    io.out(HELP(commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`)));
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
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
    io.err(`supervision ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
};
