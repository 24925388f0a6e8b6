import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  FetchError,
  JwtBaseError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  NonRetryableFetchError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { type Jwks, SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import * as z from 'zod';
import {
  CONSOLE_ROLES,
  type ConsoleRole,
  type ConsoleUser,
  ROLE_GROUPS,
  roleOfGroups,
  Unauthorized,
} from '../../core/access/console-access.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { requestHandler } from '../clients/request-handler.ts';
import { ConfigurationError } from '../config.ts';
import type { ConsoleAuthConfig } from './console-auth-config.ts';

/** Verifies console ID tokens of one user pool and app client. */
export interface ConsoleTokenVerifier {
  /** The signed-in user, or {@link Unauthorized} saying what is wrong with the token. */
  verify(jwt: string): Promise<ConsoleUser>;
  /** Uses these keys instead of fetching the pool's JWKS (for a pool whose keys are already known). */
  cacheJwks(jwks: Jwks): void;
}

/** Fetches a JWKS over plain HTTP too: the embedded cloud's user pool serves its keys on localhost. */
const httpJwksFetcher: Fetcher = {
  fetch: async (uri) => {
    const response = await fetch(uri, { signal: AbortSignal.timeout(requestHandler.requestTimeout) }).catch(
      (error: unknown) => {
        throw new FetchError(uri, error instanceof Error ? error.message : String(error));
      },
    );
    if (response.status !== 200) {
      throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    }
    return response.arrayBuffer();
  },
};

const IdTokenClaims = lazySchema(() =>
  z.object({
    sub: z.string().min(1),
    'cognito:username': z.string().min(1),
    token_use: z.literal('id'),
    'cognito:groups': z.array(z.string()).optional(),
    'custom:district': z.string().optional(),
  }),
);

/**
 * The console user a verified ID token names. A user in several console groups gets the most
 * powerful role (organizer, then coordinator, then leader); a district coordinator must have a
 * `custom:district`, which other roles do not carry.
 */
export const consoleUserFromClaims = (payload: JwtPayload): ConsoleUser => {
  const parsed = IdTokenClaims.safeParse(payload);
  if (!parsed.success) {
    const claims = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? 'payload')))];
    throw new Unauthorized(`not a console ID token: invalid or missing ${claims.join(', ')}`);
  }
  const claims = parsed.data;
  const username = claims['cognito:username'];
  const groups = claims['cognito:groups'] ?? [];
  const role: ConsoleRole | undefined = roleOfGroups(groups);
  if (role === undefined) {
    throw new Unauthorized(
      `${username} is not in a console group (${CONSOLE_ROLES.map((r) => ROLE_GROUPS[r]).join(', ')})`,
    );
  }
  if (role !== 'coordinator') return { sub: claims.sub, username, role };
  const district = claims['custom:district']?.trim();
  if (!district) {
    throw new Unauthorized(`${username} is a district coordinator without a district (custom:district is empty)`);
  }
  return { sub: claims.sub, username, role, district };
};

/** What went wrong with a token, in words; undefined for failures that are not the token's (the keys could not be fetched). */
const describeTokenError = (error: unknown): string | undefined => {
  if (error instanceof FetchError) return undefined;
  if (error instanceof JwtExpiredError) return 'the token has expired';
  if (error instanceof JwtNotBeforeError) return 'the token is not valid yet';
  // The verifier is configured for one issuer only; a token naming another fails the issuer lookup.
  if (error instanceof JwtInvalidIssuerError || error instanceof ParameterValidationError) {
    return "the token was issued by another user pool than the console's";
  }
  if (error instanceof JwtInvalidAudienceError || error instanceof CognitoJwtInvalidClientIdError) {
    return "the token is for another app client than the console's";
  }
  if (error instanceof CognitoJwtInvalidTokenUseError) return 'the token is not an ID token';
  if (
    error instanceof JwtInvalidSignatureError ||
    error instanceof JwtInvalidSignatureAlgorithmError ||
    error instanceof KidNotFoundInJwksError ||
    error instanceof WaitPeriodNotYetEndedJwkError ||
    error instanceof JwtWithoutValidKidError
  ) {
    return "the token's signature does not verify with the user pool's keys";
  }
  if (error instanceof JwtParseError) return 'the token is malformed';
  if (error instanceof JwtBaseError) return 'the token is not valid';
  return undefined;
};

/** The verifier of Amazon Cognito's pool; a pool id Cognito does not know is a configuration error. */
const createCognitoVerifier = (config: ConsoleAuthConfig) => {
  try {
    return CognitoJwtVerifier.create({ userPoolId: config.userPoolId, clientId: config.clientId, tokenUse: 'id' });
  } catch (error) {
    throw new ConfigurationError(
      `CONSOLE_USER_POOL_ID environment variable is not an Amazon Cognito user pool id (${config.userPoolId}); another pool needs CONSOLE_JWT_ISSUER and CONSOLE_JWKS_URL`,
      { cause: error },
    );
  }
};

/** A verifier for Amazon Cognito's pool, or for the custom issuer and keys of {@link ConsoleAuthConfig.custom}. */
export const createConsoleTokenVerifier = (config: ConsoleAuthConfig): ConsoleTokenVerifier => {
  const verifier = config.custom
    ? JwtRsaVerifier.create(
        { issuer: config.custom.issuer, audience: config.clientId, jwksUri: config.custom.jwksUrl },
        { jwksCache: new SimpleJwksCache({ fetcher: httpJwksFetcher }) },
      )
    : createCognitoVerifier(config);
  return {
    verify: async (jwt) => {
      let payload: JwtPayload;
      try {
        payload = await verifier.verify(jwt);
      } catch (error) {
        const problem = describeTokenError(error);
        if (problem === undefined) throw error;
        throw new Unauthorized(problem, { cause: error });
      }
      return consoleUserFromClaims(payload);
    },
    cacheJwks: (jwks) => verifier.cacheJwks(jwks),
  };
};
