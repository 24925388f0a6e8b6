import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { lazySchema } from '../../core/lazy-schema.ts';
import { Assignment, type Center, CenterLevel } from '../../core/model.ts';
import {
  ASSIGNMENT_PREFIX,
  assignmentSk,
  campaignPk,
  META,
  PROGRESS_SUPERVISOR_PREFIX,
  progressCellPrefix,
  progressCellSk,
  progressDistrictSupervisorPrefix,
  progressDistrictSupervisorSk,
  progressPk,
  progressSupervisorSk,
  SHARD_COUNT,
  shardOf,
  shardPk,
  supervisorAssignmentsPrefix,
  TOKEN_SK,
  tokenPk,
} from './keys.ts';
import { refusedByService, TableAccess } from './table-access.ts';

/** What a survey token resolves to. */
export const TokenRecord = lazySchema(() => Assignment.extend({ shard: z.number().int().nonnegative() }));
export type TokenRecord = z.infer<typeof TokenRecord>;

/** An assignment as stored, with whether it has been answered. */
export const AssignmentRecord = lazySchema(() =>
  Assignment.extend({
    answeredAt: z.string().optional(),
    /** Its center's district and level (kept since the progress counts were). */
    district: z.string().optional(),
    level: CenterLevel.optional(),
  }),
);
export type AssignmentRecord = z.infer<typeof AssignmentRecord>;

/** Numbers read back from writes (built once: a zod schema costs something to build). */
const Count = lazySchema(() => z.number().int().positive());

/** Where an assignment's center is, as stored on the assignment: what its progress counts are by. */
const Where = z.object({ supervisorId: z.string(), district: z.string(), level: CenterLevel });
type Where = z.infer<typeof Where>;

/** A progress count as stored: answered of assigned. */
const ProgressCount = z.object({ total: z.number().int().default(0), answered: z.number().int().default(0) });

/** Answered of assigned in one district and level. */
export interface ProgressCell {
  district: string;
  level: CenterLevel;
  total: number;
  answered: number;
}

/** A supervisor with assignments (of the scope) still unanswered. */
export interface LateSupervisor {
  supervisorId: string;
  total: number;
  answered: number;
}

/** The progress counts an assignment moves: its district and level, its supervisor, its supervisor in its district. */
const progressKeysOf = (w: Where): string[] => [
  progressCellSk(w.district, w.level),
  progressSupervisorSk(w.supervisorId),
  progressDistrictSupervisorSk(w.district, w.supervisorId),
];

/** Assignments in the supervisors' shards, the survey tokens that resolve to them, and their answered marks. */
export class AssignmentTable extends TableAccess {
  /**
   * Writes assignments, each with its center's district and level, and their token hashes; safe to repeat
   * (same keys, same content).
   */
  async putAssignments(
    campaignId: string,
    assignments: readonly { assignment: Assignment; tokenHash: string; center?: Pick<Center, 'district' | 'level'> }[],
  ) {
    const items: Record<string, unknown>[] = [];
    for (const { assignment, tokenHash, center } of assignments) {
      const shard = shardOf(assignment.supervisorId);
      items.push({
        PK: shardPk(campaignId, shard),
        SK: assignmentSk(assignment.supervisorId, assignment.id),
        ...assignment,
        ...(center ? { district: center.district, level: center.level } : {}),
      });
      items.push({ PK: tokenPk(tokenHash), SK: TOKEN_SK, ...assignment, shard });
    }
    await this.batchPut(items);
  }

  /**
   * Writes the campaign's progress counts before it opens: assigned by district and level, by supervisor,
   * by supervisor in each district, none answered. Only before any answer can be counted (a draft).
   */
  async putProgressTotals(campaignId: string, assignments: readonly Where[]): Promise<void> {
    const totals = new Map<string, { item: Record<string, unknown>; total: number }>();
    for (const w of assignments)
      for (const SK of progressKeysOf(w)) {
        const entry = totals.get(SK) ?? {
          item: SK.startsWith('G#')
            ? { district: w.district, level: w.level }
            : { supervisorId: w.supervisorId, ...(SK.startsWith('L#') ? { district: w.district } : {}) },
          total: 0,
        };
        entry.total++;
        totals.set(SK, entry);
      }
    const pk = progressPk(campaignId);
    await this.batchPut([...totals].map(([SK, t]) => ({ PK: pk, SK, ...t.item, total: t.total, answered: 0 })));
  }

  /**
   * The progress of the city (no district) or of one district, by key: answered of assigned by district
   * and level, and the supervisors with assignments still unanswered. Undefined when the campaign has no
   * counts (it was prepared before they were kept).
   */
  async getProgress(
    campaignId: string,
    district?: string,
  ): Promise<{ cells: ProgressCell[]; late: LateSupervisor[] } | undefined> {
    const pk = progressPk(campaignId);
    const cells: ProgressCell[] = [];
    const late: LateSupervisor[] = [];
    const lateQuery = {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      FilterExpression: 'answered < #total',
      ExpressionAttributeNames: { '#total': 'total' },
    };
    await Promise.all([
      (async () => {
        for await (const item of this.queryAll({
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
          ExpressionAttributeValues: { ':pk': pk, ':p': progressCellPrefix(district) },
        }))
          cells.push({ ...ProgressCount.parse(item), ...Where.pick({ district: true, level: true }).parse(item) });
      })(),
      (async () => {
        for await (const item of this.queryAll({
          ...lateQuery,
          ExpressionAttributeValues: {
            ':pk': pk,
            ':p': district === undefined ? PROGRESS_SUPERVISOR_PREFIX : progressDistrictSupervisorPrefix(district),
          },
        }))
          late.push({ ...ProgressCount.parse(item), supervisorId: z.string().parse(item.supervisorId) });
      })(),
    ]);
    return cells.length === 0 ? undefined : { cells, late };
  }

  /** The assignments of one supervisor (one shard, one Query). */
  async listSupervisorAssignments(campaignId: string, supervisorId: string): Promise<AssignmentRecord[]> {
    const out: AssignmentRecord[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: {
        ':pk': shardPk(campaignId, shardOf(supervisorId)),
        ':p': supervisorAssignmentsPrefix(supervisorId),
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
        ExpressionAttributeValues: { ':pk': shardPk(campaignId, shard), ':p': ASSIGNMENT_PREFIX },
      })) {
        yield AssignmentRecord.parse(item);
      }
    }
  }

  /** Resolves a token hash to its assignment. */
  async getToken(tokenHash: string): Promise<TokenRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: tokenPk(tokenHash), SK: TOKEN_SK } }),
    );
    return out.Item ? TokenRecord.parse(out.Item) : undefined;
  }

  /**
   * Marks an assignment answered and counts it once: on the campaign, and in its progress counts (its
   * district and level, its supervisor). Returns the campaign's count of answered assignments after the
   * increment, or undefined when the assignment had already been counted. Only the count comes back (not
   * the whole campaign item). The mark guards the counts: if DynamoDB refuses a count (throttling:
   * certainly not applied), the counts already made are taken back and then the mark (when it still is
   * this one) before the error is thrown, so that a retry marks and counts again instead of finding the
   * mark and counting nothing. After an error that leaves it unknown whether a count was applied
   * (timeout, connection lost, 5xx) the mark stays: a count short by one only lets the campaign run to its
   * deadline, one too many could close it before everyone answered.
   */
  async markAnswered(
    assignment: Pick<Assignment, 'campaignId' | 'supervisorId' | 'id'>,
    at: string,
  ): Promise<number | undefined> {
    const markKey = {
      PK: shardPk(assignment.campaignId, shardOf(assignment.supervisorId)),
      SK: assignmentSk(assignment.supervisorId, assignment.id),
    };
    let marked: Record<string, unknown> | undefined;
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: markKey,
          UpdateExpression: 'SET answeredAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(answeredAt)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      marked = out.Attributes;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
    // An assignment stored before its center's district and level were kept has no progress counts.
    const where = Where.safeParse(marked);
    const pk = progressPk(assignment.campaignId);
    const counts = where.success ? progressKeysOf(where.data).map((SK) => ({ PK: pk, SK })) : [];
    const unmark = () =>
      this.db
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
    const made = await this.addToCounts(counts, 1);
    if (made.failure) {
      if (!refusedByService(made.failure.error)) throw made.failure.error;
      await this.addToCounts(made.added, -1);
      await unmark();
      throw made.failure.error;
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
      await this.addToCounts(counts, -1);
      await unmark();
      throw error;
    }
  }

  /** Adds `by` to each `answered` count, side by side: those added, and the first failure. */
  private async addToCounts(
    keys: readonly Record<string, string>[],
    by: number,
  ): Promise<{ added: Record<string, string>[]; failure?: { error: unknown } }> {
    const settled = await Promise.allSettled(
      keys.map((Key) =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'ADD answered :by',
            ExpressionAttributeValues: { ':by': by },
          }),
        ),
      ),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    return {
      added: keys.filter((_, i) => settled[i]?.status === 'fulfilled'),
      ...(failed ? { failure: { error: failed.reason } } : {}),
    };
  }
}
