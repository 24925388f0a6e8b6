import { basename, resolve } from 'node:path';
import * as z from 'zod';
import { type CenterLevel, Id, type Questionnaire } from '../../functions/core/model.ts';
import { CenterScoreAccumulator } from '../../functions/core/scoring/accumulate.ts';
import { parseGradeBands } from '../../functions/core/scoring/grades.ts';
import { METHODOLOGY_VERSION } from '../../functions/core/scoring/options.ts';
import type { PreviousScores } from '../../functions/core/scoring/previous.ts';
import { parseCommandLine } from '../args.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { UsageError } from '../command.ts';
import { parseLevel } from '../roster/columns.ts';
import type { Problem } from '../roster/problems.ts';
import type { ReadResponse } from '../score/answers.ts';
import { checkLevelsKnown, collectLevels, pickLatest } from '../score/response-checks.ts';
import { readCenterLevels, readPrevious, readQuestionnaire, readResponses } from '../score/score-inputs.ts';
import { formatExplanation, formatTable, hasErrors, reportProblems } from '../score/score-report.ts';

const Flags = z.object({
  questionnaire: z
    .string({ message: 'is required: the questionnaire (.xlsx, SurveyJS, JSON or YAML) the responses answer' })
    .min(1),
  centers: z.string().min(1).optional(),
  format: z.enum(['table', 'json'], { message: 'use table or json' }).default('table'),
  explain: z.string().min(1).optional(),
  previous: z.string().min(1).optional(),
  bands: z.string().min(1).optional(),
  'raw-only': z.boolean().default(false),
  campaign: Id.default('offline'),
});

/** `supervision score <responses> --questionnaire <file>`: offline scoring with the Score step's own code. */
export const command: CliCommand = {
  name: 'score',
  summary: 'score responses offline (CSV, XLSX or JSON) exactly as the workflow does (离线评分)',
  help: `supervision score <responses.csv|.xlsx|.json> --questionnaire <file> [options]

Scores an exported or hand-collected set of responses with the same code as the campaign workflow's
Score step (method ${METHODOLOGY_VERSION}, see docs/scoring.md): the raters of each center combined per
indicator by their median, dimension and center scores with re-normalized weights and coverage, a 90%
interval from the raters' spread, Krippendorff's alpha, rater severity, ranks within each level (with
the range of ranks the intervals allow) and grades, both on the score as published (one decimal).

Responses, CSV or XLSX: one row per response; columns supervisor, center, level, activity (optional)
and one column per question headed by its id (its title may follow the id). Empty = no answer;
na / 不适用 = not applicable (left out, never counted as 0). JSON: a list of responses
{"supervisorId", "centerId", "level", "activity", "answers": {"<question id>": value}}, as exported.

Options:
  --questionnaire <file>   the questionnaire: an XLSForm workbook (.xlsx), a SurveyJS file, or JSON/YAML (a
                           campaign definition with one inside will do)
  --centers <file>         levels of the centers (roster CSV/XLSX or JSON with id and level) when the
                           responses carry no level column
  --format table|json      default table
  --explain <center-id>    show how one center's score was computed (raters anonymous); "all" in JSON
  --previous <file>        the JSON output of an earlier run, for the change against it
  --bands 90,80,70         grade thresholds for 优秀, 良好, 合格 (需整改 below)
  --raw-only               skip the severity-adjusted scores
  --campaign <id>          campaign id written into the results (default "offline")

Exit code: 0 scored, 1 problems in the input (each with file, row and column), 2 usage mistake.`,
  run: async (argv, io) => {
    const { flags, args } = parseCommandLine(
      argv,
      {
        questionnaire: { type: 'string', short: 'q' },
        centers: { type: 'string' },
        format: { type: 'string' },
        explain: { type: 'string' },
        previous: { type: 'string' },
        bands: { type: 'string' },
        'raw-only': { type: 'boolean' },
        campaign: { type: 'string' },
      },
      Flags,
      { names: ['responses'] },
    );
    const bands = parseBands(flags.bands);
    const problems: Problem[] = [];
    const path = (file: string) => resolve(io.cwd, file);
    const questionnaire = await readQuestionnaire(path(flags.questionnaire), basename(flags.questionnaire), problems);
    if (!questionnaire) {
      reportProblems(problems, io);
      return 1;
    }
    const input = await readScoringInput(flags, args[0] as string, questionnaire, problems, path);
    if (hasErrors(problems)) {
      reportProblems(problems, io);
      return 1;
    }
    // Warnings (answers to questions not asked there) are shown and the rest is scored.
    if (problems.length > 0) reportProblems(problems, io);
    scoreAndPrint(flags, questionnaire, input, bands, io);
    return 0;
  },
};

type ScoreFlags = z.infer<typeof Flags>;

/** What is scored: each center's level, the latest responses, and the scores of an earlier run. */
interface ScoringInput {
  levels: Map<string, CenterLevel>;
  latest: Map<string, ReadResponse>;
  previous: PreviousScores | undefined;
}

/** `--bands`, or undefined for the default grade bands; a malformed list is a usage mistake. */
const parseBands = (text: string | undefined): ReturnType<typeof parseGradeBands> | undefined => {
  try {
    return text === undefined ? undefined : parseGradeBands(text);
  } catch (error) {
    throw new UsageError(`--bands: ${error instanceof Error ? error.message : String(error)}`);
  }
};

/** Reads the responses, the centers' levels and the previous run, adding every problem to `problems`. */
const readScoringInput = async (
  flags: ScoreFlags,
  responsesFile: string,
  questionnaire: Questionnaire,
  problems: Problem[],
  path: (file: string) => string,
): Promise<ScoringInput> => {
  const shown = basename(responsesFile);
  const read = await readResponses(path(responsesFile), shown, questionnaire, problems);
  const levels = flags.centers
    ? await readCenterLevels(path(flags.centers), basename(flags.centers), problems)
    : new Map<string, CenterLevel>();
  for (const c of read.centers) {
    const level = parseLevel(c.level);
    if (level) levels.set(c.id, level);
  }
  collectLevels(read.responses, levels, problems);
  const latest = pickLatest(read.responses, problems);
  checkLevelsKnown(read.responses, levels, shown, problems);
  const previous = flags.previous
    ? await readPrevious(path(flags.previous), basename(flags.previous), problems)
    : undefined;
  if (read.responses.length === 0 && !hasErrors(problems)) {
    problems.push({ severity: 'error', file: shown, message: 'holds no responses' });
  }
  return { levels, latest, previous };
};

/** Scores the latest responses with the Score step's own code and prints the table or the JSON. */
const scoreAndPrint = (
  flags: ScoreFlags,
  questionnaire: Questionnaire,
  input: ScoringInput,
  bands: ReturnType<typeof parseGradeBands> | undefined,
  io: CliIo,
): void => {
  const centers = [...input.levels].map(([id, level]) => ({ id, level }));
  const accumulator = new CenterScoreAccumulator(questionnaire, centers, flags.campaign, {
    expectedResponses: input.latest.size,
  });
  accumulator.addPage([...input.latest.values()].map((r) => r.response));
  const result = accumulator.finish(
    { ...(bands ? { bands } : {}), adjustSeverity: !flags['raw-only'] },
    input.previous,
  );
  const explainIds =
    flags.explain === undefined ? [] : flags.explain === 'all' ? accumulator.centerIds : [flags.explain];
  const explanations = explainIds.map((id) => {
    const explanation = result.explain(id);
    if (!explanation) throw new UsageError(`--explain: no center "${id}" among the responses`);
    return explanation;
  });
  if (flags.format === 'json') {
    io.out(
      JSON.stringify(
        {
          summary: result.summary,
          scores: result.scores,
          raters: result.raters,
          ...(explanations.length > 0 ? { explanations } : {}),
        },
        null,
        2,
      ),
    );
  } else {
    for (const line of formatTable(result)) io.out(line);
    for (const e of explanations) for (const line of formatExplanation(e)) io.out(line);
  }
};
