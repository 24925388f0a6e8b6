/**
 * Text from outside (answers, comments, notes, rosters, campaign files) is normalized to NFC and
 * checked at every door: control characters other than tab (and newline, where a multi-line text is
 * allowed) and unpaired surrogates are refused, naming what was found. Email subjects and headers go
 * through {@link mailHeaderText}, the one guard every mail kind uses. Pure.
 */

/** Said of a form's text holding a control character (other than newline and tab) or a damaged character. */
export const CONTROL_CHARACTER_MESSAGE =
  'remove the control character or damaged character from the text (only letters, newlines and tabs)';

/** What is wrong with a text, in Chinese and English; the field is named by the caller. */
export interface UnsafeCharacter {
  /** Zero-based position in the text (UTF-16 code units). */
  index: number;
  /** `U+001B` or the like. */
  codePoint: string;
  zh: string;
  en: string;
}

const NAMES: Readonly<Record<number, string>> = {
  0: 'NUL',
  7: 'BEL',
  8: 'BS',
  10: 'line break (LF)',
  11: 'VT',
  12: 'FF',
  13: 'line break (CR)',
  27: 'ESC',
  127: 'DEL',
};

const hex = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The first character a text may not hold, if any: C0 controls but tab (newline too when
 * `multiline`), DEL, C1 controls, and a surrogate without its pair. Carriage returns are refused:
 * take CRLF to LF first (see {@link normalizeText}).
 */
export const findUnsafeCharacter = (
  text: string,
  options: { multiline?: boolean } = {},
): UnsafeCharacter | undefined => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    const surrogate = c >= 0xd800 && c <= 0xdfff;
    const control = (c < 0x20 && c !== 0x09 && !(c === 0x0a && options.multiline)) || (c >= 0x7f && c <= 0x9f);
    if (!surrogate && !control) continue;
    const code = hex(c);
    if (surrogate)
      return {
        index: i,
        codePoint: code,
        zh: `第 ${i + 1} 个字符是不成对的代理码元（${code}），文字已损坏，请重新输入`,
        en: `character ${i + 1} is an unpaired surrogate (${code}): the text is damaged; type it again`,
      };
    const name = NAMES[c] ?? 'control character';
    if (c === 0x0a || c === 0x0d)
      return {
        index: i,
        codePoint: code,
        zh: `第 ${i + 1} 个字符是换行符，此处只能填写一行文字`,
        en: `character ${i + 1} is a line break (${code}): this field is one line of text`,
      };
    return {
      index: i,
      codePoint: code,
      zh: `第 ${i + 1} 个字符是控制字符 ${name}（${code}），请删除`,
      en: `character ${i + 1} is the control character ${name} (${code}); remove it`,
    };
  }
  return undefined;
};

/** Text as it is kept: NFC, line ends as LF. */
export const normalizeText = (text: string): string => text.replace(/\r\n/g, '\n').normalize('NFC');

/** Whether a text may be kept as it is (see {@link findUnsafeCharacter}). */
export const isSafeText = (text: string, options: { multiline?: boolean } = {}): boolean =>
  findUnsafeCharacter(text, options) === undefined;

/**
 * The one guard of email subjects and headers: NFC, every control character, line break and unpaired
 * surrogate made a space, spaces collapsed, so no text from outside can start a header of its own.
 */
export const mailHeaderText = (text: string): string => {
  let out = '';
  const normalized = text.normalize('NFC');
  for (let i = 0; i < normalized.length; i++) {
    const c = normalized.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = normalized.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += normalized.slice(i, i + 2);
        i++;
        continue;
      }
    }
    const unsafe = c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff) || c === 0x2028 || c === 0x2029;
    out += unsafe ? ' ' : normalized.charAt(i);
  }
  return out.replace(/ {2,}/g, ' ').trim();
};

/** Whether a multi-line note holds what it may not: control characters but newline and tab, unpaired surrogates. */
export const hasControlCharacters = (text: string): boolean => !isSafeText(text, { multiline: true });
