import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoQuestionnaire } from '../../../cli/sample-data/centers.ts';
import {
  queueAllPrefix,
  queueAllSk,
  queueDistrictPrefix,
  queueDistrictSk,
  queueSupervisorPrefix,
  queueSupervisorSk,
} from '../../../functions/adapters/table/keys.ts';
import { REVIEW_FLAGS, REVIEW_STATUSES, type Review } from '../../../functions/core/findings/review.ts';
import {
  encodeQueueCursor,
  entryOfResponse,
  entryWithReview,
  FLAG_FILTERS,
  meetsConditions,
  planQueueQuery,
  type QueueEntry,
  type QueuePlan,
  type QueueQuery,
  queueGroup,
  queueSearch,
  readQueueQuery,
  reflagCenter,
  STATUS_FILTERS,
} from '../../../functions/core/findings/review-queue.ts';
import { CENTER_LEVELS } from '../../../functions/core/model.ts';
import type { Response } from '../../../functions/core/responses/response.ts';

const entry = (over: Partial<QueueEntry> = {}): QueueEntry => ({
  campaignId: 'c1',
  assignmentId: 'A1',
  supervisorId: 'S1',
  centerId: 'C1',
  district: '玄武区',
  level: 'street',
  activity: 'experiential',
  version: 1,
  submittedAt: '2026-12-01T02:00:00.000Z',
  mean: 70,
  ownFlags: [],
  flags: [],
  status: 'pending',
  ...over,
});

/** The sort key a plan reads an entry under, as the store lists it (functions/adapters/table/review-queue.ts). */
const keyUnder = (plan: QueuePlan, e: QueueEntry): string =>
  plan.index === 'supervisor'
    ? queueSupervisorSk(e.supervisorId, e.assignmentId)
    : plan.index === 'district'
      ? queueDistrictSk(e.district, queueGroup(e), e.centerId, e.assignmentId)
      : queueAllSk(queueGroup(e), e.centerId, e.assignmentId);

const prefixOf = (plan: QueuePlan): string =>
  plan.index === 'supervisor'
    ? queueSupervisorPrefix(plan.keyValue ?? '')
    : plan.index === 'district'
      ? queueDistrictPrefix(plan.keyValue ?? '', plan.groupPrefix)
      : queueAllPrefix(plan.groupPrefix);

/** What a query asks for, said plainly: the rule the keys and conditions must give. */
const wanted = (q: QueueQuery, e: QueueEntry, scope?: string): boolean =>
  (q.status === 'all' || e.status === q.status) &&
  (q.flag === undefined ||
    (q.flag === 'any' ? e.flags.length > 0 : q.flag === 'none' ? e.flags.length === 0 : e.flags.includes(q.flag))) &&
  (q.district === undefined || e.district === q.district) &&
  (scope === undefined || e.district === scope) &&
  (q.level === undefined || e.level === q.level) &&
  (q.supervisor === undefined || e.supervisorId === q.supervisor);

const arbEntry = fc
  .record({
    n: fc.integer({ min: 1, max: 999 }),
    supervisorId: fc.constantFrom('S1', 'S2', 'S3'),
    centerId: fc.constantFrom('C1', 'C2', 'C3', 'C4'),
    district: fc.constantFrom('玄武区', '秦淮区', 'A#B'),
    level: fc.constantFrom(...CENTER_LEVELS),
    flags: fc.subarray([...REVIEW_FLAGS]),
    status: fc.constantFrom(...REVIEW_STATUSES),
  })
  .map(({ n, ...rest }) => entry({ ...rest, assignmentId: `A${n}`, ownFlags: rest.flags }));

const arbQuery: fc.Arbitrary<QueueQuery> = fc.record(
  {
    status: fc.constantFrom(...STATUS_FILTERS),
    flag: fc.constantFrom(...FLAG_FILTERS),
    district: fc.constantFrom('玄武区', '秦淮区', 'A#B'),
    level: fc.constantFrom(...CENTER_LEVELS),
    supervisor: fc.constantFrom('S1', 'S2'),
  },
  { requiredKeys: ['status'] },
);

describe('the review queue', () => {
  it('reads exactly the entries a query asks for, by key prefix and conditions, in every scope', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(arbEntry, { selector: (e) => e.assignmentId, maxLength: 30 }),
        arbQuery,
        fc.option(fc.constantFrom('玄武区', 'A#B'), { nil: undefined }),
        (entries, query, scope) => {
          // Act
          const plan = planQueueQuery(query, scope);
          const read = entries.filter(
            (e) => keyUnder(plan, e).startsWith(prefixOf(plan)) && meetsConditions(e, plan.conditions),
          );

          // Assess
          expect(read.map((e) => e.assignmentId).sort()).toEqual(
            entries
              .filter((e) => wanted(query, e, scope))
              .map((e) => e.assignmentId)
              .sort(),
          );
        },
      ),
    );
  });

  it('lists flagged pending responses first, then other pending ones, then decided ones', () => {
    const groups = [
      entry({ status: 'approved' }),
      entry({ status: 'pending' }),
      entry({ status: 'pending', flags: ['too-fast'] }),
      entry({ status: 'rejected', flags: ['too-fast'] }),
    ].map(queueGroup);
    expect([...groups].sort()).toEqual(['0f', '0n', '2n', '3f']);
  });

  it('flags an outlier once the center has three responses, and takes the flag back when the center evens out', () => {
    // Prepare
    const two = [entry({ assignmentId: 'A1', mean: 90 }), entry({ assignmentId: 'A2', mean: 85 })];
    const odd = entry({ assignmentId: 'A3', mean: 20, ownFlags: ['too-fast'] });

    // Act
    const withTwo = reflagCenter(two);
    const withThree = reflagCenter([...two, odd]);
    const evened = reflagCenter([
      ...two,
      odd,
      entry({ assignmentId: 'A4', mean: 25 }),
      entry({ assignmentId: 'A5', mean: 22 }),
    ]);

    // Assess
    expect(withTwo.every((e) => e.flags.length === 0)).toBe(true);
    expect(withThree.find((e) => e.assignmentId === 'A3')?.flags).toEqual(['too-fast', 'outlier-rater']);
    expect(evened.find((e) => e.assignmentId === 'A3')?.flags).toEqual(['too-fast']);
  });

  it('puts a new version back to pending, but a rejected response stays rejected', () => {
    // Prepare
    const response: Response = {
      campaignId: 'c1',
      assignmentId: 'A1',
      supervisorId: 'S1',
      centerId: 'C1',
      activity: 'experiential',
      version: 2,
      submittedAt: '2026-12-02T02:00:00.000Z',
      answers: {},
    };
    const center = { district: '玄武区', level: 'street' as const };

    // Act
    const afterApproval = entryOfResponse(demoQuestionnaire(), response, center, entry({ status: 'approved' }));
    const afterRejection = entryOfResponse(demoQuestionnaire(), response, center, entry({ status: 'rejected' }));
    const sameVersion = entryOfResponse(
      demoQuestionnaire(),
      { ...response, version: 1 },
      center,
      entry({ status: 'approved' }),
    );

    // Assess
    expect(afterApproval.status).toBe('pending');
    expect(afterApproval.ownFlags).toContain('mostly-unanswered');
    expect(afterRejection.status).toBe('rejected');
    expect(sameVersion.status).toBe('approved');
  });

  it('moves an entry to a decision on its version only', () => {
    const review = { status: 'approved', version: 1 } as Review;
    expect(entryWithReview(entry(), review).status).toBe('approved');
    expect(entryWithReview(entry({ version: 2 }), review).status).toBe('pending');
  });

  it('reads the filters of a GET query, empty fields as none, and the old show=all link', () => {
    // Act
    const read = readQueueQuery({ status: 'approved', flag: '', district: ' 玄武区 ', level: 'community', lang: 'en' });
    const old = readQueueQuery({ show: 'all' });
    const after = readQueueQuery({ after: encodeQueueCursor('A#0f#C1#A1') });

    // Assess
    expect(read).toEqual({ ok: true, query: { status: 'approved', district: '玄武区', level: 'community' } });
    expect(old).toEqual({ ok: true, query: { status: 'all' } });
    expect(after.ok && after.query.after).toBe('A#0f#C1#A1');
  });

  it('names every wrong filter: an unknown status, flag or level, a bad supervisor id, a broken cursor', () => {
    const read = readQueueQuery({
      status: 'done',
      flag: 'odd',
      level: 'province',
      supervisor: 'S 1',
      after: '%%%',
      district: 'x'.repeat(61),
    });
    expect(read.ok).toBe(false);
    expect(!read.ok && [...read.fields].sort()).toEqual([
      'cursor',
      'district',
      'flag',
      'level',
      'status',
      'supervisor',
    ]);
    expect(!read.ok && read.input.status).toBe('done');
  });

  it('keeps the filters and the page in a view’s links, the default status left out', () => {
    expect(queueSearch('zh', { status: 'pending', district: '玄武区', flag: 'any' }, { after: 'abc' })).toBe(
      `?lang=zh&flag=any&district=${encodeURIComponent('玄武区')}&after=abc`,
    );
    expect(queueSearch('en', { status: 'all' }, { before: 'xyz' })).toBe('?lang=en&status=all&before=xyz');
  });
});
