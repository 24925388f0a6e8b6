import { ConcurrentUpdate, DisputeExists } from '../../core/errors.ts';
import { Dispute, FactCheckItem } from '../../core/findings/fact-check.ts';
import { campaignPk, DISPUTE_PREFIX, disputeSk, FACTCHECK_PREFIX, factCheckSk } from './keys.ts';
import { TableAccess } from './table-access.ts';

/** Draft findings shown to officials for fact-check, and their disputes with the organizers' rulings. */
export class FactCheckTable extends TableAccess {
  /** Stores a campaign's draft findings (idempotent: same keys, same content). */
  async putFactCheckItems(items: readonly FactCheckItem[]): Promise<void> {
    await this.batchPut(
      items.map((item) => ({ PK: campaignPk(item.campaignId), SK: factCheckSk(item.centerId, item.id), ...item })),
    );
  }

  /** A campaign's draft findings, of one center or all. */
  async listFactCheckItems(campaignId: string, centerId?: string): Promise<FactCheckItem[]> {
    return this.listCampaignItems(campaignId, centerId ? factCheckSk(centerId, '') : FACTCHECK_PREFIX, FactCheckItem);
  }

  /** Records an official's dispute; DisputeExists when the item was disputed already. */
  async putDispute(dispute: Dispute): Promise<void> {
    await this.putConditional(
      { PK: campaignPk(dispute.campaignId), SK: disputeSk(dispute.centerId, dispute.itemId), ...dispute },
      { ConditionExpression: 'attribute_not_exists(PK)' },
      (cause) => new DisputeExists(`${dispute.itemId} is disputed already`, { cause }),
    );
  }

  /** Stores a ruling, provided the dispute is still at the revision before it (ConcurrentUpdate otherwise). */
  async saveDispute(dispute: Dispute): Promise<void> {
    await this.putConditional(
      { PK: campaignPk(dispute.campaignId), SK: disputeSk(dispute.centerId, dispute.itemId), ...dispute },
      { ConditionExpression: 'revision = :r', ExpressionAttributeValues: { ':r': dispute.revision - 1 } },
      (cause) => new ConcurrentUpdate(`the dispute of ${dispute.itemId} changed meanwhile`, { cause }),
    );
  }

  /** A campaign's disputes, of one center or all. */
  async listDisputes(campaignId: string, centerId?: string): Promise<Dispute[]> {
    return this.listCampaignItems(campaignId, centerId ? disputeSk(centerId, '') : DISPUTE_PREFIX, Dispute);
  }
}
