import { SFNClient } from '@aws-sdk/client-sfn';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import type { CampaignMeta } from '../../functions/core/campaign/lifecycle.ts';
import { type EmbeddedCloud, type EmbeddedCloudOptions, startEmbeddedCloud } from '../../local/cloud.ts';
import { mailKindOf, readOutbox, surveyLinks } from '../../local/ses-outbox.ts';
import { waitFor } from './wait.ts';

/** The embedded cloud, with the store and the Step Functions client the tests drive it with. */
export interface CloudClients {
  cloud: EmbeddedCloud;
  store: Tables;
  sfn: SFNClient;
}

/**
 * Starts the embedded cloud, then loads the table adapter and builds a Step Functions client: both
 * read the endpoints and the table name the cloud has just put in the environment.
 */
export const startCloudAndClients = async (options?: EmbeddedCloudOptions): Promise<CloudClients> => {
  const cloud = await startEmbeddedCloud(options);
  const { store } = await import('../../functions/adapters/table.ts');
  return { cloud, store, sfn: new SFNClient({}) };
};

/** Waits until the campaign's workflow sleeps in Collect: invitations out, its task token stored. */
export const untilCollecting = (store: Tables, campaignId: string): Promise<CampaignMeta> =>
  waitFor(`${campaignId} to collect answers`, async () => {
    const meta = await store.campaigns.getMeta(campaignId).catch(() => undefined);
    return meta?.status === 'open' && meta.taskToken ? meta : undefined;
  });

/** The survey links of the invitations in the local SES outbox, once at least `count` invitations were sent. */
export const invitationLinks = (cloud: EmbeddedCloud, count: number): Promise<string[]> =>
  waitFor(`${count} invitations`, async () => {
    const sent = (await readOutbox(cloud.urls.ses)).filter((e) => mailKindOf(e) === 'invitation');
    return sent.length >= count ? sent.flatMap(surveyLinks) : undefined;
  });
