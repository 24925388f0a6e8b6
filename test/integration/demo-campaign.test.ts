import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../cli/launch.ts';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import { CampaignDefinition } from '../../functions/core/model.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { demoCampaign } from '../../local/demo/campaign.ts';
import { signInToConsole } from '../../local/demo/console-client.ts';
import { DemoLife } from '../../local/demo/life.ts';
import { answerSurvey } from '../../local/demo/simulate.ts';
import { formatUnusedGrant, grantCoverage } from '../../local/grant-coverage.ts';
import { mailKindOf, readOutbox, surveyLinks } from '../../local/ses-outbox.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import { failure } from '../support/failure.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Grants the campaigns above may leave unused, each kept for a path only a race or a fault takes (named for
 * each), as `formatUnusedGrant` prints them. A race may also be won, so each may or may not be used in a
 * run; every other grant must be.
 */
const ONLY_A_RACE_OR_A_FAULT_NEEDS: string[] = [
  // Storing the task token, the wait finds its own end already reached (the last dispute ruled, the last
  // answer counted, in the moment before) and wakes the workflow itself.
  'await-fact-check: states:SendTaskSuccess (arn:aws:states:us-east-1:000000000000:stateMachine:ServiceSupervision-Campaign)',
  'await-responses: states:SendTaskSuccess (arn:aws:states:us-east-1:000000000000:stateMachine:ServiceSupervision-Campaign)',
  'await-review: states:SendTaskSuccess (arn:aws:states:us-east-1:000000000000:stateMachine:ServiceSupervision-Campaign)',
  'await-sign-off: states:SendTaskSuccess (arn:aws:states:us-east-1:000000000000:stateMachine:ServiceSupervision-Campaign)',
  // An email SES throttled gives its claim in the outbox back (releaseMail): the fault tests throttle SES.
  'console-api: dynamodb:DeleteItem on CAMPAIGN#*#MAIL (arn:aws:dynamodb:us-east-1:000000000000:table/service-supervision)',
  'fail-campaign: dynamodb:DeleteItem on CAMPAIGN#*#MAIL (arn:aws:dynamodb:us-east-1:000000000000:table/service-supervision)',
  'open-sign-off: dynamodb:DeleteItem on CAMPAIGN#*#MAIL (arn:aws:dynamodb:us-east-1:000000000000:table/service-supervision)',
  // A username's failed sign-ins restart from one when the last was 15 minutes ago (recordFailure's put).
  'console-api: dynamodb:PutItem on SIGNIN#* (arn:aws:dynamodb:us-east-1:000000000000:table/service-supervision)',
  'publish-city-summary: dynamodb:DeleteItem on CAMPAIGN#*#MAIL (arn:aws:dynamodb:us-east-1:000000000000:table/service-supervision)',
  'send-mail: dynamodb:DeleteItem on CAMPAIGN#*#MAIL (arn:aws:dynamodb:us-east-1:000000000000:table/service-supervision)',
];

/**
 * Grants only time reaches, unused in a campaign of a few minutes: a later campaign of the series asks
 * the re-checks (the survey reads what the center reported), and a campaign's evidence retention ends
 * months after publication (expire-evidence purges and audits it; `supervision purge` runs the same).
 */
const ONLY_A_LATER_MONTH_NEEDS: string[] = [
  'survey-api: dynamodb:Query on RECT#* (arn:aws:dynamodb:us-east-1:000000000000:table/service-supervision)',
  // Beside a re-check, the official's photos of the fix.
  'survey-api: dynamodb:Query on CAMPAIGN#*#FIX (arn:aws:dynamodb:us-east-1:000000000000:table/service-supervision)',
  'expire-evidence: dynamodb:PutItem on CAMPAIGN#* (arn:aws:dynamodb:us-east-1:000000000000:table/service-supervision)',
  'expire-evidence: dynamodb:Query on CAMPAIGN#*#S* (arn:aws:dynamodb:us-east-1:000000000000:table/service-supervision)',
  'expire-evidence: dynamodb:UpdateItem on CAMPAIGN#*#S* (arn:aws:dynamodb:us-east-1:000000000000:table/service-supervision)',
  'expire-evidence: dynamodb:Query on CAMPAIGN#*#FIX (arn:aws:dynamodb:us-east-1:000000000000:table/service-supervision)',
  'expire-evidence: dynamodb:UpdateItem on CAMPAIGN#*#FIX (arn:aws:dynamodb:us-east-1:000000000000:table/service-supervision)',
  'expire-evidence: dynamodb:PutItem on AUDIT#* (arn:aws:dynamodb:us-east-1:000000000000:table/service-supervision)',
];

const bounceEvent = (email: string): SNSEvent => ({
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:mail-events:sub',
      Sns: {
        Type: 'Notification',
        MessageId: 'bounce-1',
        TopicArn: 'arn:aws:sns:us-east-1:000000000000:mail-events',
        Subject: null as unknown as string,
        Message: JSON.stringify({
          eventType: 'Bounce',
          bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: email }] },
          mail: { destination: [email] },
        }),
        Timestamp: new Date().toISOString(),
        SignatureVersion: '1',
        Signature: 'x',
        SigningCertUrl: 'https://example.com/cert',
        UnsubscribeUrl: 'https://example.com/unsubscribe',
        MessageAttributes: {},
      },
    },
  ],
});

let cloud: EmbeddedCloud;
let store: Tables;
let sfn: SFNClient;

const emailsOf = async (kind: ReturnType<typeof mailKindOf>) =>
  (await readOutbox(cloud.urls.ses)).filter((e) => mailKindOf(e) === kind);

beforeAll(async () => {
  // The demo's organizer signs in to the console.
  ({ cloud, store, sfn } = await startCloudAndClients({ console: true }));
});

afterAll(async () => {
  await cloud?.close();
});

describe('the demo campaign on the embedded cloud', () => {
  it('lives a whole campaign: invitations, answers, reminder, close, review with a returned response corrected, fact-check with a dispute ruled, scoring, sign-off, publication and a rectification report', async () => {
    // Prepare: a month-long schedule; the organizer reminds, closes, ends the windows and publishes from the console
    const definition = demoCampaign(new Date(), {
      reminderAfterSeconds: 2 * 86400,
      deadlineAfterSeconds: 7 * 86400,
      reviewDays: 1,
      factCheckDays: 1,
      autoPublish: false,
    });
    const campaignId = definition.campaign.id;
    const launch = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, definition);
    const lines: string[] = [];
    const life = new DemoLife({
      store,
      sfn,
      urls: cloud.urls,
      consoleAccounts: cloud.consoleAccounts,
      definition,
      executionArn: launch.executionArn,
      say: (line) => lines.push(line),
    });

    // Act: as npm start lives it
    await life.invitations();
    await life.answers();
    await life.toRectification();
    const { record } = life;

    // Assess: one line per phase, in the order of a campaign's life
    expect(lines.map((line) => line.split(':')[0])).toEqual([
      'invitations',
      'answers',
      'reminder',
      'close',
      'review',
      'fact-check',
      'scoring',
      'sign-off',
      'publication',
      'rectification report',
      'evidence',
    ]);
    // The evidence ZIP, built after the report, holds the official's photo of the fix beside the problem's.
    expect(lines.find((line) => line.startsWith('evidence:'))).toMatch(/ 1 of fixes and index\.csv/);
    expect(cloud.runner.describeExecution(launch.executionArn).status).toBe('SUCCEEDED');
    // Every function that ran kept to its role's policies.
    expect(cloud.iam.denied()).toEqual([]);
    const meta = await store.campaigns.getMeta(campaignId);
    expect(meta).toMatchObject({ status: 'published', closedReason: 'closed-by-organizer', reviewFinished: true });
    expect(meta.factCheckFinished).toBe(true);
    const assignments = [];
    for await (const a of store.assignments.streamAssignments(campaignId)) assignments.push(a);
    expect(assignments).toHaveLength(meta.total);

    // Invitations: one per supervisor, listing every one of their assignments.
    const bySupervisor = new Map<string, number>();
    for (const a of assignments) bySupervisor.set(a.supervisorId, (bySupervisor.get(a.supervisorId) ?? 0) + 1);
    expect(record.invitations).toHaveLength(bySupervisor.size);
    for (const invitation of record.invitations) {
      const supervisor = definition.supervisors.find((s) => s.email === invitation.destination.to[0]);
      expect(supervisor).toBeDefined();
      expect(surveyLinks(invitation)).toHaveLength(bySupervisor.get(supervisor?.id ?? '') ?? -1);
    }

    // Reminder: sent from the console, only to those with assignments unanswered then; those who never answer got one.
    const reminders = await emailsOf('reminder');
    expect(reminders.length).toBeGreaterThan(0);
    for (const reminder of reminders) {
      for (const url of surveyLinks(reminder)) {
        const answeredAt = record.answered.get(url);
        expect(answeredAt === undefined || answeredAt > new Date(reminder.at * 1000 - 1000).toISOString()).toBe(true);
      }
    }
    const never = [...record.personas].filter(([, p]) => p === 'never').map(([email]) => email);
    expect(reminders.map((r) => r.destination.to[0])).toEqual(expect.arrayContaining(never));
    const audit = await store.audit.listAudit(campaignId);
    const actions = (action: string) => audit.filter((a) => a.action === action);
    for (const action of ['campaign.remind', 'campaign.close'])
      expect(actions(action)).toEqual([
        expect.objectContaining({ actor: expect.objectContaining({ role: 'organizer' }) }),
      ]);

    // Close: responses stored, one per answered link.
    expect(meta.answered).toBe(record.answered.size);
    expect(await store.responses.countAnswered(campaignId)).toBe(record.answered.size);

    // Review: the supervisor was emailed the comment and their link, and corrected the response.
    const review = record.review;
    if (!review) throw new Error('the review phase recorded nothing');
    const supervisor = definition.supervisors.find((s) => s.id === review.supervisorId);
    expect(review.mail).toBe('sent');
    expect(review.returnedEmail.destination.to).toEqual([supervisor?.email]);
    expect(review.returnedEmail.body.text).toContain(review.comment);
    expect(surveyLinks(review.returnedEmail)).toHaveLength(1);
    const corrected = await store.responses.getResponse(campaignId, review.supervisorId, review.assignmentId);
    expect(corrected?.version).toBe(2);
    expect(review.correctedVersion).toBe(2);
    expect(actions('review.returned')).toEqual([
      expect.objectContaining({ target: review.assignmentId, actor: expect.objectContaining({ role: 'organizer' }) }),
    ]);
    expect(actions('review.finish')).toHaveLength(1);

    // Fact-check: the official's dispute and the organizer's ruling, in the audit log and in the results.
    const factCheck = record.factCheck;
    if (!factCheck) throw new Error('the fact-check phase recorded nothing');
    expect(await emailsOf('fact-check')).toHaveLength(factCheck.notices);
    expect(await store.factCheck.listDisputes(campaignId, factCheck.centerId)).toEqual([
      expect.objectContaining({
        itemId: factCheck.itemId,
        state: 'withdrawn',
        reason: factCheck.reason,
        ruling: expect.objectContaining({ note: factCheck.note }),
      }),
    ]);
    expect(actions('dispute.open')).toEqual([
      expect.objectContaining({ target: factCheck.itemId, actor: expect.objectContaining({ role: 'official' }) }),
    ]);
    expect(actions('dispute.withdrawn')).toEqual([
      expect.objectContaining({ target: factCheck.itemId, actor: expect.objectContaining({ role: 'organizer' }) }),
    ]);
    expect(actions('fact-check.finish')).toHaveLength(1);

    // Sign-off: no official was emailed before the organizer pressed Publish in the console, once.
    const signOff = record.signOff;
    if (!signOff) throw new Error('the sign-off phase recorded nothing');
    expect(signOff.summariesBefore).toBe(0);
    expect(meta).toMatchObject({ signedOffAt: signOff.at, signedOffBy: signOff.by });
    expect(actions('results.publish')).toEqual([
      expect.objectContaining({ target: campaignId, actor: expect.objectContaining({ role: 'organizer' }) }),
    ]);
    const firstSummary = Math.min(...(await emailsOf('summary')).map((e) => e.at * 1000));
    expect(firstSummary).toBeGreaterThanOrEqual(Date.parse(signOff.at) - 1000);
    const series = definition.campaign.series;
    expect(
      (await store.rectification.listRectificationItems(series, factCheck.centerId)).map((i) => i.id),
    ).not.toContain(factCheck.itemId);

    // Scoring and publication: every center scored; each official and the organizers got their summary.
    const scores = await store.scores.listScores(campaignId);
    expect(scores).toHaveLength(definition.centers.length);
    expect(scores.filter((s) => s.score !== null).length).toBeGreaterThan(definition.centers.length * 0.8);
    const summaries = await emailsOf('summary');
    expect(summaries.map((e) => e.destination.to[0]).sort()).toEqual(
      definition.centers.map((c) => c.official.email).sort(),
    );
    const city = await emailsOf('city-summary');
    expect(city.map((e) => e.destination.to[0]).sort()).toEqual([...definition.campaign.organizers].sort());

    // Rectification report: the item reported fixed, with what was done.
    const fixed = record.rectification;
    if (!fixed) throw new Error('the rectification phase recorded nothing');
    const item = await store.rectification.getRectificationItem(series, fixed.centerId, fixed.itemId);
    expect(item?.state).toBe('reported-fixed');
    expect(item?.history.at(-1)).toMatchObject({ event: 'reported-fixed', note: fixed.note });
  }, 210_000);

  it('closes at once, well before the deadline, when every assignment is answered', async () => {
    // Prepare: a second campaign whose deadline is an hour away
    await fetch(`${cloud.urls.ses}/clear-store`, { method: 'POST' });
    const base = demoCampaign(new Date(), {
      reminderAfterSeconds: 1800,
      deadlineAfterSeconds: 3600,
      autoPublish: true,
    });
    const definition = CampaignDefinition.parse({
      ...base,
      campaign: { ...base.campaign, id: `${base.campaign.id}-early`, month: base.campaign.month },
      centers: base.centers.slice(0, 6),
    });

    // Act
    const launch = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, definition);
    const invitations = await waitFor('invitations', async () => {
      const meta = await store.campaigns.getMeta(definition.campaign.id).catch(() => undefined);
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
    const meta = await store.campaigns.getMeta(definition.campaign.id);
    expect(meta).toMatchObject({ status: 'published', closedReason: 'complete' });
    expect(meta.answered).toBe(meta.total);
    expect(await emailsOf('reminder')).toHaveLength(0);
  });

  it('refuses a second launch of the same campaign and starts nothing', async () => {
    // Prepare
    const definition = demoCampaign(new Date(), {
      reminderAfterSeconds: 1800,
      deadlineAfterSeconds: 3600,
      autoPublish: true,
    });
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

  it('needed every grant of every function: none missing, none unused but the few only a race or a fault reaches', async () => {
    // Prepare: what the campaigns above did not reach — a refused campaign's failure notice, a bounce,
    // a draft, the console pages nobody opened, a sign-out and a wrong password, a campaign whose last
    // answer wakes the workflow
    const base = demoCampaign(new Date(), {
      reminderAfterSeconds: 1800,
      deadlineAfterSeconds: 3600,
      autoPublish: true,
    });
    // Centers of one district and a supervisor who lives there: never your own district leaves nobody to assign.
    const district = base.supervisors.find((s) =>
      base.centers.some((c) => c.district === s.homeDistrict),
    )?.homeDistrict;
    const refused = CampaignDefinition.parse({
      ...base,
      campaign: { ...base.campaign, id: `${base.campaign.id}-refused` },
      centers: base.centers.filter((c) => c.district === district),
      supervisors: base.supervisors.filter((s) => s.homeDistrict === district).slice(0, 1),
    });
    const tiny = CampaignDefinition.parse({
      ...base,
      campaign: { ...base.campaign, id: `${base.campaign.id}-grants` },
      centers: base.centers.slice(0, 3),
    });
    const account = cloud.consoleAccounts.find((a) => a.role === 'organizer');
    if (!account) throw new Error('the cloud has no organizer account');
    const session = await signInToConsole(cloud.urls.api, account);

    // Act
    const failed = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, refused);
    await cloud.invoke('ses-events', bounceEvent('bounced-official@example.gov.cn'));
    await fetch(`${cloud.urls.ses}/clear-store`, { method: 'POST' });
    const launch = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, tiny);
    const links = await waitFor('invitations', async () => {
      const meta = await store.campaigns.getMeta(tiny.campaign.id).catch(() => undefined);
      const sent = await emailsOf('invitation');
      return meta && meta.supervisors > 0 && sent.length >= meta.supervisors ? sent.flatMap(surveyLinks) : undefined;
    });
    const draft = await fetch(`${links[0]}/draft`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ problems: [] }),
    });
    for (const url of links) await answerSurvey(url, 'grants');
    for (const path of [
      '/console',
      `/console/campaigns/${tiny.campaign.id}/audit`,
      `/console/campaigns/${base.campaign.id}/results`,
      `/console/campaigns/${base.campaign.id}/centers/${base.centers[0]?.id ?? ''}`,
    ])
      await session.page(path);
    await session.submit('/console/sign-out', {});
    const wrongPassword = await failure(signInToConsole(cloud.urls.api, { ...account, password: 'not-the-password' }));
    const outcomes = await Promise.all(
      [failed.executionArn, launch.executionArn].map((arn) =>
        waitFor('the workflow to finish', async () => {
          const out = cloud.runner.describeExecution(arn);
          return out.status === 'RUNNING' ? undefined : out;
        }),
      ),
    );
    // The daily evidence retention, as its schedule starts it: nothing is past its retention yet.
    await cloud.invoke('expire-evidence', { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
    const coverage = grantCoverage(cloud.model.functions, cloud.iam.calls);

    // Assess
    expect(draft.status).toBe(200);
    expect(wrongPassword.message).toMatch(/answered 401/);
    expect(outcomes.map((o) => o.status)).toEqual(['FAILED', 'SUCCEEDED']);
    expect(coverage.missing).toEqual([]);
    expect(coverage.idle).toEqual([]);
    const unused = coverage.unused.map(formatUnusedGrant);
    const allowed = [...ONLY_A_RACE_OR_A_FAULT_NEEDS, ...ONLY_A_LATER_MONTH_NEEDS];
    expect(unused.filter((grant) => !allowed.includes(grant))).toEqual([]);
    // Each listed grant is one of the stack's, unused or used in this run: the list names nothing that is gone.
    const granted = grantCoverage(cloud.model.functions, []).unused.map(formatUnusedGrant);
    expect(allowed.filter((grant) => !granted.includes(grant))).toEqual([]);
  });
});
