import { getLinkSecret } from '../../adapters/link-secret.ts';
import { logger } from '../../adapters/logger.ts';
import { mailer, surveyBaseUrl } from '../../adapters/mail/outbox.ts';
import { store } from '../../adapters/table.ts';
import { wakeCollect } from '../../adapters/workflow.ts';
import type { ControlPorts, FinishPorts, SignOffPorts } from '../../app/campaign-control.ts';
import type { RulingPorts } from '../../app/disputes.ts';
import type { ReviewPorts } from '../../app/review.ts';

/** The real adapters of the console's use cases: the campaign, its disputes, the audit log, the waiting workflow task. */
export const campaignPorts = {
  campaigns: store.campaigns,
  factCheck: store.factCheck,
  audit: store.audit,
  wake: wakeCollect,
} satisfies ControlPorts & FinishPorts & SignOffPorts & RulingPorts;

/** The real adapters of a review decision: besides the reviews and the audit log, what a returned response's email needs. */
export const reviewPorts: ReviewPorts = {
  reviews: store.reviews,
  queue: store.reviewQueue,
  audit: store.audit,
  rosters: store.rosters,
  mail: store.mail,
  suppressions: store.suppressions,
  mailer,
  linkSecret: getLinkSecret,
  surveyBaseUrl,
  logError: (message: string, detail: Record<string, unknown>) => logger.error(message, detail),
};
