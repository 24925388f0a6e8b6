import * as z from 'zod';
import { MAX_SEND_RATE_LIMIT } from '../functions/core/campaign/send-rate.ts';

const SENDER_HINT =
  'pass the sender address verified in SES, e.g. `npx cdk deploy -c senderEmail=noreply@example.gov.cn`, or leave it out and give the SenderEmail parameter at deploy time';

/** A boolean context value: `-c nag=false` arrives as a string, cdk.json gives a boolean. */
const ContextBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

/** The CDK context the app accepts (`-c name=value` or cdk.json), validated before anything is built. */
export const AppConfig = z.object({
  /** Absent: the stack asks for the CloudFormation parameter SenderEmail at deploy time instead. */
  senderEmail: z
    .email({ error: (issue) => `senderEmail ${JSON.stringify(issue.input)} is not an email address: ${SENDER_HINT}` })
    .optional(),
  /** Absent: each sending function reads the account's max send rate from SES. */
  maxSendRate: z.coerce
    .number({ error: 'maxSendRate must be a number: a cap on the SES send rate, in emails per second' })
    .positive('maxSendRate must be positive: a cap on the SES send rate, in emails per second')
    .max(MAX_SEND_RATE_LIMIT, `maxSendRate above ${MAX_SEND_RATE_LIMIT} emails per second is not an SES rate`)
    .optional(),
  stackName: z
    .string()
    .regex(
      /^[A-Za-z][A-Za-z0-9-]{0,70}$/,
      'stackName must start with a letter and hold at most 71 letters, digits or hyphens',
    )
    .default('ServiceSupervision'),
  nag: ContextBoolean.default(true),
  /** Absent: links point at the HTTP API itself; give the edge stack's PublicUrl once it is deployed. */
  publicUrl: z
    .url({
      protocol: /^https$/,
      error: 'publicUrl must be an https:// address, e.g. the PublicUrl output of the edge stack',
    })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
});
export type AppConfig = z.infer<typeof AppConfig>;

/** Names of the context values {@link AppConfig} reads. */
export const APP_CONTEXT_KEYS = ['senderEmail', 'maxSendRate', 'stackName', 'nag', 'publicUrl'] as const;

/** Parses the context or throws one error listing every problem, each saying how to fix it. */
export function parseAppConfig(context: Readonly<Record<string, unknown>>): AppConfig {
  const result = AppConfig.safeParse(context);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${issue.message}`).join('\n');
    throw new InvalidAppConfig(`Invalid CDK context:\n${problems}`, { cause: result.error });
  }
  return result.data;
}

/** The CDK context is missing a value or holds an invalid one. */
export class InvalidAppConfig extends Error {
  public override name = 'InvalidAppConfig';
}
