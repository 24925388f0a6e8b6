import type { SFNClient } from '@aws-sdk/client-sfn';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../cli/launch.ts';
import type { AssignmentRecord } from '../../functions/adapters/table/assignments.ts';
import { responseSk, shardOf, shardPk } from '../../functions/adapters/table/keys.ts';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { answerSurvey } from '../../local/demo/simulate.ts';
import { shortDemoCampaign } from '../fixtures/campaign.ts';
import { invitationLinks, startCloudAndClients, untilCollecting } from '../support/embedded-cloud.ts';

let cloud: EmbeddedCloud;
let store: Tables;
let sfn: SFNClient;

beforeAll(async () => {
  ({ cloud, store, sfn } = await startCloudAndClients());
});

afterAll(async () => {
  await cloud?.close();
});

const assignmentsOf = async (campaignId: string) => {
  const all: AssignmentRecord[] = [];
  for await (const a of store.assignments.streamAssignments(campaignId)) all.push(a);
  return all;
};

describe('counting first answers from the table stream (embedded cloud)', () => {
  it('counts a first answer once, after the request, and neither its edits, its drafts nor bulk rewrites', async () => {
    // Prepare: a campaign waiting for answers, the invitations out
    const definition = shortDemoCampaign('stream');
    const id = definition.campaign.id;
    const launch = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, definition);
    const meta = await untilCollecting(store, id);
    const [link] = await invitationLinks(cloud, meta.supervisors);
    if (!link) throw new Error('no survey link');

    // Act 1: a first answer, with the counter held so the request is seen on its own
    cloud.answerStream.pause();
    expect((await answerSurvey(link, 'first')).status).toBe(200);
    const beforeCounting = await store.campaigns.getMeta(id);
    const markedBeforeCounting = (await assignmentsOf(id)).filter((a) => a.answeredAt).length;
    cloud.answerStream.resume();
    await cloud.streamIdle();

    // Assess 1: the request wrote the answer only; the stream then marked and counted it
    expect(beforeCounting.answered).toBe(0);
    expect(markedBeforeCounting).toBe(0);
    const responses = [];
    for await (const page of store.responses.streamResponses(id)) responses.push(...page);
    const [response] = responses;
    if (!response) throw new Error('the answer was not stored');
    const marked = (await assignmentsOf(id)).filter((a) => a.answeredAt);
    expect(marked.map((a) => [a.id, a.answeredAt])).toEqual([[response.assignmentId, response.submittedAt]]);
    expect((await store.campaigns.getMeta(id)).answered).toBe(1);

    // Act 2: the same link answered again (a new version), a draft saved, and the response item
    // rewritten by a batch write (an update of an existing item: not a creation); the counter is held
    // so that what the stream carried for them can be seen
    cloud.answerStream.pause();
    expect((await answerSurvey(link, 'second')).status).toBe(200);
    const draft = await fetch(`${link}/draft`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ problems: [] }),
    });
    const answeredAssignment = marked[0];
    if (!answeredAssignment) throw new Error('no marked assignment');
    const key = { PK: shardPk(id, shardOf(answeredAssignment.supervisorId)), SK: responseSk(response.assignmentId) };
    const { documentClient } = await import('../../functions/adapters/clients/dynamodb.ts');
    const stored = await store.responses.listResponseVersions({
      ...answeredAssignment,
      shard: shardOf(answeredAssignment.supervisorId),
    });
    await documentClient.send(
      new BatchWriteCommand({
        RequestItems: {
          [cloud.tableName]: [{ PutRequest: { Item: { ...key, ...stored.at(-1), history: stored } } }],
        },
      }),
    );
    const carried = cloud.answerStream.backlog;
    cloud.answerStream.resume();
    await cloud.streamIdle();

    // Assess 2: the stream carried none of them; still one answered assignment, counted once
    expect(carried).toBe(0);
    expect(draft.status).toBe(200);
    expect((await store.campaigns.getMeta(id)).answered).toBe(1);
    expect(stored).toHaveLength(2);
    cloud.runner.stopExecution(launch.executionArn);
  });
});
