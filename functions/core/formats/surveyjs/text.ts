/**
 * Texts of a SurveyJS document as localized text: plain text, or an object by locale (`default` in the
 * survey's locale, `zh-cn`, `zh-tw`, `en`), with Traditional Chinese used when no Simplified is given.
 */
import type { LocalizedText } from '../../model.ts';
import { isObject, type Json, type Path, reportError, reportWarning, type SurveyJsReader } from './reader.ts';

/** The Chinese and English of a localized object, warning once when Traditional Chinese stands in. */
const readLocalized = (
  reader: SurveyJsReader,
  value: Json,
  fallback: string | undefined,
  path: Path,
  where: string,
) => {
  const { locale, defaultIsZh } = reader;
  const get = (...keys: string[]) => {
    for (const key of keys) {
      const v = Object.entries(value).find(([k]) => k.toLowerCase() === key)?.[1];
      if (typeof v === 'string' && v.trim()) return v.trim();
    }
    return undefined;
  };
  const fallbackText = get('default');
  const simplified = get('zh-cn', 'zh', 'zh-hans');
  const traditional = get('zh-tw', 'zh-hant', 'zh-hk');
  const defaultLocaleIsTraditional = /^zh-(tw|hant|hk)/.test(locale);
  let zh = simplified ?? (defaultIsZh ? fallbackText : undefined);
  const fromTraditional =
    zh === undefined ? traditional : defaultLocaleIsTraditional && simplified === undefined ? zh : undefined;
  zh ??= traditional;
  if (fromTraditional !== undefined && !reader.traditionalWarned) {
    reader.traditionalWarned = true;
    reportWarning(
      reader,
      path,
      where,
      `Traditional Chinese text such as "${fromTraditional}" is shown as the Chinese text (no zh-cn text)`,
      'add "zh-cn" texts if the page should read in Simplified Chinese, or keep them',
    );
  }
  const en = get('en', 'en-us', 'en-gb') ?? (!defaultIsZh ? fallbackText : undefined);
  const other = Object.entries(value).find(([, v]) => typeof v === 'string' && v.trim())?.[1] as string | undefined;
  const any = zh ?? en ?? fallbackText ?? other?.trim() ?? fallback;
  if (!any) {
    reportError(reader, path, where, 'has no Chinese, English or default text');
    return undefined;
  }
  if (!zh && !en && !fallbackText && other)
    reportWarning(reader, path, where, `has neither Chinese nor English text; "${any}" is shown in both`);
  return { zh: zh ?? any, en: en ?? any };
};

/**
 * A text of the document as localized text: `fallback` in both languages when absent or empty;
 * undefined (with an error) when it cannot be read.
 */
export const readText = (
  reader: SurveyJsReader,
  value: unknown,
  fallback: string | undefined,
  path: Path,
  where: string,
): LocalizedText | undefined => {
  if (value === undefined || value === null) return fallback ? { zh: fallback, en: fallback } : undefined;
  if (typeof value === 'string' || typeof value === 'number') {
    const s = String(value).trim();
    return s ? { zh: s, en: s } : fallback ? { zh: fallback, en: fallback } : undefined;
  }
  if (!isObject(value)) {
    reportError(reader, path, where, 'must be text or a localized object such as { "default": "…", "zh-cn": "…" }');
    return undefined;
  }
  return readLocalized(reader, value, fallback, path, where);
};
