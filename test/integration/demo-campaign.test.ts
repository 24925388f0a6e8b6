import type { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../cli/launch.ts';
import type { CampaignStore } from '../../functions/adapters/store.ts';
import { CampaignDefinition } from '../../functions/core/model.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { demoCampaign } from '../../local/demo/campaign.ts';
import { answerSurvey, assignPersonas } from '../../local/demo/simulate.ts';
import { mailKindOf, type OutboxEmail, readOutbox, surveyLinks } from '../../local/ses-outbox.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import { waitFor } from '../support/wait.ts';

let cloud: EmbeddedCloud;
let store: CampaignStore;
let sfn: SFNClient;

const emailsOf = async (kind: ReturnType<typeof mailKindOf>) =>
  (await readOutbox(cloud.urls.ses)).filter((e) => mailKindOf(e) === kind);

beforeAll(async () => {
  ({ cloud, store, sfn } = await startCloudAndClients());
});

afterAll(async () => {
  await cloud?.close();
});

describe('the demo campaign on the embedded cloud', () => {
  it('runs from launch to published scores: invitations, answers, reminder to non-responders, deadline, summaries', async () => {
    // Prepare
    // Late supervisors answer between the reminder and the deadline: 14 s, room enough on a loaded machine.
    const definition = demoCampaign(new Date(), { reminderAfterSeconds: 12, deadlineAfterSeconds: 26 });
    const campaignId = definition.campaign.id;

    // Act: launch exactly as on AWS, then behave like the supervisors
    const launch = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, definition);
    const invitations = await waitFor('invitations', async () => {
      const meta = await store.getMeta(campaignId).catch(() => undefined);
      const sent = await emailsOf('invitation');
      return meta && meta.supervisors > 0 && sent.length >= meta.supervisors ? sent : undefined;
    });
    const personas = assignPersonas(
      invitations.flatMap((e) => e.destination.to),
      campaignId,
    );
    const answered = new Map<string, string>();
    // A supervisor's links are answered side by side, as several people would.
    const answer = async (emails: readonly OutboxEmail[]) => {
      await Promise.all(
        emails.flatMap(surveyLinks).map(async (url) => {
          const { status } = await answerSurvey(url, campaignId);
          expect(status).toBe(200);
          answered.set(url, new Date().toISOString());
        }),
      );
    };
    await answer(invitations.filter((e) => personas.get(e.destination.to[0] ?? '') === 'prompt'));
    const handled = new Set<string>();
    const final = await waitFor(
      'the workflow to finish',
      async () => {
        for (const reminder of await emailsOf('reminder')) {
          if (handled.has(reminder.messageId)) continue;
          handled.add(reminder.messageId);
          if (personas.get(reminder.destination.to[0] ?? '') === 'late') await answer([reminder]);
        }
        const out = cloud.runner.describeExecution(launch.executionArn);
        return out.status === 'RUNNING' ? undefined : out;
      },
      90_000,
    );

    // Assess: the execution and the campaign
    expect(final.status).toBe('SUCCEEDED');
    const meta = await store.getMeta(campaignId);
    expect(meta).toMatchObject({ status: 'published', closedReason: 'deadline' });
    const assignments = [];
    for await (const a of store.streamAssignments(campaignId)) assignments.push(a);
    expect(assignments).toHaveLength(meta.total);

    // One invitation per supervisor, listing every one of their assignments.
    const bySupervisor = new Map<string, number>();
    for (const a of assignments) bySupervisor.set(a.supervisorId, (bySupervisor.get(a.supervisorId) ?? 0) + 1);
    expect(invitations).toHaveLength(bySupervisor.size);
    for (const invitation of invitations) {
      const supervisor = definition.supervisors.find((s) => s.email === invitation.destination.to[0]);
      expect(supervisor).toBeDefined();
      expect(surveyLinks(invitation)).toHaveLength(bySupervisor.get(supervisor?.id ?? '') ?? -1);
    }

    // Reminders list only assignments unanswered when the reminder went out; never-answering supervisors got one.
    const reminders = await emailsOf('reminder');
    expect(reminders.length).toBeGreaterThan(0);
    for (const reminder of reminders) {
      for (const url of surveyLinks(reminder)) {
        const answeredAt = answered.get(url);
        expect(answeredAt === undefined || answeredAt > new Date(reminder.at * 1000 - 1000).toISOString()).toBe(true);
      }
    }
    const never = [...personas].filter(([, p]) => p === 'never').map(([email]) => email);
    expect(reminders.map((r) => r.destination.to[0])).toEqual(expect.arrayContaining(never));

    // Responses stored, one per answered link; every center scored.
    expect(meta.answered).toBe(answered.size);
    expect(await store.countAnswered(campaignId)).toBe(answered.size);
    const scores = await store.listScores(campaignId);
    expect(scores).toHaveLength(definition.centers.length);
    expect(scores.filter((s) => s.score !== null).length).toBeGreaterThan(definition.centers.length * 0.8);
    for (const s of scores) if (s.score !== null) expect(s.score).toBeGreaterThanOrEqual(0);

    // Each official and the organizers got their summary.
    const summaries = await emailsOf('summary');
    expect(summaries.map((e) => e.destination.to[0]).sort()).toEqual(
      definition.centers.map((c) => c.official.email).sort(),
    );
    const city = await emailsOf('city-summary');
    expect(city.map((e) => e.destination.to[0]).sort()).toEqual([...definition.campaign.organizers].sort());
  });

  it('closes at once, well before the deadline, when every assignment is answered', async () => {
    // Prepare: a second campaign whose deadline is an hour away
    await fetch(`${cloud.urls.ses}/clear-store`, { method: 'POST' });
    const base = demoCampaign(new Date(), { reminderAfterSeconds: 1800, deadlineAfterSeconds: 3600 });
    const definition = CampaignDefinition.parse({
      ...base,
      campaign: { ...base.campaign, id: `${base.campaign.id}-early`, month: base.campaign.month },
      centers: base.centers.slice(0, 6),
    });

    // Act
    const launch = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, definition);
    const invitations = await waitFor('invitations', async () => {
      const meta = await store.getMeta(definition.campaign.id).catch(() => undefined);
      const sent = await emailsOf('invitation');
      return meta && meta.supervisors > 0 && sent.length >= meta.supervisors ? sent : undefined;
    });
    for (const url of invitations.flatMap(surveyLinks)) await answerSurvey(url, 'early');
    const final = await waitFor('the workflow to finish', async () => {
      const out = cloud.runner.describeExecution(launch.executionArn);
      return out.status === 'RUNNING' ? undefined : out;
    });

    // Assess
    expect(final.status).toBe('SUCCEEDED');
    const meta = await store.getMeta(definition.campaign.id);
    expect(meta).toMatchObject({ status: 'published', closedReason: 'complete' });
    expect(meta.answered).toBe(meta.total);
    expect(await emailsOf('reminder')).toHaveLength(0);
  });

  it('refuses a second launch of the same campaign and starts nothing', async () => {
    // Prepare
    const definition = demoCampaign(new Date(), { reminderAfterSeconds: 1800, deadlineAfterSeconds: 3600 });
    const again = CampaignDefinition.parse({
      ...definition,
      campaign: { ...definition.campaign, id: `${definition.campaign.id}-twice` },
    });
    const first = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, again);

    // Act
    const second = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, again);

    // Assess
    expect(first.outcome).toBe('started');
    expect(second).toMatchObject({ outcome: 'already-launched', executionArn: first.executionArn, status: 'RUNNING' });
    cloud.runner.stopExecution(first.executionArn);
  });
});
