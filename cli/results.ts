import { both, GRADE_LABELS, LEVEL_LABELS } from '../functions/core/i18n.ts';
import { CENTER_LEVELS, type Center, type CenterScore } from '../functions/core/model.ts';

/** One row of the league table. */
export interface LeagueRow {
  center: Center;
  score: CenterScore;
}

const width = (s: string) => [...s].reduce((w, c) => w + (/[\u1100-\uffff]/.test(c) ? 2 : 1), 0);
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));

/** Orders rows by level, then rank, then id. */
export const sortLeague = (rows: readonly LeagueRow[]): LeagueRow[] =>
  [...rows].sort(
    (a, b) =>
      CENTER_LEVELS.indexOf(a.center.level) - CENTER_LEVELS.indexOf(b.center.level) ||
      (a.score.rank ?? 1e9) - (b.score.rank ?? 1e9) ||
      a.center.id.localeCompare(b.center.id),
  );

/** Renders the league table of every center (name, level, score, rank) for a terminal. */
export const formatLeagueTable = (rows: readonly LeagueRow[]): string => {
  const lines = sortLeague(rows).map((r) => {
    const rank = r.score.rank ? `${r.score.rank}/${r.score.rankOf}` : '—';
    const score = r.score.score === null ? '   —' : r.score.score.toFixed(1).padStart(5);
    const grade = r.score.grade ? GRADE_LABELS[r.score.grade].zh : '—';
    return `${pad(LEVEL_LABELS[r.center.level].zh, 9)}${rank.padStart(6)}  ${score}  ${pad(grade, 7)} ${r.center.name.zh} (${r.center.name.en})`;
  });
  const header = `${pad('级别', 9)}${'排名'.padStart(4)}  ${'得分'.padStart(3)}  ${pad('等级', 7)} 场所 (center)`;
  return [`${header}\n${'-'.repeat(78)}`, ...lines].join('\n');
};

/** A one-line legend of levels and grades in both languages. */
export const leagueLegend = (): string =>
  `${CENTER_LEVELS.map((l) => both(LEVEL_LABELS[l])).join(' · ')}`;
