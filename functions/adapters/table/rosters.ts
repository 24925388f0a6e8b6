import { BatchGetCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CampaignNotFound, CampaignStateConflict } from '../../core/errors.ts';
import { type CampaignDefinition, Center, Questionnaire, Supervisor } from '../../core/model.ts';
import { CENTER_PREFIX, campaignPk, centerSk, QUESTIONNAIRE, SUPERVISOR_PREFIX, supervisorSk } from './keys.ts';
import { sleep, TableAccess } from './table-access.ts';

/** A campaign's frozen definition beside its control record: the questionnaire, the centers and the supervisors. */
export class RosterTable extends TableAccess {
  /** Writes the questionnaire, the centers and the supervisors of a launched definition (same keys, same content on a resumed launch). */
  async putDefinition(def: CampaignDefinition): Promise<void> {
    const pk = campaignPk(def.campaign.id);
    await this.batchPut([
      { PK: pk, SK: QUESTIONNAIRE, questionnaire: def.questionnaire },
      ...def.centers.map((c) => ({ PK: pk, SK: centerSk(c.id), center: c })),
      ...def.supervisors.map((s) => ({ PK: pk, SK: supervisorSk(s.id), supervisor: s })),
    ]);
  }

  /** The campaign's rosters and questionnaire, read back page by page (CampaignStateConflict without a questionnaire). */
  async readDefinition(
    campaignId: string,
  ): Promise<{ centers: Center[]; supervisors: Supervisor[]; questionnaire: Questionnaire }> {
    const centers: Center[] = [];
    const supervisors: Supervisor[] = [];
    let questionnaire: Questionnaire | undefined;
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': campaignPk(campaignId) },
    })) {
      const sk = String(item.SK);
      if (sk.startsWith(CENTER_PREFIX)) centers.push(Center.parse(item.center));
      else if (sk.startsWith(SUPERVISOR_PREFIX)) supervisors.push(Supervisor.parse(item.supervisor));
      else if (sk === QUESTIONNAIRE) questionnaire = Questionnaire.parse(item.questionnaire);
    }
    if (!questionnaire) throw new CampaignStateConflict(`campaign ${campaignId} has no questionnaire`);
    return { centers, supervisors, questionnaire };
  }

  /** The frozen questionnaire of a campaign. */
  async getQuestionnaire(campaignId: string): Promise<Questionnaire> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: campaignPk(campaignId), SK: QUESTIONNAIRE } }),
    );
    if (!out.Item) throw new CampaignNotFound(`no questionnaire for campaign ${campaignId}`);
    return Questionnaire.parse(out.Item.questionnaire);
  }

  /** Replaces the frozen questionnaire (Prepare adds the re-check questions of earlier campaigns' items). */
  async putQuestionnaire(campaignId: string, questionnaire: Questionnaire): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { PK: campaignPk(campaignId), SK: QUESTIONNAIRE, questionnaire },
      }),
    );
  }

  /** Centers by id (batched Gets would also do; one Query reads them all in a few pages). */
  async getCenters(campaignId: string, ids?: readonly string[]): Promise<Map<string, Center>> {
    const wanted = ids ? new Set(ids) : undefined;
    const centers = new Map<string, Center>();
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': campaignPk(campaignId), ':p': CENTER_PREFIX },
    })) {
      const c = Center.parse(item.center);
      if (!wanted || wanted.has(c.id)) centers.set(c.id, c);
    }
    return centers;
  }

  /** Centers by key, 100 to a BatchGetItem, eight side by side: a few of a province's thousands. */
  async getCentersByKey(campaignId: string, ids: readonly string[]): Promise<Map<string, Center>> {
    const found = new Map<string, Center>();
    const unique = [...new Set(ids)];
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
    const read = async (chunk: readonly string[]) => {
      let keys: Record<string, unknown>[] = chunk.map((id) => ({ PK: campaignPk(campaignId), SK: centerSk(id) }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 10) throw new Error(`DynamoDB left ${keys.length} center keys unprocessed after 10 retries`);
        if (attempt > 0) await sleep(Math.random() * Math.min(5_000, 50 * 2 ** attempt));
        const out = await this.db.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: keys, ProjectionExpression: 'center' } },
          }),
        );
        for (const item of out.Responses?.[this.tableName] ?? []) {
          const c = Center.parse(item.center);
          found.set(c.id, c);
        }
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    };
    for (let i = 0; i < chunks.length; i += 8) await Promise.all(chunks.slice(i, i + 8).map(read));
    return found;
  }

  /** One center of a campaign. */
  async getCenter(campaignId: string, centerId: string): Promise<Center | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: campaignPk(campaignId), SK: centerSk(centerId) } }),
    );
    return out.Item ? Center.parse(out.Item.center) : undefined;
  }

  /** Supervisors by id. */
  async getSupervisors(campaignId: string, ids: readonly string[]): Promise<Map<string, Supervisor>> {
    const found = new Map<string, Supervisor>();
    // Gets by key in parallel, bounded: ids come in batches of at most a few hundred.
    for (let i = 0; i < ids.length; i += 25) {
      const slice = ids.slice(i, i + 25);
      const items = await Promise.all(
        slice.map((id) =>
          this.db.send(
            new GetCommand({ TableName: this.tableName, Key: { PK: campaignPk(campaignId), SK: supervisorSk(id) } }),
          ),
        ),
      );
      for (const out of items)
        if (out.Item) found.set(String(out.Item.supervisor.id), Supervisor.parse(out.Item.supervisor));
    }
    return found;
  }

  /** The supervisors whose ids fall in [first, last] (one range Query: a mail batch reads its own recipients). */
  async getSupervisorsBetween(campaignId: string, first: string, last: string): Promise<Map<string, Supervisor>> {
    const found = new Map<string, Supervisor>();
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :last',
      ExpressionAttributeValues: {
        ':pk': campaignPk(campaignId),
        ':first': supervisorSk(first),
        ':last': supervisorSk(last),
      },
    })) {
      const supervisor = Supervisor.parse(item.supervisor);
      found.set(supervisor.id, supervisor);
    }
    return found;
  }
}
