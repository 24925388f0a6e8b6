import * as z from 'zod';
import { lazySchema } from '../../core/lazy-schema.ts';
import { ConfigurationError, readEnv, requireEnv } from '../config.ts';

/** The user pool and app client console sign-ins belong to. */
export interface ConsoleAuthConfig {
  /** `CONSOLE_USER_POOL_ID`, e.g. `eu-west-1_AbCdEf123`. */
  readonly userPoolId: string;
  /** `CONSOLE_CLIENT_ID`: the app client the console signs in with; ID tokens carry it as `aud`. */
  readonly clientId: string;
  /**
   * `CONSOLE_JWT_ISSUER` and `CONSOLE_JWKS_URL`, both or neither: a pool that is not Amazon Cognito's
   * (the embedded cloud's), whose tokens name another issuer. Absent, Cognito's issuer and keys are used.
   */
  readonly custom?: { readonly issuer: string; readonly jwksUrl: string };
}

const USER_POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;
// An empty variable counts as unset.
const OptionalUrl = lazySchema(() =>
  z.preprocess((v) => (v === '' ? undefined : v), z.url({ message: 'must be a URL' }).optional()),
);

/**
 * Reads and validates the console's sign-in configuration from the environment. Fails with a
 * {@link ConfigurationError} naming the variable.
 */
export const readConsoleAuthConfig = (): ConsoleAuthConfig => {
  requireEnv('CONSOLE_USER_POOL_ID');
  const userPoolId = readEnv(
    'CONSOLE_USER_POOL_ID',
    z.string().trim().regex(USER_POOL_ID, 'must be a user pool id such as eu-west-1_AbCdEf123'),
  );
  const clientId = requireEnv('CONSOLE_CLIENT_ID').trim();
  const issuer = readEnv('CONSOLE_JWT_ISSUER', OptionalUrl);
  const jwksUrl = readEnv('CONSOLE_JWKS_URL', OptionalUrl);
  if ((issuer === undefined) !== (jwksUrl === undefined)) {
    throw new ConfigurationError(
      `${issuer === undefined ? 'CONSOLE_JWT_ISSUER' : 'CONSOLE_JWKS_URL'} environment variable is not set (CONSOLE_JWT_ISSUER and CONSOLE_JWKS_URL go together)`,
    );
  }
  return { userPoolId, clientId, ...(issuer && jwksUrl ? { custom: { issuer, jwksUrl } } : {}) };
};
