/**
 * What the SurveyJS import understands, refuses (with what to do instead) or drops with a warning:
 * element types, element properties and survey properties.
 */

/** Element types the import understands, as messages list them. */
export const SUPPORTED_SURVEYJS_TYPES = [
  'radiogroup',
  'dropdown',
  'rating',
  'boolean',
  'checkbox',
  'tagbox',
  'matrix',
  'comment',
  'text',
  'panel',
  'html (not shown)',
] as const;

/** Element types refused, with what to do instead. */
export const REFUSED_TYPES: Record<string, string> = {
  matrixdropdown: 'use a matrix (one choice per row) or separate questions',
  matrixdynamic: 'use a matrix (one choice per row) or separate questions',
  paneldynamic: 'repeat the questions in a panel as many times as needed',
  multipletext: 'ask one text question per item',
  file: 'files are not collected; ask for a description in a comment',
  signaturepad: 'signatures are not collected; the personal link identifies the supervisor',
  ranking: 'ask a rating per item, e.g. in a matrix',
  imagepicker: 'use a radiogroup with the choices written out',
  slider: 'use a rating or a number (text with inputType "number")',
};

/** Display-only elements: skipped with a warning. */
export const SKIPPED_TYPES = new Set(['html', 'image', 'expression']);

/** Properties that change what is asked and cannot be honoured, with what to do instead. */
export const REFUSED_PROPERTIES: Record<string, string> = {
  enableIf: 'use visibleIf to ask the question only when it applies',
  requiredIf: 'make the question required, or optional, or ask it only when it applies with visibleIf',
  setValueIf: 'remove it; answers are not filled in for the supervisor',
  setValueExpression: 'remove it; answers are not filled in for the supervisor',
  resetValueIf: 'remove it',
  choicesByUrl: 'list the choices in "choices"',
  choicesFromQuestion: 'list the choices in "choices"',
  choicesVisibleIf: 'list only the choices that always apply, or split the question',
  choicesEnableIf: 'list only the choices that always apply, or split the question',
  rowsVisibleIf: 'list only the rows that always apply',
  columnsVisibleIf: 'list only the columns that always apply',
};

/** Properties dropped with a warning: they change only how the page looks or pre-fills. */
export const DROPPED_PROPERTIES: Record<string, string> = {
  defaultValue: 'the default answer is not pre-filled',
  defaultValueExpression: 'the default answer is not pre-filled',
  correctAnswer: 'there is no right answer in a supervision questionnaire',
  placeholder: 'the placeholder is not shown',
  minRateDescription: 'the ends of the scale are not labelled this way (a 1–5 scale shows 非常不满意 … 非常满意)',
  maxRateDescription: 'the ends of the scale are not labelled this way (a 1–5 scale shows 非常不满意 … 非常满意)',
  labelTrue: 'yes/no questions show 是 / 否 (Yes / No)',
  labelFalse: 'yes/no questions show 是 / 否 (Yes / No)',
  requiredErrorText: 'the page says 此题为必答题 (this question is required)',
};

/** Survey properties refused, with what to do instead. */
export const REFUSED_SURVEY_PROPERTIES: Record<string, string> = {
  triggers: 'remove them; answers are not set or completed by triggers',
  calculatedValues: 'remove them; conditions may only look at earlier answers',
};

/** The most points a rating scale may have. */
export const MAX_SCALE_POINTS = 11;

/** What a visibleIf may say, for messages. */
export const CONDITION_HINT =
  "conditions may compare an earlier answer: {q} = 'value', !=, <, <=, >, >=, empty, notempty, anyof ['a', 'b'], contains 'a' (checkbox), joined with and / or";
