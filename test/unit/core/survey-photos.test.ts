import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { REFUSAL_TEXT } from '../../../functions/core/evidence/photos.ts';
import type { Lang } from '../../../functions/core/i18n.ts';
import { SURVEY_SCRIPT, surveyCsp } from '../../../functions/core/render/survey/assets.ts';
import type { SurveyPageModel } from '../../../functions/core/render/survey/model.ts';
import { renderSurveyPage } from '../../../functions/core/render/survey/page.ts';
import { listShownPhotos, type PagePhoto } from '../../../functions/core/render/survey/photo-list.ts';
import { PHOTO_SCRIPT } from '../../../functions/core/render/survey/photo-script.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

/** The survey page's photos: each problem's photos with their states, in both languages, text escaped. */

const def = smallCampaign();
const center = def.centers[0];
if (!center) throw new Error('the fixture has centers');

const photo = (photoId: string, problem: string, state: PagePhoto['state'], more: Partial<PagePhoto> = {}) => ({
  photoId,
  problem,
  state,
  ...more,
});

const PHOTOS: PagePhoto[] = [
  photo('A1.03.ready0000000000000', '0', 'ready', {
    url: 'https://b.s3.us-east-1.amazonaws.com/evidence/p.jpg?X-Amz-Signature=a&x="><script>',
    thumbUrl: 'https://b.s3.us-east-1.amazonaws.com/evidence/thumb/p.jpg?X-Amz-Signature=b',
  }),
  photo('A1.03.checking000000000', '0', 'checking'),
  photo('A1.03.refused0000000000', '1', 'refused', { reason: 'not-an-image' }),
  photo('A1.03.lapsed00000000000', '1', 'refused', { reason: 'not-received' }),
  photo('A1.03.uploading00000000', '1', 'uploading'),
  photo('A1.03.purged00000000000', '3', 'purged'),
];

const model = (lang: Lang, over: Partial<SurveyPageModel> = {}): SurveyPageModel => ({
  lang,
  view: 'form',
  campaign: def.campaign,
  window: { opens: '2026-12-01T00:00:00Z', deadline: '2026-12-15T10:00:00Z' },
  center,
  activity: 'experiential',
  questionnaire: def.questionnaire,
  answers: {},
  problems: [
    { category: 'waiting-time', description: '等候 50 分钟', severity: 'serious' },
    { category: 'signage', description: '<img src=x onerror=alert(1)>', severity: 'minor' },
  ],
  errors: [],
  submissionId: 'sub-00000001',
  openedAt: '2026-12-03T01:00:00.000Z',
  token: 'x'.repeat(43),
  photos: PHOTOS,
  ...over,
});

/** The page's body, without its style and scripts. */
const mainOf = (html: string) => html.slice(html.indexOf('<main>'), html.indexOf('</main>'));

/** The HTML of the photo block of the row whose key is `key`. */
const block = (html: string, key: string) =>
  new RegExp(`<div class="photos" id="ph-${key}"[\\s\\S]*?</label></div>`).exec(html)?.[0] ?? '';
/** The HTML of the `i`th problem row (0-based). */
const row = (html: string, i: number) => {
  const start = html.indexOf(`<fieldset class="problem" id="problem-${i}">`);
  if (start < 0) return '';
  const next = html.indexOf('<fieldset class="problem" id="problem-', start + 1);
  return html.slice(start, next < 0 ? html.indexOf('id="add-problem"', start) : next);
};

describe('the photos of each problem on the survey form', () => {
  it.each(['zh', 'en'] as Lang[])('shows each photo under its problem with its state (%s)', (lang) => {
    // Act
    const html = renderSurveyPage(model(lang));

    // Assess
    const first = block(html, '0');
    expect(first).toContain(
      '<img src="https://b.s3.us-east-1.amazonaws.com/evidence/thumb/p.jpg?X-Amz-Signature&#61;b"',
    );
    expect(first).toContain(lang === 'zh' ? '问题 1 的照片 1' : 'Photo 1 of problem 1');
    expect(first).toContain('target="_blank" rel="noopener noreferrer"');
    expect(first).toContain(lang === 'zh' ? '正在检查…' : 'Checking…');
    const second = block(html, '1');
    expect(second).toContain(REFUSAL_TEXT['not-an-image'][lang]);
    // A slot that never received a file, and one that lapsed, are nobody's photo.
    expect(second).not.toContain('A1.03.lapsed');
    expect(second).not.toContain('A1.03.uploading');
    // Photos whose row is not among those saved (a row left blank) get a blank row of their key, after
    // the rows filled in; then comes the new row to fill, with a new key of its own.
    expect(row(html, 2)).toContain('<input type="hidden" name="problems.2.key" value="3">');
    expect(block(html, '3')).toContain(lang === 'zh' ? '照片已按要求删除' : 'Photo removed on request');
    expect(row(html, 3)).toMatch(/<input type="hidden" name="problems\.3\.key" value="k[0-9a-f]{15}">/);
    expect(html).not.toContain('id="problem-4"');
  });

  it('offers a plain upload button per row and hides the script picker until the script runs', () => {
    // Act
    const html = renderSurveyPage(model('en'));

    // Assess
    for (const i of [0, 1, 2, 3]) {
      const b = row(html, i);
      expect(b).toContain(`<button type="submit" class="secondary ph-add" name="intent" value="photo-${i}"`);
      expect(b).toContain('<label class="button secondary ph-pick" hidden>');
      expect(b).toMatch(/<input type="file" class="vh" accept="image\/jpeg,image\/png,image\/webp" multiple/);
    }
    // The row template the script copies has a block too.
    expect(html).toContain('<div class="photos" id="ph-__k__" data-problem="__k__" data-n="__n__">');
    expect(html).toContain('<input type="hidden" name="problems.__i__.key" value="__k__">');
  });

  it('says a photo S3 has just sent the browser back with was received and is being checked', () => {
    // Act
    const html = renderSurveyPage(model('zh', { photoReturned: 'A1.03.uploading00000000' }));

    // Assess
    expect(block(html, '1')).toContain(
      'data-photo="A1.03.uploading00000000" data-state="uploading"><span>已收到，正在检查…',
    );
  });

  it('escapes every URL and id, and hands the script the photos as an attribute, escaped', () => {
    // Act
    const html = renderSurveyPage(
      model('en', { photos: [photo('"><script>x</script>', '0', 'checking'), ...PHOTOS], photoReturned: '"><b>' }),
    );

    // Assess
    expect(html).not.toContain('"><script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&#34;&#62;&#60;script&#62;');
    const attribute = /data-photos="([^"]*)"/.exec(html)?.[1] ?? '';
    const decoded = attribute.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
    expect(JSON.parse(decoded)).toHaveLength(PHOTOS.length + 1);
  });

  it("keeps each row's photos with its key, whatever its place: a row removed before it moves them up with it", () => {
    // Prepare: the second row of three was removed; the third, now second, keeps its key and its photos
    const photos: PagePhoto[] = [
      photo('A1.03.first0000000000000', 'kfirst000000000', 'ready', { url: 'https://b/1', thumbUrl: 'https://b/t1' }),
      photo('A1.03.gone00000000000000', 'kgone0000000000', 'discarded'),
      photo('A1.03.third0000000000000', 'kthird000000000', 'ready', { url: 'https://b/3', thumbUrl: 'https://b/t3' }),
    ];
    const problems = [
      { category: 'waiting-time', description: '等候 50 分钟', severity: 'serious', key: 'kfirst000000000' },
      { category: 'signage', description: '指引不清', severity: 'minor', key: 'kthird000000000' },
    ];

    // Act
    const html = renderSurveyPage(model('en', { problems, photos }));

    // Assess
    expect(row(html, 1)).toContain('name="problems.1.key" value="kthird000000000"');
    expect(block(html, 'kthird000000000')).toContain('data-n="2"');
    expect(block(html, 'kthird000000000')).toContain('alt="Photo 1 of problem 2');
    expect(block(html, 'kthird000000000')).toContain('https://b/t3');
    // The photo of the removed row is shown nowhere, and gets no row back.
    expect(html).not.toContain('A1.03.gone');
    expect(html).not.toContain('problems.3.key');
  });

  it('asks before removing a row with photos, saying they go with it', () => {
    // Act
    const zh = renderSurveyPage(model('zh', { confirmRemove: 0 }));
    const en = renderSurveyPage(model('en', { confirmRemove: 0 }));

    // Assess
    expect(zh).toContain('问题 1 附有 2 张照片，删除此问题将一并删除这些照片。确定删除？');
    expect(en).toContain('Problem 1 has 2 photos; removing the problem removes its photos too. Remove it?');
    expect(en).toContain('name="intent" value="remove-problem-0-confirmed"');
  });

  it('keeps ids unique with photos on the page', () => {
    // Act
    const html = renderSurveyPage(model('zh'));

    // Assess
    const ids = [...html.replace(/<template[\s\S]*?<\/template>/, '').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the photos on the read-only answers', () => {
  it.each(['zh', 'en'] as Lang[])(
    'lists each problem with its photos, and photos of a problem no longer listed apart (%s)',
    (lang) => {
      // Act
      const html = renderSurveyPage(
        model(lang, { view: 'closed', latest: { version: 1, submittedAt: '2026-12-04T00:00:00Z' } }),
      );

      // Assess
      const main = mainOf(html);
      expect(main).not.toContain('ph-add');
      expect(main).not.toContain('type="file"');
      expect(html).toContain('evidence/thumb/p.jpg');
      expect(html).toContain(REFUSAL_TEXT['not-an-image'][lang]);
      expect(html).toContain(
        lang === 'zh'
          ? '其他照片（所属问题不在已提交的答卷中）'
          : 'Other photos (of problems not in the answers submitted)',
      );
      expect(html).toContain(lang === 'zh' ? '照片已按要求删除' : 'Photo removed on request');
      expect(html).toContain('&#60;img src&#61;x onerror&#61;alert(1)&#62;');
    },
  );

  it('shows nothing of photos when there are none', () => {
    // Act
    const html = renderSurveyPage(model('en', { view: 'closed', photos: [] }));

    // Assess
    expect(mainOf(html)).not.toContain('ph-list');
  });
});

describe('which photos a page lists', () => {
  it('leaves out slots never used and lapsed ones, but not the photo just sent', () => {
    // Act
    const shown = listShownPhotos(PHOTOS, 'A1.03.uploading00000000').map((p) => p.photoId);

    // Assess
    expect(shown).toEqual([
      'A1.03.ready0000000000000',
      'A1.03.checking000000000',
      'A1.03.refused0000000000',
      'A1.03.uploading00000000',
      'A1.03.purged00000000000',
    ]);
  });
});

describe('the survey page policy', () => {
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

  it('lets the form load from and post to the bucket only, and a read-only page only load from it', () => {
    // Act
    const form = surveyCsp({ bucketOrigin: 'https://b.s3.us-east-1.amazonaws.com', send: true });
    const readOnly = surveyCsp({ bucketOrigin: 'https://b.s3.us-east-1.amazonaws.com', send: false });
    const none = surveyCsp();

    // Assess
    expect(form).toContain("img-src 'self' data: blob: https://b.s3.us-east-1.amazonaws.com;");
    expect(form).toContain("connect-src 'self' https://b.s3.us-east-1.amazonaws.com;");
    expect(form).toContain("form-action 'self';");
    expect(readOnly).toContain("img-src 'self' data: https://b.s3.us-east-1.amazonaws.com;");
    expect(readOnly).toContain("connect-src 'self';");
    expect(none).toContain("img-src 'self' data:;");
    for (const csp of [form, readOnly, none]) {
      expect(csp).toContain(`script-src ${hash(SURVEY_SCRIPT)} ${hash(PHOTO_SCRIPT)};`);
      expect(csp).not.toContain('unsafe-inline');
    }
  });
});
