import { describe, expect, it } from 'vitest';
import { Questionnaire } from '../../../functions/core/model.ts';
import { validateAnswers } from '../../../functions/core/responses/answers.ts';

const questionnaire = Questionnaire.parse({
  id: 'q',
  title: { zh: '问卷', en: 'Questionnaire' },
  sections: [
    {
      dimension: 'regulation',
      title: { zh: '规范化', en: 'Regulation' },
      questions: [
        {
          id: 'badge',
          kind: 'yesno',
          indicator: 'badge',
          dimension: 'regulation',
          allowNa: true,
          title: { zh: '佩戴工牌', en: 'Badge worn' },
        },
        {
          id: 'attitude',
          kind: 'rating',
          indicator: 'attitude',
          dimension: 'regulation',
          title: { zh: '服务态度', en: 'Attitude' },
        },
        {
          id: 'queue',
          kind: 'choice',
          indicator: 'queue',
          dimension: 'regulation',
          title: { zh: '排队秩序', en: 'Queue order' },
          options: [
            { value: 'orderly', label: { zh: '有序', en: 'Orderly' }, score: 100 },
            { value: 'chaotic', label: { zh: '混乱', en: 'Chaotic' }, score: 0 },
          ],
        },
        {
          id: 'note',
          kind: 'text',
          dimension: 'regulation',
          title: { zh: '意见', en: 'Comments' },
          required: false,
          maxLength: 20,
        },
      ],
    },
    {
      dimension: 'hotline',
      title: { zh: '热线', en: 'Hotline' },
      questions: [
        {
          id: 'answer-secs',
          kind: 'number',
          indicator: 'answer-secs',
          dimension: 'hotline',
          title: { zh: '接通秒数', en: 'Seconds to answer' },
          unit: { zh: '秒', en: 's' },
          best: 10,
          worst: 120,
          activities: ['hotline'],
        },
      ],
    },
  ],
});

describe('validateAnswers', () => {
  it('accepts form strings and types them', () => {
    // Act
    const result = validateAnswers(questionnaire, 'experiential', {
      badge: 'yes',
      attitude: '4',
      queue: 'orderly',
      note: ' 很好 ',
      submissionId: 'x',
    });
    // Assess
    expect(result).toEqual({ ok: true, answers: { badge: true, attitude: 4, queue: 'orderly', note: '很好' } });
  });

  it('treats "na" as not applicable where the question allows it', () => {
    // Act
    const result = validateAnswers(questionnaire, 'experiential', { badge: 'na', attitude: 3, queue: 'chaotic' });
    // Assess
    expect(result).toEqual({ ok: true, answers: { badge: null, attitude: 3, queue: 'chaotic' } });
  });

  it('names every invalid field at once', () => {
    // Act
    const result = validateAnswers(questionnaire, 'experiential', {
      badge: 'maybe',
      attitude: '6',
      queue: 'long',
      note: 'x'.repeat(21),
      extra: '1',
    });
    // Assess
    expect(result.ok).toBe(false);
    const fields = result.ok ? [] : result.errors.map((e) => e.field).sort();
    expect(fields).toEqual(['attitude', 'badge', 'extra', 'note', 'queue']);
  });

  it('requires required questions', () => {
    // Act
    const result = validateAnswers(questionnaire, 'experiential', { badge: 'yes', queue: '' });
    // Assess
    expect(result.ok ? [] : result.errors.map((e) => [e.field, e.message.en])).toEqual([
      ['attitude', 'this question is required'],
      ['queue', 'this question is required'],
    ]);
  });

  it('asks hotline questions only for hotline assignments', () => {
    // Act
    const hall = validateAnswers(questionnaire, 'unannounced', {
      badge: 'yes',
      attitude: 5,
      queue: 'orderly',
      'answer-secs': 30,
    });
    const hotline = validateAnswers(questionnaire, 'hotline', {
      badge: 'yes',
      attitude: 5,
      queue: 'orderly',
      'answer-secs': '30',
    });
    // Assess
    expect(hall.ok).toBe(false);
    expect(hotline).toEqual({ ok: true, answers: { badge: true, attitude: 5, queue: 'orderly', 'answer-secs': 30 } });
  });
});
