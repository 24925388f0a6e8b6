import { describe, expect, it } from 'vitest';
import { demoCentersAndSupervisors, demoQuestionnaire } from '../../../cli/sample-data/centers.ts';
import { assignSupervisors } from '../../../functions/core/campaign/assignment.ts';
import { CenterScoreAccumulator } from '../../../functions/core/scoring/accumulate.ts';
import { assignPersonas, centerQuality, raterSeverity, simulatedResponse } from '../../../local/demo/simulate.ts';

const CAMPAIGN = 'nanjing-demo';

/** The demo campaign as `npm start` plays it: three raters a center, the supervisors who ever answer, scored. */
const scoreDemo = () => {
  const { centers, supervisors } = demoCentersAndSupervisors();
  const questionnaire = demoQuestionnaire();
  const plan = assignSupervisors(centers, supervisors, { campaignId: CAMPAIGN, ratersPerCenter: 3, seed: CAMPAIGN });
  const emailOf = new Map(supervisors.map((s) => [s.id, s.email]));
  const personas = assignPersonas(
    supervisors.map((s) => s.email),
    CAMPAIGN,
  );
  const accumulator = new CenterScoreAccumulator(questionnaire, centers, CAMPAIGN);
  for (const a of plan.assignments) {
    const rater = emailOf.get(a.supervisorId) ?? a.supervisorId;
    if (personas.get(rater) === 'never') continue;
    const { answers } = simulatedResponse(questionnaire, {
      centerId: a.centerId,
      activity: a.activity,
      rater,
      seed: `${CAMPAIGN}:${a.id}`,
    });
    accumulator.add({ centerId: a.centerId, supervisorId: a.supervisorId, activity: a.activity, answers });
  }
  return { result: accumulator.finish(), centers, supervisors };
};

/** Spearman's rank correlation of two equally long lists. */
const spearman = (xs: readonly number[], ys: readonly number[]): number => {
  const ranks = (vs: readonly number[]) => {
    const order = vs.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
    const r = new Array<number>(vs.length);
    order.forEach(([, i], rank) => {
      r[i] = rank;
    });
    return r;
  };
  const rx = ranks(xs);
  const ry = ranks(ys);
  const n = xs.length;
  const d2 = rx.reduce((s, r, i) => s + (r - (ry[i] ?? 0)) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
};

describe('the demo supervisors', () => {
  it('disagree at a minority of centers, as raters of real campaigns do', () => {
    // Act
    const { result, centers } = scoreDemo();

    // Assess
    const disagreeing = result.scores.filter((s) => s.flags?.includes('disagreement')).length;
    console.info(`demo centers flagged "supervisors disagree": ${disagreeing} of ${centers.length}`);
    expect(result.scores).toHaveLength(centers.length);
    expect(disagreeing).toBeLessThan(centers.length * 0.2);
  });

  it("rank the centers by their true quality, through each supervisor's own severity and noise", () => {
    // Act
    const { result } = scoreDemo();

    // Assess
    const scored = result.scores.filter((s) => s.score !== null);
    expect(
      spearman(
        scored.map((s) => s.score ?? 0),
        scored.map((s) => centerQuality(s.centerId)),
      ),
    ).toBeGreaterThan(0.85);
  });

  it('differ in severity as simulated: the scoring finds the strict ones harsher than the lenient ones', () => {
    // Prepare
    const { result, supervisors } = scoreDemo();
    const emailOf = new Map(supervisors.map((s) => [s.id, s.email]));
    const measured = result.raters.filter((r) => r.severity !== null);
    const bySimulated = [...measured].sort(
      (a, b) => raterSeverity(emailOf.get(a.supervisorId) ?? '') - raterSeverity(emailOf.get(b.supervisorId) ?? ''),
    );

    // Act
    const mean = (rs: typeof measured) => rs.reduce((s, r) => s + (r.severity ?? 0), 0) / rs.length;
    const strict = mean(bySimulated.slice(0, 8));
    const lenient = mean(bySimulated.slice(-8));

    // Assess
    expect(strict).toBeLessThan(0);
    expect(lenient).toBeGreaterThan(0);
  });
});
