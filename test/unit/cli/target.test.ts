import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliFailure, explainError } from '../../../cli/errors.ts';
import { connectTarget, describeStackOutputs, TargetFlags } from '../../../cli/target.ts';

const cfn = mockClient(CloudFormationClient);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'target-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  cfn.reset();
});

const named = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name }, extra);

describe('finding a deployed stack', () => {
  it('reads the table and state machine from the stack outputs, and the region from the ARN', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand, { StackName: 'ServiceSupervision' }).resolves({
      Stacks: [
        {
          StackName: 'ServiceSupervision',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [
            { OutputKey: 'TableName', OutputValue: 'ServiceSupervision-Table' },
            {
              OutputKey: 'StateMachineArn',
              OutputValue: 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:Campaign',
            },
            { OutputKey: 'SurveyApiUrl', OutputValue: 'https://x.execute-api.cn-north-1.amazonaws.com.cn' },
          ],
        },
      ],
    });

    // Act
    const outputs = await describeStackOutputs(
      new CloudFormationClient({ region: 'cn-north-1' }),
      'ServiceSupervision',
      'cn-north-1',
    );

    // Assess
    expect(outputs).toEqual({
      tableName: 'ServiceSupervision-Table',
      stateMachineArn: 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:Campaign',
      surveyApiUrl: 'https://x.execute-api.cn-north-1.amazonaws.com.cn',
      region: 'cn-north-1',
    });
  });

  it('says in one sentence that the stack does not exist, and how to deploy it', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).rejects(named('ValidationError', 'Stack with id Nope does not exist'));

    // Act
    const attempt = describeStackOutputs(new CloudFormationClient({ region: 'eu-west-1' }), 'Nope', 'eu-west-1');

    // Assess
    await expect(attempt).rejects.toThrow(CliFailure);
    await expect(attempt).rejects.toThrow(
      'there is no stack Nope in eu-west-1: deploy it with `npx cdk deploy Nope -c senderEmail=…`, or pass --stack and --region.',
    );
  });

  it('refuses a stack without the outputs of this product', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'Other', StackStatus: 'CREATE_IN_PROGRESS', CreationTime: new Date(), Outputs: [] }],
    });

    // Act & Assess
    await expect(
      describeStackOutputs(new CloudFormationClient({ region: 'eu-west-1' }), 'Other', 'eu-west-1'),
    ).rejects.toThrow(/has no TableName\/StateMachineArn outputs \(status CREATE_IN_PROGRESS\)/);
  });
});

describe('reaching the embedded cloud', () => {
  it('tells how to start the embedded cloud when there is no endpoint file', async () => {
    // Act
    const attempt = connectTarget(TargetFlags.parse({ 'endpoint-file': 'missing.json' }), dir);

    // Assess
    await expect(attempt).rejects.toThrow(
      /no embedded cloud endpoint file at .*missing\.json: start the embedded cloud with `npm start -- --serve`/,
    );
  });

  it('refuses an endpoint file of the wrong shape', async () => {
    // Prepare
    await writeFile(join(dir, 'wrong.json'), JSON.stringify({ dynamodb: 'not a url' }));

    // Act & Assess
    await expect(connectTarget(TargetFlags.parse({ 'endpoint-file': 'wrong.json' }), dir)).rejects.toThrow(
      /is not an endpoint file/,
    );
  });

  it('says the embedded cloud is not running when its endpoints do not answer', async () => {
    // Prepare: a port that was free a moment ago
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    await new Promise<void>((r) => server.close(() => r()));
    const url = `http://127.0.0.1:${port}`;
    await writeFile(
      join(dir, 'dead.json'),
      JSON.stringify({
        dynamodb: url,
        ses: url,
        sfn: url,
        api: url,
        stateMachineArn: 'arn:aws:states:us-east-1:0:stateMachine:c',
        tableName: 't',
        region: 'us-east-1',
      }),
    );

    // Act & Assess
    await expect(connectTarget(TargetFlags.parse({ 'endpoint-file': 'dead.json' }), dir)).rejects.toThrow(
      /is not running .* start it with `npm start -- --serve`/,
    );
  });

  it('validates the target flags', () => {
    // Assess
    expect(TargetFlags.safeParse({ region: 'Beijing' }).success).toBe(false);
    expect(TargetFlags.safeParse({ stack: '1stack' }).success).toBe(false);
    expect(TargetFlags.parse({ region: 'cn-northwest-1' })).toMatchObject({
      region: 'cn-northwest-1',
      stack: 'ServiceSupervision',
      local: false,
    });
  });
});

describe('explaining failures in one sentence', () => {
  it('names missing, expired and rejected credentials, and a missing region', () => {
    // Assess
    expect(explainError(named('CredentialsProviderError', 'Could not load credentials from any providers'))).toMatch(
      /^no AWS credentials were found: .*--profile.*--local/,
    );
    expect(
      explainError(named('ExpiredTokenException', 'The security token included in the request is expired')),
    ).toMatch(/have expired/);
    expect(
      explainError(named('UnrecognizedClientException', 'The security token included in the request is invalid.')),
    ).toMatch(/did not accept these credentials/);
    expect(explainError(new Error('Region is missing'))).toMatch(/^no AWS region is set: pass --region/);
  });

  it('names refused connections and access, and keeps other messages to their first sentence', () => {
    // Assess
    expect(explainError(named('Error', 'connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }))).toMatch(
      /connection refused.*npm start -- --serve/,
    );
    expect(
      explainError(named('AccessDeniedException', 'User x is not authorized to perform: dynamodb:GetItem. More text.')),
    ).toMatch(/^AWS refused access: User x is not authorized to perform: dynamodb:GetItem\. Use a profile/);
    expect(explainError(new Error('first line\n    at stack frame'))).toBe('first line');
  });
});
