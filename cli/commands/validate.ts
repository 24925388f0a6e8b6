import * as z from 'zod';
import { parseCommandLine } from '../args.ts';
import type { CliCommand } from '../command.ts';
import { checkCampaignFolder } from '../folder-report.ts';

const Flags = z.object({ json: z.boolean().default(false) });

/** `supervision validate <dir>`: every problem of a campaign folder at once, with file, row, column and hint. */
export const command: CliCommand = {
  name: 'validate',
  summary: 'check a campaign folder: every problem at once, with file, row and column (检查)',
  help: `supervision validate <dir> [--json]

Checks a campaign folder — campaign.yaml, centers.xlsx|csv, supervisors.xlsx|csv, and the questionnaire:
questionnaire.json in this project's format or as a SurveyJS file (pages/elements), or questionnaire.yaml —
and reports every problem at once, each with its file, row (or line) and column and what to do:
missing or malformed emails and phone numbers, duplicate ids, unknown levels, officials without email,
supervisors with no eligible center, questionnaires whose weights sum to 0, schedule mistakes…
Warnings (!) are worth a look but do not stop a launch. Nothing is sent anywhere.

CSV files may be UTF-8 (with or without BOM) or GB18030/GBK as saved by Chinese Excel; headers may be
Chinese or English (编号 or id, 名称 or name_zh …), below a title row if the sheet has one. See
docs/organizer-guide.md for every column and for the SurveyJS features read.

Options:
  --json    print the problems and the summary as JSON

Exit code: 0 when the folder can be launched, 1 when there are problems, 2 for a usage mistake.`,
  run: async (argv, io) => {
    const { flags, args } = parseCommandLine(argv, { json: { type: 'boolean' } }, Flags, { names: ['dir'] });
    const { folder, report } = await checkCampaignFolder(io.cwd, args[0] as string);
    if (flags.json) {
      io.out(
        JSON.stringify(
          {
            ok: report.errors === 0,
            errors: report.errors,
            warnings: report.warnings,
            problems: folder.problems,
            files: folder.files,
            summary: folder.summary ?? null,
          },
          null,
          2,
        ),
      );
    } else {
      for (const line of report.lines) io.out(line);
    }
    return report.errors > 0 ? 1 : 0;
  },
};
