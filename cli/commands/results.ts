import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as z from 'zod';
import { resultsCsv } from '../../functions/core/scoring/report.ts';
import type { CliCommand } from '../command.ts';
import {
  formatLeagueTable,
  formatResultsHeader,
  formatResultsJson,
  formatResultsXlsx,
  loadResults,
} from '../results.ts';
import { connectTarget, parseCampaignCommandLine, TARGET_HELP, TargetFlags } from '../target.ts';

const Flags = TargetFlags.extend({
  format: z.enum(['table', 'csv', 'xlsx', 'json'], { message: 'use table, csv, xlsx or json' }).default('table'),
  output: z.string().min(1).optional(),
});

/** `supervision results <id>`: the scored league of every center as a table, CSV, XLSX or JSON. */
export const command: CliCommand = {
  name: 'results',
  summary: 'scores of every center: table, csv, xlsx or json (结果)',
  help: `supervision results <campaign-id> [--format table|csv|xlsx|json] [--output <file>] [--local | --stack …]

Prints the scored results of a campaign once it is scored: every center with its level, rank among
centers of the same level, score, grade (优秀 / 良好 / 合格 / 需整改), dimension scores (标准化, 规范化,
便利化, 12345 热线), change since the previous campaign of the series, 90% interval, raters, coverage,
agreement and rectification items. The csv and xlsx are the results table of the organizers' city summary:
the xlsx is its workbook (a sheet per level, rectification items, the supervisors' standing).

Options:
  --format table|csv|xlsx|json   default table; csv is UTF-8 with BOM so that Excel shows Chinese
  --output <file>                write to a file instead of the terminal (xlsx: default <campaign-id>-results.xlsx)

${TARGET_HELP}`,
  run: async (argv, io) => {
    const { flags, id } = parseCampaignCommandLine(
      argv,
      { format: { type: 'string' }, output: { type: 'string', short: 'o' } },
      Flags,
    );
    const target = await connectTarget(flags, io.cwd);
    const { meta, results, rows } = await loadResults(target, id);
    let content: string | Uint8Array;
    switch (flags.format) {
      case 'table':
        content = `${formatResultsHeader(meta)}\n\n${formatLeagueTable(rows)}\n`;
        break;
      case 'csv':
        content = resultsCsv(rows);
        break;
      case 'json':
        content = formatResultsJson(meta, rows);
        break;
      case 'xlsx':
        content = formatResultsXlsx(meta, results);
        break;
    }
    const output = flags.output ?? (flags.format === 'xlsx' ? `${id}-results.xlsx` : undefined);
    if (output) {
      await writeFile(resolve(io.cwd, output), content);
      io.out(`wrote ${rows.length} centers' results to ${output}`);
    } else {
      io.out(String(content).replace(/\r?\n$/, ''));
    }
    return 0;
  },
};
