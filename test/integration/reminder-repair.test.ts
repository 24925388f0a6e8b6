import type { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../cli/launch.ts';
import type { AssignmentRecord } from '../../functions/adapters/table/assignments.ts';
import { shardOf } from '../../functions/adapters/table/keys.ts';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import { MailPlan } from '../../functions/core/campaign/workflow-contract.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { shortDemoCampaign } from '../fixtures/campaign.ts';
import { startCloudAndClients, untilCollecting } from '../support/embedded-cloud.ts';

let cloud: EmbeddedCloud;
let store: Tables;
let sfn: SFNClient;

beforeAll(async () => {
  ({ cloud, store, sfn } = await startCloudAndClients());
});

afterAll(async () => {
  await cloud?.close();
});

describe('reminders on the embedded cloud', () => {
  it('count, once, an answer stored but not yet counted, and do not remind anyone of it', async () => {
    // Prepare: a campaign waiting for answers; one answer stored as the survey API stores it, while
    // the table stream's counter is behind (held here; on AWS: throttled, failing or lagging)
    const definition = shortDemoCampaign('repair');
    const campaignId = definition.campaign.id;
    const launch = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, definition);
    await untilCollecting(store, campaignId);
    const assignments: AssignmentRecord[] = [];
    for await (const a of store.assignments.streamAssignments(campaignId)) assignments.push(a);
    const [answered] = assignments;
    if (!answered) throw new Error('no assignment');
    const token = { ...answered, shard: shardOf(answered.supervisorId) };
    const first = '2026-11-29T08:00:00.000Z';
    cloud.answerStream.pause();
    await store.responses.saveResponse(token, { submissionId: 'first-answer-01', answers: {}, submittedAt: first });
    await store.responses.saveResponse(token, {
      submissionId: 'second-answer-1',
      answers: {},
      submittedAt: '2026-11-29T09:00:00.000Z',
    });
    const reminder = { campaignId, kind: 'reminder', round: 1 };

    // Act: two planning passes (a retried task plans again)
    const plans = [
      MailPlan.parse(await cloud.invoke('plan-mail', reminder)),
      MailPlan.parse(await cloud.invoke('plan-mail', { ...reminder, round: 2 })),
    ];

    // Assess: marked with the time of its first version, counted once
    const after = [];
    for await (const a of store.assignments.streamAssignments(campaignId)) after.push(a);
    expect(after.find((a) => a.id === answered.id)?.answeredAt).toBe(first);
    expect((await store.campaigns.getMeta(campaignId)).answered).toBe(1);
    const stillOpen = new Set(after.filter((a) => !a.answeredAt).map((a) => a.supervisorId));
    for (const plan of plans) expect(plan.recipients).toBe(stillOpen.size);
    // The counter catches up later and finds the answer counted: still once
    cloud.answerStream.resume();
    await cloud.streamIdle();
    expect((await store.campaigns.getMeta(campaignId)).answered).toBe(1);
    cloud.runner.stopExecution(launch.executionArn);
  });
});
