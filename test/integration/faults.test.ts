import { readFileSync } from 'node:fs';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../cli/launch.ts';
import type { CampaignStore } from '../../functions/adapters/store.ts';
import type { CampaignDefinition } from '../../functions/core/model.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { answerSurvey } from '../../local/demo/simulate.ts';
import { dynamoFailure, dynamoThrottle, dynamoUnavailable } from '../../local/fault-proxy.ts';
import { mailKindOf, readOutbox, surveyLinks } from '../../local/ses-outbox.ts';
import { shortDemoCampaign } from '../fixtures/campaign.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import { sleep, waitFor } from '../support/wait.ts';

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

const launchAndInvite = async (definition: CampaignDefinition) => {
  const launch = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, definition);
  const meta = await waitFor('the campaign to open', async () => {
    const m = await store.getMeta(definition.campaign.id).catch(() => undefined);
    return m && m.status === 'open' && m.total > 0 ? m : undefined;
  });
  const invitations = await waitFor('every invitation', async () => {
    const sent = (await readOutbox(cloud.urls.ses)).filter((e) => mailKindOf(e) === 'invitation');
    const ledger = (await store.listMail(definition.campaign.id)).filter((m) => m.kind === 'invitation');
    return ledger.length >= meta.supervisors &&
      ledger.every((m) => m.state !== 'sending' || sent.length >= meta.supervisors)
      ? sent
      : undefined;
  });
  return { launch, invitations, meta };
};

/** Submits like a phone does: on 503 it waits as told by Retry-After (shortened here) and tries again. */
const answerPatiently = async (url: string, seed: string) => {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { status } = await answerSurvey(url, seed);
    if (status !== 503) return status;
    await sleep(500);
  }
  return 503;
};

beforeAll(async () => {
  ({ cloud, store, sfn } = await startCloudAndClients({
    faults: true,
    // Survey servers read the campaign on every request: scoring starts 2 s after the close.
    campaignCacheSeconds: 0,
    // Retries keep their number and order; only the pauses between them shrink.
    retryIntervalOverrides: taskStatePauses(),
    // The Score state gets a short limit here so that a slow first attempt times out and is retried.
    transformDefinition: (asl) => {
      const definition = JSON.parse(asl) as { States: Record<string, { TimeoutSeconds?: number }> };
      const score = definition.States.Score;
      if (!score) throw new Error('the workflow has no Score state');
      score.TimeoutSeconds = 3;
      return JSON.stringify(definition);
    },
  }));
});

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
    const final = await waitFor('the workflow to finish', async () => {
      const out = cloud.runner.describeExecution(launch.executionArn);
      return out.status === 'RUNNING' ? undefined : out;
    });
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
    // Backoff-bound: each throttled call waits up to seconds; beside the other test files it takes longer.
  }, 150_000);

  it('answers 503 with Retry-After while the store is down, and loses nothing it accepted', async () => {
    // Prepare
    const definition = smallCampaign();
    const { launch, invitations } = await launchAndInvite(definition);
    const links = invitations.flatMap(surveyLinks).slice(0, 12);
    const outageUntil = Date.now() + 4_000;
    faults().dynamodb.add({ name: 'outage', matches: () => Date.now() < outageUntil, respond: dynamoUnavailable });

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
    const afterwards = [];
    for (const url of links) afterwards.push(await answerPatiently(url, 'outage'));

    // Assess
    const unavailable = during.filter((r) => r.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const r of unavailable) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(afterwards.every((s) => s === 200)).toBe(true);
    expect(await store.countAnswered(definition.campaign.id)).toBe(links.length);
    cloud.runner.stopExecution(launch.executionArn);
  });

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
    // Prepare: the first read of responses by Score stalls past the state's 3-second limit
    const definition = smallCampaign();
    const { launch, invitations } = await launchAndInvite(definition);
    faults().dynamodb.add({
      name: 'slow-score',
      times: 1,
      matches: (r) => r.operation === 'Query' && r.body.includes('"RESPONSE#"') && !r.body.includes('"COUNT"'),
      respond: () => ({ delayMs: 5_000 }),
    });

    // Act
    for (const url of invitations.flatMap(surveyLinks)) await answerPatiently(url, 'score');
    const final = await waitFor('the workflow to finish', async () => {
      const out = cloud.runner.describeExecution(launch.executionArn);
      return out.status === 'RUNNING' ? undefined : out;
    });
    await sleep(5_500); // let the timed-out first attempt finish its writes too
    const scores = await store.listScores(definition.campaign.id);
    const { scoreCampaign } = await import('../../functions/score-campaign.ts');
    await scoreCampaign({ campaignId: definition.campaign.id });
    const rescored = await store.listScores(definition.campaign.id);

    // Assess
    expect(final.status).toBe('SUCCEEDED');
    expect(faults().dynamodb.stats().injected['slow-score']).toBe(1);
    const history = cloud.runner.history(launch.executionArn);
    expect(history.filter((e) => e.type === 'StateFailed').map((e) => [e.stateName, e.error])).toContainEqual([
      'Score',
      'States.Timeout',
    ]);
    expect(history.filter((e) => e.type === 'StateRetried').map((e) => e.stateName)).toContain('Score');
    expect(scores).toHaveLength(definition.centers.length);
    expect(rescored).toEqual(scores);
  });
});
