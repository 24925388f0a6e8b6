import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveyLinks } from '../../local/ses-outbox.ts';
import { answerPatiently, type FaultCloud, isScoreRead, startFaultCloud } from '../support/fault-cloud.ts';

let fault: FaultCloud;

/**
 * Score's limit here: one attempt is held past it on purpose; the retry, six centers scored on an
 * idle table, ends within a second or two even on a busy machine, far within 20 s.
 */
const SCORE_TIMEOUT_SECONDS = 20;

beforeAll(async () => {
  fault = await startFaultCloud({ seriesPrefix: 'timeout', scoreTimeoutSeconds: SCORE_TIMEOUT_SECONDS });
}, 120_000);

afterAll(async () => {
  await fault?.cloud.close();
});

describe('a Score step that times out', () => {
  it('retries a Score step that timed out and gets identical scores', async () => {
    // Prepare: Score's first read of responses is held until Score has timed out and runs again
    const definition = fault.smallCampaign();
    const campaignId = definition.campaign.id;
    const { launch, invitations } = await fault.launchAndInvite(definition);
    // The hold also ends if the workflow ends without a retry, so the stalled attempt never outlives the test.
    const retried = fault.nthRun(launch.executionArn, campaignId, 'score-campaign', 2);
    retried.catch(() => undefined);
    fault.faults.dynamodb.add({
      name: 'stall-score',
      times: 1,
      matches: isScoreRead(campaignId),
      respond: () => ({ holdUntil: retried }),
    });

    // Act
    for (const url of invitations.flatMap(surveyLinks)) await answerPatiently(url, 'score');
    const final = await fault.cloud.runner.waitForExecution(launch.executionArn);
    // The timed-out first attempt went on when the retry started; every attempt has ended before scores are read.
    const attempts = await Promise.all(fault.runsOf(campaignId, 'score-campaign').map((r) => r.ended));
    const scores = await fault.store.scores.listScores(campaignId);
    const { scoreCampaign } = await import('../../functions/score-campaign.ts');
    await scoreCampaign({ campaignId });
    const rescored = await fault.store.scores.listScores(campaignId);

    // Assess
    expect(final.status).toBe('SUCCEEDED');
    expect(fault.faults.dynamodb.stats().injected['stall-score']).toBe(1);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    const history = fault.cloud.runner.history(launch.executionArn);
    expect(history.filter((e) => e.type === 'StateFailed').map((e) => [e.stateName, e.error])).toContainEqual([
      'Score',
      'States.Timeout',
    ]);
    expect(history.filter((e) => e.type === 'StateRetried').map((e) => e.stateName)).toContain('Score');
    expect(scores).toHaveLength(definition.centers.length);
    expect(rescored).toEqual(scores);
  }, 300_000);
});
