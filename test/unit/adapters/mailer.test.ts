import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Mailer, MailRejected, Pacer } from '../../../functions/adapters/mail/mailer.ts';
import type { RenderedMail } from '../../../functions/core/render/mail/layout.ts';

const ses = mockClient(SESClient);
const mail: RenderedMail = { subject: '督查邀请 · Invitation', html: '<p>邀请</p>', text: '邀请' };

/** When each of `n` waits of the pacer resolves, in milliseconds after the first call (fake clock). */
const waitTimes = async (pacer: Pacer, n: number, between?: (i: number) => void): Promise<number[]> => {
  const start = Date.now();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const waited = pacer.wait().then(() => times.push(Date.now() - start));
    await vi.runAllTimersAsync();
    await waited;
    between?.(i);
  }
  return times;
};

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
  ses.reset();
});

describe('Pacer', () => {
  it('spaces calls by the rate', async () => {
    // Act
    const times = await waitTimes(new Pacer(10), 4);
    // Assess
    expect(times).toEqual([0, 100, 200, 300]);
  });

  it('gives a refunded slot to the next call', async () => {
    // Prepare
    const pacer = new Pacer(10);
    // Act: the second call's send is refused, so its slot comes back
    const times = await waitTimes(pacer, 4, (i) => i === 1 && pacer.refund());
    // Assess
    expect(times).toEqual([0, 100, 100, 200]);
  });

  it('never hands out a slot in the past after a refund', async () => {
    // Prepare
    const pacer = new Pacer(10);
    await waitTimes(pacer, 1);
    vi.advanceTimersByTime(5_000);
    // Act
    pacer.refund();
    pacer.refund();
    const times = await waitTimes(pacer, 3);
    // Assess: still one every 100 ms, not a burst
    expect(times).toEqual([0, 100, 200]);
  });

  it('leaves a slot empty when told to slow down', async () => {
    // Prepare
    const pacer = new Pacer(10);
    // Act: the second call's send was throttled
    const times = await waitTimes(pacer, 3, (i) => i === 1 && pacer.slowDown());
    // Assess
    expect(times).toEqual([0, 100, 300]);
  });

  it('lets queued callers go one interval apart after the event loop was held up, not all at once', async () => {
    // Prepare: real time, four callers queued at 20 per second
    vi.useRealTimers();
    const pacer = new Pacer(20);
    const released: number[] = [];
    const all = Promise.all(Array.from({ length: 4 }, () => pacer.wait().then(() => released.push(Date.now()))));
    await new Promise((r) => setTimeout(r, 5));
    // Act: the process is busy for 200 ms, so the timers of the queued callers come due but cannot run
    const busyUntil = Date.now() + 200;
    while (Date.now() < busyUntil);
    await all;
    // Assess: each went at least an interval (50 ms, less a millisecond of clock rounding) after the one before
    const gaps = released.slice(1).map((t, i) => t - (released[i] ?? 0));
    expect(gaps).toHaveLength(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(49);
  });
});

describe('Mailer', () => {
  it('throws MailRejected for a refused recipient and sends the next email without waiting for its slot', async () => {
    // Prepare
    ses
      .on(SendEmailCommand)
      .rejectsOnce(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }))
      .resolves({ MessageId: 'm-2' });
    const mailer = new Mailer(new SESClient({ region: 'us-east-1' }), {
      from: 'supervision@example.gov.cn',
      pacer: new Pacer(10),
    });
    const start = Date.now();
    // Act
    const refused = await mailer.send(['bad@example.com'], mail, {}).catch((error: unknown) => error);
    const sending = mailer.send(['good@example.com'], mail, {});
    await vi.runAllTimersAsync();
    const id = await sending;
    // Assess
    expect(refused).toBeInstanceOf(MailRejected);
    expect(id).toBe('m-2');
    expect(Date.now() - start).toBe(0);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 2);
  });
});
