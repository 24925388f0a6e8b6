/**
 * Conditions on earlier answers: a question is asked only when its condition holds (XLSForm `relevant`,
 * SurveyJS `visibleIf`). One small language, read here for the survey page, answer checks and scoring:
 *
 *   {q-queue} = 'long'     {q-queue} != 'none'     {q-wait} > 30     {q-badge} = 'no'
 *   {q-notes} notempty     {q-notes} empty         {q-channel} anyof ['app', 'web']
 *   … and …   … or …   ( … )
 *
 * A value is text in quotes or a number; `yes`/`no` (or true/false) for yes/no questions. An unanswered
 * question (or one answered "not applicable") is empty: it equals nothing, and `!=` holds.
 *
 * This module is the language alone (parse, format, evaluate); which questions a condition asks is in
 * asked.ts.
 */

/** A comparison operator of the condition language. */
export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** Two conditions joined by `and` or `or`. */
export interface Junction {
  op: 'and' | 'or';
  left: Condition;
  right: Condition;
}

/** One test of one earlier answer. */
export type Comparison =
  | { op: ComparisonOperator; question: string; value: string | number }
  | { op: 'empty' | 'notempty'; question: string }
  | { op: 'anyof' | 'noneof'; question: string; values: (string | number)[] };

/** A parsed condition. */
export type Condition = Junction | Comparison;

/** Whether a condition joins two others with and / or. */
export const isJunction = (c: Condition): c is Junction => c.op === 'and' || c.op === 'or';

/** A condition could not be read; the message says where and what is expected. */
export class ConditionSyntaxError extends Error {
  override name = 'ConditionSyntaxError';
}

type Token =
  | { kind: 'ref'; name: string; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'word'; value: string; at: number }
  | { kind: 'punct'; value: string; at: number };

const OPERATOR_WORDS: Record<string, ComparisonOperator | 'empty' | 'notempty' | 'anyof' | 'noneof'> = {
  '=': '=',
  '==': '=',
  equals: '=',
  '!=': '!=',
  '<>': '!=',
  notequal: '!=',
  notequals: '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  less: '<',
  lessorequal: '<=',
  greater: '>',
  greaterorequal: '>=',
  empty: 'empty',
  notempty: 'notempty',
  anyof: 'anyof',
  noneof: 'noneof',
};

const tokenize = (text: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '{') {
      const end = text.indexOf('}', i);
      if (end < 0) throw new ConditionSyntaxError(`"{" at ${i + 1} is not closed with "}"`);
      tokens.push({ kind: 'ref', name: text.slice(i + 1, end).trim(), at: i });
      i = end + 1;
    } else if (c === "'" || c === '"' || c === '‘' || c === '“') {
      const close = c === '‘' ? '’' : c === '“' ? '”' : c;
      const end = text.indexOf(close, i + 1);
      if (end < 0) throw new ConditionSyntaxError(`the quote at ${i + 1} is not closed`);
      tokens.push({ kind: 'string', value: text.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'number', value: Number(m[0]), at: i });
      i += m[0].length;
    } else if (/[<>=!]/.test(c)) {
      const m = /^(<=|>=|==|!=|<>|<|>|=)/.exec(text.slice(i));
      if (!m) throw new ConditionSyntaxError(`"${c}" at ${i + 1} is not an operator`);
      tokens.push({ kind: 'punct', value: m[0], at: i });
      i += m[0].length;
    } else if (/[()[\],]/.test(c)) {
      tokens.push({ kind: 'punct', value: c, at: i });
      i++;
    } else if (/[A-Za-z]/.test(c)) {
      const m = /^[A-Za-z]+/.exec(text.slice(i)) as RegExpExecArray;
      const word = m[0].toLowerCase();
      if (word !== 'and' && word !== 'or' && !(word in OPERATOR_WORDS) && /^\s*\(/.test(text.slice(i + m[0].length)))
        throw new ConditionSyntaxError(`functions such as ${m[0]}() are not supported (at ${i + 1})`);
      tokens.push({ kind: 'word', value: m[0].toLowerCase(), at: i });
      i += m[0].length;
    } else throw new ConditionSyntaxError(`"${c}" at ${i + 1} is not understood`);
  }
  return tokens;
};

/**
 * Parses a condition; throws ConditionSyntaxError naming what is wrong and where. Question names are
 * returned as written between braces.
 */
export const parseCondition = (text: string): Condition => {
  const tokens = tokenize(text);
  let k = 0;
  const peek = () => tokens[k];
  const isWord = (t: Token | undefined, word: string) => t?.kind === 'word' && t.value === word;
  const isPunct = (t: Token | undefined, p: string) => t?.kind === 'punct' && t.value === p;
  const where = () => {
    const t = peek();
    return t ? `at ${t.at + 1}` : 'at the end';
  };
  const literal = (): string | number => {
    const t = tokens[k++];
    if (t?.kind === 'string' || t?.kind === 'number') return t.value;
    if (t?.kind === 'word' && ['yes', 'no', 'true', 'false'].includes(t.value))
      return t.value === 'true' ? 'yes' : t.value === 'false' ? 'no' : t.value;
    throw new ConditionSyntaxError(`a value in quotes or a number is expected ${t ? `at ${t.at + 1}` : 'at the end'}`);
  };
  const comparison = (): Condition => {
    const t = tokens[k];
    if (t?.kind === 'punct' && t.value === '(') {
      k++;
      const inner = or();
      const close = tokens[k++];
      if (close?.kind !== 'punct' || close.value !== ')') throw new ConditionSyntaxError(`")" is expected ${where()}`);
      return inner;
    }
    if (t?.kind !== 'ref')
      throw new ConditionSyntaxError(
        `a question in braces such as {q-queue} is expected ${t ? `at ${t.at + 1}` : 'at the end'}`,
      );
    if (t.name === '') throw new ConditionSyntaxError(`"{}" at ${t.at + 1} names no question`);
    k++;
    const o = tokens[k++];
    const op = o && (o.kind === 'punct' || o.kind === 'word') ? OPERATOR_WORDS[o.value] : undefined;
    if (!op)
      throw new ConditionSyntaxError(
        `an operator (=, !=, <, <=, >, >=, empty, notempty, anyof, noneof) is expected after {${t.name}} ${o ? `at ${o.at + 1}` : 'at the end'}`,
      );
    if (op === 'empty' || op === 'notempty') return { op, question: t.name };
    if (op === 'anyof' || op === 'noneof') {
      const open = tokens[k++];
      if (open?.kind !== 'punct' || open.value !== '[')
        throw new ConditionSyntaxError(`a list such as ['a', 'b'] is expected after ${op}`);
      const values = [literal()];
      while (isPunct(peek(), ',')) {
        k++;
        values.push(literal());
      }
      const close = tokens[k++];
      if (close?.kind !== 'punct' || close.value !== ']') throw new ConditionSyntaxError(`"]" is expected ${where()}`);
      return { op, question: t.name, values };
    }
    return { op, question: t.name, value: literal() };
  };
  const and = (): Condition => {
    let left = comparison();
    while (isWord(peek(), 'and')) {
      k++;
      left = { op: 'and', left, right: comparison() };
    }
    return left;
  };
  const or = (): Condition => {
    let left = and();
    while (isWord(peek(), 'or')) {
      k++;
      left = { op: 'or', left, right: and() };
    }
    return left;
  };
  if (tokens.length === 0) throw new ConditionSyntaxError('the condition is empty');
  const condition = or();
  if (k < tokens.length) throw new ConditionSyntaxError(`"and" or "or" is expected ${where()}`);
  return condition;
};

const quote = (v: string | number) => (typeof v === 'number' ? String(v) : `'${v.replace(/'/g, '’')}'`);

/** Writes a condition back in the canonical form, e.g. `{q-queue} = 'long' and {q-wait} > 30`. */
export const formatCondition = (c: Condition, parent?: 'and' | 'or'): string => {
  if (isJunction(c)) {
    const text = `${formatCondition(c.left, c.op)} ${c.op} ${formatCondition(c.right, c.op)}`;
    return parent && parent !== c.op ? `(${text})` : text;
  }
  switch (c.op) {
    case 'empty':
    case 'notempty':
      return `{${c.question}} ${c.op}`;
    case 'anyof':
    case 'noneof':
      return `{${c.question}} ${c.op} [${c.values.map(quote).join(', ')}]`;
    default:
      return `{${c.question}} ${c.op} ${quote(c.value)}`;
  }
};

/** Renames the questions a condition refers to (e.g. SurveyJS names to question ids). */
export const renameQuestions = (c: Condition, rename: (name: string) => string): Condition =>
  isJunction(c)
    ? { ...c, left: renameQuestions(c.left, rename), right: renameQuestions(c.right, rename) }
    : { ...c, question: rename(c.question) };

/** Every comparison of a condition, in order. */
export const comparisonsOf = (c: Condition): Comparison[] =>
  isJunction(c) ? [...comparisonsOf(c.left), ...comparisonsOf(c.right)] : [c];

/** An answer as a condition compares it: text, or undefined when unanswered or not applicable. */
const answerText = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (value === true) return 'yes';
  if (value === false) return 'no';
  const text = String(value).trim();
  return text === '' || text === 'na' ? undefined : text;
};

const same = (answer: string, value: string | number): boolean =>
  typeof value === 'number' ? Number(answer) === value && /^-?\d+(\.\d+)?$/.test(answer) : answer === value;

/** Whether a condition holds for the answers given so far (typed, or raw as a form posts them). */
export const evaluateCondition = (c: Condition, answers: Readonly<Record<string, unknown>>): boolean => {
  if (isJunction(c))
    return c.op === 'and'
      ? evaluateCondition(c.left, answers) && evaluateCondition(c.right, answers)
      : evaluateCondition(c.left, answers) || evaluateCondition(c.right, answers);
  const answer = answerText(Object.hasOwn(answers, c.question) ? answers[c.question] : undefined);
  switch (c.op) {
    case 'empty':
      return answer === undefined;
    case 'notempty':
      return answer !== undefined;
    case 'anyof':
      return answer !== undefined && c.values.some((v) => same(answer, v));
    case 'noneof':
      return answer === undefined || !c.values.some((v) => same(answer, v));
    case '=':
      return answer !== undefined && same(answer, c.value);
    case '!=':
      return answer === undefined || !same(answer, c.value);
    default: {
      const n = answer === undefined || !/^-?\d+(\.\d+)?$/.test(answer) ? Number.NaN : Number(answer);
      const v = Number(c.value);
      if (Number.isNaN(n) || Number.isNaN(v)) return false;
      return c.op === '<' ? n < v : c.op === '<=' ? n <= v : c.op === '>' ? n > v : n >= v;
    }
  }
};
