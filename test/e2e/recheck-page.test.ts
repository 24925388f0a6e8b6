import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShownPhoto } from '../../functions/core/evidence/fix-photos.ts';
import { recheckContexts, withRecheckQuestions } from '../../functions/core/findings/recheck.ts';
import { itemsFromResponse, itemsToRecheck, reportFixed } from '../../functions/core/findings/rectification.ts';
import type { Lang } from '../../functions/core/i18n.ts';
import { renderSurveyPage } from '../../functions/core/render/survey/page.ts';
import { questionnaireFor, questionsFor } from '../../functions/core/responses/answers.ts';
import { smallCampaign } from '../fixtures/campaign.ts';
import { smallJpeg } from '../fixtures/photos/images.ts';
import { launchChromium } from '../support/browser.ts';
import { DESKTOP, PHONE, scrollsSideways, seriousViolations } from '../support/pages.ts';

/**
 * The survey page of a center with last month's problems to re-check, in Chromium on a phone and a
 * desktop, in both languages: one re-check heading, each problem once, the center's report beside it.
 */

const SHOTS = '/tmp/shots/overview';
/** A photo as the page gets it: here inlined, as the page's policy allows `data:` images. */
let photo: ShownPhoto;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
  const url = `data:image/jpeg;base64,${(await smallJpeg()).toString('base64')}`;
  photo = { state: 'ready', url, thumbUrl: url };
});

afterAll(async () => {
  await browser?.close();
});

const def = smallCampaign();
const earlier = { ...def.campaign, id: 'earlier', month: '2026-11' };
const finding = (assignmentId: string, submittedAt: string, description: string) =>
  itemsFromResponse(
    earlier,
    {
      assignmentId,
      supervisorId: `S-${assignmentId}`,
      centerId: 'C1',
      submittedAt,
      problems: [{ category: 'waiting-time', description, severity: 'serious' }],
    },
    '2026-11-16T02:00:00.000Z',
  );

const page = (lang: Lang) => {
  const items = itemsToRecheck(
    [
      ...finding('A1', '2026-11-05T02:00:00.000Z', '取号后等候 50 分钟，仅开一个窗口'),
      ...finding('A2', '2026-11-06T02:00:00.000Z', '取号后等候 50 分钟，仅开一个窗口。'),
      ...finding('A3', '2026-11-07T02:00:00.000Z', '自助终端故障，无人处理'),
    ],
    def.campaign.id,
    new Set(['C1']),
  );
  const reported = items.map((i) =>
    i.assignmentId === 'A1' ? reportFixed(i, '高峰期增开两个窗口，启用预约取号。', '2026-11-25T03:00:00.000Z') : i,
  );
  const questionnaire = questionnaireFor(withRecheckQuestions(def.questionnaire, items), 'C1');
  const center = def.centers.find((c) => c.id === 'C1');
  if (!center) throw new Error('the fixture has C1');
  return renderSurveyPage({
    lang,
    view: 'form',
    campaign: def.campaign,
    window: { opens: '2026-12-01T00:00:00Z', deadline: '2026-12-15T10:00:00Z' },
    center,
    activity: 'experiential',
    questionnaire,
    answers: {},
    problems: [],
    errors: [],
    submissionId: 'sub-00000001',
    openedAt: '2026-12-03T01:00:00.000Z',
    token: 'x'.repeat(43),
    // The reported item with its photo as found and the official's photo of the fix.
    rechecks: new Map(
      [
        ...recheckContexts(
          questionsFor(questionnaire, 'experiential').map((q) => q.id),
          reported,
          '2026-12-10',
        ),
      ].map(([id, list]) => [
        id,
        list.map((c) => (c.report ? { ...c, photos: { before: [photo], after: [photo] } } : c)),
      ]),
    ),
  });
};

describe.each([
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const)('re-check questions on the survey page on a %s', (name, size) => {
  it.each(['zh', 'en'] as Lang[])(
    'shows each problem once with what the center reported, in %s, axe-clean',
    async (lang) => {
      // Prepare
      const context = await browser.newContext({ viewport: size, deviceScaleFactor: size === PHONE ? 2 : 1 });
      const tab = await context.newPage();

      // Act
      await tab.setContent(page(lang), { waitUntil: 'load' });
      const section = tab.getByRole('region', { name: lang === 'zh' ? '整改复查' : 'Rectification re-check' });
      await section.scrollIntoViewIfNeeded();
      await tab.screenshot({ path: `${SHOTS}/recheck-${lang}-${name}.png`, fullPage: true });
      const problems = await seriousViolations(tab);
      const sideways = size === PHONE && (await scrollsSideways(tab));

      // Assess
      expect(problems).toEqual([]);
      expect(sideways).toBe(false);
      expect(
        await tab.getByRole('heading', { name: lang === 'zh' ? /^整改复查/ : /^Rectification re-check/ }).count(),
      ).toBe(1);
      const groups = section.getByRole('radiogroup');
      expect(await groups.count()).toBe(2);
      const queue = groups.filter({ hasText: '取号后等候 50 分钟' });
      expect(await queue.count()).toBe(1);
      const report = queue.locator('.report');
      expect(await report.isVisible()).toBe(true);
      expect(await report.innerText()).toContain('高峰期增开两个窗口，启用预约取号。');
      expect(await report.innerText()).toContain(lang === 'zh' ? '已报整改' : 'Reported fixed');
      // Before beside after, each photo loaded.
      const after = report.getByRole('img', { name: lang === 'zh' ? '整改照片 1' : 'Photo 1 of the fix' });
      expect(await after.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(
        0,
      );
      expect(await report.getByRole('img').count()).toBe(2);
      // The radio group is described by the report, so a screen reader reads it with the question.
      expect(await queue.getAttribute('aria-describedby')).toContain(await report.getAttribute('id'));
      await context.close();
    },
  );
});
