import { stat, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import * as z from 'zod';
import { exportSurveyJs } from '../../functions/core/formats/surveyjs/export.ts';
import { parseCommandLine } from '../args.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { CliFailure } from '../errors.ts';
import { formatProblem, type Problem, sortProblems } from '../roster/problems.ts';
import { readQuestionnaire } from '../roster/questionnaire-file.ts';
import { questionnaireXlsx } from '../roster/xlsform-workbook.ts';

const FORMATS = ['xlsx', 'json', 'surveyjs'] as const;
type Format = (typeof FORMATS)[number];

const Flags = z.object({
  to: z.enum(FORMATS, { message: 'use xlsx, json or surveyjs' }).optional(),
  force: z.boolean().default(false),
});

const FORMAT_NAMES: Record<Format, string> = {
  xlsx: 'an XLSForm workbook',
  json: "this project's questionnaire JSON",
  surveyjs: 'a SurveyJS JSON',
};

/** The format to write: --to, else the output's extension (.xlsx, .json; *.surveyjs.json is SurveyJS). */
const formatOf = (output: string, to: Format | undefined): Format => {
  if (to) return to;
  if (/\.xlsx$/i.test(output)) return 'xlsx';
  if (/\.surveyjs\.json$/i.test(output)) return 'surveyjs';
  if (/\.json$/i.test(output)) return 'json';
  throw new UsageError(`cannot tell the format of ${output} from its extension: name it .xlsx or .json, or pass --to`);
};

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** `supervision questionnaire convert <input> <output>`: turns a questionnaire from one format into another. */
export const command: CliCommand = {
  name: 'questionnaire',
  summary: 'convert a questionnaire between XLSForm (.xlsx), SurveyJS and JSON (问卷转换)',
  help: `supervision questionnaire convert <input> <output> [--to xlsx|json|surveyjs] [--force]

Reads a questionnaire in any of the forms a campaign folder takes — an XLSForm workbook (.xlsx: survey,
choices and settings sheets), a SurveyJS JSON (pages/elements), or this project's questionnaire.json or
.yaml — checks it, and writes it in another form. Every problem is reported at once, with its sheet, row
and column (or line and column) and what to do; nothing is written while there are errors.

  supervision questionnaire convert survey.json questionnaire.xlsx      SurveyJS → XLSForm workbook
  supervision questionnaire convert questionnaire.xlsx questionnaire.json
  supervision questionnaire convert questionnaire.xlsx form.surveyjs.json   (or --to surveyjs)

Options:
  --to xlsx|json|surveyjs   the output format (default: from the output's extension)
  --force                   replace the output file if it exists

A document without an id takes the input's file name. See docs/organizer-guide.md for the columns of
the workbook and the SurveyJS features read.`,
  run: async (argv, io) => {
    const [sub, ...rest] = argv;
    if (sub !== 'convert') throw new UsageError(sub ? `unknown subcommand "${sub}"; use convert` : 'missing convert');
    const { flags, args } = parseCommandLine(rest, { to: { type: 'string' }, force: { type: 'boolean' } }, Flags, {
      names: ['input', 'output'],
    });
    const [input, output] = args as [string, string];
    const format = formatOf(output, flags.to);
    const inputPath = resolve(io.cwd, input);
    const outputPath = resolve(io.cwd, output);
    if (!(await exists(inputPath))) throw new CliFailure(`there is no file ${input}`);
    if (inputPath === outputPath) throw new CliFailure('the output would replace the input: choose another file name');
    if ((await exists(outputPath)) && !flags.force)
      throw new CliFailure(`${output} exists: choose another name, or pass --force to replace it`);
    const problems: Problem[] = [];
    const read = await readQuestionnaire(dirname(inputPath), basename(inputPath), problems);
    const shown = input;
    for (const p of sortProblems(problems))
      io.out(formatProblem({ ...p, file: p.file === basename(inputPath) ? shown : p.file }));
    const errors = problems.filter((p) => p.severity === 'error').length;
    if (!read || errors > 0) {
      io.out(`✗ ${errors} problem${errors === 1 ? '' : 's'} 个问题: fix them and convert again; nothing was written.`);
      return 1;
    }
    const { questionnaire } = read;
    const content =
      format === 'xlsx'
        ? await questionnaireXlsx(questionnaire)
        : `${JSON.stringify(format === 'surveyjs' ? exportSurveyJs(questionnaire) : questionnaire, null, 2)}\n`;
    await writeFile(outputPath, content);
    const questions = questionnaire.sections.reduce((n, s) => n + s.questions.length, 0);
    io.out(
      `✓ wrote ${output}: ${FORMAT_NAMES[format]}, questionnaire ${questionnaire.id}, ${questions} questions in ${questionnaire.sections.length} sections 问卷`,
    );
    return 0;
  },
};
