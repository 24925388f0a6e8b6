import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { CloudUsage } from '../core/campaign/aws-cost.ts';
import { MailBatchFailure } from '../core/campaign/workflow-contract.ts';
import { Dispute, FactCheckItem } from '../core/findings/fact-check.ts';
import { CenterFindings, RectificationItem } from '../core/findings/rectification.ts';
import { Review } from '../core/findings/review.ts';
import {
  Assignment,
  CAMPAIGN_STATUSES,
  Campaign,
  type CampaignDefinition,
  type CampaignStatus,
  Center,
  CenterScore,
  Id,
  Questionnaire,
  Response,
  Supervisor,
} from '../core/model.ts';
import { Draft } from '../core/responses/answers.ts';
import { CampaignScoringSummary, CenterExplanation, RaterSeverity } from '../core/scoring/records.ts';
import {
  assignmentSk,
  auditPk,
  CAMPAIGNS_PK,
  campaignPk,
  campaignRegistrySk,
  centerSk,
  disputeSk,
  factCheckSk,
  findingsSk,
  META,
  mailPk,
  mailSk,
  QUESTIONNAIRE,
  rectificationPk,
  rectificationSk,
  rectificationTokenPk,
  responseSk,
  reviewSk,
  SHARD_COUNT,
  scoreSk,
  seriesGsiPk,
  shardOf,
  shardPk,
  supervisorSk,
  tokenPk,
  USAGE,
} from './keys.ts';

/** The campaign already exists (a second launch is a no-op). */
export class CampaignExists extends Error {
  override name = 'CampaignExists';
}
/** No campaign with that id. */
export class CampaignNotFound extends Error {
  override name = 'CampaignNotFound';
}
/** The campaign is not in a state that allows the operation. */
export class CampaignStateConflict extends Error {
  override name = 'CampaignStateConflict';
}
/** Another writer changed the item first; the caller may re-read and retry. */
export class ConcurrentUpdate extends Error {
  override name = 'ConcurrentUpdate';
}

/** The campaign's control record. */
export const CampaignMeta = z.object({
  campaign: Campaign,
  status: z.enum(CAMPAIGN_STATUSES),
  definitionHash: z.string(),
  loaded: z.boolean(),
  createdAt: z.string(),
  deadline: z.string(),
  total: z.number().int().nonnegative().default(0),
  answered: z.number().int().nonnegative().default(0),
  supervisors: z.number().int().nonnegative().default(0),
  centers: z.number().int().nonnegative().default(0),
  remindersSent: z.number().int().nonnegative().default(0),
  taskToken: z.string().optional(),
  wakeAt: z.string().optional(),
  closeRequested: z.boolean().optional(),
  closedAt: z.string().optional(),
  closedReason: z.string().optional(),
  /** When the results were published (the city summary went out); personal links expire from it. */
  publishedAt: z.string().optional(),
  /** End of the review window after the close (status `reviewing`). */
  reviewUntil: z.string().optional(),
  /** The organizers finished review before the window ended. */
  reviewFinished: z.boolean().optional(),
  /** End of the fact-check window (status `fact-checking`). */
  factCheckUntil: z.string().optional(),
  /** The organizers ended fact-check (every dispute ruled) before the window ended. */
  factCheckFinished: z.boolean().optional(),
  failure: z.object({ error: z.string(), cause: z.string() }).optional(),
  /** The last mail batch that failed for good, and why (NotifyFailure explains a failed Map with it). */
  mailFailure: MailBatchFailure.optional(),
});
export type CampaignMeta = z.infer<typeof CampaignMeta>;

/** What a survey token resolves to. */
export const TokenRecord = Assignment.extend({ shard: z.number().int().nonnegative() });
export type TokenRecord = z.infer<typeof TokenRecord>;

/** What a rectification link opens: one center's items in a series, from one campaign's summary. */
export const RectificationLink = z.object({ series: Id, campaignId: Id, centerId: Id });
export type RectificationLink = z.infer<typeof RectificationLink>;

/** An assignment as stored, with whether it has been answered. */
export const AssignmentRecord = Assignment.extend({ answeredAt: z.string().optional() });
export type AssignmentRecord = z.infer<typeof AssignmentRecord>;

/** Numbers read back from writes (built once: a zod schema costs something to build). */
const Count = z.number().int().positive();
const PreviousVersion = z.number().int().positive().optional();

/** Whether DynamoDB answered a request with a client error (4xx): the request was not applied. */
const refusedByService = (error: unknown): boolean => {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
};

/** The finding was disputed already: one dispute per finding. */
export class DisputeExists extends Error {
  override name = 'DisputeExists';
}

/** One line of a campaign's audit log: who did what, when, to what. */
export const AuditEntry = z.object({
  campaignId: z.string(),
  id: z.string(),
  at: z.string(),
  actor: z.object({ sub: z.string(), username: z.string(), role: z.string() }),
  action: z.string(),
  /** What was acted on: an assignment, a center, the campaign. */
  target: z.string(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** One page of an audit log, newest first, with the keys of the pages beside it. */
export interface AuditPage {
  entries: AuditEntry[];
  /** Key to read older entries after. */
  next?: string;
  /** Key to read newer entries before. */
  previous?: string;
}

/** A stored response with the id of the submission that produced it (for idempotent retries). */
export const ResponseRecord = Response.extend({ submissionId: z.string() });
export type ResponseRecord = z.infer<typeof ResponseRecord>;

/** One earlier submission kept in a response's history; its version is its position (1-based). */
export const ResponseVersion = ResponseRecord.pick({
  submittedAt: true,
  answers: true,
  problems: true,
  submissionId: true,
});
export type ResponseVersion = z.infer<typeof ResponseVersion>;

/** A response read for when it was first answered. */
const FirstAnswer = z.object({
  assignmentId: z.string(),
  history: z.tuple([z.object({ submittedAt: z.string() })]),
});

/** Versions one response may hold: far above any real editing, far below DynamoDB's 400 KB item limit. */
export const MAX_VERSIONS = 100;

/** The response already holds as many versions as it may. */
export class ResponseHistoryFull extends Error {
  override name = 'ResponseHistoryFull';
}

// Reads of the latest answers leave the history out.
const LATEST_FIELDS = Object.keys(ResponseRecord.shape);
const LATEST_NAMES = Object.fromEntries(LATEST_FIELDS.map((f, i) => [`#f${i}`, f]));
const LATEST_PROJECTION = LATEST_FIELDS.map((_, i) => `#f${i}`).join(', ');

/**
 * Outbox ledger entry: one per email, claimed before sending so a retry never sends twice. A claim
 * (`sending`) may carry `leaseUntil`: once that time has passed and the claim is still unsent, the
 * claiming invocation is known to be gone and a later attempt may take the email over.
 */
export const MailRecord = z.object({
  kind: z.string(),
  round: z.number(),
  recipientId: z.string(),
  state: z.enum(['sending', 'sent', 'failed', 'suppressed']),
  to: z.array(z.string()).optional(),
  messageId: z.string().optional(),
  error: z.string().optional(),
  at: z.string(),
  leaseUntil: z.string().optional(),
});
export type MailRecord = z.infer<typeof MailRecord>;

/** An address that bounced permanently or complained. */
export const SuppressionRecord = z.object({
  email: z.string(),
  reason: z.string(),
  detail: z.string(),
  at: z.string(),
});
export type SuppressionRecord = z.infer<typeof SuppressionRecord>;

/** Partition of the suppression list (account-wide, like SES's own). */
const SUPPRESSED = 'SUPPRESSED';
const BATCH = 25;
/** Sort key of an assignment's draft, beside its responses in the supervisor's shard. */
const draftSk = (assignmentId: string): string => `DRAFT#${assignmentId}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Hash of a definition, so that re-sending the same launch resumes instead of conflicting. */
export const hashDefinition = (def: CampaignDefinition): string =>
  createHash('sha256').update(JSON.stringify(def)).digest('hex');

/**
 * All DynamoDB access of the product. Reads are by key or Query, never Scan; every write that must
 * not happen twice is conditional.
 */
export class CampaignStore {
  private readonly db: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.db = db;
    this.tableName = tableName;
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
            GSI1SK: `${def.campaign.month}#${def.campaign.id}`,
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
      { PK: pk, SK: QUESTIONNAIRE, questionnaire: def.questionnaire },
      ...def.centers.map((c) => ({ PK: pk, SK: centerSk(c.id), center: c })),
      ...def.supervisors.map((s) => ({ PK: pk, SK: supervisorSk(s.id), supervisor: s })),
    ]);
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

  /** The campaign's rosters and questionnaire, read back page by page. */
  async loadDefinition(campaignId: string): Promise<{ meta: CampaignMeta; definition: CampaignDefinition }> {
    const meta = await this.getMeta(campaignId);
    const centers: Center[] = [];
    const supervisors: Supervisor[] = [];
    let questionnaire: Questionnaire | undefined;
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': campaignPk(campaignId) },
    })) {
      const sk = String(item.SK);
      if (sk.startsWith('CENTER#')) centers.push(Center.parse(item.center));
      else if (sk.startsWith('SUPERVISOR#')) supervisors.push(Supervisor.parse(item.supervisor));
      else if (sk === QUESTIONNAIRE) questionnaire = Questionnaire.parse(item.questionnaire);
    }
    if (!questionnaire) throw new CampaignStateConflict(`campaign ${campaignId} has no questionnaire`);
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

  /** The frozen questionnaire of a campaign. */
  async getQuestionnaire(campaignId: string): Promise<Questionnaire> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: campaignPk(campaignId), SK: QUESTIONNAIRE } }),
    );
    if (!out.Item) throw new CampaignNotFound(`no questionnaire for campaign ${campaignId}`);
    return Questionnaire.parse(out.Item.questionnaire);
  }

  /** Centers by id (batched Gets would also do; one Query reads them all in a few pages). */
  async getCenters(campaignId: string, ids?: readonly string[]): Promise<Map<string, Center>> {
    const wanted = ids ? new Set(ids) : undefined;
    const centers = new Map<string, Center>();
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': campaignPk(campaignId), ':p': 'CENTER#' },
    })) {
      const c = Center.parse(item.center);
      if (!wanted || wanted.has(c.id)) centers.set(c.id, c);
    }
    return centers;
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

  /** Writes assignments and their token hashes; safe to repeat (same keys, same content). */
  async putAssignments(campaignId: string, assignments: readonly { assignment: Assignment; tokenHash: string }[]) {
    const items: Record<string, unknown>[] = [];
    for (const { assignment, tokenHash } of assignments) {
      const shard = shardOf(assignment.supervisorId);
      items.push({
        PK: shardPk(campaignId, shard),
        SK: assignmentSk(assignment.supervisorId, assignment.id),
        ...assignment,
      });
      items.push({ PK: tokenPk(tokenHash), SK: 'TOKEN', ...assignment, shard });
    }
    await this.batchPut(items);
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

  /** The assignments of one supervisor (one shard, one Query). */
  async listSupervisorAssignments(campaignId: string, supervisorId: string): Promise<AssignmentRecord[]> {
    const out: AssignmentRecord[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: {
        ':pk': shardPk(campaignId, shardOf(supervisorId)),
        ':p': `ASSIGNMENT#${supervisorId}#`,
      },
    })) {
      out.push(AssignmentRecord.parse(item));
    }
    return out;
  }

  /** Every assignment of the campaign, shard by shard. */
  async *streamAssignments(campaignId: string): AsyncGenerator<AssignmentRecord> {
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      for await (const item of this.queryAll({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': shardPk(campaignId, shard), ':p': 'ASSIGNMENT#' },
      })) {
        yield AssignmentRecord.parse(item);
      }
    }
  }

  /** Resolves a token hash to its assignment. */
  async getToken(tokenHash: string): Promise<TokenRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: tokenPk(tokenHash), SK: 'TOKEN' } }),
    );
    return out.Item ? TokenRecord.parse(out.Item) : undefined;
  }

  /** The latest response to an assignment, if any (without its history). */
  async getLatestResponse(token: TokenRecord): Promise<ResponseRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: shardPk(token.campaignId, token.shard), SK: responseSk(token.id) },
        ProjectionExpression: LATEST_PROJECTION,
        ExpressionAttributeNames: LATEST_NAMES,
        ConsistentRead: true,
      }),
    );
    return out.Item ? ResponseRecord.parse(out.Item) : undefined;
  }

  /** The latest response of one assignment, found by its supervisor (whose shard holds it). */
  async getResponse(
    campaignId: string,
    supervisorId: string,
    assignmentId: string,
  ): Promise<ResponseRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: shardPk(campaignId, shardOf(supervisorId)), SK: responseSk(assignmentId) },
        ProjectionExpression: LATEST_PROJECTION,
        ExpressionAttributeNames: LATEST_NAMES,
        ConsistentRead: true,
      }),
    );
    const response = out.Item ? ResponseRecord.parse(out.Item) : undefined;
    return response?.supervisorId === supervisorId ? response : undefined;
  }

  /** Every version of a response, oldest first (version n is the n-th submission). */
  async listResponseVersions(token: TokenRecord): Promise<ResponseRecord[]> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: shardPk(token.campaignId, token.shard), SK: responseSk(token.id) },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return [];
    const history = z.array(ResponseVersion).parse(out.Item.history ?? []);
    return history.map((v, i) => ResponseRecord.parse({ ...out.Item, ...v, version: i + 1 }));
  }

  /**
   * Stores a submission as a new version with ONE conditional UpdateItem on the response's item:
   * the version counter, the latest answers and the appended history change together, so two
   * concurrent edits become two versions and none overwrites the other. A retried submission
   * (same submissionId) changes nothing and returns the version it already got.
   */
  async saveResponse(
    token: TokenRecord,
    submission: {
      submissionId: string;
      answers: Response['answers'];
      problems?: Response['problems'];
      submittedAt: string;
      secondsSpent?: number;
    },
  ): Promise<{ version: number; first: boolean; duplicate: boolean }> {
    const key = { PK: shardPk(token.campaignId, token.shard), SK: responseSk(token.id) };
    // What the latest answers no longer have: an earlier version's problems or time taken.
    const removed = [
      ...(submission.problems ? [] : ['problems']),
      ...(submission.secondsSpent === undefined ? ['secondsSpent'] : []),
    ];
    const entry: ResponseVersion = {
      submittedAt: submission.submittedAt,
      answers: submission.answers,
      ...(submission.problems ? { problems: submission.problems } : {}),
      submissionId: submission.submissionId,
    };
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: [
            'SET campaignId = :c, assignmentId = :a, supervisorId = :s, centerId = :ce, activity = :ac,',
            'answers = :ans, submittedAt = :t, submissionId = :sid,',
            submission.problems ? 'problems = :p,' : '',
            submission.secondsSpent === undefined ? '' : 'secondsSpent = :ss,',
            '#v = if_not_exists(#v, :zero) + :one,',
            'history = list_append(if_not_exists(history, :empty), :entry)',
            removed.length > 0 ? `REMOVE ${removed.join(', ')}` : '',
            'ADD submissionIds :sids',
          ].join(' '),
          // A new response, or a new submission with room for it. Written without parentheses (NOT binds
          // before AND, AND before OR): same meaning, and dynalite (the embedded cloud) parses it in
          // ~0.15 ms instead of ~0.4.
          ConditionExpression: 'attribute_not_exists(PK) OR NOT contains(submissionIds, :sid) AND size(history) < :max',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: {
            ':c': token.campaignId,
            ':a': token.id,
            ':s': token.supervisorId,
            ':ce': token.centerId,
            ':ac': token.activity,
            ':ans': submission.answers,
            ':t': submission.submittedAt,
            ':sid': submission.submissionId,
            ...(submission.problems ? { ':p': submission.problems } : {}),
            ...(submission.secondsSpent === undefined ? {} : { ':ss': submission.secondsSpent }),
            ':zero': 0,
            ':one': 1,
            ':empty': [],
            ':entry': [entry],
            ':sids': new Set([submission.submissionId]),
            ':max': MAX_VERSIONS,
          },
          // The values this write replaced: nothing for a new response (version 1), the previous version
          // number for an edit. Unlike the new values, nothing to read back for a first answer.
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      const version = (PreviousVersion.parse(out.Attributes?.version) ?? 0) + 1;
      return { version, first: version === 1, duplicate: false };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const versions = await this.listResponseVersions(token);
        const same = versions.find((v) => v.submissionId === submission.submissionId);
        if (same) return { version: same.version, first: same.version === 1, duplicate: true };
        throw new ResponseHistoryFull(`response ${token.id} already has ${versions.length} versions`, { cause: error });
      }
      if (error instanceof Error && error.name === 'ValidationException' && /size/i.test(error.message)) {
        throw new ResponseHistoryFull(`response ${token.id} has no room for another version`, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Marks an assignment answered and counts it once on the campaign. Returns the campaign's count
   * of answered assignments after the increment, or undefined when the assignment had already been
   * counted. Only the count comes back (not the whole campaign item). The mark guards the count: if
   * DynamoDB refuses the count (throttling: certainly not applied), the mark is taken back (when it
   * still is this one) before the error is thrown, so that a retry marks and counts again instead of
   * finding the mark and counting nothing. After an error that leaves it unknown whether the count
   * was applied (timeout, connection lost, 5xx) the mark stays: a count short by one only lets the
   * campaign run to its deadline, one too many could close it before everyone answered.
   */
  async markAnswered(
    assignment: Pick<Assignment, 'campaignId' | 'supervisorId' | 'id'>,
    at: string,
  ): Promise<number | undefined> {
    const markKey = {
      PK: shardPk(assignment.campaignId, shardOf(assignment.supervisorId)),
      SK: assignmentSk(assignment.supervisorId, assignment.id),
    };
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: markKey,
          UpdateExpression: 'SET answeredAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(answeredAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: campaignPk(assignment.campaignId), SK: META },
          UpdateExpression: 'ADD answered :one',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Count.parse(out.Attributes?.answered);
    } catch (error) {
      if (!refusedByService(error)) throw error;
      await this.db
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: markKey,
            UpdateExpression: 'REMOVE answeredAt',
            ConditionExpression: 'answeredAt = :at',
            ExpressionAttributeValues: { ':at': at },
          }),
        )
        .catch(() => undefined);
      throw error;
    }
  }

  /** Counts answered assignments exactly (COUNT queries over the shards). */
  async countAnswered(campaignId: string): Promise<number> {
    let count = 0;
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      for await (const page of this.queryPages({ ...this.responsesOf(campaignId, shard), Select: 'COUNT' })) {
        count += page.Count ?? 0;
      }
    }
    return count;
  }

  /** Streams the latest response of every answered assignment, page by page, shard by shard. */
  async *streamResponses(campaignId: string): AsyncGenerator<ResponseRecord[]> {
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      for await (const out of this.queryPages({
        ...this.responsesOf(campaignId, shard),
        // The latest answers only: a response's history stays in DynamoDB.
        ProjectionExpression: LATEST_PROJECTION,
        ExpressionAttributeNames: LATEST_NAMES,
      })) {
        const page = (out.Items ?? []).map((item) => ResponseRecord.parse(item));
        if (page.length > 0) yield page;
      }
    }
  }

  /**
   * Streams the responses that count in scores and findings: the latest of every answered
   * assignment, less those rejected in review.
   */
  async *streamCountedResponses(campaignId: string): AsyncGenerator<ResponseRecord[]> {
    const rejected = await this.rejectedResponses(campaignId);
    for await (const page of this.streamResponses(campaignId)) {
      const kept = rejected.size === 0 ? page : page.filter((r) => !rejected.has(r.assignmentId));
      if (kept.length > 0) yield kept;
    }
  }

  /** When each answered assignment of the campaign was first answered (its response's first version), shard by shard. */
  async *streamFirstAnswers(campaignId: string): AsyncGenerator<{ assignmentId: string; at: string }> {
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      for await (const item of this.queryAll({
        ...this.responsesOf(campaignId, shard),
        ProjectionExpression: 'assignmentId, #h[0].submittedAt',
        ExpressionAttributeNames: { '#h': 'history' },
      })) {
        const { assignmentId, history } = FirstAnswer.parse(item);
        yield { assignmentId, at: history[0].submittedAt };
      }
    }
  }

  private responsesOf(campaignId: string, shard: number) {
    return {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': shardPk(campaignId, shard), ':p': 'RESPONSE#' },
    };
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
    return this.transition(campaignId, ['closed', 'reviewing'], 'SET #s = :to, reviewUntil = :v', {
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
    return this.transition(campaignId, ['closed', 'reviewing', 'fact-checking'], 'SET #s = :to, factCheckUntil = :v', {
      ':to': 'fact-checking',
      ':v': until,
    });
  }

  /** Records that the organizers ended fact-check; refused unless the campaign is in fact-check. */
  async finishFactCheck(campaignId: string): Promise<CampaignMeta> {
    return this.transition(campaignId, ['fact-checking'], 'SET factCheckFinished = :v', { ':v': true });
  }

  /**
   * Updates the control record of a campaign in one of the `from` statuses (and meeting `extra.condition`);
   * CampaignStateConflict otherwise.
   */
  private async transition(
    campaignId: string,
    from: readonly CampaignStatus[],
    update: string,
    values: Record<string, unknown>,
    extra: { condition?: string; names?: Record<string, string> } = {},
  ): Promise<CampaignMeta> {
    const allowed = Object.fromEntries(from.map((status, i) => [`:from${i}`, status]));
    const inStatus = `#s IN (${Object.keys(allowed).join(', ')})`;
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: campaignPk(campaignId), SK: META },
          UpdateExpression: update,
          ConditionExpression: extra.condition ? `${inStatus} AND ${extra.condition}` : inStatus,
          ExpressionAttributeNames: { '#s': 'status', ...extra.names },
          ExpressionAttributeValues: { ...values, ...allowed },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return CampaignMeta.parse(out.Attributes);
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

  /** Stores a campaign's draft findings (idempotent: same keys, same content). */
  async putFactCheckItems(items: readonly FactCheckItem[]): Promise<void> {
    await this.batchPut(
      items.map((item) => ({ PK: campaignPk(item.campaignId), SK: factCheckSk(item.centerId, item.id), ...item })),
    );
  }

  /** A campaign's draft findings, of one center or all. */
  async listFactCheckItems(campaignId: string, centerId?: string): Promise<FactCheckItem[]> {
    return this.listCampaignItems(campaignId, centerId ? factCheckSk(centerId, '') : 'FACTCHECK#', FactCheckItem);
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
    return this.listCampaignItems(campaignId, centerId ? disputeSk(centerId, '') : 'DISPUTE#', Dispute);
  }

  /** The campaign's own items whose sort key starts with `prefix`, parsed. */
  private async listCampaignItems<T>(campaignId: string, prefix: string, schema: z.ZodType<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': campaignPk(campaignId), ':p': prefix },
    })) {
      out.push(schema.parse(item));
    }
    return out;
  }

  /** Puts an item under a condition; a failed condition becomes the error `refused` names. */
  private async putConditional(
    item: Record<string, unknown>,
    condition: { ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> },
    refused: (cause: Error) => Error,
  ): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw refused(error);
      throw error;
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

  /** Sets the status, optionally only from the given ones. */
  async setStatus(campaignId: string, status: CampaignStatus, extra: Record<string, unknown> = {}): Promise<void> {
    const names: Record<string, string> = { '#s': 'status' };
    const values: Record<string, unknown> = { ':s': status };
    const sets = ['#s = :s'];
    Object.entries(extra).forEach(([k, v], i) => {
      names[`#x${i}`] = k;
      values[`:x${i}`] = v;
      sets.push(`#x${i} = :x${i}`);
    });
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: campaignPk(campaignId), SK: META },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** Writes center scores (re-scoring overwrites with identical results). */
  async putScores(campaignId: string, scores: readonly CenterScore[]): Promise<void> {
    await this.batchPut(scores.map((s) => ({ PK: campaignPk(campaignId), SK: scoreSk(s.centerId), score: s })));
  }

  /** Center scores by id, read by key (a batch of summaries needs only its own centers). */
  async getScores(campaignId: string, centerIds: readonly string[]): Promise<Map<string, CenterScore>> {
    const found = new Map<string, CenterScore>();
    // BatchGetItem reads up to 100 keys per call; unprocessed keys are asked for again with backoff.
    for (let i = 0; i < centerIds.length; i += 100) {
      let keys: Record<string, unknown>[] = centerIds
        .slice(i, i + 100)
        .map((id) => ({ PK: campaignPk(campaignId), SK: scoreSk(id) }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 10) throw new Error(`DynamoDB left ${keys.length} score keys unprocessed after 10 retries`);
        if (attempt > 0) await sleep(Math.random() * Math.min(5_000, 50 * 2 ** attempt));
        const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
        for (const item of out.Responses?.[this.tableName] ?? []) {
          const score = CenterScore.parse(item.score);
          found.set(score.centerId, score);
        }
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  /** The campaign's center scores. */
  async listScores(campaignId: string): Promise<CenterScore[]> {
    const out: CenterScore[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': campaignPk(campaignId), ':p': 'SCORE#' },
    })) {
      out.push(CenterScore.parse(item.score));
    }
    return out;
  }

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

  /** Campaigns of a series, oldest month first. */
  async listSeries(series: string): Promise<{ campaignId: string; month: string }[]> {
    const out: { campaignId: string; month: string }[] = [];
    for await (const item of this.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': seriesGsiPk(series) },
    })) {
      const [month = '', ...rest] = String(item.GSI1SK).split('#');
      out.push({ month, campaignId: rest.join('#') });
    }
    return out;
  }

  /** Adds an address to the suppression list (idempotent; the first reason is kept). */
  async suppress(entry: { email: string; reason: string; detail: string; at: string }): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { PK: SUPPRESSED, SK: entry.email.toLowerCase(), ...entry, email: entry.email.toLowerCase() },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Which of these addresses are suppressed. */
  async suppressedAmong(emails: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Set(emails.map((e) => e.toLowerCase()))];
    for (let i = 0; i < unique.length; i += 25) {
      const outs = await Promise.all(
        unique
          .slice(i, i + 25)
          .map((email) =>
            this.db.send(new GetCommand({ TableName: this.tableName, Key: { PK: SUPPRESSED, SK: email } })),
          ),
      );
      for (const out of outs) if (out.Item) found.add(String(out.Item.SK));
    }
    return found;
  }

  /** The whole suppression list. */
  async listSuppressed(): Promise<SuppressionRecord[]> {
    const out: SuppressionRecord[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': SUPPRESSED },
    })) {
      out.push(SuppressionRecord.parse(item));
    }
    return out;
  }

  /** The supervisor's saved draft for an assignment, if any. */
  async getDraft(token: TokenRecord): Promise<Draft | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: shardPk(token.campaignId, token.shard), SK: draftSk(token.id) },
        ConsistentRead: true,
      }),
    );
    return out.Item
      ? Draft.parse({ answers: out.Item.answers, problems: out.Item.problems, savedAt: out.Item.savedAt })
      : undefined;
  }

  /**
   * Saves the draft of an assignment, replacing the previous one. Drafts are scratch space: the
   * submitted versions are the record, so the last save wins.
   */
  async saveDraft(token: TokenRecord, draft: Draft): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { PK: shardPk(token.campaignId, token.shard), SK: draftSk(token.id), assignmentId: token.id, ...draft },
      }),
    );
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

  /**
   * Stores new rectification items; an item that already exists is left as it is (it may have moved
   * on since), so re-running publication never resets one. Returns how many were new.
   */
  async putRectificationItems(items: readonly RectificationItem[]): Promise<number> {
    let created = 0;
    for (let i = 0; i < items.length; i += BATCH) {
      const outcomes = await Promise.all(
        items.slice(i, i + BATCH).map(async (item) => {
          try {
            await this.db.send(
              new PutCommand({
                TableName: this.tableName,
                Item: { PK: rectificationPk(item.series), SK: rectificationSk(item.centerId, item.id), ...item },
                ConditionExpression: 'attribute_not_exists(PK)',
              }),
            );
            return 1;
          } catch (error) {
            if (error instanceof ConditionalCheckFailedException) return 0;
            throw error;
          }
        }),
      );
      created += outcomes.reduce<number>((a, b) => a + b, 0);
    }
    return created;
  }

  /** The rectification items of a series, or of one center in it. */
  async listRectificationItems(series: string, centerId?: string): Promise<RectificationItem[]> {
    const out: RectificationItem[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: centerId ? 'PK = :pk AND begins_with(SK, :c)' : 'PK = :pk',
      ExpressionAttributeValues: { ':pk': rectificationPk(series), ...(centerId ? { ':c': `${centerId}#` } : {}) },
    })) {
      out.push(RectificationItem.parse(item));
    }
    return out;
  }

  /** One rectification item. */
  async getRectificationItem(series: string, centerId: string, itemId: string): Promise<RectificationItem | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: rectificationPk(series), SK: rectificationSk(centerId, itemId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? RectificationItem.parse(out.Item) : undefined;
  }

  /**
   * Writes a changed item, provided nobody changed it since it was read at `readRevision`
   * (ConcurrentUpdate otherwise: re-read and decide again).
   */
  async saveRectificationItem(item: RectificationItem, readRevision: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { PK: rectificationPk(item.series), SK: rectificationSk(item.centerId, item.id), ...item },
          ConditionExpression: 'revision = :r',
          ExpressionAttributeValues: { ':r': readRevision },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConcurrentUpdate(`rectification item ${item.id} changed meanwhile`, { cause: error });
      }
      throw error;
    }
  }

  /** Records what a rectification link's token opens (idempotent: same key, same content). */
  async putRectificationLinks(links: readonly { tokenHash: string; link: RectificationLink }[]): Promise<void> {
    await this.batchPut(
      links.map(({ tokenHash, link }) => ({ PK: rectificationTokenPk(tokenHash), SK: 'RTOKEN', ...link })),
    );
  }

  /** Resolves a rectification token hash. */
  async getRectificationLink(tokenHash: string): Promise<RectificationLink | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: rectificationTokenPk(tokenHash), SK: 'RTOKEN' } }),
    );
    return out.Item ? RectificationLink.parse(out.Item) : undefined;
  }

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

  /** Writes the campaign-level result of scoring (re-scoring overwrites it with an identical one). */
  async putScoringSummary(summary: CampaignScoringSummary): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { PK: campaignPk(summary.campaignId), SK: 'SCORING', summary },
      }),
    );
  }

  /** The campaign-level result of scoring, once scored. */
  async getScoringSummary(campaignId: string): Promise<CampaignScoringSummary | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: campaignPk(campaignId), SK: 'SCORING' },
        ConsistentRead: true,
      }),
    );
    return out.Item ? CampaignScoringSummary.parse(out.Item.summary) : undefined;
  }

  /** Writes each rater's severity, in their own partition: for organizers, never in officials' summaries. */
  async putRaterSeverities(campaignId: string, raters: readonly RaterSeverity[]): Promise<void> {
    const pk = `${campaignPk(campaignId)}#RATERS`;
    await this.batchPut(raters.map((rater) => ({ PK: pk, SK: supervisorSk(rater.supervisorId), rater })));
  }

  /** Every rater's severity from the campaign's scoring. */
  async listRaterSeverities(campaignId: string): Promise<RaterSeverity[]> {
    const out: RaterSeverity[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `${campaignPk(campaignId)}#RATERS` },
    })) {
      out.push(RaterSeverity.parse(item.rater));
    }
    return out;
  }

  /**
   * Writes center explanations, spread over the campaign's shards by center id so that 20,000 of
   * them neither crowd one partition nor slow down queries of the campaign's own items.
   */
  async putExplanations(campaignId: string, explanations: readonly CenterExplanation[]): Promise<void> {
    await this.batchPut(
      explanations.map((explanation) => ({
        PK: `${campaignPk(campaignId)}#X${String(shardOf(explanation.centerId)).padStart(2, '0')}`,
        SK: centerSk(explanation.centerId),
        explanation,
      })),
    );
  }

  /** How one center's score was computed, if the campaign was scored. */
  async getExplanation(campaignId: string, centerId: string): Promise<CenterExplanation | undefined> {
    const pk = `${campaignPk(campaignId)}#X${String(shardOf(centerId)).padStart(2, '0')}`;
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: pk, SK: centerSk(centerId) } }),
    );
    return out.Item ? CenterExplanation.parse(out.Item.explanation) : undefined;
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

  /** Every review decision of a campaign, by assignment id. */
  async listReviews(campaignId: string): Promise<Map<string, Review>> {
    const reviews = await this.listCampaignItems(campaignId, 'REVIEW#', Review);
    return new Map(reviews.map((review) => [review.assignmentId, review]));
  }

  /** The review decision on one response, if any. */
  async getReview(campaignId: string, assignmentId: string): Promise<Review | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: campaignPk(campaignId), SK: reviewSk(assignmentId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? Review.parse(out.Item) : undefined;
  }

  /** The assignment ids of a campaign's rejected responses: they never count in scores. */
  async rejectedResponses(campaignId: string): Promise<Set<string>> {
    const out = new Set<string>();
    for (const review of (await this.listReviews(campaignId)).values()) {
      if (review.status === 'rejected') out.add(review.assignmentId);
    }
    return out;
  }

  /**
   * Stores a review decision, provided nobody decided on the response since the reviewer read it
   * (revision - 1 is the revision they saw; ConcurrentUpdate otherwise).
   */
  async saveReview(review: Review): Promise<void> {
    await this.putConditional(
      { PK: campaignPk(review.campaignId), SK: reviewSk(review.assignmentId), ...review },
      review.revision === 1
        ? { ConditionExpression: 'attribute_not_exists(PK)' }
        : { ConditionExpression: 'revision = :r', ExpressionAttributeValues: { ':r': review.revision - 1 } },
      (cause) => new ConcurrentUpdate(`the review of ${review.assignmentId} changed meanwhile`, { cause }),
    );
  }

  /** Appends one entry to a campaign's audit log (its id makes a retried append a no-op). */
  async appendAudit(entry: AuditEntry): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { PK: auditPk(entry.campaignId), SK: `${entry.at}#${entry.id}`, ...entry },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** A campaign's audit log, newest first, at most `limit` entries. */
  async listAudit(campaignId: string, limit = 200): Promise<AuditEntry[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': auditPk(campaignId) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => AuditEntry.parse(item));
  }

  /**
   * One page of a campaign's audit log, newest first: at most `size` entries older than the `after`
   * key, or newer than the `before` key. One Query with a limit and a start key: never the whole log.
   * `next` and `previous` are the keys to go on with, when there is more that way.
   */
  async pageAudit(
    campaignId: string,
    page: { size: number; after?: string | undefined; before?: string | undefined },
  ): Promise<AuditPage> {
    const pk = auditPk(campaignId);
    const start = page.after ?? page.before;
    const newer = page.after === undefined && page.before !== undefined;
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: newer,
        // One more than shown tells whether there is more beyond this page.
        Limit: page.size + 1,
        ...(start === undefined ? {} : { ExclusiveStartKey: { PK: pk, SK: start } }),
      }),
    );
    const items = (out.Items ?? []) as (Record<string, unknown> & { SK: string })[];
    const more = items.length > page.size;
    const shown = items.slice(0, page.size);
    if (newer) shown.reverse();
    const first = shown[0]?.SK;
    const last = shown.at(-1)?.SK;
    return {
      entries: shown.map((item) => AuditEntry.parse(item)),
      ...((newer ? true : more) && last !== undefined ? { next: last } : {}),
      ...((newer ? more : start !== undefined) && first !== undefined ? { previous: first } : {}),
    };
  }

  private async *queryPages(input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<QueryCommandOutput> {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start }),
      );
      yield out;
      start = out.LastEvaluatedKey;
    } while (start);
  }

  private async *queryAll(input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<Record<string, unknown>> {
    for await (const page of this.queryPages(input)) for (const item of page.Items ?? []) yield item;
  }

  /** Batch writes in 25s, re-sending unprocessed items with exponential backoff and jitter. */
  private async batchPut(items: readonly Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < items.length; i += BATCH) {
      let requests = items.slice(i, i + BATCH).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 10) throw new Error(`DynamoDB left ${requests.length} items unprocessed after 10 retries`);
        if (attempt > 0) await sleep(Math.random() * Math.min(5_000, 50 * 2 ** attempt));
        const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        const unprocessed = out.UnprocessedItems?.[this.tableName] ?? [];
        requests = unprocessed.flatMap((r) =>
          r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
        );
      }
    }
  }
}
