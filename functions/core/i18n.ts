import type { Activity, CenterLevel, Dimension, LocalizedText } from './model.ts';
import type { Grade } from './scoring/records.ts';

/** Languages the product speaks; Chinese first. */
export type Lang = 'zh' | 'en';

/** Center levels (四级). */
export const LEVEL_LABELS: Record<CenterLevel, LocalizedText> = {
  municipal: { zh: '市级', en: 'Municipal' },
  district: { zh: '区级', en: 'District' },
  street: { zh: '街道/镇', en: 'Street / township' },
  community: { zh: '社区', en: 'Community' },
};

/** Supervision activities (监督方式). */
export const ACTIVITY_LABELS: Record<Activity, LocalizedText> = {
  accompanied: { zh: '陪同办', en: 'Accompanied' },
  experiential: { zh: '体验式', en: 'Experiential' },
  unannounced: { zh: '暗访', en: 'Unannounced visit' },
  hotline: { zh: '12345 热线坐席体验', en: '12345 hotline listening' },
};

/** Dimensions (三化) plus the hotline section. */
export const DIMENSION_LABELS: Record<Dimension, LocalizedText> = {
  standardization: { zh: '标准化', en: 'Standardization' },
  regulation: { zh: '规范化', en: 'Regulation' },
  facilitation: { zh: '便利化', en: 'Facilitation' },
  hotline: { zh: '12345 热线', en: '12345 hotline' },
};

/** Grade bands. */
export const GRADE_LABELS: Record<Grade, LocalizedText> = {
  excellent: { zh: '优秀', en: 'Excellent' },
  good: { zh: '良好', en: 'Good' },
  pass: { zh: '合格', en: 'Pass' },
  rectify: { zh: '需整改', en: 'Needs rectification' },
};

/** "中文 / English" for one-line bilingual labels. */
export const both = (t: LocalizedText): string => (t.zh === t.en ? t.zh : `${t.zh} / ${t.en}`);

/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (value: unknown): string =>
  String(value).replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Formats an instant for people in China (UTC+8), e.g. 2026-12-01 09:00. */
export const formatBeijingTime = (iso: string): string => {
  const d = new Date(Date.parse(iso) + 8 * 3600_000);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} (UTC+8)`;
};

/**
 * Chooses the page language: `?lang=` first, then the highest-weighted of Chinese or English in
 * Accept-Language, then Chinese.
 */
export const chooseLang = (query: string | undefined, acceptLanguage: string | undefined): Lang => {
  if (query === 'zh' || query === 'en') return query;
  let best: { lang: Lang; q: number } | undefined;
  for (const part of (acceptLanguage ?? '').slice(0, 512).split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const lang: Lang | undefined =
      range === 'en' || range.startsWith('en-') ? 'en' : range === 'zh' || range.startsWith('zh-') ? 'zh' : undefined;
    if (!lang) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'zh';
};

/** The language someone's emails are written in: their roster's (or campaign's) choice, else Chinese. */
export const mailLanguage = (who: { language?: Lang | undefined } | undefined): Lang => who?.language ?? 'zh';

/** The HTML `lang` attribute of a language. */
export const htmlLangOf = (lang: Lang): string => (lang === 'zh' ? 'zh-CN' : 'en');
