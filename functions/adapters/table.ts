import { requireEnv } from './config.ts';
import { ConsoleSessionStore } from './console-sessions.ts';
import { documentClient } from './dynamodb.ts';
import { SignInAttemptStore } from './sign-in-attempts.ts';
import { CampaignStore } from './store.ts';

/** The product's table, configured once per process from `TABLE_NAME`. */
export const store = new CampaignStore(documentClient, requireEnv('TABLE_NAME'));

/** The console's sessions, in the same table. */
export const consoleSessions = new ConsoleSessionStore(documentClient, requireEnv('TABLE_NAME'));

/** Failed console sign-ins per username, in the same table. */
export const signInAttempts = new SignInAttemptStore(documentClient, requireEnv('TABLE_NAME'));
