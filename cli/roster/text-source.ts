import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type * as z from 'zod';
import type { Problem } from './problems.ts';
import { decodeText } from './table.ts';

/** A parsed YAML or JSON file that can say where any path of its data is written. */
export interface TextSource {
  /** The data, or undefined when the file could not be parsed. */
  data: unknown;
  /** Line and column (1-based) of the value at `path`, or of its nearest written ancestor. */
  locate: (path: readonly PropertyKey[]) => { row: number; column: string };
  /** Top-level keys with where they are written. */
  keys: () => { key: string; row: number; column: string }[];
  problems: Problem[];
}

const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/**
 * Parses YAML (or JSON, read strictly as JSON when `json` is set) keeping positions, so that every
 * problem found in the data can be reported at its line and column.
 */
export const parseTextSource = (raw: string, file: string, options: { json?: boolean } = {}): TextSource => {
  const text = stripBom(raw);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { row: line, column: String(col) };
  };
  const problems: Problem[] = [];
  let data: unknown;
  if (options.json) {
    try {
      data = JSON.parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const at = /position (\d+)/.exec(message);
      const where = at ? position(Number(at[1])) : { row: 1, column: '1' };
      problems.push({
        severity: 'error',
        file,
        ...where,
        message: `not valid JSON: ${message.replace(/\s*in JSON at position.*$/, '')}`,
        hint: 'check commas, quotes and brackets near this place',
      });
    }
  } else if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0];
      problems.push({
        severity: 'error',
        file,
        ...(pos ? { row: pos.line, column: String(pos.col) } : {}),
        message: `not valid YAML: ${e.message.split('\n')[0]}`,
        hint: 'check indentation (spaces, not tabs) and that text with ":" or "#" is in quotes',
      });
    }
  } else {
    data = doc.toJS();
  }
  const locate = (path: readonly PropertyKey[]) => {
    let node: unknown = doc.contents;
    let at = 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        const keyNode = pair.key as Node;
        at = keyNode.range?.[0] ?? at;
        if (pair.value === null) break;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
        node = node.items[segment];
      } else break;
      at = (node as Node).range?.[0] ?? at;
    }
    if (path.length === 0) at = (doc.contents as Node | null)?.range?.[0] ?? 0;
    return position(at);
  };
  const keys = () =>
    isMap(doc.contents)
      ? doc.contents.items.flatMap((p) =>
          isScalar(p.key) ? [{ key: String(p.key.value), ...position((p.key as Node).range?.[0] ?? 0) }] : [],
        )
      : [];
  return { data, locate, keys, problems };
};

/** Reads and parses a YAML or JSON file (strict JSON when `json`, by default when it is named `.json`). */
export const readTextSource = async (path: string, file: string, json = /\.json$/i.test(path)): Promise<TextSource> =>
  parseTextSource(decodeText(await readFile(path)).text, file, { json });

/** A data path as messages write it: `sections[2].questions[0].weight`. */
export const fieldPath = (path: readonly PropertyKey[]): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');

/** A schema issue as an error at its line and column; `prefix` is where the checked data sits in the file. */
export const issueProblem = (
  issue: z.core.$ZodIssue,
  source: TextSource,
  file: string,
  prefix: readonly PropertyKey[] = [],
): Problem => {
  const path = [...prefix, ...issue.path];
  return {
    severity: 'error',
    file,
    ...source.locate(path),
    field: fieldPath(path) || undefined,
    message: issue.message,
  };
};

/** Reports the issues of a schema check at their line and column in a YAML/JSON file; a missing key says so. */
export const reportIssues = (
  issues: readonly z.core.$ZodIssue[],
  source: TextSource,
  file: string,
  problems: Problem[],
): void => {
  for (const issue of issues) {
    const problem = issueProblem(issue, source, file);
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    const key = String(issue.path.at(-1) ?? 'value');
    problems.push(
      missing
        ? { ...problem, message: `missing ${key}`, hint: `add ${key}: (see the sample from supervision init)` }
        : problem,
    );
  }
};
