import { GetSendQuotaCommand, SESClient } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../../functions/adapters/logger.ts';
import {
  AccountQuota,
  DailyQuotaExceeded,
  InvalidSendQuota,
  readSendQuota,
  SendQuotaDenied,
} from '../../../functions/adapters/mail/send-quota.ts';
import { TransientError } from '../../../functions/core/errors.ts';

const ses = mockClient(SESClient);
const client = new SESClient({ region: 'us-east-1' });

/** An SDK service error as the client raises it: what matters is its name (and a network fault's code). */
const awsError = (name: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`${name} from SES`), { name, ...extra });

afterEach(() => {
  ses.reset();
  vi.restoreAllMocks();
});

describe('readSendQuota', () => {
  it("reads the account's max send rate and 24-hour quota from GetSendQuota", async () => {
    // Prepare
    ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 1_200 });
    // Act
    const quota = await readSendQuota(client);
    // Assess
    expect(quota).toEqual({ maxSendRate: 14, max24HourSend: 50_000, sentLast24Hours: 1_200 });
    expect(ses).toHaveReceivedCommandTimes(GetSendQuotaCommand, 1);
  });

  it.each([
    [{ Max24HourSend: 200, SentLast24Hours: 0 }, /MaxSendRate is missing/],
    [{ MaxSendRate: 0, Max24HourSend: 200, SentLast24Hours: 0 }, /MaxSendRate must be a positive number/],
    [{ MaxSendRate: -1, Max24HourSend: 200, SentLast24Hours: 0 }, /MaxSendRate must be a positive number/],
    [{ MaxSendRate: 1, Max24HourSend: -5, SentLast24Hours: 0 }, /Max24HourSend must be -1 \(unlimited\)/],
    [{ MaxSendRate: 1, Max24HourSend: 200 }, /SentLast24Hours is missing/],
  ])('rejects the unusable quota %j, saying what is wrong', async (answer, message) => {
    // Prepare
    ses.on(GetSendQuotaCommand).resolves(answer);
    // Act
    const read = readSendQuota(client);
    // Assess
    await expect(read).rejects.toThrow(InvalidSendQuota);
    await expect(readSendQuota(client)).rejects.toThrow(message);
  });

  it.each([
    ['throttling', awsError('Throttling')],
    ['an outage', awsError('ServiceUnavailable')],
    ['a network fault', awsError('Error', { code: 'ECONNRESET' })],
  ])('turns %s into a TransientError for the workflow to retry', async (_, error) => {
    // Prepare
    ses.on(GetSendQuotaCommand).rejects(error);
    // Act
    const read = readSendQuota(client);
    // Assess
    await expect(read).rejects.toThrow(TransientError);
    await expect(readSendQuota(client)).rejects.toMatchObject({ name: 'TransientError', cause: error });
  });

  it('names the missing permission when the role may not call GetSendQuota', async () => {
    // Prepare
    ses.on(GetSendQuotaCommand).rejects(awsError('AccessDenied'));
    // Act
    const read = readSendQuota(client);
    // Assess
    await expect(read).rejects.toThrow(SendQuotaDenied);
    await expect(readSendQuota(client)).rejects.toThrow(/lacks ses:GetSendQuota.*or set MAX_SEND_RATE/);
  });
});

describe('AccountQuota', () => {
  it('asks SES once and keeps the rate for every later caller, even concurrent ones', async () => {
    // Prepare
    ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 28, Max24HourSend: 50_000, SentLast24Hours: 0 });
    const quota = new AccountQuota(client);
    // Act
    const rates = await Promise.all([quota.maxSendRate(), quota.maxSendRate(), quota.maxSendRate()]);
    rates.push(await quota.maxSendRate());
    // Assess
    expect(rates).toEqual([28, 28, 28, 28]);
    expect(ses).toHaveReceivedCommandTimes(GetSendQuotaCommand, 1);
  });

  it('asks again after a failed reading instead of keeping the failure', async () => {
    // Prepare
    ses
      .on(GetSendQuotaCommand)
      .rejectsOnce(awsError('Throttling'))
      .resolves({ MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 0 });
    const quota = new AccountQuota(client);
    // Act
    const first = quota.maxSendRate();
    await expect(first).rejects.toThrow(TransientError);
    const second = await quota.maxSendRate();
    // Assess
    expect(second).toBe(14);
    expect(ses).toHaveReceivedCommandTimes(GetSendQuotaCommand, 2);
  });

  it('lets a batch through that fits in the 24-hour quota, without asking SES again', async () => {
    // Prepare
    ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 14, Max24HourSend: 1_000, SentLast24Hours: 900 });
    const quota = new AccountQuota(client);
    await quota.maxSendRate();
    // Act
    await quota.ensureRoomFor(100);
    // Assess
    expect(ses).toHaveReceivedCommandTimes(GetSendQuotaCommand, 1);
  });

  it('never limits an account whose 24-hour quota is unlimited (-1)', async () => {
    // Prepare
    ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 14, Max24HourSend: -1, SentLast24Hours: 5_000_000 });
    const quota = new AccountQuota(client);
    // Act
    const check = quota.ensureRoomFor(1_000_000);
    // Assess
    await expect(check).resolves.toBeUndefined();
  });

  it('fails a batch the 24-hour quota cannot take, confirmed by a fresh reading, with the numbers', async () => {
    // Prepare
    ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 1, Max24HourSend: 200, SentLast24Hours: 150 });
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const quota = new AccountQuota(client);
    // Act
    const check = quota.ensureRoomFor(80);
    // Assess
    await expect(check).rejects.toThrow(DailyQuotaExceeded);
    await expect(check).rejects.toThrow(
      /room for 50 more emails \(150 of 200 sent in the last 24 hours\) but this batch would send 80/,
    );
    expect(ses).toHaveReceivedCommandTimes(GetSendQuotaCommand, 2);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('24-hour'), {
      batch: 80,
      left: 50,
      max24HourSend: 200,
      sentLast24Hours: 150,
    });
  });

  it('lets the batch through when the fresh reading shows the 24-hour window has moved on', async () => {
    // Prepare
    ses
      .on(GetSendQuotaCommand)
      .resolvesOnce({ MaxSendRate: 1, Max24HourSend: 200, SentLast24Hours: 190 })
      .resolves({ MaxSendRate: 1, Max24HourSend: 200, SentLast24Hours: 20 });
    const quota = new AccountQuota(client);
    await quota.maxSendRate();
    // Act
    const check = quota.ensureRoomFor(100);
    // Assess
    await expect(check).resolves.toBeUndefined();
    expect(ses).toHaveReceivedCommandTimes(GetSendQuotaCommand, 2);
  });

  it('counts what this container sent since the reading against the 24-hour quota', async () => {
    // Prepare
    ses
      .on(GetSendQuotaCommand)
      .resolvesOnce({ MaxSendRate: 14, Max24HourSend: 200, SentLast24Hours: 0 })
      .resolves({ MaxSendRate: 14, Max24HourSend: 200, SentLast24Hours: 150 });
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const quota = new AccountQuota(client);
    await quota.ensureRoomFor(150);
    for (let i = 0; i < 150; i++) quota.recordSent();
    // Act
    const check = quota.ensureRoomFor(100);
    // Assess
    await expect(check).rejects.toThrow(DailyQuotaExceeded);
    expect(ses).toHaveReceivedCommandTimes(GetSendQuotaCommand, 2);
  });
});
