import { GetSendQuotaCommand, SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_SEND_RATE_LIMIT } from '../../../functions/core/campaign/send-rate.ts';
import type { RenderedMail } from '../../../functions/core/render/mail/layout.ts';
import { parseAppConfig } from '../../../infra/app-config.ts';

const ses = mockClient(SESClient);
const ddb = mockClient(DynamoDBDocumentClient);
const MAIL: RenderedMail = { subject: 'Invitation', html: '<p>Hello</p>', text: 'Hello' };
const TAGS = { campaign: 'C-2026-12', kind: 'invitation' };

/** The outbox as a new Lambda container loads it: a fresh module, so a fresh pacer and quota. */
const loadOutbox = async (env: { MAX_SEND_RATE?: string; MAIL_CONCURRENCY?: string } = {}) => {
  vi.resetModules();
  vi.stubEnv('MAX_SEND_RATE', env.MAX_SEND_RATE);
  vi.stubEnv('MAIL_CONCURRENCY', env.MAIL_CONCURRENCY ?? '4');
  const [outbox, delivery, logger, table] = await Promise.all([
    import('../../../functions/adapters/mail/outbox.ts'),
    import('../../../functions/app/delivery.ts'),
    import('../../../functions/adapters/logger.ts'),
    import('../../../functions/adapters/table.ts'),
  ]);
  vi.spyOn(logger.logger, 'info').mockImplementation(() => undefined);
  vi.spyOn(logger.logger, 'warn').mockImplementation(() => undefined);
  // The delivery's ports: the real outbox ledger and suppression list (on the mocked client) and the mailer.
  const ports = { mail: table.store.mail, suppressions: table.store.suppressions, mailer: outbox.mailer };
  return { ...outbox, ...delivery, ports };
};

beforeEach(() => {
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 400, Max24HourSend: 50_000, SentLast24Hours: 0 });
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});

afterEach(() => {
  ses.reset();
  ddb.reset();
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('outbox', () => {
  it('asks SES nothing when the module loads: the first send asks', async () => {
    // Act
    const { mailer } = await loadOutbox();
    // Assess
    expect(ses).toHaveReceivedCommandTimes(GetSendQuotaCommand, 0);
    await mailer.send(['a@example.gov.cn'], MAIL, TAGS);
    expect(ses).toHaveReceivedCommandTimes(GetSendQuotaCommand, 1);
  });

  it('paces by an explicit MAX_SEND_RATE without asking SES for the quota', async () => {
    // Prepare
    const { mailer } = await loadOutbox({ MAX_SEND_RATE: '400' });
    // Act
    await mailer.ensureRoomFor(1_000_000);
    await mailer.send(['a@example.gov.cn'], MAIL, TAGS);
    await mailer.send(['b@example.gov.cn'], MAIL, TAGS);
    // Assess
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 2);
    expect(ses).toHaveReceivedCommandTimes(GetSendQuotaCommand, 0);
  });

  it('reads the quota once per container and keeps it across sends and batches', async () => {
    // Prepare
    const { mailer } = await loadOutbox();
    // Act
    await mailer.ensureRoomFor(2);
    await Promise.all([mailer.send(['a@example.gov.cn'], MAIL, TAGS), mailer.send(['b@example.gov.cn'], MAIL, TAGS)]);
    await mailer.ensureRoomFor(1);
    await mailer.send(['c@example.gov.cn'], MAIL, TAGS);
    // Assess
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 3);
    expect(ses).toHaveReceivedCommandTimes(GetSendQuotaCommand, 1);
  });

  it("paces each batch at its share of the account's rate (divided by MAIL_CONCURRENCY), less the headroom", async () => {
    // Prepare: 2 emails per second shared by 4 batches leaves each one email every 2 seconds, planned
    // at SEND_RATE_HEADROOM of that.
    vi.useFakeTimers();
    ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 2, Max24HourSend: 50_000, SentLast24Hours: 0 });
    const { mailer, SEND_RATE_HEADROOM } = await loadOutbox({ MAIL_CONCURRENCY: '4' });
    const intervalMs = 2_000 / SEND_RATE_HEADROOM;
    // Act
    const sends = Promise.all([
      mailer.send(['a@example.gov.cn'], MAIL, TAGS),
      mailer.send(['b@example.gov.cn'], MAIL, TAGS),
    ]);
    await vi.advanceTimersByTimeAsync(Math.floor(intervalMs) - 1);
    const sentBeforeInterval = ses.commandCalls(SendEmailCommand).length;
    await vi.advanceTimersByTimeAsync(2);
    await sends;
    // Assess
    expect(SEND_RATE_HEADROOM).toBeGreaterThan(0.9);
    expect(SEND_RATE_HEADROOM).toBeLessThan(1);
    expect(sentBeforeInterval).toBe(1);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 2);
  });

  it('loads with the highest maxSendRate the stack accepts, and both refuse the next one', async () => {
    // Prepare
    const highest = String(MAX_SEND_RATE_LIMIT);
    const tooHigh = String(MAX_SEND_RATE_LIMIT + 1);
    // Act
    const accepted = parseAppConfig({ maxSendRate: highest }).maxSendRate;
    const loaded = loadOutbox({ MAX_SEND_RATE: highest });
    // Assess
    expect(accepted).toBe(MAX_SEND_RATE_LIMIT);
    await expect(loaded).resolves.toHaveProperty('mailer');
    expect(() => parseAppConfig({ maxSendRate: tooHigh })).toThrow(/maxSendRate above/);
    await expect(loadOutbox({ MAX_SEND_RATE: tooHigh })).rejects.toThrow(
      /MAX_SEND_RATE environment variable is invalid/,
    );
  });

  it('fails a batch the 24-hour quota cannot take before claiming or sending any email', async () => {
    // Prepare
    ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 1, Max24HourSend: 200, SentLast24Hours: 199 });
    const { ports, deliverAll } = await loadOutbox();
    const outgoing = new Map([
      ['S1', { to: ['a@example.gov.cn'], mail: MAIL }],
      ['S2', { to: ['b@example.gov.cn'], mail: MAIL }],
    ]);
    // Act
    const delivery = deliverAll(ports, { campaignId: 'C-2026-12', kind: 'invitation', round: 0 }, outgoing);
    // Assess
    await expect(delivery).rejects.toMatchObject({ name: 'DailyQuotaExceeded' });
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 0);
  });

  it('fails a batch as transient, before claiming any email, when SES throttles the quota read', async () => {
    // Prepare
    ses.on(GetSendQuotaCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const { ports, deliverAll } = await loadOutbox();
    const outgoing = new Map([['S1', { to: ['a@example.gov.cn'], mail: MAIL }]]);
    // Act
    const delivery = deliverAll(ports, { campaignId: 'C-2026-12', kind: 'reminder', round: 1 }, outgoing);
    // Assess
    await expect(delivery).rejects.toMatchObject({ name: 'TransientError' });
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 0);
  });
});

describe('delivery near the function timeout', () => {
  const input = { campaignId: 'C-2026-12', kind: 'invitation', round: 0 };
  const outgoingTo = (n: number) =>
    new Map(Array.from({ length: n }, (_, i) => [`S${i + 1}`, { to: [`s${i + 1}@example.gov.cn`], mail: MAIL }]));

  it('stops before the timeout and reports the emails it did not start, claiming none of them', async () => {
    // Prepare: each email sent takes 30 s of the invocation's time
    const { ports, deliverAll, SEND_SAFETY_MARGIN_MS } = await loadOutbox({ MAX_SEND_RATE: '400' });
    const remainingMs = () => 100_000 - 30_000 * ses.commandCalls(SendEmailCommand).length;
    // Act
    const result = await deliverAll(ports, input, outgoingTo(6), { remainingMs });
    // Assess
    expect(SEND_SAFETY_MARGIN_MS).toBeGreaterThanOrEqual(15_000);
    expect(result.sent).toBeGreaterThanOrEqual(1);
    expect(result.sent).toBeLessThanOrEqual(3);
    expect(result.remaining).toBe(6 - result.sent);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, result.sent);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, result.sent);
  });

  it("leases each claim until the invocation's deadline", async () => {
    // Prepare
    const { ports, deliverAll } = await loadOutbox({ MAX_SEND_RATE: '400' });
    const before = Date.now();
    // Act
    await deliverAll(ports, input, outgoingTo(1), { remainingMs: () => 200_000 });
    // Assess
    const claim = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    const lease = Date.parse(String(claim?.Item?.leaseUntil));
    expect(lease).toBeGreaterThanOrEqual(before + 200_000);
    expect(lease).toBeLessThanOrEqual(Date.now() + 200_000);
    expect(claim?.ConditionExpression).toBe('attribute_not_exists(PK) OR (#st = :sending AND leaseUntil < :at)');
  });

  it('claims an email only when its turn to be sent comes, so a kill while it waits loses nothing', async () => {
    // Prepare: one email per 4.2 s for this batch (1/s shared by 4 batches, less the headroom)
    vi.useFakeTimers();
    const { ports, deliverAll } = await loadOutbox({ MAX_SEND_RATE: '1' });
    // Act
    const delivery = deliverAll(ports, input, outgoingTo(3), { remainingMs: () => 200_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    const claimedWhileWaiting = ddb.commandCalls(PutCommand).length;
    await vi.advanceTimersByTimeAsync(10_000);
    const result = await delivery;
    // Assess
    expect(claimedWhileWaiting).toBe(1);
    expect(result).toMatchObject({ sent: 3, remaining: 0 });
  });

  it('gives a claim back when SES throttles the email away, so the retried batch sends it', async () => {
    // Prepare
    vi.useFakeTimers();
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Maximum sending rate exceeded'), { name: 'Throttling' }));
    const { ports, deliverAll } = await loadOutbox({ MAX_SEND_RATE: '400' });
    // Act
    const delivery = deliverAll(ports, input, outgoingTo(1), { remainingMs: () => 200_000 });
    const failure = expect(delivery).rejects.toMatchObject({ name: 'Throttling' });
    await vi.runAllTimersAsync();
    await failure;
    // Assess
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { PK: 'CAMPAIGN#C-2026-12#MAIL', SK: 'invitation#0#S1' },
      ConditionExpression: '#st = :sending AND #at = :at',
    });
  });
});
