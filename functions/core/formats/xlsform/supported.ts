/**
 * What the XLSForm read refuses (with what to do instead), the columns it does not carry out, and the
 * rows it skips.
 */

/** Row types refused, with what to do instead. */
export const REFUSED_TYPES: Record<string, string> = {
  'begin repeat': 'repeat the questions in a group as many times as needed',
  begin_repeat: 'repeat the questions in a group as many times as needed',
  geopoint: 'the center is known from the assignment; ask for a description in text',
  geotrace: 'the center is known from the assignment; ask for a description in text',
  geoshape: 'the center is known from the assignment; ask for a description in text',
  image: 'photos are not collected; ask for a description in text',
  audio: 'recordings are not collected; ask for a description in text',
  video: 'recordings are not collected; ask for a description in text',
  file: 'files are not collected; ask for a description in text',
  barcode: 'ask for the number in text',
  rank: 'ask a rating per item',
  select_one_from_file: 'list the choices in the choices sheet',
  select_multiple_from_file: 'list the choices in the choices sheet',
  calculate: 'remove it; conditions may only look at earlier answers',
};

/** XLSForm survey-sheet columns that are not carried out here, and what to do instead. */
export const UNSUPPORTED_COLUMNS: readonly [string, { en: string; zh: string }][] = [
  [
    'choice_filter',
    {
      en: 'every choice is offered; split the question into one per case with a relevant condition',
      zh: '“choice_filter”列不会生效：所有选项都会显示；请按情形拆成多个问题，并用 relevant 条件控制',
    },
  ],
  [
    'calculation',
    {
      en: 'nothing is calculated on the page; the score is computed when the campaign is scored',
      zh: '“calculation”列不会生效：页面上不做计算，得分在评分时统一计算',
    },
  ],
  [
    'default',
    {
      en: 'no answer is filled in beforehand; supervisors answer every question themselves',
      zh: '“default”列不会生效：不预先填写答案，由监督员自行作答',
    },
  ],
  [
    'repeat_count',
    {
      en: 'groups are not repeated; list each repetition as its own questions',
      zh: '“repeat_count”列不会生效：不支持重复组，请把每次重复写成单独的问题',
    },
  ],
];

/** Metadata and display rows: skipped (notes with a warning). */
export const METADATA_TYPES = new Set([
  'start',
  'end',
  'today',
  'deviceid',
  'subscriberid',
  'simserial',
  'phonenumber',
  'username',
  'email',
  'audit',
  'start-geopoint',
]);

/** Types kept as free text, with a warning that their format is not checked. */
export const TEXT_LIKE_TYPES = new Set(['date', 'time', 'datetime']);
