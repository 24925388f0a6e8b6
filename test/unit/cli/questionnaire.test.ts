import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../cli/command.ts';
import { main } from '../../../cli/main.ts';
import { importSurveyJs } from '../../../functions/core/formats/surveyjs/import.ts';
import { Questionnaire } from '../../../functions/core/model.ts';

const SURVEYJS = new URL('../../fixtures/surveyjs/', import.meta.url).pathname;
const XLSFORM = new URL('../../fixtures/xlsform/', import.meta.url).pathname;
const SCORING = new URL('../../fixtures/scoring/', import.meta.url).pathname;
let cwd: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'questionnaire-'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** Runs the command line in this process, capturing what it prints. */
const run = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), cwd };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
};

const absent = (path: string) =>
  access(path).then(
    () => false,
    () => true,
  );

describe('supervision questionnaire convert', () => {
  it('turns a SurveyJS file into the XLSForm workbook of a campaign folder that validates', async () => {
    // Prepare
    await run('init', 'from-surveyjs', '--format', 'csv');
    await rm(join(cwd, 'from-surveyjs', 'questionnaire.xlsx'));

    // Act
    const convert = await run(
      'questionnaire',
      'convert',
      join(SURVEYJS, 'hall-visit.json'),
      'from-surveyjs/questionnaire.xlsx',
    );
    const validate = await run('validate', 'from-surveyjs');

    // Assess
    expect(convert.code).toBe(0);
    expect(convert.out).toContain(
      '✓ wrote from-surveyjs/questionnaire.xlsx: an XLSForm workbook, questionnaire hall-visit, 14 questions',
    );
    expect(convert.out).toContain('inputType "tel" is kept as free text');
    expect(validate.code).toBe(0);
    expect(validate.out).toContain('questionnaire.xlsx (XLSForm): 14 questions in 2 sections');
  });

  it('writes an XLSForm workbook as JSON and as SurveyJS, each reading back the same questionnaire', async () => {
    // Act
    const json = await run('questionnaire', 'convert', join(XLSFORM, 'hall-visit.xlsx'), 'hall.json');
    const surveyjs = await run('questionnaire', 'convert', join(XLSFORM, 'hall-visit.xlsx'), 'hall.surveyjs.json');

    // Assess
    expect([json.code, surveyjs.code]).toEqual([0, 0]);
    const fromJson = Questionnaire.parse(JSON.parse(await readFile(join(cwd, 'hall.json'), 'utf8')));
    const fromSurveyJs = importSurveyJs(JSON.parse(await readFile(join(cwd, 'hall.surveyjs.json'), 'utf8')));
    expect(fromSurveyJs).toEqual(fromJson);
    expect(fromJson.sections.flatMap((s) => s.questions).find((q) => q.id === 'wait')?.condition).toBe(
      "{queued} = 'yes'",
    );
  });

  it('reports every problem of the input at its line and writes nothing', async () => {
    // Act
    const result = await run('questionnaire', 'convert', join(SURVEYJS, 'refused.json'), 'refused.xlsx');

    // Assess
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      'refused.json line 11, column 9 (pages[0].elements[2]): SurveyJS page "p1" › element "visits": "matrixdynamic" elements are not supported — use a matrix',
    );
    expect(result.out).toContain('✗ 7 problems 个问题: fix them and convert again; nothing was written.');
    expect(await absent(join(cwd, 'refused.xlsx'))).toBe(true);
  });

  it('refuses to replace a file unless forced, and an output whose format it cannot tell', async () => {
    // Prepare
    await run('questionnaire', 'convert', join(XLSFORM, 'hall-visit.xlsx'), 'taken.json');

    // Act
    const taken = await run('questionnaire', 'convert', join(XLSFORM, 'hall-visit.xlsx'), 'taken.json');
    const forced = await run('questionnaire', 'convert', join(XLSFORM, 'hall-visit.xlsx'), 'taken.json', '--force');
    const unknown = await run('questionnaire', 'convert', join(XLSFORM, 'hall-visit.xlsx'), 'hall.txt');

    // Assess
    expect(taken).toMatchObject({ code: 1, err: expect.stringContaining('taken.json exists') });
    expect(forced.code).toBe(0);
    expect(unknown).toMatchObject({ code: 2, err: expect.stringContaining('cannot tell the format of hall.txt') });
  });

  it('gives offline scoring the same questionnaire from its workbook as from its JSON', async () => {
    // Prepare
    await run('questionnaire', 'convert', join(SCORING, 'questionnaire.json'), 'scoring.xlsx');
    const responses = join(SCORING, 'responses.csv');

    // Act
    const fromJson = await run('score', responses, '-q', join(SCORING, 'questionnaire.json'), '--format', 'json');
    const fromXlsx = await run('score', responses, '-q', 'scoring.xlsx', '--format', 'json');

    // Assess
    expect(fromXlsx.code).toBe(0);
    expect(JSON.parse(fromXlsx.out).scores).toEqual(JSON.parse(fromJson.out).scores);
  });
});
