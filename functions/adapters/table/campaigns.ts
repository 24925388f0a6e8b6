import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { CloudUsage } from '../../core/campaign/aws-cost.ts';
import { ALLOWED_FROM, CampaignMeta } from '../../core/campaign/lifecycle.ts';
import { MailBatchFailure } from '../../core/campaign/workflow-contract.ts';
import { CampaignExists, CampaignNotFound, CampaignStateConflict, ConcurrentUpdate } from '../../core/errors.ts';
import type { CampaignDefinition, CampaignStatus } from '../../core/model.ts';
import {
  CAMPAIGNS_PK,
  campaignPk,
  campaignRegistrySk,
  META,
  parseSeriesGsiSk,
  seriesGsiPk,
  seriesGsiSk,
  USAGE,
} from './keys.ts';
import type { RosterTable } from './rosters.ts';
import { TableAccess } from './table-access.ts';

/** Hash of a definition, so that re-sending the same launch resumes instead of conflicting. */
export const hashDefinition = (def: CampaignDefinition): string =>
  createHash('sha256').update(JSON.stringify(def)).digest('hex');

/**
 * A campaign's control record (`META`: status, counts, deadline, the waiting task's token) and the
 * registry of campaigns by month and by series. Every status move is conditional on the statuses
 * the lifecycle (core/campaign/lifecycle.ts) allows before it.
 */
export class CampaignTable extends TableAccess {
  private readonly rosters: RosterTable;

  /** `rosters` holds the definition's items: a launch writes them, loadDefinition reads them back. */
  constructor(db: DynamoDBDocumentClient, tableName: string, rosters: RosterTable) {
    super(db, tableName);
    this.rosters = rosters;
  }

  /**
   * Stores a campaign definition as a draft. Idempotent for the same definition (a crashed launch
   * resumes); a different definition under an existing id raises CampaignExists.
   */
  async createCampaign(def: CampaignDefinition, now: Date): Promise<'created' | 'resumed'> {
    const definitionHash = hashDefinition(def);
    const pk = campaignPk(def.campaign.id);
    const meta: CampaignMeta = {
      campaign: def.campaign,
      status: 'draft',
      definitionHash,
      loaded: false,
      createdAt: now.toISOString(),
      deadline: def.campaign.schedule.deadline,
      total: 0,
      answered: 0,
      supervisors: def.supervisors.length,
      centers: def.centers.length,
      remindersSent: 0,
    };
    let outcome: 'created' | 'resumed' = 'created';
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            PK: pk,
            SK: META,
            GSI1PK: seriesGsiPk(def.campaign.series),
            GSI1SK: seriesGsiSk(def.campaign.month, def.campaign.id),
            ...meta,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.getMeta(def.campaign.id);
      if (existing.definitionHash !== definitionHash || existing.loaded) {
        throw new CampaignExists(`campaign ${def.campaign.id} already exists (status ${existing.status})`);
      }
      outcome = 'resumed';
    }
    await this.batchPut([
      {
        PK: CAMPAIGNS_PK,
        SK: campaignRegistrySk(def.campaign.month, def.campaign.id),
        campaignId: def.campaign.id,
        series: def.campaign.series,
        month: def.campaign.month,
      },
    ]);
    await this.rosters.putDefinition(def);
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: pk, SK: META },
        UpdateExpression: 'SET loaded = :t',
        ConditionExpression: 'definitionHash = :h',
        ExpressionAttributeValues: { ':t': true, ':h': definitionHash },
      }),
    );
    return outcome;
  }

  /** The campaign's control record; CampaignNotFound if absent. */
  async getMeta(campaignId: string): Promise<CampaignMeta> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: campaignPk(campaignId), SK: META },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) throw new CampaignNotFound(`no campaign with id ${campaignId}`);
    return CampaignMeta.parse(out.Item);
  }

  /**
   * The key the campaign's finding ids are derived with; undefined for a campaign prepared before
   * finding keys existed (its ids are plain hashes). Read on its own so it never travels with META.
   */
  async getFindingKey(campaignId: string): Promise<string | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: campaignPk(campaignId), SK: META },
        ProjectionExpression: 'findingKey',
        ConsistentRead: true,
      }),
    );
    const key = out.Item?.findingKey;
    return typeof key === 'string' && key !== '' ? key : undefined;
  }

  /** The campaign's control record with its rosters and questionnaire, read back page by page. */
  async loadDefinition(campaignId: string): Promise<{ meta: CampaignMeta; definition: CampaignDefinition }> {
    const meta = await this.getMeta(campaignId);
    const { centers, supervisors, questionnaire } = await this.rosters.readDefinition(campaignId);
    return { meta, definition: { campaign: meta.campaign, centers, supervisors, questionnaire } };
  }

  /**
   * The cloud usage the embedded cloud counted for a campaign (its usage meter writes it), or
   * undefined: on AWS nothing writes it, and Cost Explorer has the bill.
   */
  async getCampaignUsage(campaignId: string): Promise<CloudUsage | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: campaignPk(campaignId), SK: USAGE } }),
    );
    return out.Item ? CloudUsage.parse(out.Item.usage) : undefined;
  }

  /** Every campaign's control record, newest month first (the console's list). */
  async listCampaigns(): Promise<CampaignMeta[]> {
    const ids: string[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': CAMPAIGNS_PK },
      ProjectionExpression: 'campaignId',
      ScanIndexForward: false,
    })) {
      ids.push(String(item.campaignId));
    }
    const metas = await Promise.all(ids.map((id) => this.getMeta(id).catch(() => undefined)));
    return metas.filter((m): m is CampaignMeta => m !== undefined);
  }

  /** Campaigns of a series, oldest month first. */
  async listSeries(series: string): Promise<{ campaignId: string; month: string }[]> {
    const out: { campaignId: string; month: string }[] = [];
    for await (const item of this.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': seriesGsiPk(series) },
    })) {
      out.push(parseSeriesGsiSk(String(item.GSI1SK)));
    }
    return out;
  }

  /**
   * Moves a loaded draft to open, recording the totals and, once, the campaign's finding key (kept
   * beside META's fields, never read with them). Repeating it is harmless.
   */
  async openCampaign(
    campaignId: string,
    totals: { total: number; supervisors: number; centers: number },
    findingKey?: string,
  ) {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: campaignPk(campaignId), SK: META },
          UpdateExpression: `SET #s = :open, #t = :t, supervisors = :sv, centers = :c${findingKey === undefined ? '' : ', findingKey = if_not_exists(findingKey, :k)'}`,
          ConditionExpression: 'loaded = :true AND (#s = :draft OR #s = :open)',
          ExpressionAttributeNames: { '#s': 'status', '#t': 'total' },
          ExpressionAttributeValues: {
            ':open': 'open',
            ':draft': 'draft',
            ':true': true,
            ':t': totals.total,
            ':sv': totals.supervisors,
            ':c': totals.centers,
            ...(findingKey === undefined ? {} : { ':k': findingKey }),
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new CampaignStateConflict(`campaign ${campaignId} is not a loaded draft and cannot be opened`);
      }
      throw error;
    }
  }

  /** Records the Collect task's token so that submissions and organizer commands can wake it. */
  async setTaskToken(campaignId: string, taskToken: string, wakeAt: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: campaignPk(campaignId), SK: META },
        UpdateExpression: 'SET taskToken = :t, wakeAt = :w',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':t': taskToken, ':w': wakeAt },
      }),
    );
  }

  /** Records that reminder round `round` went out (idempotent: the count only moves forward). */
  async recordReminderRound(campaignId: string, round: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: campaignPk(campaignId), SK: META },
          UpdateExpression: 'SET remindersSent = :r',
          ConditionExpression: 'remindersSent < :r',
          ExpressionAttributeValues: { ':r': round },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Records on the campaign why a mail batch failed for good, before its task fails. Writing the same
   * failure again changes nothing; a campaign that does not exist gets no record (CampaignNotFound).
   */
  async recordMailFailure(campaignId: string, failure: MailBatchFailure): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: campaignPk(campaignId), SK: META },
          UpdateExpression: 'SET mailFailure = :f',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':f': MailBatchFailure.parse(failure) },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new CampaignNotFound(`no campaign with id ${campaignId}`, { cause: error });
      }
      throw error;
    }
  }

  /** Asks the running workflow to close at its next wake-up; refused unless open. */
  async requestClose(campaignId: string): Promise<CampaignMeta> {
    return this.updateOpen(campaignId, 'SET closeRequested = :t', { ':t': true });
  }

  /** Moves the deadline of an open campaign. */
  async extendDeadline(campaignId: string, deadline: string): Promise<CampaignMeta> {
    return this.updateOpen(campaignId, 'SET deadline = :d', { ':d': deadline });
  }

  /**
   * Replaces the reminder schedule of an open campaign, provided no reminder round went out since
   * it was read (`remindersSent` unchanged; CampaignStateConflict otherwise).
   */
  async setReminders(campaignId: string, reminders: readonly string[], remindersSent: number): Promise<CampaignMeta> {
    try {
      return await this.updateOpen(
        campaignId,
        'SET #c.#sc.#rm = :list',
        { ':list': reminders, ':sent': remindersSent },
        {
          condition: 'remindersSent = :sent',
          names: { '#c': 'campaign', '#sc': 'schedule', '#rm': 'reminders' },
        },
      );
    } catch (error) {
      if (error instanceof CampaignStateConflict && (await this.getMeta(campaignId)).status === 'open') {
        throw new ConcurrentUpdate(`a reminder round of ${campaignId} went out meanwhile`, { cause: error });
      }
      throw error;
    }
  }

  private async updateOpen(
    campaignId: string,
    update: string,
    values: Record<string, unknown>,
    extra: { condition?: string; names?: Record<string, string> } = {},
  ): Promise<CampaignMeta> {
    return this.transition(campaignId, ['open'], update, values, extra);
  }

  /** Closes collection. Idempotent: closing a closed campaign returns its record unchanged. */
  async closeCampaign(campaignId: string, reason: string, at: string): Promise<CampaignMeta> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: campaignPk(campaignId), SK: META },
          UpdateExpression: 'SET #s = :closed, closedAt = :at, closedReason = :r REMOVE taskToken',
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':closed': 'closed', ':open': 'open', ':at': at, ':r': reason },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return CampaignMeta.parse(out.Attributes);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const meta = await this.getMeta(campaignId);
      if (meta.status === 'open' || meta.status === 'draft') throw error;
      return meta;
    }
  }

  /** Puts a closed campaign in review until `until` (idempotent: a retried open finds it reviewing). */
  async openReview(campaignId: string, until: string): Promise<CampaignMeta> {
    return this.transition(campaignId, ALLOWED_FROM.reviewing, 'SET #s = :to, reviewUntil = :v', {
      ':to': 'reviewing',
      ':v': until,
    });
  }

  /** Records that the organizers finished review; refused unless the campaign is in review. */
  async finishReview(campaignId: string): Promise<CampaignMeta> {
    return this.transition(campaignId, ['reviewing'], 'SET reviewFinished = :v', { ':v': true });
  }

  /** Puts a closed (or reviewed) campaign in fact-check until `until` (idempotent). */
  async openFactCheck(campaignId: string, until: string): Promise<CampaignMeta> {
    return this.transition(campaignId, ALLOWED_FROM['fact-checking'], 'SET #s = :to, factCheckUntil = :v', {
      ':to': 'fact-checking',
      ':v': until,
    });
  }

  /** Records that the organizers ended fact-check; refused unless the campaign is in fact-check. */
  async finishFactCheck(campaignId: string): Promise<CampaignMeta> {
    return this.transition(campaignId, ['fact-checking'], 'SET factCheckFinished = :v', { ':v': true });
  }

  /** Puts a scored campaign's results in wait for an organizer's sign-off (idempotent). */
  async awaitSignOff(campaignId: string): Promise<CampaignMeta> {
    return this.transition(campaignId, ALLOWED_FROM['awaiting-sign-off'], 'SET #s = :to', {
      ':to': 'awaiting-sign-off',
    });
  }

  /**
   * Records an organizer's sign-off of the draft results, once: refused (CampaignStateConflict) unless
   * the campaign awaits sign-off and nobody signed it off yet.
   */
  async signOff(campaignId: string, by: string, at: string): Promise<CampaignMeta> {
    return this.transition(
      campaignId,
      ['awaiting-sign-off'],
      'SET signedOffAt = :at, signedOffBy = :by',
      { ':at': at, ':by': by },
      { condition: 'attribute_not_exists(signedOffAt)' },
    );
  }

  /**
   * Moves the campaign to `status`, setting `extra` beside it, provided the lifecycle allows the move
   * from where the campaign is (CampaignStateConflict otherwise; moving to where it is already is a no-op).
   */
  async setStatus(campaignId: string, status: CampaignStatus, extra: Record<string, unknown> = {}): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':s': status };
    const sets = ['#s = :s'];
    Object.entries(extra).forEach(([k, v], i) => {
      names[`#x${i}`] = k;
      values[`:x${i}`] = v;
      sets.push(`#x${i} = :x${i}`);
    });
    await this.updateInStatus(campaignId, ALLOWED_FROM[status], `SET ${sets.join(', ')}`, values, { names }, 'NONE');
  }

  /**
   * Updates the control record of a campaign in one of the `from` statuses (and meeting `extra.condition`);
   * CampaignStateConflict otherwise. Returns the record as updated.
   */
  private async transition(
    campaignId: string,
    from: readonly CampaignStatus[],
    update: string,
    values: Record<string, unknown>,
    extra: { condition?: string; names?: Record<string, string> } = {},
  ): Promise<CampaignMeta> {
    const out = await this.updateInStatus(campaignId, from, update, values, extra, 'ALL_NEW');
    return CampaignMeta.parse(out.Attributes);
  }

  /** The conditional update behind every status-bound change of the control record. */
  private async updateInStatus(
    campaignId: string,
    from: readonly CampaignStatus[],
    update: string,
    values: Record<string, unknown>,
    extra: { condition?: string; names?: Record<string, string> },
    returnValues: 'ALL_NEW' | 'NONE',
  ): Promise<UpdateCommandOutput> {
    const allowed = Object.fromEntries(from.map((status, i) => [`:from${i}`, status]));
    const inStatus = `#s IN (${Object.keys(allowed).join(', ')})`;
    try {
      return await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: campaignPk(campaignId), SK: META },
          UpdateExpression: update,
          ConditionExpression: extra.condition ? `${inStatus} AND ${extra.condition}` : inStatus,
          ExpressionAttributeNames: { '#s': 'status', ...extra.names },
          ExpressionAttributeValues: { ...values, ...allowed },
          ReturnValues: returnValues,
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const meta = await this.getMeta(campaignId);
        throw new CampaignStateConflict(`campaign ${campaignId} is ${meta.status}, not ${from.join(' or ')}`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
