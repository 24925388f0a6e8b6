import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs (Powertools). Log error names, ids and counts only — never an email address,
 * a person's name, answers or a survey token: logs are kept for months and read by operators.
 */
export const logger = new Logger({ serviceName: 'service-supervision' });
