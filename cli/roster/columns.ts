import { CENTER_LEVELS, type CenterLevel, type Language } from '../../functions/core/model.ts';

/** One column of a roster sheet: its key, bilingual label, the header names accepted and what goes in it. */
export interface ColumnSpec<K extends string = string> {
  key: K;
  zh: string;
  en: string;
  required: boolean;
  /** Header names accepted besides `zh` and `en` (matched ignoring case, spaces, `_`, `-` and full-width forms). */
  aliases: readonly string[];
  description: string;
  example: string;
}

/** Keys of the centers sheet. */
export type CenterColumn =
  | 'id'
  | 'name_zh'
  | 'name_en'
  | 'level'
  | 'district'
  | 'address'
  | 'official_name'
  | 'official_email'
  | 'official_phone'
  | 'official_language';

/** Keys of the supervisors sheet. */
export type SupervisorColumn = 'id' | 'name' | 'email' | 'phone' | 'sector' | 'home_district' | 'language';

/** The columns of `centers.xlsx` / `centers.csv` (政务服务中心名单). */
export const CENTER_COLUMNS: readonly ColumnSpec<CenterColumn>[] = [
  {
    key: 'id',
    zh: '编号',
    en: 'id',
    required: true,
    aliases: ['中心编号', '代码', 'center_id', 'code'],
    description: 'unique id: letters, digits, - or _',
    example: 'C-XW',
  },
  {
    key: 'name_zh',
    zh: '名称',
    en: 'name_zh',
    required: true,
    aliases: ['中心名称', '场所名称', 'name', 'chinese_name'],
    description: 'name in Chinese',
    example: '玄武区政务服务中心',
  },
  {
    key: 'name_en',
    zh: '英文名称',
    en: 'name_en',
    required: false,
    aliases: ['英文名', 'english_name'],
    description: 'name in English (optional; the Chinese name is used when empty)',
    example: 'Xuanwu District Government Service Center',
  },
  {
    key: 'level',
    zh: '级别',
    en: 'level',
    required: true,
    aliases: ['层级'],
    description: '市级 municipal · 区级 district · 街道/镇 street · 社区 community',
    example: '区级',
  },
  {
    key: 'district',
    zh: '所在区',
    en: 'district',
    required: true,
    aliases: ['区', '区县', '辖区', '所属区'],
    description: 'district the center is in; supervisors never rate their home district',
    example: '玄武区',
  },
  {
    key: 'address',
    zh: '地址',
    en: 'address',
    required: false,
    aliases: [],
    description: 'street address (optional)',
    example: '玄武区北京东路41号',
  },
  {
    key: 'official_name',
    zh: '负责同志',
    en: 'official_name',
    required: true,
    aliases: ['负责人', '联络员', 'official'],
    description: 'responsible official who receives the summary',
    example: '沈国华',
  },
  {
    key: 'official_email',
    zh: '负责同志邮箱',
    en: 'official_email',
    required: true,
    aliases: ['负责人邮箱', '邮箱', '电子邮箱', 'email'],
    description: "the official's email address",
    example: 'c-xw@example.gov.cn',
  },
  {
    key: 'official_phone',
    zh: '负责同志电话',
    en: 'official_phone',
    required: false,
    aliases: ['负责人电话', '联系电话', '电话', '手机', 'phone'],
    description: 'phone (optional, checked, kept only in your sheet)',
    example: '025-83612345',
  },
  {
    key: 'official_language',
    zh: '负责同志语言',
    en: 'official_language',
    required: false,
    aliases: ['负责人语言', '语言', '邮件语言', 'language'],
    description: "language of the official's emails: zh (中文) or en (English); empty means zh",
    example: 'zh',
  },
];

/** The columns of `supervisors.xlsx` / `supervisors.csv` (监督员名单). */
export const SUPERVISOR_COLUMNS: readonly ColumnSpec<SupervisorColumn>[] = [
  {
    key: 'id',
    zh: '编号',
    en: 'id',
    required: true,
    aliases: ['监督员编号', 'supervisor_id', 'code'],
    description: 'unique id: letters, digits, - or _',
    example: 'S01',
  },
  {
    key: 'name',
    zh: '姓名',
    en: 'name',
    required: true,
    aliases: ['名字'],
    description: 'full name',
    example: '王建国',
  },
  {
    key: 'email',
    zh: '邮箱',
    en: 'email',
    required: true,
    aliases: ['电子邮箱', '邮件', 'e-mail', 'mail'],
    description: 'where the invitation and reminders go',
    example: 'wang.jianguo@example.com',
  },
  {
    key: 'phone',
    zh: '手机',
    en: 'phone',
    required: false,
    aliases: ['手机号', '手机号码', '电话', '联系电话', 'mobile'],
    description: 'phone (optional, checked, kept only in your sheet)',
    example: '13812345678',
  },
  {
    key: 'sector',
    zh: '界别',
    en: 'sector',
    required: true,
    aliases: ['身份', '类别', '单位', '职业'],
    description: '人大代表, 政协委员, 律师, 校长, 企业家 …',
    example: '人大代表',
  },
  {
    key: 'home_district',
    zh: '所在区',
    en: 'home_district',
    required: true,
    aliases: ['居住区', '常住区', '区', 'district', 'home'],
    description: 'home district; never assigned to centers there',
    example: '鼓楼区',
  },
  {
    key: 'language',
    zh: '语言',
    en: 'language',
    required: false,
    aliases: ['邮件语言', '监督员语言'],
    description: "language of the supervisor's emails and survey links: zh (中文) or en (English); empty means zh",
    example: 'zh',
  },
];

/** Header text in both languages, as `init` writes it: `编号 id`. */
export const headerLabel = (spec: ColumnSpec): string => `${spec.zh} ${spec.en}`;

/** Folds full-width forms, case, spaces, `_`, `-` and `*` markers so that headers match loosely. */
const foldHeader = (text: string): string =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-*:：]/g, '');

/**
 * Matches a header cell to a column: the whole text first (`负责同志邮箱`, `official_email`), then each of
 * its parts (`编号 id`, `名称/name_zh`, `级别(level)`).
 */
export const matchHeader = <K extends string>(header: string, specs: readonly ColumnSpec<K>[]): K | undefined => {
  const names = (spec: ColumnSpec<K>) => [spec.zh, spec.en, ...spec.aliases].map(foldHeader);
  const whole = foldHeader(header);
  if (whole === '') return undefined;
  for (const spec of specs) if (names(spec).includes(whole)) return spec.key;
  const parts = header
    .normalize('NFKC')
    .split(/[\s/|()（）【】[\]\n]+/)
    .map(foldHeader)
    .filter((p) => p !== '');
  for (const part of parts) for (const spec of specs) if (names(spec).includes(part)) return spec.key;
  return undefined;
};

/** Level names accepted in the level column, Chinese or English. */
const LEVEL_NAMES: Record<CenterLevel, readonly string[]> = {
  municipal: ['municipal', 'city', '市级', '市', '市级中心'],
  district: ['district', '区级', '区', '区县', '区县级', '县级', '县'],
  street: [
    'street',
    'township',
    'town',
    '街道',
    '镇',
    '乡',
    '乡镇',
    '街镇',
    '街道/镇',
    '街道镇',
    '街道（镇）',
    '街道(镇)',
  ],
  community: ['community', 'village', '社区', '村', '村居', '社区/村', '村(社区)', '村（社区）'],
};

// Folded once: parseLevel runs for every row of a roster or a responses sheet.
const FOLDED_LEVEL_NAMES = CENTER_LEVELS.map((level) => ({
  level,
  names: new Set(LEVEL_NAMES[level].map(foldHeader)),
}));

/** The level for a cell's text, or undefined when it names none. */
export const parseLevel = (text: string): CenterLevel | undefined => {
  const folded = foldHeader(text);
  return FOLDED_LEVEL_NAMES.find(({ names }) => names.has(folded))?.level;
};

/** Names accepted in a language column, folded as headers are. */
const LANGUAGE_NAMES: Record<Language, readonly string[]> = {
  zh: ['zh', 'zh-cn', 'zh_cn', 'chinese', '中文', '汉语', '简体中文'],
  en: ['en', 'en-us', 'en-gb', 'english', '英文', '英语'],
};

/** The language for a cell's text (zh, en, 中文, English …), or undefined when it names none. */
export const parseLanguage = (text: string): Language | undefined => {
  const folded = foldHeader(text);
  return (['zh', 'en'] as const).find((lang) => LANGUAGE_NAMES[lang].some((name) => foldHeader(name) === folded));
};

/** Chinese mobile (+86 optional), or a landline with its area code (extension allowed). */
export const isPhoneNumber = (text: string): boolean => {
  const digits = text.normalize('NFKC').replace(/[\s()（）-]/g, '');
  return /^(\+?86)?1[3-9]\d{9}$/.test(digits) || /^0\d{2,3}\d{7,8}(转\d{1,6}|ext\.?\d{1,6})?$/i.test(digits);
};
