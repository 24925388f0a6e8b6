import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportRecord } from '../../functions/core/evidence/export.ts';
import type { Lang } from '../../functions/core/i18n.ts';
import {
  type EvidenceExportView,
  renderEvidenceExportCard,
} from '../../functions/core/render/console/evidence-export-card.ts';
import { renderConsolePage } from '../../functions/core/render/console/layout.ts';
import { launchChromium } from '../support/browser.ts';
import { DESKTOP, PHONE, scrollsSideways, seriousViolations } from '../support/pages.ts';

const SHOTS = process.env.SHOTS_DIR;
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
}, 60_000);
afterAll(() => browser?.close());

const record = (over: Partial<ExportRecord>): ExportRecord => ({
  campaignId: 'nanjing-2026-12',
  exportId: 'export-0001',
  state: 'queued',
  done: 0,
  total: 0,
  requestedBy: 'organizer',
  requestedAt: '2026-12-10T02:00:00.000Z',
  updatedAt: '2026-12-10T02:03:00.000Z',
  ...over,
});

const VIEWS: Record<string, EvidenceExportView> = {
  none: { action: '/console/campaigns/c/evidence-export', download: '/console/campaigns/c/evidence-export' },
  building: {
    action: '/console/campaigns/c/evidence-export',
    download: '/console/campaigns/c/evidence-export',
    latest: record({ state: 'building', done: 325, total: 1200 }),
  },
  ready: {
    action: '/console/campaigns/c/evidence-export',
    download: '/console/campaigns/c/evidence-export',
    latest: record({ state: 'ready', done: 1200, total: 1200, bytes: 612_345_678 }),
  },
  failed: {
    action: '/console/campaigns/c/evidence-export',
    download: '/console/campaigns/c/evidence-export',
    latest: record({ state: 'failed', reason: 'no-photos' }),
  },
  purged: { action: '/x', download: '/x', purgedAt: '2026-12-11T03:00:00.000Z' },
};

const pageOf = (lang: Lang, view: EvidenceExportView) =>
  renderConsolePage(
    { lang, path: '/console/campaigns/c', user: { sub: 's', username: 'organizer', role: 'organizer' } },
    { zh: '南京市政务服务督查月', en: 'Nanjing Supervision Month' },
    renderEvidenceExportCard(lang, view),
  );

describe('the evidence ZIP card', () => {
  for (const lang of ['zh', 'en'] as const)
    for (const [name, view] of Object.entries(VIEWS))
      it(`${name} (${lang}) is axe-clean and fits a phone and a desktop`, async () => {
        for (const size of [PHONE, DESKTOP]) {
          const page = await browser.newPage({ viewport: size });
          await page.setContent(pageOf(lang, view));
          expect(await seriousViolations(page)).toEqual([]);
          expect(await scrollsSideways(page)).toBe(false);
          if (SHOTS) await page.screenshot({ path: `${SHOTS}/card-${name}-${lang}-${size.width}.png`, fullPage: true });
          await page.close();
        }
        const html = pageOf(lang, view);
        if (name === 'building') expect(html).toContain(lang === 'zh' ? '正在生成：325/1200' : 'Building: 325/1200');
        if (name === 'ready') expect(html).toContain('584.0 MB');
        if (name === 'purged') expect(html).toContain(lang === 'zh' ? '照片已按要求删除' : 'Photos removed on request');
        if (name === 'building') expect(html).toMatch(/<button type="submit" disabled>/);
      });
});
