import { describe, expect, it } from 'vitest';
import { suppressionsFrom } from '../../../functions/core/campaign/mail-events.ts';

const at = '2026-12-01T00:00:00.000Z';

describe('suppressionsFrom', () => {
  it('suppresses every recipient of a permanent bounce', () => {
    // Act
    const out = suppressionsFrom(
      {
        eventType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [{ emailAddress: 'A@Example.com' }, { emailAddress: 'b@example.com' }],
        },
        mail: {},
      },
      at,
    );
    // Assess
    expect(out.map((s) => [s.email, s.reason])).toEqual([
      ['a@example.com', 'bounce'],
      ['b@example.com', 'bounce'],
    ]);
  });

  it('ignores transient bounces', () => {
    // Act
    const out = suppressionsFrom(
      {
        eventType: 'Bounce',
        bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'a@example.com' }] },
      },
      at,
    );
    // Assess
    expect(out).toEqual([]);
  });

  it('suppresses complainers, from event publishing and from identity notifications alike', () => {
    // Act
    const published = suppressionsFrom(
      { eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 'c@example.com' }] } },
      at,
    );
    const notified = suppressionsFrom(
      { notificationType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 'd@example.com' }] } },
      at,
    );
    // Assess
    expect(published).toMatchObject([{ email: 'c@example.com', reason: 'complaint' }]);
    expect(notified).toMatchObject([{ email: 'd@example.com', reason: 'complaint' }]);
  });

  it('ignores deliveries and malformed records', () => {
    // Assess
    expect(suppressionsFrom({ eventType: 'Delivery', delivery: {} }, at)).toEqual([]);
    expect(suppressionsFrom('nonsense', at)).toEqual([]);
  });
});
