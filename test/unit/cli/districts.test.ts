import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../cli/command.ts';
import { main } from '../../../cli/main.ts';
import { loadCampaignFolder } from '../../../cli/roster/campaign-folder.ts';
import { checkDistricts, editDistance, nearestDistrict } from '../../../cli/roster/districts.ts';
import type { Problem } from '../../../cli/roster/problems.ts';
import { writeCampaignFolder } from '../../../cli/roster/templates.ts';
import { sampleCampaign } from '../../../cli/sample.ts';
import { NANJING_DISTRICTS } from '../../../cli/sample-data/centers.ts';
import { CampaignDefinition, type Center, type Supervisor } from '../../../functions/core/model.ts';

const NOW = new Date('2026-12-01T02:00:00Z');
const NANJING = NANJING_DISTRICTS.map((d) => d.zh);
const dirs: string[] = [];

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const run = async (cwd: string, ...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), cwd };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
};

/** A sample folder with some districts misspelled; returns its path. */
const folderWith = async (
  change: (d: CampaignDefinition) => CampaignDefinition,
  format: 'csv' | 'xlsx' = 'csv',
): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'districts-'));
  dirs.push(dir);
  await writeCampaignFolder(dir, change(sampleCampaign(NOW, 'districts')), format);
  return dir;
};

const supervisorsIn = (d: CampaignDefinition, names: Record<number, string>): Supervisor[] =>
  d.supervisors.map((s, i) => (names[i] === undefined ? s : { ...s, homeDistrict: names[i] as string }));

describe('edit distance and the nearest district', () => {
  it('counts Chinese characters, not UTF-16 units', () => {
    // Assess
    expect(editDistance('秦淮', '秦淮区')).toBe(1);
    expect(editDistance('玄五区', '玄武区')).toBe(1);
    expect(editDistance('火星区', '玄武区')).toBe(2);
    expect(editDistance('𠀀区', '𠀁区')).toBe(1);
    expect(editDistance('', '鼓楼区')).toBe(3);
  });

  it('suggests the district a misspelling is near, and nothing when none is', () => {
    // Assess
    expect(nearestDistrict('秦淮', NANJING)).toBe('秦淮区');
    expect(nearestDistrict('玄五区', NANJING)).toBe('玄武区');
    expect(nearestDistrict('雨花区', NANJING)).toBe('雨花台区');
    expect(nearestDistrict('火星区', NANJING)).toBeUndefined();
    expect(nearestDistrict('xuanwu', ['Xuanwu', 'Qinhuai'])).toBe('Xuanwu');
  });
});

/** District lists whose names are at least three edits apart, so one edit has one nearest name. */
const districtLists = fc
  .uniqueArray(
    fc.string({
      unit: fc.constantFrom(...'东西南北中玄武秦淮鼓楼江宁浦口栖霞高淳溧水六合建邺新城'),
      minLength: 2,
      maxLength: 5,
    }),
    {
      minLength: 1,
      maxLength: 8,
    },
  )
  .map((names) => names.map((n) => `${n}区`))
  .filter((names) => names.every((a, i) => names.every((b, j) => i === j || editDistance(a, b) >= 3)));

const center = (id: string, district: string): { value: Center; row: number } => ({
  row: 2,
  value: {
    id,
    name: { zh: id, en: id },
    level: 'district',
    district,
    official: { name: '王', email: 'w@example.gov.cn' },
  } as Center,
});
const supervisor = (id: string, homeDistrict: string): { value: Supervisor; row: number } => ({
  row: 2,
  value: { id, name: id, email: `${id}@example.com`, sector: '律师', homeDistrict } as Supervisor,
});
const check = (listed: readonly string[] | undefined, centers: string[], homes: string[]): Problem[] => {
  const problems: Problem[] = [];
  checkDistricts(
    {
      listed,
      centers: centers.map((d, i) => center(`C${i}`, d)),
      supervisors: homes.map((d, i) => supervisor(`S${i}`, d)),
      sheets: { centers: [], supervisors: [] },
      files: { centers: 'centers.csv', supervisors: 'supervisors.csv' },
    },
    problems,
  );
  return problems;
};

describe('the district check', () => {
  it('never flags a district from the list, wherever it is named', () => {
    fc.assert(
      fc.property(districtLists, fc.infiniteStream(fc.nat()), (list, picks) => {
        // Prepare
        const pick = () => list[picks.next().value % list.length] as string;
        const centers = Array.from({ length: 6 }, pick);
        const homes = Array.from({ length: 6 }, pick);

        // Act
        const problems = check(list, centers, homes);

        // Assess
        expect(problems).toEqual([]);
      }),
    );
  });

  it('suggests back the district a one-character edit was made to', () => {
    const edits = fc.record({
      kind: fc.constantFrom('insert', 'delete', 'replace'),
      at: fc.nat(),
      char: fc.constantFrom(...'甲乙丙丁戊己庚辛'),
    });
    fc.assert(
      fc.property(districtLists, fc.nat(), edits, (list, which, edit) => {
        // Prepare
        const district = list[which % list.length] as string;
        const chars = [...district];
        const at = edit.at % (chars.length + (edit.kind === 'insert' ? 1 : 0));
        if (edit.kind === 'insert') chars.splice(at, 0, edit.char);
        else if (edit.kind === 'delete') chars.splice(at, 1);
        else chars.splice(at, 1, edit.char);
        const misspelled = chars.join('');
        fc.pre(misspelled !== district);

        // Act
        const problems = check(list, [list[0] as string, misspelled], [misspelled]);

        // Assess
        expect(nearestDistrict(misspelled, list)).toBe(district);
        expect(problems).toHaveLength(2);
        for (const p of problems) {
          expect(p.severity).toBe('error');
          expect(p.hint).toContain(`did you mean "${district}"?`);
        }
      }),
    );
  });

  it('without a list, checks home districts against the centers and warns of centers one edit apart', () => {
    // Act
    const problems = check(undefined, ['玄武区', '玄武区', '玄五区', '秦淮区'], ['秦淮', '火星区', '玄武区']);

    // Assess
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'warning', file: 'centers.csv', hint: expect.stringContaining('"玄武区"') }),
      expect.objectContaining({
        severity: 'error',
        file: 'supervisors.csv',
        message: expect.stringContaining('"秦淮" of supervisor S0'),
        hint: expect.stringContaining('did you mean "秦淮区"?'),
      }),
      expect.objectContaining({
        severity: 'error',
        message: expect.stringContaining('"火星区" of supervisor S1'),
        hint: expect.not.stringContaining('did you mean'),
      }),
    ]);
  });
});

describe('validate and launch with misspelled districts', () => {
  it('fails validate, pointing at each misspelling with the spelling to use, and launches nothing', async () => {
    // Prepare
    const dir = await folderWith((d) => ({
      ...d,
      centers: d.centers.map((c) => (c.id === 'C-XW' ? { ...c, district: '玄五区' } : c)),
      supervisors: supervisorsIn(d, { 0: '秦淮', 1: '火星区' }),
    }));

    // Act
    const validate = await run(dir, 'validate', '.');
    const launch = await run(dir, 'launch', '.');

    // Assess
    expect(validate.code).toBe(1);
    expect(validate.out).not.toContain('ready to launch');
    const lines = validate.out.split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^✗ centers\.csv row \d+, column \w+ \(.*district.*\): district "玄五区" of center C-XW .*did you mean "玄武区"\?/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^✗ supervisors\.csv row 2, column \w+ .*"秦淮" of supervisor .*did you mean "秦淮区"\?/),
    );
    const mars = lines.find((l) => l.includes('"火星区"'));
    expect(mars).toMatch(/^✗ supervisors\.csv row 3/);
    expect(mars).not.toContain('did you mean');
    expect(mars).toContain('add it to districts: in campaign.yaml');
    expect(launch.code).toBe(1);
    expect(launch.err).toContain('did you mean "玄武区"?');
    expect(launch.err).toContain('nothing was launched 未发布.');
  });

  it('without a district list, still fails on a home district no center has', async () => {
    // Prepare
    const dir = await folderWith((d) => {
      const { districts: _, ...campaign } = d.campaign;
      return { ...d, campaign, supervisors: supervisorsIn(d, { 0: '玄五区' }) };
    }, 'xlsx');

    // Act
    const folder = await loadCampaignFolder(dir, NOW);

    // Assess
    expect(folder.definition).toBeUndefined();
    expect(folder.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        file: 'supervisors.xlsx',
        row: 2,
        message: expect.stringContaining('is not a district of any center'),
        hint: expect.stringContaining('did you mean "玄武区"?'),
      }),
    ]);
  });

  it('refuses a district list that names a district twice', async () => {
    // Prepare
    const dir = await folderWith((d) => ({ ...d, campaign: { ...d.campaign, districts: ['玄武区', '玄武区'] } }));

    // Act
    const folder = await loadCampaignFolder(dir, NOW);

    // Assess
    expect(folder.problems).toContainEqual(
      expect.objectContaining({ file: 'campaign.yaml', message: expect.stringContaining('listed once') }),
    );
  });
});

describe("a campaign definition with the city's districts", () => {
  it('is refused, as Prepare and a launch read it, when a district is not in the list, with the nearest spelling', () => {
    // Prepare
    const sample = sampleCampaign(NOW, 'definition');
    const changed = {
      ...sample,
      centers: sample.centers.map((c) => (c.id === 'C-XW' ? { ...c, district: '玄五区' } : c)),
      supervisors: supervisorsIn(sample, { 0: '火星区' }),
    };

    // Act
    const parsed = CampaignDefinition.safeParse(changed);
    const asIs = CampaignDefinition.safeParse(sample);

    // Assess
    expect(asIs.success).toBe(true);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      [
        `centers.${sample.centers.findIndex((c) => c.id === 'C-XW')}.district`,
        'center C-XW: "玄五区" is not one of the city\'s districts; did you mean "玄武区"?',
      ],
      [
        'supervisors.0.homeDistrict',
        `supervisor ${sample.supervisors[0]?.id}: home district "火星区" is not one of the city's districts`,
      ],
    ]);
  });
});
