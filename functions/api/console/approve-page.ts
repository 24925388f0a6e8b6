import * as z from 'zod';
import { store } from '../../adapters/table.ts';
import { reviewResponse } from '../../app/review.ts';
import { requireMay } from '../../core/access/console-access.ts';
import { ConcurrentUpdate, StaleResponseVersion } from '../../core/errors.ts';
import { QUEUE_PAGE_SIZE } from '../../core/findings/review-queue.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { Id } from '../../core/model.ts';
import { answerFormRefused, answerMessagePage, type CampaignHandler } from './context.ts';
import { FORM_HINTS, reviewOverReason, TITLES } from './messages.ts';
import { reviewPorts } from './ports.ts';
import { backSearch, readBack } from './review-queue.ts';
import { readForm, respond } from './site.ts';

/** The page's unflagged pending responses as the form lists them: `<assignment>:<supervisor>:<version>`, space-separated. */
const PageItems = lazySchema(() =>
  z
    .string()
    .trim()
    .min(1)
    .transform((s) => s.split(/\s+/))
    .pipe(
      z
        .array(
          z
            .string()
            .transform((one) => one.split(':'))
            .pipe(
              z.tuple([
                Id,
                Id,
                z
                  .string()
                  .regex(/^\d{1,6}$/)
                  .transform(Number),
              ]),
            ),
        )
        .max(QUEUE_PAGE_SIZE),
    ),
);

/** What approving one listed response came to. */
type Approval = 'approved' | 'unchanged' | 'skipped' | 'review-over';

/**
 * POST /console/campaigns/{campaignId}/review/approve-page: approves the unflagged pending responses
 * of the page the reviewer saw, each as the single approval does (app/review.ts: a conditional write,
 * audited once, nothing twice), and only those the queue still lists as pending, unflagged and at the
 * version shown: a response flagged, decided or edited since is left for review one by one. Back to
 * the same view of the queue saying how many were approved.
 */
export const approvePage: CampaignHandler = async (request, { user, now }, { id, meta, base }) => {
  // Who may not review is refused before anything is read; each response's district is checked again below.
  requireMay(user, 'review', user.role === 'coordinator' ? { district: user.district } : {});
  const fields = readForm(request);
  if (typeof fields === 'string') return answerFormRefused(request, fields, TITLES.notSaved, FORM_HINTS.review);
  const back = readBack(fields.back);
  const listed = PageItems.safeParse(fields.items);
  if (!listed.success)
    return answerMessagePage(request, 400, TITLES.notSaved, {
      zh: '没有可一次通过的答卷：请在审核页面上使用“通过本页”按钮。',
      en: 'No responses to approve at once: use the page’s “Approve” button on the review queue.',
    });
  const approveOne = async ([assignmentId, supervisorId, version]: [string, string, number]): Promise<Approval> => {
    const response = await store.responses.getResponse(id, supervisorId, assignmentId);
    if (!response || response.version !== version) return 'skipped';
    const [entry, center] = await Promise.all([
      store.reviewQueue.getEntry(id, response.centerId, assignmentId),
      store.rosters.getCenter(id, response.centerId),
    ]);
    // The server's own view decides, never the form's: flagged or decided responses are not approved here.
    if (entry?.status !== 'pending' || entry.flags.length > 0 || entry.version !== version) return 'skipped';
    requireMay(user, 'review', { district: center?.district });
    try {
      const outcome = await reviewResponse(reviewPorts, {
        meta,
        response,
        input: { decision: 'approve', comment: '', version },
        centers: new Map(center ? [[center.id, center]] : []),
        actor: user,
        at: now(),
      });
      if (outcome.kind === 'review-over') return 'review-over';
      return outcome.unchanged ? 'unchanged' : 'approved';
    } catch (error) {
      if (error instanceof StaleResponseVersion || error instanceof ConcurrentUpdate) return 'skipped';
      throw error;
    }
  };
  const outcomes: Approval[] = [];
  // Ten side by side: each approval is its own conditional write and audit entry; a page is at most 50.
  for (let i = 0; i < listed.data.length; i += 10)
    outcomes.push(...(await Promise.all(listed.data.slice(i, i + 10).map(approveOne))));
  if (outcomes.includes('review-over'))
    return answerMessagePage(request, 409, TITLES.reviewOver, reviewOverReason(meta.status));
  const approved = outcomes.filter((o) => o === 'approved').length;
  const skipped = outcomes.filter((o) => o === 'skipped').length;
  return respond.redirect(
    `${base}/review${backSearch(request.lang, back)}&done=bulk&approved=${approved}&skipped=${skipped}`,
  );
};
