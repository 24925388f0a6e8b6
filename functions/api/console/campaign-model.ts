import { store } from '../../adapters/table.ts';
import { type ConsoleUser, may } from '../../core/access/console-access.ts';
import { estimateCost, pricingRegion } from '../../core/campaign/aws-cost.ts';
import type { CampaignMeta } from '../../core/campaign/lifecycle.ts';
import { chinaDate } from '../../core/campaign/working-days.ts';
import { countByStatus, type RectificationItem } from '../../core/findings/rectification.ts';
import { CENTER_LEVELS, type Center, type CenterLevel } from '../../core/model.ts';
import {
  type CampaignPageModel,
  NON_RESPONDERS_PER_PAGE,
  type NonResponder,
  type ProgressGroup,
  type RectificationCounts,
} from '../../core/render/console/campaign-page.ts';
import { signOffModelOf } from '../../core/render/console/sign-off.ts';
import { districtOf, inScope } from './scope.ts';

/** Lambda always sets AWS_REGION; a region missing from the price table is priced as us-east-1. */
const COST_REGION = pricingRegion(process.env.AWS_REGION);

/** The campaign's rectification items of the user's centers, by shown status and by district. */
const countRectification = (
  items: readonly RectificationItem[],
  user: ConsoleUser,
  centers: ReadonlyMap<string, Center>,
  today: string,
): RectificationCounts => {
  const mine = items.filter((i) => inScope(user, centers.get(i.centerId)));
  const districts = new Map<string, RectificationItem[]>();
  for (const item of mine) {
    const district = centers.get(item.centerId)?.district ?? '';
    districts.set(district, [...(districts.get(district) ?? []), item]);
  }
  return {
    total: mine.length,
    byStatus: countByStatus(mine, today),
    byDistrict: [...districts]
      .map(([label, list]) => ({ label, total: list.length, byStatus: countByStatus(list, today) }))
      .sort((a, b) => a.label.localeCompare(b.label, 'zh-CN')),
  };
};

/** Answers of the user's centers by district and by level, and who has assignments yet to answer. */
const countProgress = async (campaignId: string, user: ConsoleUser, centers: ReadonlyMap<string, Center>) => {
  const districts = new Map<string, ProgressGroup>();
  const levels = new Map<CenterLevel, ProgressGroup & { level: CenterLevel }>();
  const late = new Map<string, { unanswered: number; centers: string[] }>();
  let answered = 0;
  let total = 0;
  for await (const assignment of store.assignments.streamAssignments(campaignId)) {
    const center = centers.get(assignment.centerId);
    if (!center || !inScope(user, center)) continue;
    const done = assignment.answeredAt !== undefined;
    total++;
    if (done) answered++;
    const d = districts.get(center.district) ?? { label: center.district, answered: 0, total: 0 };
    const l = levels.get(center.level) ?? { label: center.level, level: center.level, answered: 0, total: 0 };
    for (const g of [d, l]) {
      g.total++;
      if (done) g.answered++;
    }
    districts.set(center.district, d);
    levels.set(center.level, l);
    if (!done) {
      const entry = late.get(assignment.supervisorId) ?? { unanswered: 0, centers: [] };
      entry.unanswered++;
      entry.centers.push(center.name.zh);
      late.set(assignment.supervisorId, entry);
    }
  }
  return { districts, levels, late, answered, total };
};

/** Supervisors with assignments yet to answer, by name, those with the most first. */
const listNonResponders = async (
  campaignId: string,
  late: ReadonlyMap<string, { unanswered: number; centers: string[] }>,
): Promise<NonResponder[]> => {
  const names = await store.rosters.getSupervisors(campaignId, [...late.keys()]);
  return [...late.entries()]
    .map(([supervisorId, entry]) => ({ supervisorId, name: names.get(supervisorId)?.name ?? supervisorId, ...entry }))
    .sort((a, b) => b.unanswered - a.unanswered || a.supervisorId.localeCompare(b.supervisorId));
};

/**
 * Progress by key: the counts of the user's scope (by district and level, and the supervisors yet to
 * answer), then the unanswered centers of the supervisors shown, each supervisor's assignments one Query.
 * Undefined for a campaign prepared before the counts were kept.
 */
const readProgress = async (campaignId: string, user: ConsoleUser, latePage: number) => {
  const { district } = districtOf(user);
  const counts = await store.assignments.getProgress(campaignId, district);
  if (!counts) return undefined;
  const districts = new Map<string, ProgressGroup>();
  const levels = new Map<CenterLevel, ProgressGroup & { level: CenterLevel }>();
  for (const cell of counts.cells) {
    const d = districts.get(cell.district) ?? { label: cell.district, answered: 0, total: 0 };
    const l = levels.get(cell.level) ?? { label: cell.level, level: cell.level, answered: 0, total: 0 };
    for (const g of [d, l]) {
      g.total += cell.total;
      g.answered += cell.answered;
    }
    districts.set(cell.district, d);
    levels.set(cell.level, l);
  }
  // A page past the last shows the last.
  const page = Math.min(latePage, Math.max(1, Math.ceil(counts.late.length / NON_RESPONDERS_PER_PAGE)));
  const shown = [...counts.late]
    .sort((a, b) => b.total - b.answered - (a.total - a.answered) || a.supervisorId.localeCompare(b.supervisorId))
    .slice((page - 1) * NON_RESPONDERS_PER_PAGE, page * NON_RESPONDERS_PER_PAGE);
  const [names, open] = await Promise.all([
    store.rosters.getSupervisors(
      campaignId,
      shown.map((s) => s.supervisorId),
    ),
    Promise.all(shown.map((s) => store.assignments.listSupervisorAssignments(campaignId, s.supervisorId))),
  ]);
  const unanswered = open.map((list) =>
    list.filter((a) => a.answeredAt === undefined && (district === undefined || a.district === district)),
  );
  const centers = await store.rosters.getCentersByKey(
    campaignId,
    unanswered.flat().map((a) => a.centerId),
  );
  const nonResponders: NonResponder[] = shown.map((s, i) => ({
    supervisorId: s.supervisorId,
    name: names.get(s.supervisorId)?.name ?? s.supervisorId,
    unanswered: s.total - s.answered,
    centers: (unanswered[i] ?? []).map((a) => centers.get(a.centerId)?.name.zh ?? a.centerId),
  }));
  const sum = (key: 'answered' | 'total') => counts.cells.reduce((n, c) => n + c[key], 0);
  return {
    districts,
    levels,
    answered: sum('answered'),
    total: sum('total'),
    nonResponders,
    nonResponderCount: counts.late.length,
    nonResponderFrom: (page - 1) * NON_RESPONDERS_PER_PAGE + 1,
  };
};

/** Progress read from every assignment of the campaign: for a campaign prepared before the counts were kept. */
const streamProgress = async (campaignId: string, user: ConsoleUser, centers: ReadonlyMap<string, Center>) => {
  const { districts, levels, late, answered, total } = await countProgress(campaignId, user, centers);
  const nonResponders = await listNonResponders(campaignId, late);
  return { districts, levels, answered, total, nonResponders, nonResponderCount: nonResponders.length };
};

/**
 * The campaign page of the user's scope: progress by district and level, who has yet to answer, the
 * review counts, the rectification of the problems found and, for the city's users, what the campaign costs.
 */
export const buildCampaignModel = async (
  meta: CampaignMeta,
  user: ConsoleUser,
  latePage = 1,
): Promise<CampaignPageModel> => {
  const campaignId = meta.campaign.id;
  const [review, items, counted] = await Promise.all([
    store.reviewQueue.countQueue(campaignId, districtOf(user).district),
    // This campaign's findings, as rectification items of its series.
    store.rectification.listRectificationItems(meta.campaign.series),
    readProgress(campaignId, user, latePage),
  ]);
  const mine = items.filter((i) => i.campaignId === campaignId);
  // Every center is read only for a campaign without counts; else those of the items, by key.
  const centers = counted
    ? await store.rosters.getCentersByKey(
        campaignId,
        mine.map((i) => i.centerId),
      )
    : await store.rosters.getCenters(campaignId);
  const { districts, levels, answered, total, nonResponders, nonResponderCount, nonResponderFrom } = counted ?? {
    ...(await streamProgress(campaignId, user, centers)),
    nonResponderFrom: 1,
  };
  const rectification = countRectification(mine, user, centers, chinaDate(new Date().toISOString()));
  // Only the embedded cloud counts usage; the cost is the city's, so not shown to a district's coordinator.
  const usage = user.role === 'coordinator' ? undefined : await store.campaigns.getCampaignUsage(campaignId);
  return {
    id: campaignId,
    title: meta.campaign.title,
    status: meta.status,
    deadline: meta.deadline,
    ...(meta.reviewUntil ? { reviewUntil: meta.reviewUntil } : {}),
    ...districtOf(user),
    answered,
    total,
    byDistrict: [...districts.values()].sort((a, b) => a.label.localeCompare(b.label, 'zh-CN')),
    byLevel: CENTER_LEVELS.flatMap((level) => levels.get(level) ?? []),
    nonResponders,
    nonResponderCount,
    nonResponderFrom,
    review,
    rectification,
    signOff: signOffModelOf(meta, may(user, 'publish')),
    ...(usage ? { cost: estimateCost(usage, COST_REGION, { assignments: meta.total }) } : {}),
  };
};
