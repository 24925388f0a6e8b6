/** Terminal width of text: CJK and full-width characters take two columns. */
export const displayWidth = (s: string): number =>
  [...s].reduce(
    (w, c) =>
      w +
      (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1),
    0,
  );

/** Pads text on the right to a terminal width. */
export const padEnd = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - displayWidth(s)));

/** Pads text on the left to a terminal width. */
export const padStart = (s: string, width: number): string => ' '.repeat(Math.max(0, width - displayWidth(s))) + s;

/** A progress bar: `████████░░░░` for a share between 0 and 1. */
export const progressBar = (done: number, total: number, width = 24): string => {
  const share = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(share * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
};

/** A share as a whole percentage, `—` when there is nothing to count. */
export const percent = (done: number, total: number): string =>
  total > 0 ? `${Math.floor((done / total) * 100)}%` : '—';
