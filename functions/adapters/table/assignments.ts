import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { lazySchema } from '../../core/lazy-schema.ts';
import { Assignment } from '../../core/model.ts';
import {
  ASSIGNMENT_PREFIX,
  assignmentSk,
  campaignPk,
  META,
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
export const AssignmentRecord = lazySchema(() => Assignment.extend({ answeredAt: z.string().optional() }));
export type AssignmentRecord = z.infer<typeof AssignmentRecord>;

/** Numbers read back from writes (built once: a zod schema costs something to build). */
const Count = lazySchema(() => z.number().int().positive());

/** Assignments in the supervisors' shards, the survey tokens that resolve to them, and their answered marks. */
export class AssignmentTable extends TableAccess {
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
      items.push({ PK: tokenPk(tokenHash), SK: TOKEN_SK, ...assignment, shard });
    }
    await this.batchPut(items);
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
}
