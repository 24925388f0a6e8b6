import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';

/** Email addresses, wherever they appear in a log line's text. */
const EMAIL = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[A-Za-z]{2,}/g;
/** Survey and rectification tokens: 43 base64url characters (256 bits), alone or inside a link. */
const TOKEN = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;

/** Text with email addresses and link tokens replaced by placeholders. */
export const redact = (text: string): string => text.replace(EMAIL, '[email]').replace(TOKEN, '[token]');

/**
 * Structured JSON logs (Powertools). Log error names, ids and counts only — never an email address,
 * a person's name, answers or a survey token: logs are kept for months and read by operators. As a
 * net under that rule, every string of a log line (messages, attributes, an error's message and
 * stack) passes through {@link redact} before it is written.
 */
export const logger = new Logger({
  serviceName: 'service-supervision',
  jsonReplacerFn: (_key, value) => (typeof value === 'string' ? redact(value) : value),
});

/**
 * Adds the Lambda context (request id, function name, cold start) to every line a handler logs and
 * resets per-request keys afterwards. Events are never logged, whatever POWERTOOLS_LOGGER_LOG_EVENT
 * says: they hold answers, tokens in paths and email addresses.
 */
export const withLambdaContext = () => injectLambdaContext(logger, { resetKeys: true, logEvent: false });
