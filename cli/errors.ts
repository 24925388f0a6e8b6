/** A failure the organizer can act on; its message is shown as is (exit code 1). */
export class CliFailure extends Error {
  override name = 'CliFailure';
}

const firstSentence = (text: string) => (text.split(/(?<=\.)\s|\n/)[0] ?? text).trim();

const nameOf = (error: unknown): string => (error instanceof Error ? error.name : '');
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const codeOf = (error: unknown): string | undefined => {
  if (!(error instanceof Error)) return undefined;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
};

/**
 * Turns an error into one sentence for the organizer: credentials, region, access, network and campaign
 * state problems are named with what to do; anything else keeps its own message.
 */
export const explainError = (error: unknown): string => {
  const name = nameOf(error);
  const message = messageOf(error);
  if (error instanceof CliFailure) return message;
  if (
    name === 'CredentialsProviderError' ||
    /could not load credentials|unable to locate credentials|could not resolve credentials/i.test(message)
  ) {
    return 'no AWS credentials were found: set AWS_PROFILE or pass --profile, sign in with `aws sso login` or `aws configure`, or use --local for the embedded cloud.';
  }
  if (/ExpiredToken|TokenRefreshRequired/.test(name) || /token (has )?expired|session has expired/i.test(message)) {
    return 'your AWS credentials have expired: sign in again (e.g. `aws sso login`) and retry.';
  }
  if (/UnrecognizedClient|InvalidClientTokenId|InvalidSignature|SignatureDoesNotMatch/.test(name)) {
    return `AWS did not accept these credentials (${name}): check the profile and its keys, or pass --profile.`;
  }
  if (/AccessDenied|NotAuthorized/.test(name)) {
    return `AWS refused access: ${firstSentence(message)} Use a profile allowed to read the stack, its table and its state machine.`;
  }
  if (/region is missing/i.test(message))
    return 'no AWS region is set: pass --region (e.g. --region ap-southeast-1) or set AWS_REGION, or give your profile a region.';
  if (name === 'CampaignNotFound')
    return `${message}: check the id (the id: in campaign.yaml) and the target (--local or --stack).`;
  if (name === 'CampaignStateConflict') return `${message}; nothing was changed.`;
  if (name === 'ResourceNotFoundException')
    return `the campaign table was not found (${firstSentence(message)}): check --stack and --region.`;
  const code = codeOf(error);
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || /ECONNREFUSED|fetch failed/.test(message)) {
    return 'the service did not answer (connection refused): if you use --local, start the embedded cloud with `npm start -- --serve`.';
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `the network name could not be resolved (${code}): check your connection and --region.`;
  if (name === 'TimeoutError' || code === 'ETIMEDOUT')
    return 'the request timed out: check your network connection and retry.';
  return firstSentence(message) || name || 'unexpected error';
};
