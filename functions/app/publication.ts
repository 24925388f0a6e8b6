import type { AssignmentRecord, AssignmentTable } from '../adapters/table/assignments.ts';
import type { CampaignTable } from '../adapters/table/campaigns.ts';
import type { FactCheckTable } from '../adapters/table/fact-check.ts';
import type { FindingTable } from '../adapters/table/findings.ts';
import type { RectificationTable } from '../adapters/table/rectification.ts';
import type { ResponseTable } from '../adapters/table/responses.ts';
import type { RosterTable } from '../adapters/table/rosters.ts';
import { ConcurrentUpdate } from '../core/errors.ts';
import { spreadRechecks } from '../core/findings/recheck.ts';
import { applyRecheck, FindingsCollector, itemsToRecheck, type RecheckResult } from '../core/findings/rectification.ts';

/**
 * What a campaign records once scored, before its summaries are composed: every answer marked, an
 * item per problem found, the outcome of re-checks of earlier items, and each center's comments.
 */

/** What finding the unanswered assignments needs: first answers and the assignments to mark. */
export interface OpenAssignmentPorts {
  responses: Pick<ResponseTable, 'streamFirstAnswers'>;
  assignments: Pick<AssignmentTable, 'streamAssignments' | 'markAnswered'>;
}

/** What recording a campaign's findings needs. */
export interface PublicationPorts {
  campaigns: Pick<CampaignTable, 'getMeta' | 'getFindingKey'>;
  rosters: Pick<RosterTable, 'getQuestionnaire'>;
  factCheck: Pick<FactCheckTable, 'listDisputes'>;
  responses: Pick<ResponseTable, 'streamCountedResponses'>;
  rectification: Pick<
    RectificationTable,
    'putRectificationItems' | 'getRectificationItem' | 'saveRectificationItem' | 'listRectificationItems'
  >;
  findings: Pick<FindingTable, 'putFindings'>;
}

/** What getting a campaign ready for publication did. */
export interface PublicationPrepared {
  responses: number;
  itemsFound: number;
  itemsCreated: number;
  rechecked: number;
  confirmed: number;
  reopened: number;
}

/**
 * The campaign's assignments still unanswered. On the way, an answer stored without its answered mark
 * (the stream's counter has not reached it yet, or failed on it until the stream no longer kept it) is
 * marked with the time of its first version and counted, once (the mark guards the count): nobody is
 * reminded of it, and the standings count it.
 */
export const listOpenAssignments = async (
  ports: OpenAssignmentPorts,
  campaignId: string,
): Promise<AssignmentRecord[]> => {
  const firstAnswers = new Map<string, string>();
  for await (const { assignmentId, at } of ports.responses.streamFirstAnswers(campaignId))
    firstAnswers.set(assignmentId, at);
  const open: AssignmentRecord[] = [];
  for await (const a of ports.assignments.streamAssignments(campaignId)) {
    if (a.answeredAt) continue;
    const answeredAt = firstAnswers.get(a.id);
    if (answeredAt === undefined) open.push(a);
    else await ports.assignments.markAnswered(a, answeredAt);
  }
  return open;
};

const applyOne = async (
  rectification: PublicationPorts['rectification'],
  series: string,
  campaign: Parameters<typeof applyRecheck>[2],
  result: RecheckResult,
  at: string,
): Promise<'confirmed' | 'reopened' | 'unchanged'> => {
  for (let attempt = 0; attempt < 3; attempt++) {
    const item = await rectification.getRectificationItem(series, result.centerId, result.itemId);
    if (!item) return 'unchanged';
    const next = applyRecheck(item, result.tally, campaign, at);
    if (next === item) return 'unchanged';
    try {
      await rectification.saveRectificationItem(next, item.revision);
      return next.state === 'confirmed' ? 'confirmed' : 'reopened';
    } catch (error) {
      // The official reported it fixed at that moment: read again and decide on the new state.
      if (!(error instanceof ConcurrentUpdate)) throw error;
    }
  }
  throw new ConcurrentUpdate(`rectification item ${result.itemId} keeps changing; try again`);
};

/**
 * A re-check question stands for every item of the same problem at its center: the answers count for
 * each of them. One Query of each re-checked center's items.
 */
const spreadOverGroups = async (
  rectification: PublicationPorts['rectification'],
  campaign: { id: string; series: string },
  results: readonly RecheckResult[],
): Promise<RecheckResult[]> => {
  const centers = [...new Set(results.map((r) => r.centerId))];
  const items = await Promise.all(centers.map((c) => rectification.listRectificationItems(campaign.series, c)));
  return spreadRechecks(results, itemsToRecheck(items.flat(), campaign.id, new Set(centers)));
};

/**
 * Reads every latest response once, after scoring and before the summaries go out, and records
 * what rectification needs: an item per problem found (due in the campaign's working days), the
 * outcome of this campaign's re-checks of earlier items, and each center's anonymized comments.
 * Safe to repeat: items are created once, a campaign's re-check applies once, and the comments are
 * overwritten with the same.
 */
export const preparePublication = async (
  ports: PublicationPorts,
  campaignId: string,
  now: Date,
): Promise<PublicationPrepared> => {
  const [meta, questionnaire, findingKey] = await Promise.all([
    ports.campaigns.getMeta(campaignId),
    ports.rosters.getQuestionnaire(campaignId),
    ports.campaigns.getFindingKey(campaignId),
  ]);
  const campaign = meta.campaign;
  const at = now.toISOString();
  const withdrawn = new Set(
    (await ports.factCheck.listDisputes(campaignId)).filter((d) => d.state === 'withdrawn').map((d) => d.itemId),
  );
  // The ids fact-check showed: withdrawn findings are matched by them.
  const findings = new FindingsCollector(campaign, questionnaire, at, withdrawn, findingKey);
  let responses = 0;
  for await (const page of ports.responses.streamCountedResponses(campaignId)) {
    for (const response of page) findings.add(response);
    responses += page.length;
  }
  const found = findings.finish();
  const itemsCreated = await ports.rectification.putRectificationItems(found.items);
  const rechecks = await spreadOverGroups(ports.rectification, campaign, found.rechecks);
  let confirmed = 0;
  let reopened = 0;
  for (const result of rechecks) {
    const outcome = await applyOne(ports.rectification, campaign.series, campaign, result, at);
    if (outcome === 'confirmed') confirmed++;
    if (outcome === 'reopened') reopened++;
  }
  await ports.findings.putFindings(campaignId, found.findings);
  return {
    responses,
    itemsFound: found.items.length,
    itemsCreated,
    rechecked: rechecks.length,
    confirmed,
    reopened,
  };
};

/**
 * Gets a scored campaign ready for its summaries: every answer marked before the standings are
 * drawn, then its findings recorded before any summary is composed.
 */
export const prepareSummaries = async (
  ports: OpenAssignmentPorts & PublicationPorts,
  campaignId: string,
  now: Date,
): Promise<PublicationPrepared> => {
  await listOpenAssignments(ports, campaignId);
  return preparePublication(ports, campaignId, now);
};
