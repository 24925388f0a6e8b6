import type { AssignmentTable } from '../adapters/table/assignments.ts';
import type { RectificationTable } from '../adapters/table/rectification.ts';
import type { RosterTable } from '../adapters/table/rosters.ts';
import type { ScoreTable } from '../adapters/table/scores.ts';
import type { CampaignMeta } from '../core/campaign/lifecycle.ts';
import { chinaDate } from '../core/campaign/working-days.ts';
import type { RectificationItem } from '../core/findings/rectification.ts';
import type { Center } from '../core/model.ts';
import type { CenterScore } from '../core/scoring/records.ts';
import {
  changeSince,
  type ReportRow,
  rankSupervisors,
  reportRows,
  type SupervisorStanding,
  supervisorActivities,
} from '../core/scoring/report.ts';

/** What reading a campaign's results needs: its scores, centers, supervisors, assignments and the series' items. */
export interface CityResultsPorts {
  scores: Pick<ScoreTable, 'listScores' | 'listRaterSeverities'>;
  rosters: Pick<RosterTable, 'getCenters' | 'getSupervisors'>;
  assignments: Pick<AssignmentTable, 'streamAssignments'>;
  rectification: Pick<RectificationTable, 'listRectificationItems'>;
}

/** A scored campaign's results as the city summary, the console and the CLI show them. */
export interface CityResults {
  rows: ReportRow[];
  scores: CenterScore[];
  items: RectificationItem[];
  centers: ReadonlyMap<string, Center>;
  standings: SupervisorStanding[];
  /** The day in China the results are as of (for overdue rectification items). */
  today: string;
}

/** A center's score as the results page shows it: the center, its score and its change. */
export type ScoreRow = Pick<ReportRow, 'center' | 'score' | 'change'>;

/**
 * Reads what the results page shows and nothing else: each center with its score and change, from one
 * Query of the scores and one of the centers (no assignments, supervisors or rectification items, which
 * at a province's scale would cost more than the page).
 */
export const loadScoreRows = async (
  ports: { scores: Pick<ScoreTable, 'listScores'>; rosters: Pick<RosterTable, 'getCenters'> },
  campaignId: string,
): Promise<ScoreRow[]> => {
  const [centers, scores] = await Promise.all([
    ports.rosters.getCenters(campaignId),
    ports.scores.listScores(campaignId),
  ]);
  return scores.flatMap((score) => {
    const center = centers.get(score.centerId);
    return center ? [{ center, score, change: changeSince(score) }] : [];
  });
};

/**
 * Reads a scored campaign's results: every center's row (score, rank, change, rectification), the
 * series' rectification items and the supervisors' standing. One read of each kind of item.
 */
export const loadCityResults = async (
  ports: CityResultsPorts,
  meta: CampaignMeta,
  now: Date,
  centersOf: (campaignId: string) => Promise<ReadonlyMap<string, Center>> = (id) => ports.rosters.getCenters(id),
): Promise<CityResults> => {
  const { campaign } = meta;
  const [centers, scores, raters, items] = await Promise.all([
    centersOf(campaign.id),
    ports.scores.listScores(campaign.id),
    ports.scores.listRaterSeverities(campaign.id),
    ports.rectification.listRectificationItems(campaign.series),
  ]);
  const assignments: { supervisorId: string; answeredAt?: string | undefined }[] = [];
  for await (const a of ports.assignments.streamAssignments(campaign.id)) {
    assignments.push({ supervisorId: a.supervisorId, answeredAt: a.answeredAt });
  }
  const supervisors = await ports.rosters.getSupervisors(campaign.id, [
    ...new Set(assignments.map((a) => a.supervisorId)),
  ]);
  const today = chinaDate(now);
  const firstReminder = [...campaign.schedule.reminders].sort()[0];
  const standings = rankSupervisors(
    supervisorActivities(
      [...supervisors.values()],
      assignments,
      firstReminder ?? meta.deadline,
      items,
      campaign.id,
      raters,
    ),
  );
  const rows = reportRows(
    scores.flatMap((score) => {
      const center = centers.get(score.centerId);
      return center ? [{ center, score, change: changeSince(score) }] : [];
    }),
    items,
    today,
  );
  return { rows, scores, items, centers, standings, today };
};
