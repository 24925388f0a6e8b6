/**
 * The console's charts as server-rendered SVG, drawn for a phone first (a 360-unit wide view box that
 * scales to the card) and capped in width on a desktop. Each is an image with a title and a description
 * that says every value in words, for screen readers; the pages put a table beside each chart.
 */
import { escapeHtml } from '../../i18n.ts';

/** Width of every chart's view box; a phone's card is about as wide, so text keeps its size there. */
export const CHART_WIDTH = 360;
/** Left and right edges of the plotted values in an interval chart. */
export const INTERVAL_PLOT = { left: 10, right: CHART_WIDTH - 14 } as const;
/** Height of one row of an interval chart: its label above, its dot and interval below. */
export const INTERVAL_ROW = 44;
/** The plotted area of a trend chart. */
export const TREND_PLOT = { left: 40, right: CHART_WIDTH - 16, top: 22, bottom: 150 } as const;
/** Height of a trend chart. */
export const TREND_HEIGHT = 196;

const TEXT = '#1d2733';
const MUTED = '#44515f';
const GRID = '#dde3ea';
const MARK = '#0b4f8a';

/** What a chart is called and says in words: its id (unique on the page), title and description. */
export interface ChartText {
  id: string;
  title: string;
  desc: string;
}

/** One row of an interval chart: a label, a value with its interval, the value as shown and the dot's color. */
export interface IntervalRow {
  label: string;
  value: number | null;
  low?: number | undefined;
  high?: number | undefined;
  /** The value as written beside the row (e.g. "85.2" or "无评分"). */
  shown: string;
  color?: string;
}

/** One campaign of a trend chart: its short label (a month), the value and its interval; the current one marked. */
export interface TrendPoint {
  label: string;
  value: number | null;
  low?: number | undefined;
  high?: number | undefined;
  current?: boolean;
}

/**
 * The score range to draw: from ten points under the lowest value or interval end (a multiple of ten,
 * at least 0) to 100, so that scores bunched between 70 and 95 are not squeezed into a corner.
 */
export const scoreDomain = (values: readonly (number | null | undefined)[]): [number, number] => {
  const known = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (known.length === 0) return [0, 100];
  const low = Math.max(0, Math.min(100, Math.floor((Math.min(...known) - 5) / 10) * 10));
  return [Math.min(low, 90), 100];
};

const ticksOf = ([lo, hi]: [number, number]): number[] => {
  const step = hi - lo > 50 ? 20 : 10;
  const out: number[] = [];
  for (let v = hi; v >= lo; v -= step) out.unshift(v);
  return out;
};

const round = (v: number) => Math.round(v * 10) / 10;

/** Text cut to a width in half-width units (a Chinese character counts two), with an ellipsis. */
export const fitLabel = (text: string, units: number): string => {
  let width = 0;
  let out = '';
  for (const ch of text) {
    const w = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
      ? 2
      : 1;
    if (width + w > units) return `${out}…`;
    width += w;
    out += ch;
  }
  return out;
};

const open = (t: ChartText, height: number) =>
  `<svg class="chart" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-labelledby="${escapeHtml(t.id)}-t ${escapeHtml(t.id)}-d" xmlns="http://www.w3.org/2000/svg"><title id="${escapeHtml(t.id)}-t">${escapeHtml(t.title)}</title><desc id="${escapeHtml(t.id)}-d">${escapeHtml(t.desc)}</desc>`;

/**
 * Rows of values with their intervals, side by side on one scale: each row's label and value above, a
 * dot at the value and a line over its interval below; the scale's ticks at the foot. `empty` is what
 * the chart says when there is no row.
 */
export const renderIntervalChart = (
  t: ChartText,
  rows: readonly IntervalRow[],
  empty: string,
  /** The scale, when charts side by side share one; else from the rows. */
  scale?: [number, number],
): string => {
  if (rows.length === 0)
    return `${open(t, 40)}<text x="${CHART_WIDTH / 2}" y="24" font-size="14" text-anchor="middle" fill="${MUTED}">${escapeHtml(empty)}</text></svg>`;
  const domain = scale ?? scoreDomain(rows.flatMap((r) => [r.value, r.low, r.high]));
  const { left, right } = INTERVAL_PLOT;
  const x = (v: number) =>
    round(left + ((right - left) * (Math.min(100, Math.max(domain[0], v)) - domain[0])) / (domain[1] - domain[0]));
  const height = rows.length * INTERVAL_ROW + 28;
  const axis = height - 24;
  const ticks = ticksOf(domain)
    .map(
      (v) =>
        `<line x1="${x(v)}" y1="4" x2="${x(v)}" y2="${axis}" stroke="${GRID}"/><text x="${x(v)}" y="${axis + 17}" font-size="12" text-anchor="middle" fill="${MUTED}">${v}</text>`,
    )
    .join('');
  const marks = rows
    .map((row, i) => {
      const top = i * INTERVAL_ROW;
      const line = top + 32;
      const color = row.color ?? MARK;
      const text = `<text x="${left}" y="${top + 17}" font-size="14" fill="${TEXT}">${escapeHtml(fitLabel(row.label, 36))}</text><text x="${right}" y="${top + 17}" font-size="14" font-weight="600" text-anchor="end" fill="${TEXT}">${escapeHtml(row.shown)}</text>`;
      if (row.value === null) return text;
      const interval =
        row.low !== undefined && row.high !== undefined
          ? `<line x1="${x(row.low)}" y1="${line}" x2="${x(row.high)}" y2="${line}" stroke="${color}" stroke-width="4" stroke-linecap="round" opacity="0.4"/>`
          : '';
      return `${text}${interval}<circle cx="${x(row.value)}" cy="${line}" r="6" fill="${color}"/>`;
    })
    .join('');
  return `${open(t, height)}${ticks}${marks}</svg>`;
};

/**
 * A center's score over the campaigns of its series: a dot per campaign at its score with its interval
 * as a whisker, consecutive scored campaigns joined by a line, the current campaign ringed. A campaign
 * without a score leaves a gap.
 */
export const renderTrendChart = (t: ChartText, points: readonly TrendPoint[], empty: string): string => {
  if (!points.some((p) => p.value !== null))
    return `${open(t, 40)}<text x="${CHART_WIDTH / 2}" y="24" font-size="14" text-anchor="middle" fill="${MUTED}">${escapeHtml(empty)}</text></svg>`;
  const domain = scoreDomain(points.flatMap((p) => [p.value, p.low, p.high]));
  const { left, right, top, bottom } = TREND_PLOT;
  // Points keep clear of the axis labels: the first and last sit a little inside the plot.
  const inset = 18;
  const step = points.length > 1 ? (right - left - 2 * inset) / (points.length - 1) : 0;
  const x = (i: number) => round(points.length > 1 ? left + inset + i * step : (left + right) / 2);
  const y = (v: number) =>
    round(bottom - ((bottom - top) * (Math.min(100, Math.max(domain[0], v)) - domain[0])) / (domain[1] - domain[0]));
  const grid = ticksOf(domain)
    .map(
      (v) =>
        `<line x1="${left}" y1="${y(v)}" x2="${right}" y2="${y(v)}" stroke="${GRID}"/><text x="${left - 6}" y="${y(v) + 4}" font-size="12" text-anchor="end" fill="${MUTED}">${v}</text>`,
    )
    .join('');
  // Month labels: all of them while they fit, else every k-th counted back from the last.
  const every = Math.max(1, Math.ceil(points.length / 6));
  const labels = points
    .map((p, i) =>
      (points.length - 1 - i) % every === 0
        ? `<text x="${x(i)}" y="${bottom + 20}" font-size="12" text-anchor="middle" fill="${MUTED}">${escapeHtml(p.label)}</text>`
        : '',
    )
    .join('');
  const segments: string[] = [];
  let run: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (run.length > 1) segments.push(run.join(' '));
      run = [];
    } else run.push(`${x(i)},${y(p.value)}`);
  });
  if (run.length > 1) segments.push(run.join(' '));
  const lines = segments
    .map((s) => `<polyline points="${s}" fill="none" stroke="${MARK}" stroke-width="2" opacity="0.7"/>`)
    .join('');
  const dots = points
    .map((p, i) => {
      if (p.value === null) return '';
      const whisker =
        p.low !== undefined && p.high !== undefined
          ? `<line x1="${x(i)}" y1="${y(p.low)}" x2="${x(i)}" y2="${y(p.high)}" stroke="${MARK}" stroke-width="3" stroke-linecap="round" opacity="0.35"/>`
          : '';
      const value =
        points.length <= 8
          ? `<text x="${x(i)}" y="${y(p.value) - 10}" font-size="12" text-anchor="middle" fill="${TEXT}">${p.value.toFixed(1)}</text>`
          : '';
      const ring = p.current
        ? `<circle cx="${x(i)}" cy="${y(p.value)}" r="8" fill="none" stroke="${MARK}" stroke-width="2"/>`
        : '';
      return `${whisker}<circle cx="${x(i)}" cy="${y(p.value)}" r="5" fill="${MARK}"/>${ring}${value}`;
    })
    .join('');
  return `${open(t, TREND_HEIGHT)}${grid}${labels}${lines}${dots}</svg>`;
};
