import * as z from 'zod';

/** One email as the local SES stored it. */
export const OutboxEmail = z.object({
  messageId: z.string(),
  from: z.string(),
  destination: z.object({ to: z.array(z.string()), cc: z.array(z.string()), bcc: z.array(z.string()) }),
  subject: z.string(),
  body: z.object({ html: z.string().optional(), text: z.string().optional() }),
  attachments: z
    .array(
      z.object({ content: z.string(), contentType: z.string(), filename: z.string().optional(), size: z.number() }),
    )
    .default([]),
  at: z.number(),
});
export type OutboxEmail = z.infer<typeof OutboxEmail>;

/** Reads every email the local SES has accepted (`GET /store`). */
export const readOutbox = async (sesUrl: string): Promise<OutboxEmail[]> => {
  const res = await fetch(`${sesUrl}/store`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`the local SES outbox answered ${res.status}`);
  return z.object({ emails: z.array(OutboxEmail) }).parse(await res.json()).emails;
};

/** The survey links in an email's text part. */
export const surveyLinks = (email: OutboxEmail): string[] =>
  [...(email.body.text ?? '').matchAll(/https?:\/\/\S+\/s\/[A-Za-z0-9_-]{43}/g)].map((m) => m[0]);

/** Classifies an email by the kind its subject announces. */
export const mailKindOf = (
  email: OutboxEmail,
): 'invitation' | 'reminder' | 'returned' | 'fact-check' | 'summary' | 'city-summary' | 'failure' | 'other' => {
  const s = email.subject;
  // Each email is in its recipient's language: the Chinese subject's mark, or the English one's opening.
  if (s.includes('【退回修改】') || s.startsWith('Returned for correction:')) return 'returned';
  if (s.includes('【事实核查】') || s.startsWith('Fact-check:')) return 'fact-check';
  if (s.includes('【提醒】') || s.startsWith('Reminder:')) return 'reminder';
  if (s.includes('【全市评分通报】') || s.startsWith('City summary:')) return 'city-summary';
  if (s.includes('【评分通报】') || s.startsWith('Score summary:')) return 'summary';
  if (s.includes('【运行失败】') || s.startsWith('Campaign failed:')) return 'failure';
  if (s.includes('监督任务') || / assignments? for you$/.test(s)) return 'invitation';
  return 'other';
};
