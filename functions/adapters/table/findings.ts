import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { CenterFindings } from '../../core/findings/rectification.ts';
import { campaignPk, findingsSk } from './keys.ts';
import { BATCH, TableAccess } from './table-access.ts';

/** Each center's findings (anonymized comments) for its summary. */
export class FindingTable extends TableAccess {
  /** Stores each center's findings for its summary (re-running overwrites with the same). */
  async putFindings(campaignId: string, findings: readonly CenterFindings[]): Promise<void> {
    await this.batchPut(findings.map((f) => ({ PK: campaignPk(campaignId), SK: findingsSk(f.centerId), findings: f })));
  }

  /** The findings of the given centers; centers without any are absent. */
  async getFindings(campaignId: string, centerIds: readonly string[]): Promise<Map<string, CenterFindings>> {
    const found = new Map<string, CenterFindings>();
    for (let i = 0; i < centerIds.length; i += BATCH) {
      const outs = await Promise.all(
        centerIds
          .slice(i, i + BATCH)
          .map((id) =>
            this.db.send(
              new GetCommand({ TableName: this.tableName, Key: { PK: campaignPk(campaignId), SK: findingsSk(id) } }),
            ),
          ),
      );
      for (const out of outs) {
        if (out.Item) {
          const f = CenterFindings.parse(out.Item.findings);
          found.set(f.centerId, f);
        }
      }
    }
    return found;
  }
}
