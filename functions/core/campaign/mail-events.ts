import * as z from 'zod';

/** Why an address no longer receives mail. */
export type SuppressionReason = 'bounce' | 'complaint';

/** One address to suppress. */
export interface Suppression {
  email: string;
  reason: SuppressionReason;
  detail: string;
  at: string;
}

const Recipient = z.object({ emailAddress: z.string() });
/** An SES event record as published to SNS (event publishing uses `eventType`, identity notifications `notificationType`). */
export const SesEventRecord = z
  .object({
    eventType: z.string().optional(),
    notificationType: z.string().optional(),
    bounce: z
      .object({
        bounceType: z.string(),
        bounceSubType: z.string().optional(),
        bouncedRecipients: z.array(Recipient),
        timestamp: z.string().optional(),
      })
      .optional(),
    complaint: z
      .object({
        complainedRecipients: z.array(Recipient),
        complaintFeedbackType: z.string().optional(),
        timestamp: z.string().optional(),
      })
      .optional(),
  })
  .passthrough();

/** Extracts the addresses an SES event asks us to stop mailing; transient bounces suppress nothing. */
export const suppressionsFrom = (message: unknown, receivedAt: string): Suppression[] => {
  const parsed = SesEventRecord.safeParse(message);
  if (!parsed.success) return [];
  const record = parsed.data;
  const type = record.eventType ?? record.notificationType;
  const clean = (email: string) =>
    email
      .trim()
      .toLowerCase()
      .replace(/^.*<([^>]+)>.*$/, '$1');
  if (type === 'Bounce' && record.bounce?.bounceType === 'Permanent') {
    return record.bounce.bouncedRecipients.map((r) => ({
      email: clean(r.emailAddress),
      reason: 'bounce',
      detail: `permanent bounce (${record.bounce?.bounceSubType ?? 'General'})`,
      at: record.bounce?.timestamp ?? receivedAt,
    }));
  }
  if (type === 'Complaint' && record.complaint) {
    return record.complaint.complainedRecipients.map((r) => ({
      email: clean(r.emailAddress),
      reason: 'complaint',
      detail: `complaint (${record.complaint?.complaintFeedbackType ?? 'unspecified'})`,
      at: record.complaint?.timestamp ?? receivedAt,
    }));
  }
  return [];
};
