import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { lazySchema } from '../../core/lazy-schema.ts';
import { mailPk, mailSk } from './keys.ts';
import { TableAccess } from './table-access.ts';

/**
 * Outbox ledger entry: one per email, claimed before sending so a retry never sends twice. A claim
 * (`sending`) may carry `leaseUntil`: once that time has passed and the claim is still unsent, the
 * claiming invocation is known to be gone and a later attempt may take the email over.
 */
export const MailRecord = lazySchema(() =>
  z.object({
    kind: z.string(),
    round: z.number(),
    recipientId: z.string(),
    state: z.enum(['sending', 'sent', 'failed', 'suppressed']),
    to: z.array(z.string()).optional(),
    messageId: z.string().optional(),
    error: z.string().optional(),
    at: z.string(),
    leaseUntil: z.string().optional(),
  }),
);
export type MailRecord = z.infer<typeof MailRecord>;

/** The outbox ledger of a campaign: one entry per email, claimed before sending so that a retry never sends twice. */
export class MailLedgerTable extends TableAccess {
  /**
   * Claims the right to send one email. Returns false when the email is sent or settled, or claimed
   * by an attempt whose lease still holds: sending again could duplicate. With `leaseUntil` (an ISO
   * time: the claiming invocation's own deadline), a claim still `sending` after that time belongs to
   * an invocation that was killed, and is taken over. A claim without a lease is never taken over.
   */
  async claimMail(
    campaignId: string,
    kind: string,
    round: number,
    recipientId: string,
    to: string[],
    at: string,
    leaseUntil?: string,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            PK: mailPk(campaignId),
            SK: mailSk(kind, round, recipientId),
            kind,
            round,
            recipientId,
            to,
            state: 'sending',
            at,
            ...(leaseUntil === undefined ? {} : { leaseUntil }),
          },
          ConditionExpression: 'attribute_not_exists(PK) OR (#st = :sending AND leaseUntil < :at)',
          ExpressionAttributeNames: { '#st': 'state' },
          ExpressionAttributeValues: { ':sending': 'sending', ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Gives back a claim whose email SES certainly did not take (it refused the call as throttled or
   * unavailable), so a retry sends it instead of skipping it. Only the claim made at `at` is removed.
   */
  async releaseMail(campaignId: string, kind: string, round: number, recipientId: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { PK: mailPk(campaignId), SK: mailSk(kind, round, recipientId) },
          ConditionExpression: '#st = :sending AND #at = :at',
          ExpressionAttributeNames: { '#st': 'state', '#at': 'at' },
          ExpressionAttributeValues: { ':sending': 'sending', ':at': at },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Records the outcome of a claimed email. */
  async settleMail(
    campaignId: string,
    kind: string,
    round: number,
    recipientId: string,
    outcome: { state: 'sent'; messageId: string } | { state: 'failed' | 'suppressed'; error: string },
    at: string,
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: mailPk(campaignId), SK: mailSk(kind, round, recipientId) },
        UpdateExpression: 'SET #st = :s, #d = :d, settledAt = :at',
        ExpressionAttributeNames: { '#st': 'state', '#d': outcome.state === 'sent' ? 'messageId' : 'error' },
        ExpressionAttributeValues: {
          ':s': outcome.state,
          ':d': outcome.state === 'sent' ? outcome.messageId : outcome.error,
          ':at': at,
        },
      }),
    );
  }

  /** The campaign's outbox ledger. */
  async listMail(campaignId: string): Promise<MailRecord[]> {
    const out: MailRecord[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': mailPk(campaignId) },
    })) {
      out.push(MailRecord.parse(item));
    }
    return out;
  }
}
