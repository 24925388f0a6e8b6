import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedCloud, startEmbeddedCloud } from '../../local/cloud.ts';
import type { Template } from '../../local/template-resolver.ts';
import { failure } from '../support/failure.ts';

/** The stack with check-progress's DynamoDB GetItem taken out of every statement of its role's policies. */
const withoutCheckProgressReads = (template: Template): Template => {
  const role = Object.entries(template.Resources).find(
    ([, r]) => r.Type === 'AWS::IAM::Role' && String(r.Properties?.Description).includes('check-progress'),
  )?.[0];
  for (const resource of Object.values(template.Resources)) {
    const props = resource.Properties as {
      Roles?: { Ref?: string }[];
      PolicyDocument?: { Statement: { Action: unknown }[] };
    };
    if (resource.Type !== 'AWS::IAM::Policy' || !props.Roles?.some((r) => r.Ref === role)) continue;
    for (const statement of props.PolicyDocument?.Statement ?? []) {
      const actions = [statement.Action].flat().filter((a) => a !== 'dynamodb:GetItem');
      statement.Action = actions.length > 0 ? actions : ['dynamodb:DescribeLimits'];
    }
  }
  if (!role) throw new Error('the stack has no check-progress role');
  return template;
};

let full: EmbeddedCloud;
let narrowed: EmbeddedCloud;

beforeAll(async () => {
  full = await startEmbeddedCloud();
  narrowed = await startEmbeddedCloud({ transformTemplate: withoutCheckProgressReads });
});

afterAll(async () => {
  await full?.close();
  await narrowed?.close();
});

describe('IAM on the embedded cloud', () => {
  it('enforces the policy of every function of the synthesized stack', () => {
    // Assess
    expect(full.iam.functions).toBe(full.model.functions.length);
    expect(full.model.functions.map((f) => f.name)).toEqual(
      expect.arrayContaining(['check-progress', 'survey-api', 'count-answers']),
    );
    expect(full.model.functions.every((f) => f.policies.length > 0)).toBe(true);
  });

  it('refuses a call whose grant was removed from the stack, as AWS does, and records it', async () => {
    // Act
    const allowed = await failure(full.invoke('check-progress', { campaignId: 'no-such-campaign' }));
    const denied = await failure(narrowed.invoke('check-progress', { campaignId: 'no-such-campaign' }));

    // Assess
    expect(allowed.message).not.toMatch(/AccessDenied|not authorized/);
    expect(full.iam.denied()).toEqual([]);
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toMatch(
      /^User: arn:aws:sts::000000000000:assumed-role\/\S+\/check-progress is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/service-supervision/,
    );
    expect(narrowed.iam.denied()).toMatchObject([
      {
        functionName: 'check-progress',
        action: 'dynamodb:GetItem',
        context: { 'dynamodb:LeadingKeys': ['CAMPAIGN#no-such-campaign'] },
      },
    ]);
  });

  it('refuses an item over 400 KB, as DynamoDB does', async () => {
    // Prepare
    const client = new DynamoDBClient({
      endpoint: full.urls.dynamodb,
      region: full.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const item = (bytes: number) => ({
      TableName: full.tableName,
      Item: { PK: { S: 'CAMPAIGN#large' }, SK: { S: 'NOTE' }, text: { S: 'x'.repeat(bytes) } },
    });

    // Act
    const small = await client.send(new PutItemCommand(item(300 * 1024)));
    const large = await failure(client.send(new PutItemCommand(item(401 * 1024))));
    client.destroy();

    // Assess
    expect(small.$metadata.httpStatusCode).toBe(200);
    expect(large.name).toBe('ValidationException');
    expect(large.message).toBe('Item size has exceeded the maximum allowed size');
  });
});
