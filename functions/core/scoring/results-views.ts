/**
 * The results page's views, made once at scoring: for the city and for each district, the leaders'
 * overview (levels, districts, best and worst, the table's row counts), and every view of the
 * per-center table (by level and district) cut into its pages. A view of the page is then two reads
 * by key, however many centers the campaign has.
 */
import * as z from 'zod';
import { Center, CenterLevel } from '../model.ts';
import {
  bestAndWorst,
  compareTableRows,
  districtSummaries,
  levelSummaries,
  RESULTS_PAGE_SIZE,
  type TableFilter,
} from './overview.ts';
import { CenterScore } from './records.ts';

/** What the results page shows of a center and its score. */
export const ResultsRow = z.object({
  center: Center.pick({ id: true, name: true, level: true, district: true }),
  score: CenterScore.pick({
    centerId: true,
    score: true,
    rank: true,
    grade: true,
    ci90: true,
    raters: true,
    flags: true,
  }),
});
export type ResultsRow = z.infer<typeof ResultsRow>;

const GroupSummaryRecord = z.object({
  centers: z.number().int().nonnegative(),
  scored: z.number().int().nonnegative(),
  mean: z.number().nullable(),
  ci90: z.object({ low: z.number(), high: z.number() }).nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});

/** The overview of one scope (the city, or a district): what the page shows above the table. */
export const ResultsOverview = z.object({
  /** Centers in the scope. */
  rows: z.number().int().nonnegative(),
  levels: z.array(z.object({ level: CenterLevel, summary: GroupSummaryRecord })),
  districts: z.array(z.object({ district: z.string(), summary: GroupSummaryRecord })),
  best: z.array(ResultsRow),
  worst: z.array(ResultsRow),
  /** The scope's districts, by name, for the table's filter. */
  districtNames: z.array(z.string()),
  /** Rows of each view of the table the scope may show, by {@link tableViewKey}. */
  views: z.record(z.string(), z.number().int().nonnegative()),
});
export type ResultsOverview = z.infer<typeof ResultsOverview>;

/** One page of a view of the per-center table. */
export interface TablePage<R> {
  rows: R[];
  page: number;
  pages: number;
  total: number;
}

/** The key of a view of the table: its level and district, `*` for any. */
export const tableViewKey = (filter: Pick<TableFilter, 'level' | 'district'>): string =>
  `${filter.level ?? '*'}|${filter.district ?? '*'}`;

/** The page a filter asks for, within the pages its view has. */
export const pageWithin = (page: number, total: number, size = RESULTS_PAGE_SIZE): { page: number; pages: number } => {
  const pages = Math.max(1, Math.ceil(total / size));
  return { page: Math.min(Math.max(1, Math.floor(page)), pages), pages };
};

/** The overview of a scope's rows, with the row counts of the views of the table it may show. */
export const overviewOf = (
  rows: readonly ResultsRow[],
  views: ReadonlyMap<string, number> = new Map(),
): ResultsOverview => {
  const { best, worst } = bestAndWorst(rows);
  return {
    rows: rows.length,
    levels: levelSummaries(rows),
    districts: districtSummaries(rows),
    best,
    worst,
    districtNames: [...new Set(rows.map((r) => r.center.district))].sort(),
    views: Object.fromEntries(views),
  };
};

/** Every view of the table, made once: the rows of each level and district (and of both), in the table's order. */
const tableViews = (
  rows: readonly ResultsRow[],
): Map<string, { level?: CenterLevel; district?: string; rows: ResultsRow[] }> => {
  const sorted = [...rows].sort(compareTableRows);
  const views = new Map<string, { level?: CenterLevel; district?: string; rows: ResultsRow[] }>();
  const add = (level: CenterLevel | undefined, district: string | undefined, row: ResultsRow) => {
    const key = tableViewKey({ level, district });
    const view = views.get(key) ?? { ...(level ? { level } : {}), ...(district ? { district } : {}), rows: [] };
    view.rows.push(row);
    views.set(key, view);
  };
  for (const row of sorted) {
    add(undefined, undefined, row);
    add(row.center.level, undefined, row);
    add(undefined, row.center.district, row);
    add(row.center.level, row.center.district, row);
  }
  return views;
};

/** What scoring writes for the results page: each scope's overview and every page of every view. */
export interface ResultsViews {
  /** `district` absent: the city's. */
  overviews: { district?: string; overview: ResultsOverview }[];
  pages: { level?: CenterLevel; district?: string; page: number; rows: ResultsRow[] }[];
}

/** The results page's views of a campaign's rows (each center with its score). */
export const buildResultsViews = (rows: readonly ResultsRow[], size = RESULTS_PAGE_SIZE): ResultsViews => {
  const views = tableViews(rows);
  const counts = (district?: string) =>
    new Map(
      [...views]
        .filter(([, v]) => district === undefined || v.district === district)
        .map(([key, v]) => [key, v.rows.length] as const),
    );
  const districts = [...new Set(rows.map((r) => r.center.district))].sort();
  const overviews = [
    { overview: overviewOf(rows, counts()) },
    ...districts.map((district) => ({
      district,
      overview: overviewOf(
        rows.filter((r) => r.center.district === district),
        counts(district),
      ),
    })),
  ];
  const pages: ResultsViews['pages'] = [];
  for (const view of views.values())
    for (let i = 0; i * size < view.rows.length; i++)
      pages.push({
        ...(view.level ? { level: view.level } : {}),
        ...(view.district ? { district: view.district } : {}),
        page: i + 1,
        rows: view.rows.slice(i * size, (i + 1) * size),
      });
  return { overviews, pages };
};

/** A center's row as the results page keeps it, from its full center and score. */
export const resultsRowOf = (center: Center, score: CenterScore): ResultsRow => ({
  center: { id: center.id, name: center.name, level: center.level, district: center.district },
  score: {
    centerId: score.centerId,
    score: score.score,
    rank: score.rank,
    grade: score.grade,
    ...(score.ci90 !== undefined ? { ci90: score.ci90 } : {}),
    raters: score.raters,
    ...(score.flags ? { flags: score.flags } : {}),
  },
});
