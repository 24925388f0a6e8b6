import * as z from 'zod';
import { EvidenceArchive } from '../../functions/adapters/evidence-archive.ts';
import type { CliCommand } from '../command.ts';
import { cliOperator } from '../control.ts';
import { CliFailure } from '../errors.ts';
import { purgeFromCli, stackEvidenceBucket } from '../evidence.ts';
import { connectTarget, parseCampaignCommandLine, TARGET_HELP, TargetFlags } from '../target.ts';

const Flags = TargetFlags.extend({
  yes: z.boolean().default(false),
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a bucket name is 3–63 lower-case letters, digits, dots or hyphens')
    .optional(),
});

/** `supervision purge <id> --yes`: removes a campaign's evidence photos and exports, on request. */
export const command: CliCommand = {
  name: 'purge',
  summary: "remove a campaign's evidence photos and ZIP exports, on request (删除取证照片)",
  help: `supervision purge <campaign-id> --yes [--bucket <name>] [--local | --stack <name> --profile <p> --region <r>]

Deletes every evidence photo of the campaign (evidence/<campaign>/) and every ZIP export of them
(exports/<campaign>/) from the evidence bucket, and marks its photos removed: pages then say
"照片已按要求删除 / photos removed on request". Responses, findings and scores stay. Written to the
campaign's audit log as you. Cannot be undone. Refused while the campaign still collects answers.
The daily retention check does the same once a campaign's evidence.retentionMonths are over.

Options:
  --yes            confirm: without it nothing is deleted
  --bucket <name>  the evidence bucket (default: the stack's EvidenceBucketName output)

${TARGET_HELP}`,
  run: async (argv, io) => {
    const { flags, id } = parseCampaignCommandLine(
      argv,
      { yes: { type: 'boolean' }, bucket: { type: 'string' } },
      Flags,
    );
    if (!flags.yes)
      throw new CliFailure(
        `this deletes every evidence photo and ZIP export of campaign ${id} and cannot be undone; nothing was deleted. Run it again with --yes to confirm.`,
      );
    const target = await connectTarget(flags, io.cwd);
    const local = flags.local || flags['endpoint-file'] !== undefined;
    const bucket = flags.bucket ?? (local ? undefined : await stackEvidenceBucket(flags.stack));
    if (!bucket)
      throw new CliFailure(
        'the embedded cloud has no evidence bucket to name: pass --bucket <name>; nothing was deleted.',
      );
    const record = await purgeFromCli(target, id, { archive: new EvidenceArchive(bucket) }, cliOperator());
    io.out(
      `purged 已删除 the evidence of ${id}: ${record.objects} objects deleted from ${bucket}, ${record.photos} photos marked removed; recorded in the audit log as ${record.by}.`,
    );
    return 0;
  },
};
