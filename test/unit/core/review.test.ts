import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StaleResponseVersion } from '../../../functions/core/errors.ts';
import {
  decide,
  flagResponse,
  meanScore,
  type Review,
  ReviewInput,
  reviewQueue,
  reviewStatusOf,
} from '../../../functions/core/findings/review.ts';
import { type Questionnaire, Questionnaire as QuestionnaireSchema } from '../../../functions/core/model.ts';
import type { Response } from '../../../functions/core/responses/response.ts';

const rating = (id: string) => ({
  id,
  kind: 'rating',
  indicator: id,
  dimension: 'facilitation',
  title: { zh: id, en: id },
});
const questionnaire: Questionnaire = QuestionnaireSchema.parse({
  id: 'q-review',
  title: { zh: '问卷', en: 'Questionnaire' },
  sections: [
    {
      dimension: 'facilitation',
      title: { zh: '便利化', en: 'Facilitation' },
      questions: [
        rating('wait'),
        rating('signs'),
        rating('staff'),
        rating('online'),
        {
          id: 'badge',
          kind: 'yesno',
          indicator: 'badge',
          dimension: 'facilitation',
          title: { zh: '工牌', en: 'Badge' },
        },
        { id: 'note', kind: 'text', dimension: 'facilitation', title: { zh: '意见', en: 'Note' }, required: false },
      ],
    },
  ],
});

const response = (assignmentId: string, centerId: string, answers: Response['answers'], version = 1): Response => ({
  campaignId: 'nj-2026-12',
  assignmentId,
  supervisorId: `S-${assignmentId}`,
  centerId,
  activity: 'experiential',
  version,
  submittedAt: '2026-12-03T02:00:00.000Z',
  answers,
});
const reviewer = { sub: 'u-1', username: 'organizer' };
const varied = { wait: 4, signs: 3, staff: 5, online: 4, badge: true };

describe('review decisions', () => {
  it('asks for a comment when a response is returned or rejected, not when approved', () => {
    // Act / Assess
    expect(ReviewInput.safeParse({ decision: 'approve', version: '1' }).success).toBe(true);
    const returned = ReviewInput.safeParse({ decision: 'return', version: 1, comment: '  ' });
    expect(returned.success).toBe(false);
    expect(returned.error?.issues[0]).toMatchObject({ path: ['comment'] });
    expect(returned.error?.issues[0]?.message).toContain('needs a comment');
    expect(ReviewInput.safeParse({ decision: 'delete', version: 1 }).error?.issues[0]?.message).toBe(
      'decision must be approve, return or reject',
    );
    expect(ReviewInput.safeParse({ decision: 'approve', version: 0 }).success).toBe(false);
  });

  it('writes nothing twice: the same decision on the same version again is unchanged', () => {
    // Prepare
    const r = response('A1', 'C1', varied);
    const input = ReviewInput.parse({ decision: 'reject', version: 1, comment: '未到现场' });

    // Act
    const first = decide(r, undefined, input, reviewer, '2026-12-04T01:00:00Z');
    const again = first === 'unchanged' ? first : decide(r, first, input, reviewer, '2026-12-04T01:00:05Z');

    // Assess
    expect(first).toMatchObject({ status: 'rejected', revision: 1, version: 1, comment: '未到现场' });
    expect(again).toBe('unchanged');
  });

  it('bumps the revision when a decision changes, and refuses one on an older version', () => {
    // Prepare
    const r = response('A1', 'C1', varied, 2);
    const stored: Review = {
      campaignId: 'nj-2026-12',
      assignmentId: 'A1',
      centerId: 'C1',
      status: 'returned',
      comment: '请补充照片',
      version: 1,
      reviewer,
      at: '2026-12-04T01:00:00Z',
      revision: 1,
    };

    // Act
    const approved = decide(r, stored, ReviewInput.parse({ decision: 'approve', version: 2 }), reviewer, 'now');

    // Assess
    expect(approved).toMatchObject({ status: 'approved', revision: 2, version: 2 });
    expect(() => decide(r, stored, ReviewInput.parse({ decision: 'approve', version: 1 }), reviewer, 'now')).toThrow(
      StaleResponseVersion,
    );
  });

  it('puts an approved or returned response back to pending once its supervisor edits it; a rejection stays', () => {
    // Prepare
    const decided = (status: Review['status']): Review => ({
      campaignId: 'c',
      assignmentId: 'A1',
      centerId: 'C1',
      status,
      comment: 'x',
      version: 1,
      reviewer,
      at: 'then',
      revision: 1,
    });

    // Act / Assess
    expect(reviewStatusOf({ version: 1 }, decided('approved'))).toBe('approved');
    expect(reviewStatusOf({ version: 2 }, decided('approved'))).toBe('pending');
    expect(reviewStatusOf({ version: 2 }, decided('returned'))).toBe('pending');
    expect(reviewStatusOf({ version: 2 }, decided('rejected'))).toBe('rejected');
    expect(reviewStatusOf({ version: 1 }, undefined)).toBe('pending');
  });
});

describe('automatic flags', () => {
  it('flags identical ratings, a rater far from the others, and a mostly unanswered response', () => {
    // Act / Assess
    expect(flagResponse(questionnaire, response('A', 'C', { wait: 5, signs: 5, staff: 5, online: 5 }), [])).toEqual([
      'identical-answers',
    ]);
    expect(
      flagResponse(questionnaire, response('A', 'C', { wait: 1, signs: 2, staff: 1, online: 2 }), [10, 90, 95]),
    ).toEqual(['outlier-rater']);
    expect(flagResponse(questionnaire, response('A', 'C', { wait: 4, badge: 'na' }), [])).toEqual([
      'mostly-unanswered',
    ]);
    expect(flagResponse(questionnaire, response('A', 'C', varied), [75, 70, 80])).toEqual([]);
  });

  it('needs three raters of the center, itself included, before calling one an outlier', () => {
    // Act / Assess
    const low = response('A', 'C', { wait: 1, signs: 2, staff: 1, online: 2 });
    expect(flagResponse(questionnaire, low, [10, 95])).toEqual([]);
    expect(flagResponse(questionnaire, low, [10, 95, 90])).toEqual(['outlier-rater']);
  });

  it('flags answers given faster than a few seconds a question, timed from opening the page', () => {
    // Prepare: six questions apply to the activity
    const fast = { ...response('A', 'C', varied), secondsSpent: 20 };
    const careful = { ...response('A', 'C', varied), secondsSpent: 300 };
    const untimed = response('A', 'C', varied);

    // Act / Assess
    expect(flagResponse(questionnaire, fast, [])).toEqual(['too-fast']);
    expect(flagResponse(questionnaire, careful, [])).toEqual([]);
    expect(flagResponse(questionnaire, untimed, [])).toEqual([]);
  });

  it('keeps the mean of a response within 0–100 whatever the ratings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        (ratings, badge) => {
          // Act
          const mean = meanScore(
            questionnaire,
            response('A', 'C', {
              wait: ratings[0] ?? 1,
              signs: ratings[1] ?? 1,
              staff: ratings[2] ?? 1,
              online: ratings[3] ?? 1,
              badge,
            }),
          );

          // Assess
          expect(mean).not.toBeNull();
          expect(mean).toBeGreaterThanOrEqual(0);
          expect(mean).toBeLessThanOrEqual(100);
        },
      ),
    );
  });
});

describe('the review queue', () => {
  it('lists flagged pending responses first, then pending, then decided, with the outlier found among its peers', () => {
    // Prepare: C1 has three raters, one far below the others; C2 has one decided response
    const responses = [
      response('A1', 'C1', { wait: 4, signs: 5, staff: 4, online: 5, badge: true }),
      response('A2', 'C1', { wait: 5, signs: 4, staff: 5, online: 4, badge: true }),
      response('A3', 'C1', { wait: 1, signs: 2, staff: 1, online: 2, badge: false }),
      response('A4', 'C2', varied),
    ];
    const reviews = new Map<string, Review>([
      [
        'A4',
        {
          campaignId: 'nj-2026-12',
          assignmentId: 'A4',
          centerId: 'C2',
          status: 'approved',
          comment: '',
          version: 1,
          reviewer,
          at: 'then',
          revision: 1,
        },
      ],
    ]);

    // Act
    const queue = reviewQueue(questionnaire, responses, reviews);

    // Assess
    expect(queue.map((i) => [i.response.assignmentId, i.status, i.flags])).toEqual([
      ['A3', 'pending', ['outlier-rater']],
      ['A1', 'pending', []],
      ['A2', 'pending', []],
      ['A4', 'approved', []],
    ]);
  });
});
