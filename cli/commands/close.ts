import * as z from 'zod';
import type { CliCommand } from '../command.ts';
import { closeCampaignNow } from '../control.ts';
import { CliFailure } from '../errors.ts';
import { STATUS_LABELS } from '../status.ts';
import {
  connectTarget,
  findCampaign,
  parseCampaignCommandLine,
  TARGET_HELP,
  TargetFlags,
  targetArgs,
} from '../target.ts';

const Flags = TargetFlags.extend({
  wait: z.boolean().default(false),
  timeout: z.coerce.number({ message: 'give seconds, e.g. --timeout 300' }).int().min(1).max(86_400).default(600),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `supervision close <id>`: closes collection now; review, fact-check, scoring and sign-off follow. */
export const command: CliCommand = {
  name: 'close',
  summary: 'close an open campaign now; review, scoring and sign-off follow (提前截止)',
  help: `supervision close <campaign-id> [--wait [--timeout <seconds>]] [--local | --stack <name> --profile <p> --region <r>]

Closes an open campaign before its deadline: the workflow is woken and stops accepting answers; the
campaign's review and fact-check windows follow, then scoring; the summaries go out once an organizer
signs the results off (supervision publish), or at once with autoPublish. Refused when the campaign is
already closed.

Options:
  --wait               wait until the results await sign-off (待签发) or the summaries are sent (published)
  --timeout <seconds>  how long --wait waits (default 600)

${TARGET_HELP}`,
  run: async (argv, io) => {
    const { flags, id } = parseCampaignCommandLine(
      argv,
      { wait: { type: 'boolean' }, timeout: { type: 'string' } },
      Flags,
    );
    const target = await connectTarget(flags, io.cwd);
    const outcome = await closeCampaignNow(target, id);
    io.out(
      `${outcome.alreadyRequested ? 'close was already requested for' : 'closing 正在截止'} ${id}: ${outcome.answered}/${outcome.total} assignments answered; ${
        outcome.wake === 'woken'
          ? 'the workflow was woken and is closing now.'
          : 'the workflow closes it at its next check, in moments.'
      }`,
    );
    if (!flags.wait) {
      io.out(`  results follow once scored: supervision results ${id}${targetArgs(flags)}`);
      return 0;
    }
    const until = Date.now() + flags.timeout * 1000;
    for (;;) {
      const meta = await findCampaign(target, id);
      if (meta.status === 'published') {
        io.out(`${id} is ${STATUS_LABELS.published}: supervision results ${id}${targetArgs(flags)}`);
        return 0;
      }
      if (meta.status === 'awaiting-sign-off' && !meta.signedOffAt) {
        io.out(
          `${id} is scored and ${STATUS_LABELS['awaiting-sign-off']}: check the draft with supervision results ${id}${targetArgs(flags)}, then supervision publish ${id}${targetArgs(flags)}`,
        );
        return 0;
      }
      if (meta.status === 'failed')
        throw new CliFailure(
          `campaign ${id} failed while closing (${meta.failure?.error ?? 'unknown error'}): see supervision status ${id}.`,
        );
      if (Date.now() > until)
        throw new CliFailure(
          `${id} is still ${STATUS_LABELS[meta.status]} after ${flags.timeout} s: check supervision status ${id}.`,
        );
      await sleep(1_000);
    }
  },
};
