import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ResponseHistoryFull } from '../../core/errors.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { Draft } from '../../core/responses/draft.ts';
import { Response } from '../../core/responses/response.ts';
import type { TokenRecord } from './assignments.ts';
import { draftSk, RESPONSE_PREFIX, responseSk, SHARD_COUNT, shardOf, shardPk } from './keys.ts';
import type { ReviewTable } from './reviews.ts';
import { TableAccess } from './table-access.ts';

/** A stored response with the id of the submission that produced it (for idempotent retries). */
export const ResponseRecord = lazySchema(() => Response.extend({ submissionId: z.string() }));
export type ResponseRecord = z.infer<typeof ResponseRecord>;

/** One earlier submission kept in a response's history; its version is its position (1-based). */
export const ResponseVersion = lazySchema(() =>
  ResponseRecord.pick({
    submittedAt: true,
    answers: true,
    problems: true,
    submissionId: true,
  }),
);
export type ResponseVersion = z.infer<typeof ResponseVersion>;

/** A response read for when it was first answered. */
const FirstAnswer = lazySchema(() =>
  z.object({
    assignmentId: z.string(),
    history: z.tuple([z.object({ submittedAt: z.string() })]),
  }),
);

/** Versions one response may hold: far above any real editing, far below DynamoDB's 400 KB item limit. */
export const MAX_VERSIONS = 100;

/** Numbers read back from writes (built once: a zod schema costs something to build). */
const PreviousVersion = lazySchema(() => z.number().int().positive().optional());

let latest: { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> } | undefined;
/** Reads of the latest answers leave the history out: the record's fields, worked out at the first read. */
const latestOnly = () => {
  if (latest === undefined) {
    const fields = Object.keys(ResponseRecord.shape);
    latest = {
      ProjectionExpression: fields.map((_, i) => `#f${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(fields.map((f, i) => [`#f${i}`, f])),
    };
  }
  return latest;
};

/**
 * Responses (every version kept, one conditional update per submission) and drafts, in the
 * supervisors' shards; read back page by page for scoring and findings.
 */
export class ResponseTable extends TableAccess {
  private readonly reviews: ReviewTable;

  /** `reviews` says which responses were rejected: they never count. */
  constructor(db: DynamoDBDocumentClient, tableName: string, reviews: ReviewTable) {
    super(db, tableName);
    this.reviews = reviews;
  }

  /** The latest response to an assignment, if any (without its history). */
  async getLatestResponse(token: TokenRecord): Promise<ResponseRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: shardPk(token.campaignId, token.shard), SK: responseSk(token.id) },
        ...latestOnly(),
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
        ...latestOnly(),
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
        ...latestOnly(),
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
    const rejected = await this.reviews.rejectedResponses(campaignId);
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
      ExpressionAttributeValues: { ':pk': shardPk(campaignId, shard), ':p': RESPONSE_PREFIX },
    };
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
}
