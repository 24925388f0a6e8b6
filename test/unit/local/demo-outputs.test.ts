import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clearDemoOutputs, DEMO_OUTPUTS, demoEmailFileName } from '../../../local/demo/outputs.ts';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'demo-out-'));
  dirs.push(dir);
  return dir;
};

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("the demo's output folder", () => {
  it("starts each run without the previous run's emails, campaign folder, workbook and endpoint file", async () => {
    // Prepare: what a run of npm start writes
    const out = await tempDir();
    await mkdir(join(out, DEMO_OUTPUTS.mail));
    await writeFile(join(out, DEMO_OUTPUTS.mail, demoEmailFileName(1, 'invitation', 'zhang@example.com')), 'x');
    await writeFile(
      join(out, DEMO_OUTPUTS.mail, demoEmailFileName(57, 'city-summary', 'organizer@example.gov.cn')),
      'x',
    );
    await mkdir(join(out, DEMO_OUTPUTS.campaignFolder));
    for (const name of ['campaign.yaml', 'centers.xlsx', 'supervisors.xlsx', 'questionnaire.xlsx'])
      await writeFile(join(out, DEMO_OUTPUTS.campaignFolder, name), 'x');
    await writeFile(join(out, DEMO_OUTPUTS.results), 'x');
    await writeFile(join(out, DEMO_OUTPUTS.endpoint), '{}');

    // Act
    const removed = await clearDemoOutputs(out);

    // Assess
    expect(removed).toHaveLength(8);
    expect(await readdir(out)).toEqual([]);
  });

  it('leaves alone what the demo did not write, even under the names of its folders', async () => {
    // Prepare: an --out folder of one's own, with files of one's own beside and inside the demo's
    const out = await tempDir();
    await mkdir(join(out, DEMO_OUTPUTS.mail));
    await writeFile(join(out, DEMO_OUTPUTS.mail, demoEmailFileName(1, 'summary', 'li@example.gov.cn')), 'x');
    await writeFile(join(out, DEMO_OUTPUTS.mail, 'letter-to-keep.eml'), 'mine');
    await mkdir(join(out, DEMO_OUTPUTS.campaignFolder));
    await writeFile(join(out, DEMO_OUTPUTS.campaignFolder, 'notes.txt'), 'mine');
    await mkdir(join(out, DEMO_OUTPUTS.results));
    await writeFile(join(out, 'report.docx'), 'mine');

    // Act
    await clearDemoOutputs(out);

    // Assess
    expect((await readdir(out)).sort()).toEqual(['demo-campaign', 'mail', 'report.docx', 'results.xlsx']);
    expect(await readdir(join(out, DEMO_OUTPUTS.mail))).toEqual(['letter-to-keep.eml']);
    expect(await readdir(join(out, DEMO_OUTPUTS.campaignFolder))).toEqual(['notes.txt']);
  });

  it('is a no-op for an output folder that does not exist yet', async () => {
    // Act
    const removed = await clearDemoOutputs(join(await tempDir(), 'not-yet'));

    // Assess
    expect(removed).toEqual([]);
  });
});
