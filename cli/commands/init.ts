import { readdir } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import * as z from 'zod';
import { Id } from '../../functions/core/model.ts';
import { parseCommandLine } from '../args.ts';
import type { CliCommand } from '../command.ts';
import { CliFailure } from '../errors.ts';
import { writeCampaignFolder } from '../roster/templates.ts';
import { sampleCampaign } from '../sample.ts';

const Flags = z.object({
  id: Id.optional(),
  format: z.enum(['xlsx', 'csv'], { message: 'use xlsx or csv' }).default('xlsx'),
  questionnaire: z.enum(['xlsx', 'json'], { message: 'use xlsx or json' }).default('xlsx'),
  force: z.boolean().default(false),
});

/** `supervision init <dir>`: writes a sample campaign folder that validates and launches as is. */
export const command: CliCommand = {
  name: 'init',
  summary: 'write a sample campaign folder to start from (创建示例)',
  help: `supervision init <dir> [--id <campaign-id>] [--format xlsx|csv] [--questionnaire xlsx|json] [--force]

Writes a sample campaign folder — Nanjing's 56 service centers, 40 supervisors and the theme-month
questionnaire — that validates and launches as is. Replace the rosters with your own and edit
campaign.yaml (id, title, schedule, organizers).

  campaign.yaml        id, title, month, schedule (opens, reminders, deadline), organizers, ratersPerCenter,
                       review (default 3 working days after the close) and factCheck (default 5 working
                       days) windows, autoPublish (default false: an organizer signs the scores off with
                       发布 / Publish in the console, or supervision publish, before officials get them)
  centers.xlsx         服务中心: 编号 id, 名称 name_zh, 英文名称 name_en, 级别 level, 所在区 district, 地址 address,
                       负责同志 official_name, 负责同志邮箱 official_email, 负责同志电话 official_phone
  supervisors.xlsx     监督员: 编号 id, 姓名 name, 邮箱 email, 手机 phone, 界别 sector, 所在区 home_district
  questionnaire.xlsx   问卷, an XLSForm workbook: survey sheet (type, name, label::zh, label::en, required,
                       relevant, dimension, indicator, weight …), choices sheet, settings sheet

Options:
  --id <id>            campaign id (default: the folder name, when it is a usable id)
  --format xlsx|csv    roster format (default xlsx; csv is UTF-8 with BOM)
  --questionnaire xlsx|json
                       questionnaire format (default xlsx; json is questionnaire.json). A SurveyJS file may
                       replace either; supervision questionnaire convert turns one form into another
  --force              write into a folder that is not empty (existing sample files are replaced)

Next: supervision validate <dir>, then supervision launch <dir> --local (or --stack on AWS).`,
  run: async (argv, io) => {
    const { flags, args } = parseCommandLine(
      argv,
      {
        id: { type: 'string' },
        format: { type: 'string' },
        questionnaire: { type: 'string' },
        force: { type: 'boolean' },
      },
      Flags,
      { names: ['dir'] },
    );
    const shown = args[0] as string;
    const dir = resolve(io.cwd, shown);
    const existing = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      if (error.code === 'ENOTDIR') throw new CliFailure(`${shown} is a file: choose a folder name.`);
      throw error;
    });
    if (existing.length > 0 && !flags.force) {
      throw new CliFailure(
        `${shown} is not empty: choose a new folder, or pass --force to write the sample files into it.`,
      );
    }
    const definition = sampleCampaign(new Date(), flags.id, basename(dir));
    const files = await writeCampaignFolder(dir, definition, flags.format, flags.questionnaire);
    io.out(`wrote a sample campaign 示例活动 "${definition.campaign.id}" to ${shown}/:`);
    for (const f of files) io.out(`  ${f}`);
    io.out(
      `${definition.centers.length} centers, ${definition.supervisors.length} supervisors; every email is at an example domain.`,
    );
    io.out(`next: edit the files, then  supervision validate ${shown}  and  supervision launch ${shown} --local`);
    return 0;
  },
};
