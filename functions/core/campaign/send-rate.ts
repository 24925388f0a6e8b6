/**
 * The highest explicit cap on the SES send rate, in emails per second, that the stack accepts
 * (`-c maxSendRate`) and the mail functions read (`MAX_SEND_RATE`): one bound, so a value the
 * stack deploys never stops a function at load.
 */
export const MAX_SEND_RATE_LIMIT = 10_000;
