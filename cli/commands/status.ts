import * as z from 'zod';
import type { CliCommand } from '../command.ts';
import { formatCampaignStatus, readCampaignStatus } from '../status.ts';
import { connectTarget, parseCampaignCommandLine, TARGET_HELP, TargetFlags } from '../target.ts';

const Flags = TargetFlags.extend({ json: z.boolean().default(false) });

/** `supervision status <id>`: state, progress bars by level and district, reminders and the next event. */
export const command: CliCommand = {
  name: 'status',
  summary: 'progress of a campaign by level and district, reminders, next event, state (进度)',
  help: `supervision status <campaign-id> [--json] [--local | --stack <name> --profile <p> --region <r>]

Shows a campaign's state (draft 准备中 · open 收集中 · closed 已截止 · scored 已评分 · published 已通报 ·
failed 运行失败) and its workflow run, responses answered out of assigned with progress bars by center
level and by district, the deadline, reminder rounds sent, and what happens next. On the embedded
cloud (--local) it adds what the campaign would cost on AWS, priced from the usage the cloud counted
(on-demand list prices, free tier excluded); on AWS, see Cost Explorer.

Options:
  --json    print the report as JSON

${TARGET_HELP}`,
  run: async (argv, io) => {
    const { flags, id } = parseCampaignCommandLine(argv, { json: { type: 'boolean' } }, Flags);
    const target = await connectTarget(flags, io.cwd);
    const report = await readCampaignStatus(target, id);
    io.out(flags.json ? JSON.stringify(report, null, 2) : formatCampaignStatus(report));
    return 0;
  },
};
