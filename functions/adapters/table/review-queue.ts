import { BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Review, ReviewStatus } from '../../core/findings/review.ts';
import {
  entryOfResponse,
  entryWithReview,
  QueueEntry,
  type QueuePlan,
  queueGroup,
  reflagCenter,
} from '../../core/findings/review-queue.ts';
import type { Center, Questionnaire } from '../../core/model.ts';
import type { Response } from '../../core/responses/response.ts';
import {
  queueAllPrefix,
  queueAllSk,
  queueCenterPrefix,
  queueCenterSk,
  queueDistrictPrefix,
  queueDistrictSk,
  queuePk,
  queueSupervisorPrefix,
  queueSupervisorSk,
} from './keys.ts';
import { BATCH, sleep, TableAccess } from './table-access.ts';

/** A page cursor that is not a key of the query it is used with (an edited or stale link). */
export class QueueCursorInvalid extends Error {
  override name = 'QueueCursorInvalid';
}

/** One page of the queue, with the sort keys to go on with when there is more that way. */
export interface QueuePage {
  entries: QueueEntry[];
  next?: string;
  previous?: string;
}

/** Review counts of a scope: responses per status, and pending ones with a flag. */
export type QueueCounts = Record<ReviewStatus, number> & { flagged: number };

/** Queries of one page at most, however selective the filter: a page may then be short, with a link on. */
const MAX_QUERIES_PER_PAGE = 8;
/** Items a filtered Query evaluates per call. */
const FILTERED_LIMIT = 400;
const GROUPS = ['0f', '0n', '1f', '1n', '2f', '2n', '3f', '3n'] as const;
const STATUS_OF_RANK: readonly ReviewStatus[] = ['pending', 'returned', 'approved', 'rejected'];

/** The four sort keys an entry is listed under. */
const sortKeysOf = (e: QueueEntry): string[] => {
  const group = queueGroup(e);
  return [
    queueAllSk(group, e.centerId, e.assignmentId),
    queueDistrictSk(e.district, group, e.centerId, e.assignmentId),
    queueSupervisorSk(e.supervisorId, e.assignmentId),
    queueCenterSk(e.centerId, e.assignmentId),
  ];
};

/** The sort key prefix a plan reads. */
const prefixOf = (plan: QueuePlan): string =>
  plan.index === 'supervisor'
    ? queueSupervisorPrefix(plan.keyValue ?? '')
    : plan.index === 'district'
      ? queueDistrictPrefix(plan.keyValue ?? '', plan.groupPrefix)
      : queueAllPrefix(plan.groupPrefix);

/** A plan's conditions as a filter expression, with its names and values. */
const filterOf = (plan: QueuePlan) => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = plan.conditions.map((c, i) => {
    if (c.kind === 'equals') {
      names[`#c${i}`] = c.attribute;
      values[`:c${i}`] = c.value;
      return `#c${i} = :c${i}`;
    }
    names['#flags'] = 'flags';
    if (c.kind === 'flagged') {
      values[':none'] = 0;
      return c.flagged ? 'size(#flags) > :none' : 'size(#flags) = :none';
    }
    values[`:c${i}`] = c.flag;
    return `contains(#flags, :c${i})`;
  });
  return parts.length === 0
    ? {}
    : { FilterExpression: parts.join(' AND '), ExpressionAttributeNames: names, filterValues: values };
};

/**
 * The review queue's entries (core/findings/review-queue.ts): written when a response is submitted
 * and when it is decided on, read a page at a time by the console. Every write derives the entries
 * from the response and the stored entry, so repeating one changes nothing.
 */
export class ReviewQueueTable extends TableAccess {
  /**
   * Lists a submitted response in the queue (pending again after a new version) and re-flags its
   * center's other responses, whose outlier flag its mean may change. Repeating it writes the same.
   */
  async indexResponse(questionnaire: Questionnaire, response: Response, center: Center): Promise<void> {
    await this.indexResponses(questionnaire, [{ response, center }]);
  }

  /** Lists many submitted responses at once, center by center (what a bulk load of answers needs). */
  async indexResponses(
    questionnaire: Questionnaire,
    submitted: readonly { response: Response; center: Center }[],
  ): Promise<void> {
    const byCenter = new Map<string, { response: Response; center: Center }[]>();
    for (const s of submitted) byCenter.set(s.center.id, [...(byCenter.get(s.center.id) ?? []), s]);
    const writes: Record<string, unknown>[] = [];
    const centers = [...byCenter.values()];
    for (let i = 0; i < centers.length; i += BATCH) {
      const changed = await Promise.all(
        centers.slice(i, i + BATCH).map(async (list) => {
          const first = list[0] as { response: Response; center: Center };
          const stored = await this.listCenterEntries(first.response.campaignId, first.center.id);
          const current = new Map(stored.map((e) => [e.assignmentId, e]));
          for (const { response, center } of list) {
            // A late retry of an older version never takes the place of a newer one.
            if ((current.get(response.assignmentId)?.version ?? 0) > response.version) continue;
            current.set(
              response.assignmentId,
              entryOfResponse(questionnaire, response, center, current.get(response.assignmentId)),
            );
          }
          const before = new Map(stored.map((e) => [e.assignmentId, e]));
          return reflagCenter([...current.values()]).flatMap((e) => this.changesOf(before.get(e.assignmentId), e));
        }),
      );
      writes.push(...changed.flat());
    }
    await this.batchWrite(writes);
  }

  /** Moves a decided response's entry to its new status (nothing when the entry already says so). */
  async applyReview(review: Review): Promise<void> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: queuePk(review.campaignId), SK: queueCenterSk(review.centerId, review.assignmentId) },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return;
    const entry = QueueEntry.parse(out.Item);
    await this.batchWrite(this.changesOf(entry, entryWithReview(entry, review)));
  }

  /** The entries of one center's responses. */
  async listCenterEntries(campaignId: string, centerId: string): Promise<QueueEntry[]> {
    const out: QueueEntry[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': queuePk(campaignId), ':p': queueCenterPrefix(centerId) },
      ConsistentRead: true,
    }))
      out.push(QueueEntry.parse(item));
    return out;
  }

  /** The entry of one response, if it is listed. */
  async getEntry(campaignId: string, centerId: string, assignmentId: string): Promise<QueueEntry | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: queuePk(campaignId), SK: queueCenterSk(centerId, assignmentId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? QueueEntry.parse(out.Item) : undefined;
  }

  /**
   * One page of the queue as a plan reads it: at most `size` entries after the `after` key (or before
   * the `before` key), by Queries with a limit and a start key, a bounded number of them. `next` and
   * `previous` are the sort keys to go on with; QueueCursorInvalid for a key outside the plan's prefix.
   */
  async pageQueue(
    campaignId: string,
    plan: QueuePlan,
    page: { size: number; after?: string | undefined; before?: string | undefined },
  ): Promise<QueuePage> {
    const prefix = prefixOf(plan);
    const start = page.after ?? page.before;
    if (start !== undefined && !start.startsWith(prefix))
      throw new QueueCursorInvalid('the page cursor is not a key of this view of the queue');
    const backward = page.after === undefined && page.before !== undefined;
    const { filterValues, ...filter } = filterOf(plan);
    const found: { sk: string; entry: QueueEntry }[] = [];
    let key: Record<string, unknown> | undefined =
      start === undefined ? undefined : { PK: queuePk(campaignId), SK: start };
    let more = false;
    for (let calls = 0; calls < MAX_QUERIES_PER_PAGE; calls++) {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
          ...filter,
          ExpressionAttributeValues: { ':pk': queuePk(campaignId), ':p': prefix, ...filterValues },
          ScanIndexForward: !backward,
          // One more than shown tells whether there is more beyond this page.
          Limit: filter.FilterExpression ? FILTERED_LIMIT : page.size + 1 - found.length,
          ...(key ? { ExclusiveStartKey: key } : {}),
        }),
      );
      for (const item of out.Items ?? []) found.push({ sk: String(item.SK), entry: QueueEntry.parse(item) });
      key = out.LastEvaluatedKey;
      if (found.length > page.size || !key) break;
      // The budget is spent with the page still short: there may be more, from where the reading stopped.
      if (calls === MAX_QUERIES_PER_PAGE - 1) more = true;
    }
    more ||= found.length > page.size;
    const shown = found.slice(0, page.size);
    if (backward) shown.reverse();
    // A short page whose reading stopped early goes on from where it stopped, not from its last entry.
    const stoppedAt = key === undefined ? undefined : String(key.SK);
    const last = found.length > page.size ? shown.at(-1)?.sk : (stoppedAt ?? shown.at(-1)?.sk);
    const first = shown[0]?.sk;
    if (backward)
      return {
        entries: shown.map((s) => s.entry),
        ...(start !== undefined ? { next: start } : {}),
        ...(more && first !== undefined ? { previous: first } : {}),
      };
    return {
      entries: shown.map((s) => s.entry),
      ...(more && last !== undefined ? { next: last } : {}),
      ...(start !== undefined ? { previous: first ?? start } : {}),
    };
  }

  /** How many responses of the city, or of a district, are in each status (COUNT Queries by group). */
  async countQueue(campaignId: string, district?: string): Promise<QueueCounts> {
    const counts: QueueCounts = { pending: 0, approved: 0, returned: 0, rejected: 0, flagged: 0 };
    const totals = await Promise.all(
      GROUPS.map(async (group) => {
        let n = 0;
        for await (const out of this.queryPages({
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
          ExpressionAttributeValues: {
            ':pk': queuePk(campaignId),
            ':p': district === undefined ? `${queueAllPrefix(group)}#` : `${queueDistrictPrefix(district, group)}#`,
          },
          Select: 'COUNT',
        }))
          n += out.Count ?? 0;
        return n;
      }),
    );
    GROUPS.forEach((group, i) => {
      const status = STATUS_OF_RANK[Number(group[0])] as ReviewStatus;
      counts[status] += totals[i] ?? 0;
      if (group === '0f') counts.flagged += totals[i] ?? 0;
    });
    return counts;
  }

  /** The writes that take an entry from what is stored to what it should be: none when they agree. */
  private changesOf(stored: QueueEntry | undefined, next: QueueEntry): Record<string, unknown>[] {
    if (stored && JSON.stringify(QueueEntry.parse(stored)) === JSON.stringify(QueueEntry.parse(next))) return [];
    const keys = sortKeysOf(next);
    const moved = stored ? sortKeysOf(stored).filter((k) => !keys.includes(k)) : [];
    const pk = queuePk(next.campaignId);
    return [
      ...moved.map((SK) => ({ DeleteRequest: { Key: { PK: pk, SK } } })),
      ...keys.map((SK) => ({ PutRequest: { Item: { PK: pk, SK, ...next } } })),
    ];
  }

  /** Puts and deletes in 25s, eight batches at a time, re-sending unprocessed ones with exponential backoff and jitter. */
  private async batchWrite(requests: readonly Record<string, unknown>[]): Promise<void> {
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < requests.length; i += BATCH) batches.push(requests.slice(i, i + BATCH));
    // No two requests of one call share a key (an entry's moved keys are not its new ones), so batches may run side by side.
    for (let i = 0; i < batches.length; i += 8)
      await Promise.all(batches.slice(i, i + 8).map((b) => this.writeBatch(b)));
  }

  private async writeBatch(batch: readonly Record<string, unknown>[]): Promise<void> {
    let pending = [...batch];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 10) throw new Error(`DynamoDB left ${pending.length} queue writes unprocessed after 10 retries`);
      if (attempt > 0) await sleep(Math.random() * Math.min(5_000, 50 * 2 ** attempt));
      const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }));
      pending = (out.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
    }
  }
}
