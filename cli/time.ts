import { Instant } from '../functions/core/model.ts';

const LOOSE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads a time as organizers write it — `2026-12-31T18:00:00+08:00`, `2026-12-31 18:00` — and returns it as
 * an ISO 8601 instant with an offset. A time without a zone is Beijing time (北京时间, UTC+8).
 * Returns undefined when the text is no time at all.
 */
export const normalizeTime = (text: string): string | undefined => {
  const m = LOOSE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, date, hm, seconds, zone] = m;
  const offset =
    zone === undefined
      ? '+08:00'
      : zone.toUpperCase() === 'Z'
        ? 'Z'
        : zone.includes(':')
          ? zone
          : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const iso = `${date}T${hm}${seconds ?? ':00'}${offset}`;
  return Instant.safeParse(iso).success && !Number.isNaN(Date.parse(iso)) ? iso : undefined;
};

/** Formats an instant in Beijing time for people: `2026-12-31 18:00 (UTC+8)`. */
export const beijingTime = (iso: string): string => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')} (UTC+8)`;
};
