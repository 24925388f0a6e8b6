import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { mailKindOf } from '../../local/ses-outbox.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import { launchAndOpenLinks, streetCampaign, submit, waitForPublication } from './publication-steps.ts';

let cloud: EmbeddedCloud;
let store: Tables;
let sfn: SFNClient;
const seen = new Set<string>();

/** One SNS delivery of SES event publishing, as the configuration set's topic sends it. */
const snsEvent = (...messages: Record<string, unknown>[]): SNSEvent => ({
  Records: messages.map((message, i) => ({
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:mail-events:sub',
    Sns: {
      Type: 'Notification',
      MessageId: `m-${i}`,
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:mail-events',
      Subject: null as unknown as string,
      Message: JSON.stringify(message),
      Timestamp: '2026-11-20T08:00:00.000Z',
      SignatureVersion: '1',
      Signature: 'x',
      SigningCertUrl: 'https://example.com/cert',
      UnsubscribeUrl: 'https://example.com/unsubscribe',
      MessageAttributes: {},
    },
  })),
});

const bounce = (email: string, bounceType: 'Permanent' | 'Transient') => ({
  eventType: 'Bounce',
  bounce: {
    bounceType,
    bounceSubType: 'General',
    bouncedRecipients: [{ emailAddress: email }],
    timestamp: '2026-11-20T08:00:00.000Z',
  },
  mail: { destination: [email] },
});

beforeAll(async () => {
  ({ cloud, store, sfn } = await startCloudAndClients());
});

afterAll(async () => {
  await cloud?.close();
});

describe('bounces and complaints on the embedded cloud', () => {
  it("skips a suppressed official's summary and lists the address in the organizers' summary", async () => {
    // Prepare: SES reports a permanent bounce for one official, a transient one for the other,
    // and a complaint from the second organizer
    const bounced = 'official-bounced@example.gov.cn';
    const flaky = 'official-flaky@example.gov.cn';
    const complained = 'leader-complained@example.gov.cn';
    const organizer = 'organizer-ok@example.gov.cn';
    const recorded = await cloud.invoke(
      'ses-events',
      snsEvent(bounce(bounced, 'Permanent'), bounce(flaky, 'Transient'), {
        eventType: 'Complaint',
        complaint: {
          complainedRecipients: [{ emailAddress: `Leader <${complained.toUpperCase()}>` }],
          complaintFeedbackType: 'abuse',
        },
        mail: {},
      }),
    );
    const definition = streetCampaign('bounce', '2026-12', {
      officials: [flaky, bounced],
      organizers: [organizer, complained],
    });

    // Act
    const { executionArn, links } = await launchAndOpenLinks({ cloud, store, sfn }, definition, seen);
    for (const link of links) expect(await submit(link.url, { badge: 'yes', attitude: 4 })).toBe(200);
    const { status, emails } = await waitForPublication({ cloud }, executionArn, seen);

    // Assess: the suppression list, the emails sent and skipped, the ledger
    expect(recorded).toEqual({ suppressed: 2, ignored: 1 });
    expect((await store.suppressions.listSuppressed()).map((s) => [s.email, s.reason]).sort()).toEqual([
      [complained, 'complaint'],
      [bounced, 'bounce'],
    ]);
    expect(status).toBe('SUCCEEDED');
    const summaries = emails.filter((e) => mailKindOf(e) === 'summary').map((e) => e.destination.to[0]);
    expect(summaries).toEqual([flaky]);
    const city = emails.filter((e) => mailKindOf(e) === 'city-summary');
    expect(city.map((e) => e.destination.to[0])).toEqual([organizer]);
    const html = city[0]?.body.html ?? '';
    expect(html).toMatch(
      new RegExp(`data-testid="suppressed">.*${bounced}.*退信.*permanent bounce \\(General\\).*评分通报`, 's'),
    );
    expect(html).not.toContain(flaky);
    const ledger = await store.mail.listMail(definition.campaign.id);
    expect(
      ledger
        .filter((m) => m.state === 'suppressed')
        .map((m) => [m.kind, m.to?.[0]])
        .sort(),
    ).toEqual([
      ['city-summary', complained],
      ['summary', bounced],
    ]);
  });
});
