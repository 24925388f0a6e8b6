import * as z from 'zod';
import { controlCampaign } from '../../app/campaign-control.ts';
import { requireMay } from '../../core/access/console-access.ts';
import { CampaignStateConflict } from '../../core/errors.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { renderCampaignPage } from '../../core/render/console/campaign-page.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { buildCampaignModel } from './campaign-model.ts';
import {
  answerMessagePage,
  type CampaignContext,
  type CampaignHandler,
  consolePage,
  langQuery,
  type Session,
} from './context.ts';
import { CONTROL_REFUSALS, DEADLINE_ISSUES, deadlineProblem, MESSAGES, NOT_EXTENDED, TITLES } from './messages.ts';
import { campaignPorts } from './ports.ts';
import { readForm, respond } from './site.ts';

/** Whether `YYYY-MM-DDTHH:MM` names a real calendar day and time (no month 13, no 24:00 or 99:99). */
const isRealLocalTime = (local: string): boolean => {
  const [y, mo, d, h, mi] = local.split(/[-T:]/).map(Number) as [number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi));
  return (
    at.getUTCFullYear() === y &&
    at.getUTCMonth() === mo - 1 &&
    at.getUTCDate() === d &&
    at.getUTCHours() === h &&
    at.getUTCMinutes() === mi
  );
};

/** A Beijing wall-clock time from the page's `datetime-local` field, as an instant. */
export const BeijingLocal = lazySchema(() =>
  z
    .string({ message: DEADLINE_ISSUES.missing })
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, DEADLINE_ISSUES.missing)
    .refine(isRealLocalTime, DEADLINE_ISSUES.impossible)
    .transform((local) => new Date(Date.parse(`${local}:00+08:00`)).toISOString()),
);

/**
 * The new deadline of an extend, as an instant; or the campaign's page again (400) with what is wrong
 * said beside the deadline field, with what was typed.
 */
const readDeadline = async (
  request: HttpRequest,
  session: Session,
  campaign: CampaignContext,
): Promise<string | HttpResult> => {
  const fields = readForm(request);
  const typed = typeof fields === 'string' ? undefined : fields.deadline;
  const parsed = BeijingLocal.safeParse(typed);
  if (parsed.success) return parsed.data;
  const why = deadlineProblem(parsed.error.issues[0]?.message ?? DEADLINE_ISSUES.missing);
  const model = await buildCampaignModel(campaign.meta, session.user);
  return respond.html(
    400,
    renderCampaignPage(consolePage(request, { error: NOT_EXTENDED }), {
      ...model,
      deadlineError: { value: (typed ?? '').slice(0, 32), message: why },
    }),
  );
};

/** Whether a close was confirmed: the form's box ticked. */
const isCloseConfirmed = (request: HttpRequest): boolean => {
  const fields = readForm(request);
  return typeof fields !== 'string' && fields.confirm === 'yes';
};

/**
 * POST /console/campaigns/{campaignId}/extend, /close, /remind: checked by the shared rules, written,
 * audited and the workflow woken (app/campaign-control.ts); back to the campaign's page saying so.
 */
export const controlCampaignBy =
  (action: 'extend' | 'close' | 'remind'): CampaignHandler =>
  async (request, session, campaign) => {
    const at = session.now();
    requireMay(session.user, action);
    if (action === 'close' && !isCloseConfirmed(request)) {
      // The campaign page again, the message beside the box that was left unticked.
      const model = await buildCampaignModel(campaign.meta, session.user);
      return respond.html(
        400,
        renderCampaignPage(
          { ...consolePage(request, { error: MESSAGES.notClosed[0] }), path: campaign.base },
          {
            ...model,
            closeError: MESSAGES.notClosed[1],
          },
        ),
      );
    }
    let deadline: string | undefined;
    if (action === 'extend') {
      const read = await readDeadline(request, session, campaign);
      if (typeof read !== 'string') return read;
      deadline = read;
    }
    try {
      const outcome = await controlCampaign(campaignPorts, {
        meta: campaign.meta,
        action,
        deadline,
        actor: session.user,
        at,
      });
      if (outcome.kind === 'refused')
        return answerMessagePage(request, 409, TITLES.notChanged, CONTROL_REFUSALS[outcome.refusal.kind]);
    } catch (error) {
      if (error instanceof CampaignStateConflict)
        return answerMessagePage(request, 409, TITLES.notChanged, CONTROL_REFUSALS.closed);
      throw error;
    }
    return respond.redirect(`${campaign.base}${langQuery(request)}&done=${action}`);
  };
