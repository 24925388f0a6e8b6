import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../cli/launch.ts';
import type { CampaignStore } from '../../functions/adapters/store.ts';
import type { CampaignDefinition } from '../../functions/core/model.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { answerSurvey } from '../../local/demo/simulate.ts';
import { dynamoFailure, dynamoThrottle, dynamoUnavailable, type ProxiedRequest } from '../../local/fault-proxy.ts';
import { mailKindOf, readOutbox, surveyLinks } from '../../local/ses-outbox.ts';
import { shortDemoCampaign } from '../fixtures/campaign.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import { sleep } from '../support/wait.ts';

let cloud: EmbeddedCloud;
let store: CampaignStore;
let sfn: SFNClient;
let seq = 0;

const faults = () => {
  if (!cloud.faults) throw new Error('the cloud was started without fault injection');
  return cloud.faults;
};

/** Every Task state of the workflow, each with a 100 ms pause between retries. */
const taskStatePauses = (): Record<string, number> => {
  const pauses: Record<string, number> = {};
  const visit = (states: Record<string, { Type: string; ItemProcessor?: { States: Record<string, never> } }>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') pauses[name] = 100;
      if (state.ItemProcessor) visit(state.ItemProcessor.States);
    }
  };
  visit(JSON.parse(readFileSync(new URL('../../workflows/campaign.asl.json', import.meta.url), 'utf8')).States);
  return pauses;
};

/** A small campaign (6 centers) with its deadline an hour away, so it closes when everyone answered. */
const smallCampaign = () => shortDemoCampaign(`fault${++seq}`);

/** One invocation of a workflow function, and how it ended. */
interface TaskRun {
  name: string;
  campaignId: unknown;
  ended: Promise<'succeeded' | 'failed'>;
}

const taskRuns: TaskRun[] = [];
const taskStarted = new EventEmitter();

const recordTaskRun = ({ name, event, outcome }: { name: string; event: unknown; outcome: Promise<unknown> }) => {
  const campaignId =
    typeof event === 'object' && event !== null && 'campaignId' in event ? event.campaignId : undefined;
  taskRuns.push({
    name,
    campaignId,
    ended: outcome.then(
      () => 'succeeded' as const,
      () => 'failed' as const,
    ),
  });
  taskStarted.emit('run');
};

/** The invocations of function `name` for the campaign so far, oldest first. */
const runsOf = (campaignId: string, name: string) =>
  taskRuns.filter((r) => r.name === name && r.campaignId === campaignId);

/**
 * Resolves with the `nth` invocation (1-based) of function `name` for the campaign once it has started;
 * rejects if the campaign's workflow ends first. No deadline of its own: the test's timeout is the limit.
 */
const nthRun = (executionArn: string, campaignId: string, name: string, nth: number): Promise<TaskRun> =>
  new Promise((resolve, reject) => {
    const check = () => {
      const run = runsOf(campaignId, name)[nth - 1];
      if (!run) return false;
      taskStarted.off('run', check);
      resolve(run);
      return true;
    };
    if (check()) return;
    taskStarted.on('run', check);
    void cloud.runner.waitForExecution(executionArn).then((end) => {
      if (check()) return;
      taskStarted.off('run', check);
      reject(new Error(`the workflow ended (${end.status}) before ${name} ran ${nth} time(s)`));
    });
  });

/** Resolves once an invocation of function `name` for the campaign has returned successfully. */
const untilSucceeded = async (executionArn: string, campaignId: string, name: string): Promise<void> => {
  for (let nth = 1; ; nth++) {
    const run = await nthRun(executionArn, campaignId, name, nth);
    if ((await run.ended) === 'succeeded') return;
  }
};

/**
 * Launches the campaign and waits until its workflow sleeps in Collect: the Collect function has stored
 * the task token and returned, so every invitation is out and no function of the workflow is running.
 */
const launchAndInvite = async (definition: CampaignDefinition) => {
  const launch = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, definition);
  await untilSucceeded(launch.executionArn, definition.campaign.id, 'await-responses');
  const meta = await store.getMeta(definition.campaign.id);
  const invitations = (await readOutbox(cloud.urls.ses)).filter((e) => mailKindOf(e) === 'invitation');
  return { launch, invitations, meta };
};

/** Score's reads of the campaign's latest responses (one Query per shard; counting queries excluded). */
const isScoreRead = (campaignId: string) => (r: ProxiedRequest) =>
  r.operation === 'Query' &&
  r.body.includes(`"CAMPAIGN#${campaignId}#S`) &&
  r.body.includes('"RESPONSE#"') &&
  !r.body.includes('"COUNT"');

/**
 * Submits like a phone does: on 503 (or a request its own 15 s timer abandoned) it tries again after a
 * short pause (Retry-After, shortened here), until the answer is taken; the test's timeout is the limit.
 * The submission id is the same on every try, so a try the server had already taken is not counted twice.
 */
const answerPatiently = async (url: string, seed: string) => {
  for (;;) {
    const status = await answerSurvey(url, seed).then(
      (r) => r.status,
      (error: unknown) => {
        if (error instanceof Error && error.name === 'TimeoutError') return 503;
        throw error;
      },
    );
    if (status !== 503) return status;
    await sleep(200);
  }
};

/**
 * Score's limit in these tests. One Score test stalls a Score attempt until the state times out; every
 * other attempt must end well within the limit however slow the machine is, including one whose read is
 * throttled until the SDK gives up: its 7 backoffs, of up to 1, 2, 4, 8, 16, 20 and 20 s, sum to 71 s at
 * most. Two minutes leave the attempt's own work close to a minute on a machine busy with other jobs.
 */
const SCORE_TIMEOUT_SECONDS = 120;

beforeAll(async () => {
  ({ cloud, store, sfn } = await startCloudAndClients({
    faults: true,
    // Survey servers read the campaign on every request: scoring starts 2 s after the close.
    campaignCacheSeconds: 0,
    // Retries keep their number and order; only the pauses between them shrink.
    retryIntervalOverrides: taskStatePauses(),
    transformDefinition: (asl) => {
      const definition = JSON.parse(asl) as { States: Record<string, { TimeoutSeconds?: number }> };
      const score = definition.States.Score;
      if (!score) throw new Error('the workflow has no Score state');
      score.TimeoutSeconds = SCORE_TIMEOUT_SECONDS;
      return JSON.stringify(definition);
    },
    onTaskInvoked: recordTaskRun,
  }));
}, 120_000);

afterEach(async () => {
  faults().dynamodb.clear();
  faults().ses.clear();
  await fetch(`${cloud.urls.ses}/clear-store`, { method: 'POST' });
});

afterAll(async () => {
  await cloud?.close();
});

describe('failures on the embedded cloud', () => {
  it('sends no duplicate when a batch dies after SES accepted an email but before the ledger recorded it', async () => {
    // Prepare: the first "sent" ledger update of an invitation fails, as if the process died there
    faults().dynamodb.add({
      name: 'lose-ledger-update',
      times: 1,
      matches: (r) => r.operation === 'UpdateItem' && r.body.includes('#MAIL') && r.body.includes('"sent"'),
      respond: () => dynamoFailure('InternalFailure', 'the process died'),
    });
    const definition = smallCampaign();

    // Act
    const { launch, invitations, meta } = await launchAndInvite(definition);

    // Assess: exactly one invitation per supervisor reached SES; the orphaned claim is kept, not resent
    const recipients = invitations.map((e) => e.destination.to[0]);
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(recipients).toHaveLength(meta.supervisors);
    expect(faults().dynamodb.stats().injected['lose-ledger-update']).toBe(1);
    const ledger = (await store.listMail(definition.campaign.id)).filter((m) => m.kind === 'invitation');
    expect(ledger.filter((m) => m.state === 'sending')).toHaveLength(1);
    expect(ledger.filter((m) => m.state === 'sent')).toHaveLength(meta.supervisors - 1);
    const history = cloud.runner.history(launch.executionArn);
    expect(history.filter((e) => e.type === 'StateFailed').map((e) => [e.stateName, e.error])).toContainEqual([
      'SendInvitationBatch',
      'TransientError',
    ]);
    expect(history.filter((e) => e.type === 'StateRetried').map((e) => e.stateName)).toContain('SendInvitationBatch');
    cloud.runner.stopExecution(launch.executionArn);
  });

  it('retries through DynamoDB throttling bursts and completes the campaign', async () => {
    // Prepare: every third request is throttled, 60 times
    let n = 0;
    faults().dynamodb.add({
      name: 'throttle-burst',
      times: 60,
      matches: () => ++n % 3 === 0,
      respond: dynamoThrottle,
    });
    const definition = smallCampaign();

    // Act
    const started = Date.now();
    const { launch, invitations } = await launchAndInvite(definition);
    const statuses = [];
    for (const url of invitations.flatMap(surveyLinks)) statuses.push(await answerPatiently(url, 'throttle'));
    const answeredAfter = Date.now();
    await cloud.streamIdle();
    const countedAfter = Date.now();
    const final = await cloud.runner.waitForExecution(launch.executionArn);
    const seconds = (from: number, to: number) => ((to - from) / 1000).toFixed(1);
    console.log(
      `throttling: invited and answered in ${seconds(started, answeredAfter)} s, counted ${seconds(answeredAfter, countedAfter)} s later, finished ${seconds(countedAfter, Date.now())} s after that`,
    );

    // Assess
    expect(faults().dynamodb.stats().injected['throttle-burst']).toBeGreaterThan(10);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(final.status).toBe('SUCCEEDED');
    const meta = await store.getMeta(definition.campaign.id);
    expect(meta).toMatchObject({ status: 'published', closedReason: 'complete' });
    expect(await store.countAnswered(definition.campaign.id)).toBe(meta.total);
    // Backoff-bound: each throttled call waits up to seconds, longer on a busy machine.
  }, 300_000);

  it('answers 503 with Retry-After while the store is down, and loses nothing it accepted', async () => {
    // Prepare: the store is down from before the first tries until every one of them was answered
    const definition = smallCampaign();
    const { launch, invitations } = await launchAndInvite(definition);
    const links = invitations.flatMap(surveyLinks).slice(0, 12);
    let storeDown = true;
    faults().dynamodb.add({ name: 'outage', matches: () => storeDown, respond: dynamoUnavailable });

    // Act: first try during the outage, then retry as told
    const during = await Promise.all(
      links.map((url) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({}),
        }),
      ),
    );
    storeDown = false;
    const afterwards = [];
    for (const url of links) afterwards.push(await answerPatiently(url, 'outage'));

    // Assess
    const unavailable = during.filter((r) => r.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const r of unavailable) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(afterwards.every((s) => s === 200)).toBe(true);
    expect(await store.countAnswered(definition.campaign.id)).toBe(links.length);
    cloud.runner.stopExecution(launch.executionArn);
  }, 300_000);

  it('keeps every version when one response is edited concurrently', async () => {
    // Prepare
    const definition = smallCampaign();
    const { launch, invitations } = await launchAndInvite(definition);
    const [url] = invitations.flatMap(surveyLinks);
    if (!url) throw new Error('no survey link');
    const view = (await (await fetch(url, { headers: { accept: 'application/json' } })).json()) as {
      questionnaire: {
        sections: { questions: { id: string; kind: string; required: boolean; activities?: string[] }[] }[];
      };
      activity: string;
    };
    const ratingId = view.questionnaire.sections
      .flatMap((s) => s.questions)
      .find((q) => q.kind === 'rating' && (!q.activities || q.activities.includes(view.activity)))?.id;
    if (!ratingId) throw new Error('no rating question');

    // Act: 12 edits at once, each a different submission
    await answerSurvey(url, 'base');
    const base = await fetch(url, { headers: { accept: 'application/json' } });
    const { answers } = (await base.json()) as { answers: Record<string, unknown> };
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({
            ...answers,
            [ratingId]: (i % 5) + 1,
            submissionId: `edit-${String(i).padStart(4, '0')}`,
          }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { version?: number } })),
      ),
    );

    // Assess: 13 versions (the first answer and 12 edits), numbered 1..13, none lost
    expect(results.every((r) => r.status === 200)).toBe(true);
    const token = url.split('/s/')[1] ?? '';
    const { hashToken } = await import('../../functions/core/links.ts');
    const record = await store.getToken(hashToken(token));
    if (!record) throw new Error('token not stored');
    const versions = await store.listResponseVersions(record);
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(new Set(results.map((r) => r.body.version)).size).toBe(12);
    const latest = await store.getLatestResponse(record);
    expect(latest?.version).toBe(13);
    cloud.runner.stopExecution(launch.executionArn);
  });

  it('retries a Score step that timed out and gets identical scores', async () => {
    // Prepare: Score's first read of responses is held until Score has timed out and runs again
    const definition = smallCampaign();
    const campaignId = definition.campaign.id;
    const { launch, invitations } = await launchAndInvite(definition);
    // The hold also ends if the workflow ends without a retry, so the stalled attempt never outlives the test.
    const retried = nthRun(launch.executionArn, campaignId, 'score-campaign', 2);
    retried.catch(() => undefined);
    faults().dynamodb.add({
      name: 'stall-score',
      times: 1,
      matches: isScoreRead(campaignId),
      respond: () => ({ holdUntil: retried }),
    });

    // Act
    for (const url of invitations.flatMap(surveyLinks)) await answerPatiently(url, 'score');
    const final = await cloud.runner.waitForExecution(launch.executionArn);
    // The timed-out first attempt went on when the retry started; every attempt has ended before scores are read.
    const attempts = await Promise.all(runsOf(campaignId, 'score-campaign').map((r) => r.ended));
    const scores = await store.listScores(campaignId);
    const { scoreCampaign } = await import('../../functions/score-campaign.ts');
    await scoreCampaign({ campaignId });
    const rescored = await store.listScores(campaignId);

    // Assess
    expect(final.status).toBe('SUCCEEDED');
    expect(faults().dynamodb.stats().injected['stall-score']).toBe(1);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    const history = cloud.runner.history(launch.executionArn);
    expect(history.filter((e) => e.type === 'StateFailed').map((e) => [e.stateName, e.error])).toContainEqual([
      'Score',
      'States.Timeout',
    ]);
    expect(history.filter((e) => e.type === 'StateRetried').map((e) => e.stateName)).toContain('Score');
    expect(scores).toHaveLength(definition.centers.length);
    expect(rescored).toEqual(scores);
  }, 300_000);

  it('retries a Score step throttled by DynamoDB and completes the campaign', async () => {
    // Prepare: Score's first read of responses is throttled on every try, until the SDK in the function
    // gives up (the same invocation id marks the SDK's own retries of one call)
    const definition = smallCampaign();
    const campaignId = definition.campaign.id;
    const { launch, invitations } = await launchAndInvite(definition);
    let throttledCall: string | undefined;
    faults().dynamodb.add({
      name: 'throttle-score-read',
      matches: (r) => {
        const call = r.headers['amz-sdk-invocation-id'];
        if (typeof call !== 'string' || !isScoreRead(campaignId)(r)) return false;
        throttledCall ??= call;
        return call === throttledCall;
      },
      respond: dynamoThrottle,
    });

    // Act
    for (const url of invitations.flatMap(surveyLinks)) await answerPatiently(url, 'throttle-score');
    const final = await cloud.runner.waitForExecution(launch.executionArn);

    // Assess: Score failed with the retryable name, was retried, and the campaign completed
    const history = cloud.runner.history(launch.executionArn);
    const scoreFailures = history.filter((e) => e.type === 'StateFailed' && e.stateName === 'Score');
    expect(scoreFailures.map((e) => e.error)).toContain('TransientError');
    expect(scoreFailures.find((e) => e.error === 'TransientError')?.cause).toContain(
      'ProvisionedThroughputExceededException',
    );
    expect(history.filter((e) => e.type === 'StateRetried').map((e) => e.stateName)).toContain('Score');
    expect(faults().dynamodb.stats().injected['throttle-score-read']).toBeGreaterThan(0);
    expect(final.status).toBe('SUCCEEDED');
    const meta = await store.getMeta(campaignId);
    expect(meta).toMatchObject({ status: 'published', closedReason: 'complete' });
    const scores = await store.listScores(campaignId);
    expect(scores.map((s) => s.centerId).sort()).toEqual(definition.centers.map((c) => c.id).sort());
  }, 300_000);
});
