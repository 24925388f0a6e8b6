/** Campaign lifecycle: the statuses a campaign moves through (their moves are in lifecycle.ts). */
export const CAMPAIGN_STATUSES = [
  'draft',
  'open',
  'closed',
  'reviewing',
  'fact-checking',
  'scored',
  'awaiting-sign-off',
  'published',
  'failed',
] as const;
/** One of the campaign statuses. */
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
