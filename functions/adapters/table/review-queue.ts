import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
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
  queueCountPrefix,
  queueCountSk,
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

/**
 * A write of an entry's city key (`A#…`), which is what the counts count: a key put where there was none
 * adds one to its district's group, a key deleted that was there takes one away.
 */
type CountedWrite = { pk: string; district: string; group: string } & (
  | { kind: 'put'; item: Record<string, unknown> }
  | { kind: 'delete'; key: Record<string, unknown> }
);

/** How much a count moves. */
interface CountMove {
  pk: string;
  district: string;
  group: string;
  n: number;
}

/** What takes an entry from what is stored to what it should be. */
interface EntryChanges {
  counted: CountedWrite[];
  batch: Record<string, unknown>[];
}

/** A count item of the queue. */
const CountItem = z.object({ group: z.string(), n: z.number() });

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
    const writes: EntryChanges[] = [];
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
          return reflagCenter([...current.values()]).map((e) => this.changesOf(before.get(e.assignmentId), e));
        }),
      );
      writes.push(...changed.flat());
    }
    await this.applyChanges(writes);
  }

  /**
   * Lists a campaign's first responses in bulk (an import of answers, the bench): the entries of a queue
   * that has none yet, written in batches without reading what is stored, then each district's counts set
   * from its entries (COUNT Queries), so loading the same again counts nothing twice.
   */
  async loadResponses(
    questionnaire: Questionnaire,
    submitted: readonly { response: Response; center: Center }[],
  ): Promise<void> {
    const byCenter = new Map<string, QueueEntry[]>();
    for (const { response, center } of submitted)
      byCenter.set(center.id, [
        ...(byCenter.get(center.id) ?? []),
        entryOfResponse(questionnaire, response, center, undefined),
      ]);
    const entries = [...byCenter.values()].flatMap((list) => reflagCenter(list));
    await this.batchWrite(
      entries.flatMap((e) =>
        sortKeysOf(e).map((SK) => ({ PutRequest: { Item: { PK: queuePk(e.campaignId), SK, ...e } } })),
      ),
    );
    const campaignId = entries[0]?.campaignId;
    if (campaignId === undefined) return;
    const districts = [...new Set(entries.map((e) => e.district))];
    for (let i = 0; i < districts.length; i += 4)
      await Promise.all(districts.slice(i, i + 4).map((d) => this.recountDistrict(campaignId, d)));
  }

  /** Sets a district's counts to what its entries say (a COUNT Query per group): repeatable, and a repair. */
  async recountDistrict(campaignId: string, district: string): Promise<void> {
    const pk = queuePk(campaignId);
    for (const group of GROUPS) {
      let n = 0;
      for await (const out of this.queryPages({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': pk, ':p': `${queueDistrictPrefix(district, group)}#` },
        Select: 'COUNT',
      }))
        n += out.Count ?? 0;
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: pk, SK: queueCountSk(district, group) },
          UpdateExpression: 'SET district = :d, #g = :g, n = :n',
          ExpressionAttributeNames: { '#g': 'group' },
          ExpressionAttributeValues: { ':d': district, ':g': group, ':n': n },
        }),
      );
    }
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
    await this.applyChanges([this.changesOf(entry, entryWithReview(entry, review))]);
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

  /**
   * How many responses of the city, or of a district, are in each status: the counts kept beside the
   * entries (one small item per district and group), summed.
   */
  async countQueue(campaignId: string, district?: string): Promise<QueueCounts> {
    const counts: QueueCounts = { pending: 0, approved: 0, returned: 0, rejected: 0, flagged: 0 };
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': queuePk(campaignId), ':p': queueCountPrefix(district) },
    })) {
      const { group, n } = CountItem.parse(item);
      const status = STATUS_OF_RANK[Number(group[0])];
      if (!status || !GROUPS.includes(group as (typeof GROUPS)[number])) continue;
      counts[status] += Math.max(0, n);
      if (group === '0f') counts.flagged += Math.max(0, n);
    }
    return counts;
  }

  /**
   * Applies entries' changes: first the city keys, each put only where there was none and each delete
   * told whether it found one, which is what the counts move by (so a repeated write counts nothing
   * again); then the counts; then every other key, the center's key among them, which a repeat derives
   * its changes from. A failure of some city writes still counts those that were made before it is thrown.
   */
  private async applyChanges(changes: readonly EntryChanges[]): Promise<void> {
    const counted = changes.flatMap((c) => c.counted);
    const batch = changes.flatMap((c) => c.batch);
    const deltas = new Map<string, CountMove>();
    const bump = (w: CountedWrite, by: number) => {
      const sk = `${w.pk}|${queueCountSk(w.district, w.group)}`;
      const d = deltas.get(sk) ?? { pk: w.pk, district: w.district, group: w.group, n: 0 };
      d.n += by;
      deltas.set(sk, d);
    };
    let failure: { error: unknown } | undefined;
    for (let i = 0; i < counted.length; i += BATCH) {
      const settled = await Promise.allSettled(counted.slice(i, i + BATCH).map((w) => this.writeCounted(w)));
      settled.forEach((r, j) => {
        const w = counted[i + j] as CountedWrite;
        if (r.status === 'rejected') failure ??= { error: r.reason };
        else if (r.value === 'counted') bump(w, w.kind === 'put' ? 1 : -1);
        else if (r.value === 'exists' && w.kind === 'put') batch.push({ PutRequest: { Item: w.item } });
      });
      if (failure) break;
    }
    await this.addCounts([...deltas.values()]);
    if (failure) throw failure.error;
    await this.batchWrite(batch);
  }

  /** A city key put where there was none, or deleted: whether it moved the count, or found the key as it was. */
  private async writeCounted(w: CountedWrite): Promise<'counted' | 'exists' | 'absent'> {
    if (w.kind === 'delete') {
      const out = await this.db.send(
        new DeleteCommand({ TableName: this.tableName, Key: w.key, ReturnValues: 'ALL_OLD' }),
      );
      return out.Attributes ? 'counted' : 'absent';
    }
    try {
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: w.item, ConditionExpression: 'attribute_not_exists(SK)' }),
      );
      return 'counted';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  /** Adds each district's and group's change to its count (atomic ADD), side by side. */
  private async addCounts(deltas: readonly CountMove[]): Promise<void> {
    const moves = deltas.filter((d) => d.n !== 0);
    for (let i = 0; i < moves.length; i += BATCH)
      await Promise.all(
        moves.slice(i, i + BATCH).map((d) =>
          this.db.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { PK: d.pk, SK: queueCountSk(d.district, d.group) },
              UpdateExpression: 'SET district = :d, #g = :g ADD n :n',
              ExpressionAttributeNames: { '#g': 'group' },
              ExpressionAttributeValues: { ':d': d.district, ':g': d.group, ':n': d.n },
            }),
          ),
        ),
      );
  }

  /** The writes that take an entry from what is stored to what it should be: none when they agree. */
  private changesOf(stored: QueueEntry | undefined, next: QueueEntry): EntryChanges {
    if (stored && JSON.stringify(QueueEntry.parse(stored)) === JSON.stringify(QueueEntry.parse(next)))
      return { counted: [], batch: [] };
    const keys = sortKeysOf(next);
    const storedKeys = stored ? sortKeysOf(stored) : [];
    const pk = queuePk(next.campaignId);
    const counted: CountedWrite[] = [];
    // The city key is the first: the one the counts follow.
    const [cityKey, ...others] = keys;
    if (cityKey && !storedKeys.includes(cityKey))
      counted.push({
        kind: 'put',
        pk,
        item: { PK: pk, SK: cityKey, ...next },
        district: next.district,
        group: queueGroup(next),
      });
    const [storedCity] = storedKeys;
    if (stored && storedCity && !keys.includes(storedCity))
      counted.push({
        kind: 'delete',
        pk,
        key: { PK: pk, SK: storedCity },
        district: stored.district,
        group: queueGroup(stored),
      });
    const moved = storedKeys.slice(1).filter((k) => !keys.includes(k));
    const puts = cityKey && storedKeys.includes(cityKey) ? keys : others;
    return {
      counted,
      batch: [
        ...moved.map((SK) => ({ DeleteRequest: { Key: { PK: pk, SK } } })),
        ...puts.map((SK) => ({ PutRequest: { Item: { PK: pk, SK, ...next } } })),
      ],
    };
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
