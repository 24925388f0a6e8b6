import { documentClient } from './clients/dynamodb.ts';
import { requireEnv } from './config.ts';
import { ConsoleSessionStore } from './table/console-sessions.ts';
import { SignInAttemptStore } from './table/sign-in-attempts.ts';
import { createTables } from './table/tables.ts';

/** The product's table, configured once per process from `TABLE_NAME`. */
export const store = createTables(documentClient, requireEnv('TABLE_NAME'));

/** The console's sessions, in the same table. */
export const consoleSessions = new ConsoleSessionStore(documentClient, requireEnv('TABLE_NAME'));

/** Failed console sign-ins per username, in the same table. */
export const signInAttempts = new SignInAttemptStore(documentClient, requireEnv('TABLE_NAME'));
