import { signOffResults } from '../../app/campaign-control.ts';
import { requireMay } from '../../core/access/console-access.ts';
import { formatBeijingTime } from '../../core/i18n.ts';
import { answerMessage, answerMessagePage, type CampaignHandler, langQuery } from './context.ts';
import { NOTHING_TO_PUBLISH, TITLES, text } from './messages.ts';
import { campaignPorts } from './ports.ts';
import { readForm, respond } from './site.ts';

/**
 * POST /console/campaigns/{campaignId}/publish: an organizer signs the draft results off (发布 / Publish);
 * recorded once, audited, and the waiting workflow woken to email the centers' summaries and the city
 * summary. Pressed again, it says who signed off and when.
 */
export const publishResults: CampaignHandler = async (request, { user, now }, campaign) => {
  requireMay(user, 'publish');
  const fields = readForm(request);
  if (typeof fields === 'string' || fields.confirm !== 'yes') return answerMessage(request, 400, 'notPublished');
  const outcome = await signOffResults(campaignPorts, { campaignId: campaign.id, actor: user, at: now() });
  if (outcome.kind === 'already') {
    const at = formatBeijingTime(outcome.signedOffAt);
    return answerMessagePage(
      request,
      409,
      TITLES.notChanged,
      text(
        `${outcome.signedOffBy} 已于 ${at} 签发，评分通报正在或已经发出。`,
        `${outcome.signedOffBy} signed the results off at ${at}; the summaries are going out or went out.`,
      ),
    );
  }
  if (outcome.kind === 'not-awaiting') return answerMessagePage(request, 409, TITLES.notChanged, NOTHING_TO_PUBLISH);
  return respond.redirect(`${campaign.base}${langQuery(request)}&done=publish`);
};
