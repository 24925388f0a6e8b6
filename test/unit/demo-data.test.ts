import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  demoCentersAndSupervisors,
  demoQuestionnaire,
  MUNICIPAL_DISTRICT,
  NANJING_DISTRICTS,
} from '../../cli/sample-data/centers.ts';
import { activitiesFor, assignSupervisors, summarizeLoads } from '../../functions/core/campaign/assignment.ts';
import { ACTIVITIES, Center, Questionnaire, Supervisor } from '../../functions/core/model.ts';

const DISTRICT_NAMES = NANJING_DISTRICTS.map((d) => d.zh);

function duplicatesOf(values: readonly string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) !== i);
}

describe('demo centers and supervisors', () => {
  it('parse as the domain model describes them', () => {
    // Prepare
    const { centers, supervisors } = demoCentersAndSupervisors();

    // Act
    const parsed = {
      centers: z.array(Center).parse(centers),
      supervisors: z.array(Supervisor).parse(supervisors),
    };

    // Assess
    expect(parsed).toEqual({ centers, supervisors });
  });

  it('cover the municipal center, all 11 districts, at least 24 streets and 12 community stations', () => {
    // Act
    const { centers } = demoCentersAndSupervisors();

    // Assess
    const at = (level: string) => centers.filter((c) => c.level === level);
    expect(at('municipal').map((c) => c.district)).toEqual([MUNICIPAL_DISTRICT]);
    expect(
      at('district')
        .map((c) => c.district)
        .sort(),
    ).toEqual([...DISTRICT_NAMES].sort());
    expect(at('street').length).toBeGreaterThanOrEqual(24);
    expect(at('community').length).toBeGreaterThanOrEqual(12);
    for (const c of [...at('street'), ...at('community')]) expect(DISTRICT_NAMES).toContain(c.district);
  });

  it('has 40 supervisors living in every one of the 11 districts', () => {
    // Act
    const { supervisors } = demoCentersAndSupervisors();

    // Assess
    expect(supervisors).toHaveLength(40);
    expect(new Set(supervisors.map((s) => s.homeDistrict))).toEqual(new Set(DISTRICT_NAMES));
    expect(new Set(supervisors.map((s) => s.sector)).size).toBeGreaterThanOrEqual(6);
  });

  it('uses every id and every mailbox once', () => {
    // Act
    const { centers, supervisors } = demoCentersAndSupervisors();

    // Assess
    expect(duplicatesOf([...centers.map((c) => c.id), ...supervisors.map((s) => s.id)])).toEqual([]);
    expect(duplicatesOf([...centers.map((c) => c.official.email), ...supervisors.map((s) => s.email)])).toEqual([]);
  });

  it('addresses mail only to example domains', () => {
    // Act
    const { centers, supervisors } = demoCentersAndSupervisors();

    // Assess
    for (const c of centers) expect(c.official.email).toMatch(/@example\.gov\.cn$/);
    for (const s of supervisors) expect(s.email).toMatch(/@example\.com$/);
  });

  it('gives every center at least 3 supervisors from outside its district', () => {
    // Prepare
    const { centers, supervisors } = demoCentersAndSupervisors();

    // Act
    const eligible = centers.map((c) => supervisors.filter((s) => s.homeDistrict !== c.district).length);

    // Assess
    expect(Math.min(...eligible)).toBeGreaterThanOrEqual(3);
  });

  it('plans three raters per center with no warnings, loads within one and three different activities each', () => {
    // Prepare
    const { centers, supervisors } = demoCentersAndSupervisors();

    // Act
    const plan = assignSupervisors(centers, supervisors, {
      campaignId: 'nj-2022-06',
      ratersPerCenter: 3,
      seed: 'demo',
    });

    // Assess
    const loads = summarizeLoads(plan, supervisors);
    expect(plan.warnings).toEqual([]);
    expect(plan.assignments).toHaveLength(centers.length * 3);
    expect(loads.max - loads.min).toBeLessThanOrEqual(1);
    for (const c of centers) {
      const activities = plan.assignments.filter((a) => a.centerId === c.id).map((a) => a.activity);
      expect(new Set(activities).size).toBe(3);
      for (const a of activities) expect(activitiesFor(c)).toContain(a);
    }
  });

  it('sends one supervisor to the 12345 seats of each municipal and district center', () => {
    // Prepare
    const { centers, supervisors } = demoCentersAndSupervisors();

    // Act
    const plan = assignSupervisors(centers, supervisors, {
      campaignId: 'nj-2022-06',
      ratersPerCenter: 3,
      seed: 'demo',
    });

    // Assess
    const hotline = plan.assignments.filter((a) => a.activity === 'hotline').map((a) => a.centerId);
    const withSeats = centers.filter((c) => c.level === 'municipal' || c.level === 'district').map((c) => c.id);
    expect(hotline.sort()).toEqual(withSeats.sort());
  });
});

describe('demo questionnaire', () => {
  it('parses with its defaults filled in', () => {
    // Act
    const questionnaire = demoQuestionnaire();

    // Assess
    expect(Questionnaire.parse(questionnaire)).toEqual(questionnaire);
    for (const q of questionnaire.sections.flatMap((s) => s.questions)) expect(q.required).toBeTypeOf('boolean');
  });

  it('asks 15 to 20 questions of every kind across the four dimensions', () => {
    // Act
    const questions = demoQuestionnaire().sections.flatMap((s) => s.questions);

    // Assess
    expect(questions.length).toBeGreaterThanOrEqual(15);
    expect(questions.length).toBeLessThanOrEqual(20);
    expect(new Set(questions.map((q) => q.kind))).toEqual(new Set(['rating', 'yesno', 'number', 'choice', 'text']));
    expect(new Set(questions.map((q) => q.dimension))).toEqual(
      new Set(['standardization', 'regulation', 'facilitation', 'hotline']),
    );
  });

  it('names one indicator per scored question and none for free text', () => {
    // Act
    const questions = demoQuestionnaire().sections.flatMap((s) => s.questions);

    // Assess
    for (const q of questions) {
      if (q.kind === 'text') expect(q.indicator).toBeUndefined();
      else expect(q.indicator).toMatch(/^[a-z][a-z-]+$/);
    }
    const indicators = questions.flatMap((q) => (q.indicator ? [q.indicator] : []));
    expect(duplicatesOf(indicators)).toEqual([]);
  });

  it('asks hotline questions only in hotline listening and hall questions only in hall visits', () => {
    // Act
    const { sections } = demoQuestionnaire();

    // Assess
    for (const section of sections) {
      for (const q of section.questions) {
        if (section.dimension === 'hotline') expect(q.activities).toEqual(['hotline']);
        else expect(q.activities).toEqual(['accompanied', 'experiential', 'unannounced']);
      }
    }
    for (const activity of ACTIVITIES) {
      const scored = sections
        .flatMap((s) => s.questions)
        .filter((q) => q.indicator && (q.activities ?? ACTIVITIES).includes(activity));
      expect(scored.length).toBeGreaterThan(0);
    }
  });
});
