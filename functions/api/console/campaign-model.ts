import { store } from '../../adapters/table.ts';
import { type ConsoleUser, may } from '../../core/access/console-access.ts';
import { estimateCost, pricingRegion } from '../../core/campaign/aws-cost.ts';
import type { CampaignMeta } from '../../core/campaign/lifecycle.ts';
import { chinaDate } from '../../core/campaign/working-days.ts';
import { countByStatus, type RectificationItem } from '../../core/findings/rectification.ts';
import { CENTER_LEVELS, type Center, type CenterLevel } from '../../core/model.ts';
import type {
  CampaignPageModel,
  NonResponder,
  ProgressGroup,
  RectificationCounts,
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
 * The campaign page of the user's scope: progress by district and level, who has yet to answer, the
 * review counts, the rectification of the problems found and, for the city's users, what the campaign costs.
 */
export const buildCampaignModel = async (meta: CampaignMeta, user: ConsoleUser): Promise<CampaignPageModel> => {
  const campaignId = meta.campaign.id;
  const centers = await store.rosters.getCenters(campaignId);
  const { districts, levels, late, answered, total } = await countProgress(campaignId, user, centers);
  const nonResponders = await listNonResponders(campaignId, late);
  const [review, items] = await Promise.all([
    store.reviewQueue.countQueue(campaignId, districtOf(user).district),
    // This campaign's findings, as rectification items of its series.
    store.rectification.listRectificationItems(meta.campaign.series),
  ]);
  const rectification = countRectification(
    items.filter((i) => i.campaignId === campaignId),
    user,
    centers,
    chinaDate(new Date().toISOString()),
  );
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
    review,
    rectification,
    signOff: signOffModelOf(meta, may(user, 'publish')),
    ...(usage ? { cost: estimateCost(usage, COST_REGION, { assignments: meta.total }) } : {}),
  };
};
