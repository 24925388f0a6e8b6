import type { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../cli/launch.ts';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { answerSurvey } from '../../local/demo/simulate.ts';
import { shortDemoCampaign } from '../fixtures/campaign.ts';
import { invitationLinks, startCloudAndClients, untilCollecting } from '../support/embedded-cloud.ts';
import { waitFor } from '../support/wait.ts';

const CACHE_SECONDS = 4;

let cloud: EmbeddedCloud;
let store: Tables;
let sfn: SFNClient;

beforeAll(async () => {
  // Survey requests answer from a copy of the campaign's status up to 4 s old; Score waits 6 s after close.
  ({ cloud, store, sfn } = await startCloudAndClients({ campaignCacheSeconds: CACHE_SECONDS }));
});

afterAll(async () => {
  await cloud?.close();
});

describe('closing while survey containers still see the campaign open', () => {
  it('scores every submission accepted after the close, and refuses answers once the close is seen', async () => {
    // Prepare: a small campaign, invitations out, one answer read the campaign as open
    const definition = shortDemoCampaign('window');
    const id = definition.campaign.id;
    const launch = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, definition);
    const meta = await untilCollecting(store, id);
    const links = await invitationLinks(cloud, meta.supervisors);
    const [first, late, refused] = links;
    if (!first || !late || !refused) throw new Error('the campaign needs three assignments');
    expect((await answerSurvey(first, 'window')).status).toBe(200);

    // Act: the organizer closes; the workflow closes the campaign in the store; an answer arrives after that
    await store.campaigns.requestClose(id);
    const { wakeCollect } = await import('../../functions/adapters/workflow.ts');
    await wakeCollect(meta.taskToken ?? '', { reason: 'closed-by-organizer', at: new Date().toISOString() });
    const closed = await waitFor('the close', async () => {
      const m = await store.campaigns.getMeta(id);
      return m.status !== 'open' ? m : undefined;
    });
    const lateStatus = (await answerSurvey(late, 'window')).status;
    const final = await waitFor('the workflow to finish', async () => {
      const out = cloud.runner.describeExecution(launch.executionArn);
      return out.status === 'RUNNING' ? undefined : out;
    });
    const refusedStatus = (await answerSurvey(refused, 'window')).status;

    // Assess: the late answer was accepted by a container that had not seen the close yet, and scored
    expect(closed.closedReason).toBe('closed-by-organizer');
    expect(lateStatus).toBe(200);
    expect(final.status).toBe('SUCCEEDED');
    const output = JSON.parse(final.output ?? '{}') as { score?: { responses?: number } };
    expect(output.score?.responses).toBe(2);
    await cloud.streamIdle();
    expect((await store.campaigns.getMeta(id)).answered).toBe(2);
    // Score waited the settle time out, longer than a container keeps its copy: the close is seen now.
    expect(refusedStatus).toBe(410);
  });
});
