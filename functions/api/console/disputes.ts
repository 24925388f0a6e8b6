import { store } from '../../adapters/table.ts';
import { ruleOnDispute } from '../../app/disputes.ts';
import { may, requireMay } from '../../core/access/console-access.ts';
import { RulingInput } from '../../core/findings/fact-check.ts';
import { renderDisputesPage } from '../../core/render/console/disputes-page.ts';
import { answerMessage, answerMessagePage, type CampaignHandler, consolePage, langQuery } from './context.ts';
import { DONE, invalidInput, TITLES } from './messages.ts';
import { campaignPorts } from './ports.ts';
import { inScope } from './scope.ts';
import { readForm, respond } from './site.ts';

/** GET /console/campaigns/{campaignId}/disputes: the officials' disputes of the user's centers, with the findings they dispute. */
export const showDisputes: CampaignHandler = async (request, { user }, { id, meta }) => {
  const centers = await store.rosters.getCenters(id);
  const [disputes, items] = await Promise.all([
    store.factCheck.listDisputes(id),
    store.factCheck.listFactCheckItems(id),
  ]);
  const done = DONE[request.query.done ?? ''];
  return respond.html(
    200,
    renderDisputesPage(consolePage(request, done ? { notice: done } : {}), {
      campaignId: id,
      title: meta.campaign.title,
      status: meta.status,
      ...(meta.factCheckUntil ? { factCheckUntil: meta.factCheckUntil } : {}),
      disputes: disputes.filter((d) => inScope(user, centers.get(d.centerId))),
      items: new Map(items.map((i) => [i.id, i])),
      centers,
      canRule: may(user, 'rule'),
    }),
  );
};

/**
 * POST /console/campaigns/{campaignId}/disputes/{itemId}: uphold or withdraw a disputed finding
 * (app/disputes.ts), once; back to the disputes saying so.
 */
export const ruleDispute: CampaignHandler = async (request, { user, now }, { meta, base }) => {
  requireMay(user, 'rule');
  const fields = readForm(request);
  const input = RulingInput.safeParse(typeof fields === 'string' ? {} : fields);
  if (!input.success) return answerMessagePage(request, 400, TITLES.notSaved, invalidInput(input.error.issues));
  const itemId = request.params.itemId ?? '';
  const ruling = await ruleOnDispute(campaignPorts, { meta, itemId, input: input.data, actor: user, at: now() });
  if (ruling.kind === 'not-disputed') return answerMessage(request, 404, 'disputeNotFound');
  return respond.redirect(`${base}/disputes${langQuery(request)}&done=${ruling.kind}`);
};
