import { describe, expect, it } from 'vitest';
import { ALLOWED_FROM, canMove, hasResults } from '../../../functions/core/campaign/lifecycle.ts';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '../../../functions/core/model.ts';

const ORDER: readonly CampaignStatus[] = [
  'draft',
  'open',
  'closed',
  'reviewing',
  'fact-checking',
  'scored',
  'awaiting-sign-off',
  'published',
];

describe('the campaign lifecycle', () => {
  it('never moves a campaign back along its life', () => {
    // Act
    const backwards = ORDER.flatMap((to, t) =>
      ORDER.slice(t + 1).flatMap((from) => (canMove(from, to) ? [`${from} → ${to}`] : [])),
    );
    // Assess
    expect(backwards).toEqual([]);
  });

  it('lets a retried step find the campaign where it left it, except a draft, which nothing creates twice', () => {
    // Act
    const notIdempotent = CAMPAIGN_STATUSES.filter((status) => !canMove(status, status));
    // Assess
    expect(notIdempotent).toEqual(['draft', 'closed']);
  });

  it('fails a campaign from anywhere but a published one', () => {
    // Assess
    expect(CAMPAIGN_STATUSES.filter((from) => !canMove(from, 'failed'))).toEqual(['published']);
  });

  it('publishes only scored results, signed off or published on their own, and has results only once scored', () => {
    // Assess
    expect(ALLOWED_FROM.published).toEqual(['scored', 'awaiting-sign-off', 'published']);
    expect(CAMPAIGN_STATUSES.filter(hasResults)).toEqual(['scored', 'awaiting-sign-off', 'published']);
  });

  it('holds only scored results for sign-off, and a held campaign can only be published or fail', () => {
    // Act
    const into = CAMPAIGN_STATUSES.filter((from) => canMove(from, 'awaiting-sign-off'));
    const outOf = CAMPAIGN_STATUSES.filter((to) => to !== 'awaiting-sign-off' && canMove('awaiting-sign-off', to));

    // Assess
    expect(into).toEqual(['scored', 'awaiting-sign-off']);
    expect(outOf).toEqual(['published', 'failed']);
  });
});
