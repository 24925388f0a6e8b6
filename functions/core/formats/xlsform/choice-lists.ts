/**
 * The choices sheet: each row a choice of a list (list_name, name, label, score), read into the
 * reader's lists.
 */
import { Id, type LocalizedText } from '../../model.ts';
import { type FormReader, locateCell, readText, reportError } from './reader.ts';

/** Reads every choice of the choices sheet into the reader's lists, reporting unusable rows. */
export const readChoiceLists = (reader: FormReader): void => {
  const { choices, lists } = reader;
  if (!choices) return;
  for (const r of choices.rows) {
    const listName = r.get('list_name') || r.get('list name');
    const value = r.get('name') || r.get('value');
    if (listName === '' && value === '') continue;
    if (listName === '') {
      reportError(
        reader,
        locateCell(choices, r.row, 'list_name'),
        'the choice has no list_name',
        'name the list the select_one question uses',
      );
      continue;
    }
    if (!Id.safeParse(value).success) {
      reportError(
        reader,
        locateCell(choices, r.row, 'name'),
        `"${value}" is not a usable choice name`,
        'use 1–64 letters, digits, "-" or "_" (the label may be anything)',
      );
      continue;
    }
    const scoreText = r.get('score');
    const score = scoreText === '' ? undefined : Number(scoreText);
    if (score !== undefined && (!Number.isFinite(score) || score < 0 || score > 100))
      reportError(reader, locateCell(choices, r.row, 'score'), `score "${scoreText}" is not a number from 0 to 100`);
    const label = readText(reader, choices, r, 'label', value) as LocalizedText;
    const options = lists.get(listName) ?? [];
    if (options.some((o) => o.value === value))
      reportError(reader, locateCell(choices, r.row, 'name'), `"${value}" is listed twice in ${listName}`);
    options.push({ value, label, ...(score !== undefined && Number.isFinite(score) ? { score } : {}), row: r.row });
    lists.set(listName, options);
  }
};
