/** The region every embedded cloud reports. */
export const REGION = 'us-east-1';
/** The account of every ARN the embedded cloud makes up. */
export const ACCOUNT = '000000000000';
/** The table's name in the embedded cloud. */
export const TABLE = 'service-supervision';
/** The name the stack is synthesized under. */
export const STACK_NAME = 'ServiceSupervision';
/** The sender address the stack is synthesized with. */
export const SENDER = 'supervision@example.gov.cn';
/**
 * The send-rate cap the stack is synthesized with (a fixed rate, so the functions do not ask the local SES
 * for a quota); `maxSendRate` then overrides it per cloud, so every cloud shares one synthesis.
 */
export const SYNTHESIZED_SEND_RATE = 50;
