/**
 * The domain's named errors: what a rule or a conditional write refuses, named so that an edge maps
 * it to a response (the console's error registry, the workflow's `Catch` by name) without knowing
 * which adapter raised it.
 */

/** The campaign already exists (a second launch is a no-op). */
export class CampaignExists extends Error {
  override name = 'CampaignExists';
}

/** No campaign with that id. */
export class CampaignNotFound extends Error {
  override name = 'CampaignNotFound';
}

/** The campaign is not in a state that allows the operation. */
export class CampaignStateConflict extends Error {
  override name = 'CampaignStateConflict';
}

/** Another writer changed the item first; the caller may re-read and retry. */
export class ConcurrentUpdate extends Error {
  override name = 'ConcurrentUpdate';
}

/** The finding was disputed already: one dispute per finding. */
export class DisputeExists extends Error {
  override name = 'DisputeExists';
}

/** The response already holds as many versions as it may. */
export class ResponseHistoryFull extends Error {
  override name = 'ResponseHistoryFull';
}

/** A failure worth retrying: the workflow's Retry matches this name with backoff and jitter. */
export class TransientError extends Error {
  override name = 'TransientError';
}

const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'TransactionConflictException',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/** Whether an error is throttling, an outage or a network fault, after the SDK's own retries. */
export const isTransient = (error: unknown): boolean =>
  error instanceof Error &&
  (TRANSIENT.has(error.name) ||
    ('code' in error && NETWORK.has(String(error.code))) ||
    error.name === 'TransientError');
