import { describe, expect, it } from 'vitest';
import { recheckQuestion } from '../../../functions/core/findings/recheck.ts';
import { Questionnaire } from '../../../functions/core/model.ts';
import { renderSurveyPage } from '../../../functions/core/render/survey/page.ts';
import { allowsNotApplicable, validateAnswers } from '../../../functions/core/responses/answers.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

/** "Not applicable" (不适用) is an answer only where the question offers it. */

const question = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  kind: 'rating',
  indicator: id,
  dimension: 'facilitation',
  title: { zh: `题目 ${id}`, en: `Question ${id}` },
  ...over,
});

const questionnaire = Questionnaire.parse({
  id: 'q',
  title: { zh: '问卷', en: 'Questionnaire' },
  sections: [
    {
      dimension: 'facilitation',
      title: { zh: '便利化', en: 'Facilitation' },
      questions: [
        question('wait'),
        question('parking', { allowNa: true }),
        question('elderly', { required: false }),
        question('terminal', { required: false, allowNa: false }),
      ],
    },
  ],
});

describe('not applicable', () => {
  it('refuses an all-not-applicable submission: a required question needs a real answer', () => {
    // Act
    const result = validateAnswers(questionnaire, 'experiential', {
      wait: 'na',
      parking: 'na',
      elderly: 'na',
      terminal: '',
    });

    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field)).toEqual(['wait']);
    expect(result.errors[0]?.message.en).toMatch(/needs a real answer/);
    expect(result.errors[0]?.message.zh).toMatch(/不适用/);
  });

  it('refuses a JSON null for a required question as it refuses "na"', () => {
    // Act
    const result = validateAnswers(questionnaire, 'experiential', { wait: null, parking: 3 });

    // Assess
    expect(result).toMatchObject({ ok: false, errors: [{ field: 'wait' }] });
  });

  it('accepts not applicable on a question that allows it, required or not, and refuses it where an optional one forbids it', () => {
    // Act
    const allowed = validateAnswers(questionnaire, 'experiential', { wait: 4, parking: 'na', elderly: 'na' });
    const forbidden = validateAnswers(questionnaire, 'experiential', { wait: 4, parking: 2, terminal: 'na' });

    // Assess
    expect(allowed).toEqual({ ok: true, answers: { wait: 4, parking: null, elderly: null } });
    expect(forbidden).toMatchObject({ ok: false, errors: [{ field: 'terminal' }] });
  });

  it('defaults so that existing questionnaires keep N/A on optional questions only', () => {
    // Assess
    const q = questionnaire.sections[0]?.questions ?? [];
    expect(q.map((x) => allowsNotApplicable(x))).toEqual([false, true, true, false]);
  });

  it('offers the not-applicable button on the page only where it is accepted', () => {
    // Prepare
    const def = smallCampaign();

    // Act
    const html = renderSurveyPage({
      lang: 'en',
      campaign: def.campaign,
      window: { opens: def.campaign.schedule.opens, deadline: def.campaign.schedule.deadline },
      center: def.centers[0] as (typeof def.centers)[number],
      activity: 'experiential',
      questionnaire,
      submissionId: 'sub-12345678',
      openedAt: '2026-12-05T00:00:00.000Z',
      token: 't',
      view: 'form',
      answers: {},
      problems: [],
      errors: [],
    });

    // Assess
    const offered = [...html.matchAll(/name="([a-z]+)" value="na"/g)].map((m) => m[1]);
    expect(offered).toEqual(['parking', 'elderly']);
  });

  it('lets a re-check be answered "could not check" though it is required', () => {
    // Prepare
    const q = recheckQuestion({
      id: 'R1',
      series: 's',
      campaignId: 'c',
      month: '2026-11',
      centerId: 'C1',
      category: 'signage',
      description: '指引不清',
      severity: 'minor',
      supervisorId: 'S1',
      assignmentId: 'A1',
      foundAt: '2026-11-05T00:00:00.000Z',
      notifiedOn: '2026-11-16',
      dueDate: '2026-12-07',
      state: 'open',
      reopened: 0,
      history: [],
      revision: 0,
    });

    // Assess
    expect(q.required).toBe(true);
    expect(allowsNotApplicable(q)).toBe(true);
  });
});
