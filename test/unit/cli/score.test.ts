import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { Questionnaire } from '../../../functions/core/model.ts';
import { CenterScoreAccumulator } from '../../../functions/core/scoring/accumulate.ts';
import type { CenterScore } from '../../../functions/core/scoring/records.ts';

const FIXTURES = new URL('../../fixtures/scoring/', import.meta.url).pathname;

/** Runs `supervision …` in the fixtures folder, capturing what it prints. */
const run = async (args: string[], cwd = FIXTURES) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'score-cli-'));
  await writeFile(join(scratch, 'questionnaire.json'), await readFile(join(FIXTURES, 'questionnaire.json')));
});

/** Writes a responses CSV into a scratch folder next to a copy of the questionnaire. */
const csvFile = async (name: string, text: string, encoding: 'utf8' | 'gb18030' = 'utf8') => {
  await writeFile(join(scratch, name), encoding === 'utf8' ? text : iconv.encode(text, 'gb18030'));
  return name;
};

const HEADER = 'supervisor,center,level,activity,one-door,forms,wait,one-network,notes,zero-transfer';

describe('supervision score', () => {
  it('prints the league table of a responses CSV, ranked within each level', async () => {
    // Act
    const { code, out } = await run(['score', 'responses.csv', '--questionnaire', 'questionnaire.json']);
    // Assess
    expect(code).toBe(0);
    expect(out).toMatch(/3 centers \(3 scored\) · 9 responses · 5 raters/);
    expect(out).toMatch(/区级\s+1\/2\s+1–2\s+87\.8\s+.*C-GL/);
    expect(out).toMatch(/区级\s+2\/2\s+1–2\s+75\.7\s+32\.8–100\.0\s+合格.*C-XW/);
    expect(out).toMatch(/街道\/镇\s+1\/1\s+57\.6/);
  });

  it('runs the same code as the Score step: its JSON equals the scoring core on the same responses', async () => {
    // Prepare
    const questionnaire = Questionnaire.parse(JSON.parse(await readFile(join(FIXTURES, 'questionnaire.json'), 'utf8')));
    const exported = JSON.parse(await readFile(join(FIXTURES, 'responses.json'), 'utf8'));
    const acc = new CenterScoreAccumulator(questionnaire, exported.centers, 'offline');
    acc.addPage(exported.responses);
    const expected = acc.finish();
    // Act
    const { code, out } = await run([
      'score',
      'responses.csv',
      '--questionnaire',
      'questionnaire.json',
      '--format',
      'json',
    ]);
    // Assess
    expect(code).toBe(0);
    const printed = JSON.parse(out);
    expect(printed.scores).toEqual(JSON.parse(JSON.stringify(expected.scores)));
    expect(printed.summary).toEqual(JSON.parse(JSON.stringify(expected.summary)));
  });

  it('reads responses exported as JSON to the same scores as the CSV', async () => {
    // Act
    const fromCsv = await run(['score', 'responses.csv', '-q', 'questionnaire.json', '--format', 'json']);
    const fromJson = await run(['score', 'responses.json', '-q', 'questionnaire.json', '--format', 'json']);
    // Assess
    expect(fromJson.code).toBe(0);
    expect(JSON.parse(fromJson.out).scores).toEqual(JSON.parse(fromCsv.out).scores);
  });

  it('reads a GB18030 CSV with Chinese headers as Excel saves it', async () => {
    // Prepare
    const file = await csvFile(
      'gbk.csv',
      '监督员,中心,级别,监督方式,one-door,forms,wait 等候时间,one-network\r\nS-01,C-XW,区级,体验式,是,4,16,partly\r\nS-02,C-XW,区级,陪同办,是,5,27,online\r\n',
      'gb18030',
    );
    // Act
    const { code, out } = await run(['score', file, '-q', 'questionnaire.json', '--format', 'json'], scratch);
    // Assess: median of two raters = their mean: standardization (100 + 2·87.5)/3, facilitation (1.5·70 + 80)/2.5
    expect(code).toBe(0);
    const [xw] = JSON.parse(out).scores as CenterScore[];
    expect(xw?.exact).toBeCloseTo((275 / 3 + 74) / 2, 12);
  });

  it('reports every problem with its row and column and scores nothing', async () => {
    // Prepare
    const file = await csvFile(
      'bad.csv',
      [
        `${HEADER},wiat`,
        'S-01,C-XW,区级,体验式,yes,7,16,partly,,,',
        'S-02,C-XW,区级,陪同办,maybe,5,27,sometimes,,,',
        'S-03,C-GL,,体验式,yes,4,16,online,,,',
        'S-03,C-GL,,体验式,yes,3,16,online,,,',
      ].join('\n'),
    );
    // Act
    const { code, out, err } = await run(['score', file, '-q', 'questionnaire.json'], scratch);
    // Assess
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('bad.csv row 1, column K (wiat): "wiat" is neither a question id');
    expect(err).toContain('bad.csv row 2, column F (forms): "7" is not a rating: use a whole number from 1 to 5');
    expect(err).toContain('bad.csv row 3, column E (one-door): "maybe" is not yes or no');
    expect(err).toContain(
      'bad.csv row 3, column H (one-network): "sometimes" is not an option: use one of online, partly, offline',
    );
    expect(err).toContain('bad.csv row 4 (level): center C-GL has no level');
    expect(err).toContain(
      'bad.csv row 5: repeats supervisor S-03 at center C-GL (experiential) given at bad.csv row 4',
    );
    expect(err).toMatch(/6 problems found; nothing was scored/);
  });

  it('reports answers to questions not asked at that center or in that activity, and scores without them', async () => {
    // Prepare: a re-check question asked only at C-XW; the hotline question only in hotline listening
    const questionnaire = JSON.parse(await readFile(join(FIXTURES, 'questionnaire.json'), 'utf8'));
    questionnaire.sections[0].questions.push({
      id: 'recheck',
      kind: 'rating',
      indicator: 'recheck',
      dimension: 'standardization',
      centers: ['C-XW'],
      title: { zh: '整改复查', en: 'Re-check' },
    });
    await writeFile(join(scratch, 'scoped.json'), JSON.stringify(questionnaire));
    const file = await csvFile(
      'unasked.csv',
      [
        `${HEADER},recheck`,
        'S-01,C-XW,区级,体验式,yes,4,16,partly,,,5',
        'S-02,C-GL,区级,体验式,yes,4,16,online,,yes,1',
      ].join('\n'),
    );
    // Act
    const { code, out, err } = await run(['score', file, '-q', 'scoped.json', '--format', 'json'], scratch);
    // Assess
    expect(code).toBe(0);
    expect(err).toContain(
      'unasked.csv row 3, column J (zero-transfer): question zero-transfer is asked only in hotline, not in experiential',
    );
    expect(err).toContain(
      'unasked.csv row 3, column K (recheck): question recheck is asked only at C-XW, not at center C-GL',
    );
    expect(err).not.toContain('row 2');
    const scores: CenterScore[] = JSON.parse(out).scores;
    const gl = scores.find((s) => s.centerId === 'C-GL');
    expect(gl?.coverage).toBe(1);
    expect(gl?.dimensions).toEqual({ standardization: (100 + 2 * 75) / 3, facilitation: (1.5 * 80 + 100) / 2.5 });
  });

  it('locates problems of a JSON file by line', async () => {
    // Prepare
    await writeFile(
      join(scratch, 'bad.json'),
      JSON.stringify(
        [{ supervisorId: 'S-01', centerId: 'C-XW', level: 'district', answers: { wait: 'soon' } }],
        null,
        2,
      ),
    );
    // Act
    const { code, err } = await run(['score', 'bad.json', '-q', 'questionnaire.json'], scratch);
    // Assess
    expect(code).toBe(1);
    expect(err).toMatch(/bad\.json line 7, column \d+ \(\[0\]\.answers\.wait\): "soon" is not a number/);
  });

  it('takes the levels from a centers file when the responses carry none', async () => {
    // Prepare
    const file = await csvFile('nolevel.csv', 'supervisor,center,forms\nS-01,C-XW,5\nS-02,C-XW,3\n');
    await writeFile(
      join(scratch, 'centers.csv'),
      '编号 id,名称 name_zh,级别 level\nC-XW,玄武区政务服务中心,区级\nC-QH,秦淮区政务服务中心,区级\n',
    );
    // Act
    const { code, out } = await run(
      ['score', file, '-q', 'questionnaire.json', '--centers', 'centers.csv', '--format', 'json'],
      scratch,
    );
    // Assess: C-QH has no responses and is listed unscored
    expect(code).toBe(0);
    const scores = JSON.parse(out).scores as CenterScore[];
    expect(scores.map((s) => [s.centerId, s.score, s.rank])).toEqual([
      ['C-QH', null, null],
      ['C-XW', 75, 1],
    ]);
  });

  it('explains a center with anonymous raters', async () => {
    // Act
    const { code, out } = await run(['score', 'responses.csv', '-q', 'questionnaire.json', '--explain', 'C-XW']);
    // Assess
    expect(code).toBe(0);
    expect(out).toContain(
      'C-XW (区级 district): score 75.7 (unrounded 75.67; 90% 32.83–100.00, standard error 26.04) · 3 raters',
    );
    expect(out).toMatch(/rater 1 \(unannounced\): false → 0\.00/);
    expect(out).toContain('zero-transfer: not asked at this center');
    expect(out).not.toMatch(/S-0\d/);
  });

  it('reports the change against an earlier run and applies configured grade bands', async () => {
    // Prepare: the earlier month had C-XW 5 points lower
    const asJson = ['score', 'responses.csv', '-q', 'questionnaire.json', '--format', 'json'];
    const earlier = await run([...asJson, '--campaign', 'nj-2026-11']);
    const previous = JSON.parse(earlier.out);
    for (const s of previous.scores) if (s.centerId === 'C-XW') s.score -= 5;
    await writeFile(join(scratch, 'previous.json'), JSON.stringify(previous));
    await writeFile(join(scratch, 'responses.csv'), await readFile(join(FIXTURES, 'responses.csv')));
    // Act
    const { code, out } = await run([...asJson, '--previous', 'previous.json', '--bands', '75,65,55'], scratch);
    // Assess
    expect(code).toBe(0);
    const xw = (JSON.parse(out).scores as CenterScore[]).find((s) => s.centerId === 'C-XW');
    expect(xw?.trend).toMatchObject({ previousCampaignId: 'nj-2026-11', score: 5, comparable: true });
    expect(xw?.grade).toBe('excellent');
  });

  it('refuses a questionnaire whose weight cannot be scored, at its line, and scores nothing', async () => {
    // Prepare
    const fixture = JSON.parse(await readFile(join(FIXTURES, 'questionnaire.json'), 'utf8'));
    fixture.sections[0].weight = 1e307;
    await writeFile(join(scratch, 'huge-weight.json'), JSON.stringify(fixture, null, 2));
    await writeFile(join(scratch, 'responses.csv'), await readFile(join(FIXTURES, 'responses.csv')));
    // Act
    const { code, out, err } = await run(['score', 'responses.csv', '-q', 'huge-weight.json'], scratch);
    // Assess
    expect(code).toBe(1);
    expect(err).toMatch(/huge-weight\.json.*line \d+.*a weight is a number from 0\.001 to 100/s);
    expect(out).not.toMatch(/优秀|excellent/);
  });

  it('refuses to run without a questionnaire or with malformed bands', async () => {
    // Act
    const noQuestionnaire = await run(['score', 'responses.csv']);
    const badBands = await run(['score', 'responses.csv', '-q', 'questionnaire.json', '--bands', '70,80,90']);
    // Assess
    expect(noQuestionnaire.code).toBe(2);
    expect(noQuestionnaire.err).toMatch(/--questionnaire/);
    expect(badBands.code).toBe(2);
    expect(badBands.err).toMatch(/--bands: grade bands must fall/);
  });
});
