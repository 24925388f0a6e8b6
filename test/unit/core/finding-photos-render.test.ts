import { describe, expect, it } from 'vitest';
import type { ConsoleUser } from '../../../functions/core/access/console-access.ts';
import type { ShownPhoto } from '../../../functions/core/evidence/fix-photos.ts';
import type { RectificationItem } from '../../../functions/core/findings/rectification.ts';
import { escapeHtml } from '../../../functions/core/i18n.ts';
import type { Center } from '../../../functions/core/model.ts';
import { renderCenterPage } from '../../../functions/core/render/console/center-page.ts';
import { renderCenterSummary } from '../../../functions/core/render/mail/center-summary.ts';
import {
  RECTIFICATION_CSP,
  renderFixPhotoUploadPage,
  renderRectificationPage,
} from '../../../functions/core/render/rectification-page.ts';
import { renderRecheckReport } from '../../../functions/core/render/survey/recheck.ts';
import type { CenterScore } from '../../../functions/core/scoring/records.ts';
import { centerSummaryModel } from '../../fixtures/summaries.ts';

const english = (center: Center): Center => ({ ...center, official: { ...center.official, language: 'en' } });

const ready = (name: string): ShownPhoto => ({
  state: 'ready',
  url: `https://bucket.s3.example/evidence/c1/C1/${name}.jpg?X-Amz-Signature=1`,
  thumbUrl: `https://bucket.s3.example/evidence/c1/C1/thumb/${name}.jpg?X-Amz-Signature=1`,
});

const rect = (over: Partial<RectificationItem> = {}): RectificationItem => ({
  id: 'R1',
  series: 's',
  campaignId: 'c1',
  month: '2026-12',
  centerId: 'C1',
  category: 'signage',
  description: '二楼指引牌与窗口编号不一致。',
  severity: 'minor',
  supervisorId: 'S-SECRET',
  assignmentId: 'A-SECRET',
  problem: 0,
  foundAt: '2026-12-01T02:00:00.000Z',
  notifiedOn: '2026-12-10',
  dueDate: '2099-12-31',
  state: 'open',
  reopened: 0,
  history: [],
  revision: 1,
  ...over,
});

describe("the official's page with photos", () => {
  const page = (over: Partial<Parameters<typeof renderRectificationPage>[0]> = {}) =>
    renderRectificationPage({
      campaign: { title: { zh: '十二月督查', en: 'December' }, month: '2026-12' },
      center: {
        name: { zh: '玄武区政务服务中心', en: 'Xuanwu' },
        level: 'district',
        official: { name: '沈国华' },
      } as never,
      items: [rect(), rect({ id: 'R2', state: 'confirmed' })],
      today: '2026-12-20',
      token: 'tok',
      photos: {
        findings: new Map([['R1', [ready('aaa'), ready('bbb')]]]),
        fixes: new Map([['R1', [ready('fix1'), { state: 'checking' }, { state: 'refused', reason: 'not-an-image' }]]]),
      },
      ...over,
    });

  it('shows the photos as found beside those of the fix, each a thumbnail linked to the photo', () => {
    // Act
    const html = page();
    const card = html.slice(html.indexOf('id="item-R1"'), html.indexOf('id="item-R2"'));
    // Assess
    expect(card).toContain('发现问题时');
    expect(card).toContain('整改后');
    expect(card).toContain('alt="问题照片 1 · Photo 1 of the problem"');
    expect(card).toContain('alt="整改照片 1 · Photo 1 of the fix"');
    expect(card).toContain(`href="${escapeHtml(ready('aaa').url)}"`);
    expect(card).toContain('检查中…');
    expect(card).toContain('文件不是照片');
    expect(card).toContain('action="tok/items/R1/photos"');
  });

  it('names nobody who took them and offers no photo for an item closed on re-check', () => {
    // Act
    const html = page();
    const closed = html.slice(html.indexOf('id="item-R2"'));
    // Assess
    expect(html).not.toMatch(/S-SECRET|A-SECRET/);
    expect(closed).not.toContain('/photos"');
  });

  it('says the photo was received when the bucket sends the official back', () => {
    expect(page({ photoAdded: 'R1' })).toContain('照片已上传');
  });

  it('stops offering photos once an item has six', () => {
    // Act
    const html = page({ photos: { findings: new Map(), fixes: new Map([['R1', Array(6).fill(ready('f'))]]) } });
    // Assess
    expect(html).not.toContain('action="tok/items/R1/photos"');
    expect(html).toContain('This item has the most photos allowed (6).');
  });

  it('shows the photos of a draft finding in fact-check', () => {
    // Act
    const html = page({
      factCheck: {
        items: [
          {
            campaignId: 'c1',
            centerId: 'C1',
            id: 'R1',
            category: 'signage',
            severity: 'minor',
            description: '导视不清',
            foundAt: '2026-12-01T02:00:00.000Z',
          },
        ],
        disputes: new Map(),
        until: '2099-01-01T00:00:00.000Z',
        open: true,
      },
    });
    const finding = html.slice(html.indexOf('id="finding-R1"'), html.indexOf('id="item-R1"'));
    // Assess
    expect(finding).toContain('alt="问题照片 2 · Photo 2 of the problem"');
    expect(finding).not.toContain('整改后');
  });

  it('lets its one script run and, unless told the bucket, no image load from elsewhere', () => {
    expect(RECTIFICATION_CSP).toContain('img-src data:;');
    expect(RECTIFICATION_CSP).toMatch(/script-src 'sha256-[^']+';/);
    expect(page().match(/<script>/g)).toHaveLength(1);
  });

  it('uploads one photo of a fix through a plain form to the bucket', () => {
    // Act
    const html = renderFixPhotoUploadPage({
      item: rect(),
      url: 'https://bucket.s3.example/',
      fields: { key: 'incoming/c1/fix/C1/R1.abc', Policy: 'p"<' },
      back: '/r/tok#item-R1',
    });
    // Assess
    expect(html).toContain('action="https://bucket.s3.example/" enctype="multipart/form-data"');
    expect(html).toContain(`name="Policy" value="${escapeHtml('p"<')}"`);
    expect(html).not.toContain('p"<');
    expect(html).toContain('capture="environment"');
    expect(html.indexOf('name="key"')).toBeLessThan(html.indexOf('type="file"'));
  });
});

describe("the console's center page with photos", () => {
  const user: ConsoleUser = { sub: 'sub-org', username: 'organizer', role: 'organizer' };
  it('shows each item with its photos as found and of the fix, in the page language', () => {
    // Act
    const html = renderCenterPage(
      { lang: 'en', path: undefined, user },
      {
        campaignId: 'c1',
        row: {
          center: { id: 'C1', name: { zh: '玄武', en: 'Xuanwu' }, level: 'district', district: '玄武区' } as Center,
          score: { score: 80, raters: 2, coverage: 1, dimensions: {} } as unknown as CenterScore,
        } as never,
        rectification: [rect()],
        today: '2026-12-20',
        responses: [],
        supervisorNames: new Map(),
        photos: { findings: new Map([['R1', [ready('aaa')]]]), fixes: new Map([['R1', [ready('fix')]]]) },
      },
    );
    // Assess
    expect(html).toContain('As found');
    expect(html).toContain('After the fix');
    expect(html).toContain('alt="Photo 1 of the fix"');
    expect(html).not.toContain('发现问题时');
  });
});

describe('the re-check with photos', () => {
  it('puts the photos as found beside those of the fix, under what the center reported', () => {
    // Act
    const { html } = renderRecheckReport(
      'recheck-R1',
      [
        {
          id: 'R1',
          status: 'reported-fixed',
          dueDate: '2026-12-31',
          foundOn: '2026-11-05',
          report: { note: '已更换指引牌', on: '2026-11-20' },
          photos: { before: [ready('aaa')], after: [ready('fix')] },
        },
      ],
      'zh',
    );
    // Assess
    expect(html).toContain('已更换指引牌');
    expect(html.indexOf('发现问题时')).toBeLessThan(html.indexOf('整改后'));
    expect(html).toContain('alt="整改照片 1"');
  });
});

describe('the center summary with photos', () => {
  const withPhotos = (model: ReturnType<typeof centerSummaryModel>) => ({
    ...model,
    items: model.items.map((item, i) => ({ ...item, photos: i === 0 ? 3 : 0 })),
  });

  it('says how many photos an item has and links to its card on the page, with no read URL', () => {
    // Prepare
    const model = withPhotos(centerSummaryModel());
    const first = model.items[0];
    // Act
    const mail = renderCenterSummary(model);
    // Assess
    expect(first).toBeDefined();
    expect(mail.html).toContain('现场照片 3 张');
    expect(mail.html).toContain(`href="${escapeHtml(`${model.respondUrl}#item-${first?.id}`)}"`);
    expect(mail.text).toContain(`现场照片 3 张：${model.respondUrl}#item-${first?.id}`);
    expect(mail.html.match(/data-testid="photos"/g)).toHaveLength(1);
    for (const part of [mail.html, mail.text]) expect(part).not.toMatch(/X-Amz-|evidence\//);
  });

  it('says it in English to an official who reads English', () => {
    // Act
    const mail = renderCenterSummary(withPhotos(centerSummaryModel({ center: english(centerSummaryModel().center) })));
    // Assess
    expect(mail.html).toContain('3 photos taken on site (see them)');
    expect(mail.text).toContain('3 photos taken on site: ');
  });
});
