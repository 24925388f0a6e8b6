import { finishPhase, type Phase } from '../../app/campaign-control.ts';
import { requireMay } from '../../core/access/console-access.ts';
import { answerMessagePage, type CampaignHandler, langQuery } from './context.ts';
import { disputesStillOpen, NOT_IN_PHASE, TITLES } from './messages.ts';
import { campaignPorts } from './ports.ts';
import { respond } from './site.ts';

/**
 * POST /console/campaigns/{campaignId}/finish-review and /finish-fact-check: ends review (who may close)
 * or fact-check (who may rule, once no dispute awaits a ruling) early; recorded, the waiting workflow
 * woken, audited.
 */
export const finishPhaseEarly =
  (phase: Phase): CampaignHandler =>
  async (request, { user, now }, campaign) => {
    requireMay(user, phase === 'review' ? 'close' : 'rule');
    const outcome = await finishPhase(campaignPorts, { campaignId: campaign.id, phase, actor: user, at: now() });
    if (outcome.kind === 'disputes-open')
      return answerMessagePage(request, 409, TITLES.notEnded, disputesStillOpen(outcome.open));
    if (outcome.kind === 'not-in-phase') return answerMessagePage(request, 409, TITLES.notChanged, NOT_IN_PHASE[phase]);
    return respond.redirect(`${campaign.base}${langQuery(request)}&done=finish-${phase}`);
  };
