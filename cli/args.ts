import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import type * as z from 'zod';
import { UsageError } from './command.ts';

/**
 * Parses a subcommand's arguments: flags with node's parseArgs (unknown flags refused), values checked with
 * a zod schema, and the expected number of positional arguments. Every mistake is a UsageError naming the flag.
 */
export const parseCommandLine = <S extends z.ZodType>(
  argv: readonly string[],
  options: ParseArgsOptionsConfig,
  schema: S,
  positionals: { names: readonly string[]; optional?: number } = { names: [] },
): { flags: z.output<S>; args: string[] } => {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new UsageError(
      message.replace(/^Unknown option/, 'unknown option').replace(/ To specify a positional argument.*$/, ''),
    );
  }
  const required = positionals.names.length - (positionals.optional ?? 0);
  if (parsed.positionals.length < required) {
    throw new UsageError(
      `missing ${positionals.names
        .slice(parsed.positionals.length, required)
        .map((n) => `<${n}>`)
        .join(' ')}`,
    );
  }
  if (parsed.positionals.length > positionals.names.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[positionals.names.length]}"`);
  }
  const checked = schema.safeParse(parsed.values);
  if (!checked.success) {
    throw new UsageError(checked.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  return { flags: checked.data, args: parsed.positionals };
};
