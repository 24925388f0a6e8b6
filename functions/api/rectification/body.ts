import { bodyProblemStatus, readBody } from '../../edge/http/body.ts';
import type { HttpRequest } from '../../edge/http/types.ts';
import type { MessageKey } from './messages.ts';
import { MAX_REPORT_BYTES } from './site.ts';

/** A posted report or dispute: its fields as sent, and the item and note when given as text; or what is wrong. */
export type ReportBody =
  | { ok: true; fields: unknown; raw: { item?: string | undefined; note?: string | undefined } }
  | { ok: false; status: 400 | 413 | 415; key: MessageKey };

const asText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Reads a form or JSON body strictly: UTF-8, at most 16 KB, no field given twice. */
export const readReportBody = (request: HttpRequest): ReportBody => {
  const read = readBody(request, MAX_REPORT_BYTES);
  if (!read.ok) {
    const status = bodyProblemStatus(read.problem);
    return { ok: false, status, key: status === 415 ? 'unsupported' : status === 413 ? 'tooLarge' : 'invalid' };
  }
  if (read.kind === 'form') {
    if (new Set(read.fields.map(([k]) => k)).size !== read.fields.length)
      return { ok: false, status: 400, key: 'invalid' };
    const record = Object.fromEntries(read.fields);
    return { ok: true, fields: record, raw: { item: record.item, note: record.note } };
  }
  const raw = typeof read.value === 'object' && read.value !== null ? (read.value as Record<string, unknown>) : {};
  return { ok: true, fields: read.value, raw: { item: asText(raw.item), note: asText(raw.note) } };
};
