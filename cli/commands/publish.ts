import type { CliCommand } from '../command.ts';
import { publishCampaign } from '../control.ts';
import { connectTarget, parseCampaignCommandLine, TARGET_HELP, TargetFlags, targetArgs } from '../target.ts';
import { beijingTime } from '../time.ts';

/** `supervision publish <id>`: signs off a campaign's draft results; the summaries go out. */
export const command: CliCommand = {
  name: 'publish',
  summary: "sign off the draft results; the centers' summaries go out (签发)",
  help: `supervision publish <campaign-id> [--local | --stack <name> --profile <p> --region <r>]

Signs off a scored campaign's draft results, as 发布 / Publish in the console does: each center's official
is then emailed its scored summary (评分通报) and the organizers the city summary. Check the draft first with
supervision results <campaign-id>. Audited as you; refused unless the campaign awaits sign-off (待签发).
A campaign with autoPublish: true in campaign.yaml publishes on its own once scored.

${TARGET_HELP}`,
  run: async (argv, io) => {
    const { flags, id } = parseCampaignCommandLine(argv, {}, TargetFlags);
    const target = await connectTarget(flags, io.cwd);
    const outcome = await publishCampaign(target, id);
    if (outcome.kind === 'already') {
      io.out(
        `${id} was already signed off by ${outcome.signedOffBy} at ${beijingTime(outcome.signedOffAt)}: nothing changed.`,
      );
    } else {
      io.out(
        `signed off 已签发 ${id}: ${
          outcome.wake === 'woken'
            ? "the workflow was woken and is emailing the centers' summaries now."
            : 'the workflow emails the summaries at its next check, in moments.'
        }`,
      );
    }
    io.out(`  follow it with: supervision status ${id}${targetArgs(flags)}`);
    return 0;
  },
};
