import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import type { CampaignDefinition } from '../../functions/core/model.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { answerSurvey } from '../../local/demo/simulate.ts';
import { dynamoFailure, dynamoThrottle, dynamoUnavailable } from '../../local/fault-proxy.ts';
import { surveyLinks } from '../../local/ses-outbox.ts';
import { answerPatiently, type FaultCloud, isScoreRead, startFaultCloud } from '../support/fault-cloud.ts';

let fault: FaultCloud;
let cloud: EmbeddedCloud;
let store: Tables;

const faults = () => fault.faults;
const smallCampaign = () => fault.smallCampaign();
const launchAndInvite = (definition: CampaignDefinition) => fault.launchAndInvite(definition);

beforeAll(async () => {
  // Score keeps its own time limit here: a throttled attempt must fail by its name, not time out
  // (the timed-out Score test runs on a cloud of its own, score-timeout.test.ts).
  fault = await startFaultCloud({ seriesPrefix: 'fault' });
  ({ cloud, store } = fault);
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
    const ledger = (await store.mail.listMail(definition.campaign.id)).filter((m) => m.kind === 'invitation');
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
    const meta = await store.campaigns.getMeta(definition.campaign.id);
    expect(meta).toMatchObject({ status: 'published', closedReason: 'complete' });
    expect(await store.responses.countAnswered(definition.campaign.id)).toBe(meta.total);
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
    expect(await store.responses.countAnswered(definition.campaign.id)).toBe(links.length);
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
    const { hashToken } = await import('../../functions/core/campaign/links.ts');
    const record = await store.assignments.getToken(hashToken(token));
    if (!record) throw new Error('token not stored');
    const versions = await store.responses.listResponseVersions(record);
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(new Set(results.map((r) => r.body.version)).size).toBe(12);
    const latest = await store.responses.getLatestResponse(record);
    expect(latest?.version).toBe(13);
    cloud.runner.stopExecution(launch.executionArn);
  });

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
    const meta = await store.campaigns.getMeta(campaignId);
    expect(meta).toMatchObject({ status: 'published', closedReason: 'complete' });
    const scores = await store.scores.listScores(campaignId);
    expect(scores.map((s) => s.centerId).sort()).toEqual(definition.centers.map((c) => c.id).sort());
  }, 300_000);
});
