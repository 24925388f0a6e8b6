import * as z from 'zod';
import type { CliCommand } from '../command.ts';
import { extendCampaign } from '../control.ts';
import { connectTarget, parseCampaignCommandLine, TARGET_HELP, TargetFlags } from '../target.ts';
import { beijingTime, normalizeTime } from '../time.ts';

const Flags = TargetFlags.extend({
  deadline: z
    .string({ message: 'give the new deadline, e.g. --deadline "2026-12-31 18:00"' })
    .transform((text, ctx) => {
      const iso = normalizeTime(text);
      if (!iso) {
        ctx.addIssue({
          code: 'custom',
          message: `"${text}" is not a time: write e.g. 2026-12-31T18:00:00+08:00 or "2026-12-31 18:00" (Beijing time)`,
        });
        return z.NEVER;
      }
      return iso;
    }),
});

/** `supervision extend <id> --deadline <time>`: moves the deadline; the running workflow re-plans at once. */
export const command: CliCommand = {
  name: 'extend',
  summary: 'move the deadline of an open campaign; the workflow honours it at once (延期)',
  help: `supervision extend <campaign-id> --deadline <time> [--local | --stack <name> --profile <p> --region <r>]

Moves the deadline of an open campaign (later, or earlier) and wakes its workflow, which re-plans at
once: reminders still due before the new deadline are sent, and answers close at the new deadline.
Refused when the campaign is already closed.

Options:
  --deadline <time>   ISO 8601 (2026-12-31T18:00:00+08:00) or "2026-12-31 18:00" (Beijing time, UTC+8)

${TARGET_HELP}`,
  run: async (argv, io) => {
    const { flags, id } = parseCampaignCommandLine(argv, { deadline: { type: 'string' } }, Flags);
    const target = await connectTarget(flags, io.cwd);
    const outcome = await extendCampaign(target, id, flags.deadline);
    io.out(`deadline of ${id} moved 截止时间已调整: ${beijingTime(outcome.from)} → ${beijingTime(outcome.to)}`);
    io.out(
      outcome.wake === 'woken'
        ? '  the workflow was woken and now waits for the new deadline.'
        : '  the workflow takes the new deadline into account at its next check (it is busy right now).',
    );
    if (outcome.droppedReminders.length > 0) {
      io.out(
        `  reminders after the new deadline will not be sent: ${outcome.droppedReminders.map(beijingTime).join(', ')}`,
      );
    }
    return 0;
  },
};
