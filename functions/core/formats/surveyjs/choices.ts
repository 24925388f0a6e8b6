/**
 * Choices of a SurveyJS element (choices, rateValues, matrix rows and columns) as options: `"value|text"`,
 * plain values or objects; values that are not ids get one.
 */
import { Id, type LocalizedText } from '../../model.ts';
import { isObject, type Path, reportError, type SurveyJsReader, slugify } from './reader.ts';
import { readText } from './text.ts';

/** One choice as read: its option value and label, the value in the document, its score and path. */
export interface ReadChoice {
  value: string;
  label: LocalizedText;
  source: string;
  score: unknown;
  at: Path;
}

/** Reads a list of choices; `values` gets each document value's option value. */
export const readChoices = (
  reader: SurveyJsReader,
  raw: unknown,
  path: Path,
  where: string,
  values: Map<string, string>,
): ReadChoice[] => {
  const list = Array.isArray(raw) ? raw : [];
  const taken = new Set<string>();
  return list.flatMap((c: unknown, i) => {
    const at = [...path, i];
    let value: unknown = isObject(c) ? c.value : c;
    let label: unknown = isObject(c) ? c.text : undefined;
    if (typeof value === 'string' && !isObject(c) && value.includes('|')) {
      const [v, ...rest] = value.split('|');
      value = v;
      label = rest.join('|');
    }
    if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
    if (typeof value !== 'string' || value.trim() === '') {
      reportError(reader, at, `${where} choice ${i + 1}`, `the choice has no value (got ${JSON.stringify(c)})`);
      return [];
    }
    let id = Id.safeParse(value).success ? value : slugify(value);
    if (!Id.safeParse(id).success || taken.has(id)) id = `o${i + 1}`;
    taken.add(id);
    values.set(value, id);
    const shown = readText(reader, label, value, at, `${where} choice "${value}"`);
    return shown ? [{ value: id, label: shown, source: value, score: isObject(c) ? c.score : undefined, at }] : [];
  });
};
