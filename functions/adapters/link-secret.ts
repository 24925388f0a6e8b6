import { requestHandler } from './clients/request-handler.ts';
import { ConfigurationError } from './config.ts';

let cached: Promise<string> | undefined;

/**
 * The secret that derives survey links: `LINK_SECRET` on one machine, or the Secrets Manager
 * secret named by `LINK_SECRET_ARN` on AWS (read once per container). A failed read is not kept:
 * the next call asks again, so a throttled or briefly unreachable Secrets Manager does not break
 * a warm container for the rest of its life.
 */
export const getLinkSecret = (): Promise<string> => {
  if (cached === undefined) {
    const loading = loadLinkSecret();
    cached = loading;
    loading.catch(() => {
      if (cached === loading) cached = undefined;
    });
  }
  return cached;
};

const loadLinkSecret = async (): Promise<string> => {
  const direct = process.env.LINK_SECRET;
  if (direct !== undefined && direct !== '') {
    if (direct.length < 32)
      throw new ConfigurationError('LINK_SECRET environment variable must be at least 32 characters');
    return direct;
  }
  const arn = process.env.LINK_SECRET_ARN;
  if (arn === undefined || arn === '') {
    throw new ConfigurationError('LINK_SECRET_ARN environment variable is not set');
  }
  // Imported here: a function whose secret is in its environment, or that never needs it, loads no client.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ requestHandler });
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString || out.SecretString.length < 32) {
    throw new ConfigurationError('the link secret is empty or shorter than 32 characters');
  }
  return out.SecretString;
};
