import { ConcurrentUpdate } from '../core/errors.ts';
import { applyRecheck, FindingsCollector, type RecheckResult } from '../core/findings/rectification.ts';
import type { Tables } from './table/tables.ts';

/** What getting a campaign ready for publication did. */
export interface PublicationPrepared {
  responses: number;
  itemsFound: number;
  itemsCreated: number;
  rechecked: number;
  confirmed: number;
  reopened: number;
}

const applyOne = async (
  store: Tables,
  series: string,
  campaign: Parameters<typeof applyRecheck>[2],
  result: RecheckResult,
  at: string,
): Promise<'confirmed' | 'reopened' | 'unchanged'> => {
  for (let attempt = 0; attempt < 3; attempt++) {
    const item = await store.rectification.getRectificationItem(series, result.centerId, result.itemId);
    if (!item) return 'unchanged';
    const next = applyRecheck(item, result.tally, campaign, at);
    if (next === item) return 'unchanged';
    try {
      await store.rectification.saveRectificationItem(next, item.revision);
      return next.state === 'confirmed' ? 'confirmed' : 'reopened';
    } catch (error) {
      // The official reported it fixed at that moment: read again and decide on the new state.
      if (!(error instanceof ConcurrentUpdate)) throw error;
    }
  }
  throw new ConcurrentUpdate(`rectification item ${result.itemId} keeps changing; try again`);
};

/**
 * Reads every latest response once, after scoring and before the summaries go out, and records
 * what rectification needs: an item per problem found (due in the campaign's working days), the
 * outcome of this campaign's re-checks of earlier items, and each center's anonymized comments.
 * Safe to repeat: items are created once, a campaign's re-check applies once, and the comments are
 * overwritten with the same.
 */
export const preparePublication = async (
  store: Tables,
  campaignId: string,
  now: Date,
): Promise<PublicationPrepared> => {
  const [meta, questionnaire, findingKey] = await Promise.all([
    store.campaigns.getMeta(campaignId),
    store.rosters.getQuestionnaire(campaignId),
    store.campaigns.getFindingKey(campaignId),
  ]);
  const campaign = meta.campaign;
  const at = now.toISOString();
  const withdrawn = new Set(
    (await store.factCheck.listDisputes(campaignId)).filter((d) => d.state === 'withdrawn').map((d) => d.itemId),
  );
  // The ids fact-check showed: withdrawn findings are matched by them.
  const findings = new FindingsCollector(campaign, questionnaire, at, withdrawn, findingKey);
  let responses = 0;
  for await (const page of store.responses.streamCountedResponses(campaignId)) {
    for (const response of page) findings.add(response);
    responses += page.length;
  }
  const found = findings.finish();
  const itemsCreated = await store.rectification.putRectificationItems(found.items);
  let confirmed = 0;
  let reopened = 0;
  for (const result of found.rechecks) {
    const outcome = await applyOne(store, campaign.series, campaign, result, at);
    if (outcome === 'confirmed') confirmed++;
    if (outcome === 'reopened') reopened++;
  }
  await store.findings.putFindings(campaignId, found.findings);
  return {
    responses,
    itemsFound: found.items.length,
    itemsCreated,
    rechecked: found.rechecks.length,
    confirmed,
    reopened,
  };
};
