import { SFNClient } from '@aws-sdk/client-sfn';
import type { CampaignStore } from '../../functions/adapters/store.ts';
import { type EmbeddedCloud, type EmbeddedCloudOptions, startEmbeddedCloud } from '../../local/cloud.ts';

/** The embedded cloud, with the store and the Step Functions client the tests drive it with. */
export interface CloudClients {
  cloud: EmbeddedCloud;
  store: CampaignStore;
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
