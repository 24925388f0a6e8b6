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

/** The dispute was ruled on already, differently: a ruling is final. */
export class DisputeClosed extends Error {
  override name = 'DisputeClosed';
}

/** The decision is on an older version than the response now has (the supervisor edited it since). */
export class StaleResponseVersion extends Error {
  override name = 'StaleResponseVersion';
}

/** The rectification item is already confirmed fixed: there is nothing left to report. */
export class ItemAlreadyConfirmed extends Error {
  override name = 'ItemAlreadyConfirmed';
}

/** A rectification link's path named no item of the link's center. */
export class ItemMissing extends Error {
  override name = 'ItemMissing';
}

/** No personal link for the token in the path (unknown or malformed, answered alike). */
export class LinkNotFound extends Error {
  override name = 'LinkNotFound';
}

/** An expired personal link, named so the edge can answer it with 410 and whom to ask. */
export class LinkExpired extends Error {
  override name = 'LinkExpired';
  readonly expiry: string;
  readonly contact: string;

  constructor(expiry: string, contact: string, options?: ErrorOptions) {
    super(`the link expired at ${expiry}`, options);
    this.expiry = expiry;
    this.contact = contact;
  }
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
