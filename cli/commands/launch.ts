import { parseCommandLine } from '../args.ts';
import type { CliCommand } from '../command.ts';
import { CliFailure } from '../errors.ts';
import { checkCampaignFolder } from '../folder-report.ts';
import { launchDefinition } from '../launch.ts';
import { STATUS_LABELS } from '../status.ts';
import { connectTarget, TARGET_HELP, TARGET_OPTIONS, TargetFlags, targetArgs } from '../target.ts';
import { beijingTime } from '../time.ts';

/** `supervision launch <dir>`: validates, snapshots and starts the campaign's workflow; a repeat starts nothing. */
export const command: CliCommand = {
  name: 'launch',
  summary: 'validate a campaign folder and start its workflow; a repeat starts nothing (发布)',
  help: `supervision launch <dir> [--local | --stack <name> --profile <p> --region <r>]

Validates the folder (as \`supervision validate\`), stores a snapshot of the campaign — rosters and
questionnaire frozen as they are now — and starts its workflow, named by the campaign id. The workflow
computes the assignments and emails each supervisor one invitation listing theirs.
Launching the same campaign again says so and starts nothing; a changed folder with the same id is
refused (give the new campaign a new id).

${TARGET_HELP}

Exit code: 0 started or already launched, 1 problems found or launch refused, 2 usage mistake.`,
  run: async (argv, io) => {
    const { flags, args } = parseCommandLine(argv, TARGET_OPTIONS, TargetFlags, { names: ['dir'] });
    const shown = args[0] as string;
    const { folder, report } = await checkCampaignFolder(io.cwd, shown);
    const definition = folder.definition;
    if (!definition || report.errors > 0) {
      for (const line of report.lines) io.err(line);
      io.err('nothing was launched 未发布.');
      return 1;
    }
    for (const line of report.lines.slice(0, -1)) io.out(line);
    const target = await connectTarget(flags, io.cwd);
    const { campaign } = definition;
    const launched = await launchDefinition(target, definition);
    if (launched.outcome.outcome === 'started') {
      io.out(`launched 已发布 ${campaign.id} on ${target.where}`);
      io.out(`  workflow ${launched.outcome.executionArn}`);
      io.out(`  invitations go out now; deadline 截止 ${beijingTime(campaign.schedule.deadline)}`);
      io.out(`  watch it: supervision status ${campaign.id}${targetArgs(flags)}`);
      return 0;
    }
    const state = launched.status ? STATUS_LABELS[launched.status] : launched.outcome.status;
    if (!launched.sameDefinition) {
      throw new CliFailure(
        `campaign ${campaign.id} was already launched from different files (state ${state}); nothing was started: give the new campaign a new id: in campaign.yaml.`,
      );
    }
    io.out(
      `campaign ${campaign.id} was already launched 已发布过 (state ${state}, workflow ${launched.outcome.status}); nothing was started.`,
    );
    return 0;
  },
};
