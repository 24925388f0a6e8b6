import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const secrets = mockClient(SecretsManagerClient);
const SECRET = 'a-link-secret-of-at-least-32-characters-0123';

/** The module as a new container loads it: nothing cached yet. */
const loadLinkSecret = async () => {
  vi.resetModules();
  return (await import('../../../functions/adapters/link-secret.ts')).getLinkSecret;
};

beforeEach(() => {
  // As on AWS: the secret lives in Secrets Manager, not in the environment.
  vi.stubEnv('LINK_SECRET', '');
  vi.stubEnv('LINK_SECRET_ARN', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:link-secret');
});

afterEach(() => {
  secrets.reset();
  vi.unstubAllEnvs();
});

describe('getLinkSecret', () => {
  it('reads the secret once per container', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
    const getLinkSecret = await loadLinkSecret();
    // Act
    const first = await getLinkSecret();
    const second = await getLinkSecret();
    // Assess
    expect([first, second]).toEqual([SECRET, SECRET]);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('asks again after a failed read instead of keeping the failure for the life of the container', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    secrets.on(GetSecretValueCommand).rejectsOnce(throttled).resolves({ SecretString: SECRET });
    const getLinkSecret = await loadLinkSecret();
    // Act
    const failure = await getLinkSecret().catch((error: unknown) => error);
    const retried = await getLinkSecret();
    // Assess
    expect(failure).toBe(throttled);
    expect(retried).toBe(SECRET);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });
});
