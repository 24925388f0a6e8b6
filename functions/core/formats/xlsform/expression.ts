/**
 * XLSForm `relevant` expressions and the condition language of questions, both ways: `${q}` and `{q}`,
 * `selected()` on a select_multiple and the yes/no question of its choice, `''` tests and emptiness.
 */
import { type Condition, isJunction } from '../../responses/condition.ts';

/** XLSForm `relevant` in the condition language: `${q}` → `{q}`, `selected()` and `''` tests rewritten. */
export const translateFromXlsForm = (
  expression: string,
  multiples: ReadonlyMap<string, ReadonlyMap<string, string>>,
) => {
  let text = expression.replace(/\$\{\s*([^}]+?)\s*\}/g, '{$1}');
  const selected = (negate: boolean) => (_all: string, q: string, _quote: string, v: string) => {
    const choice = multiples.get(q)?.get(v);
    if (choice) return `{${choice}} ${negate ? '!=' : '='} 'yes'`;
    return `{${q}} ${negate ? '!=' : '='} '${v}'`;
  };
  text = text.replace(/not\s*\(\s*selected\s*\(\s*\{([^}]+)\}\s*,\s*(['"])(.*?)\2\s*\)\s*\)/g, selected(true));
  text = text.replace(/selected\s*\(\s*\{([^}]+)\}\s*,\s*(['"])(.*?)\2\s*\)/g, selected(false));
  text = text.replace(/\{([^}]+)\}\s*!=\s*(''|"")/g, '{$1} notempty');
  text = text.replace(/\{([^}]+)\}\s*=\s*(''|"")/g, '{$1} empty');
  return text;
};

/** A condition as XLSForm `relevant`: `${q} = 'v'`, lists spelled out with or / and. */
export const translateToXlsForm = (c: Condition, parent?: 'and' | 'or'): string => {
  if (isJunction(c)) {
    const text = `${translateToXlsForm(c.left, c.op)} ${c.op} ${translateToXlsForm(c.right, c.op)}`;
    return parent && parent !== c.op ? `(${text})` : text;
  }
  const ref = `\${${c.question}}`;
  const lit = (v: string | number) => (typeof v === 'number' ? String(v) : `'${v}'`);
  switch (c.op) {
    case 'empty':
      return `${ref} = ''`;
    case 'notempty':
      return `${ref} != ''`;
    case 'anyof':
    case 'noneof': {
      const parts = c.values.map((v) => `${ref} ${c.op === 'anyof' ? '=' : '!='} ${lit(v)}`);
      const joiner = c.op === 'anyof' ? ' or ' : ' and ';
      return parts.length === 1 || parent === (c.op === 'anyof' ? 'or' : 'and') || !parent
        ? parts.join(joiner)
        : `(${parts.join(joiner)})`;
    }
    default:
      return `${ref} ${c.op} ${lit(c.value)}`;
  }
};
