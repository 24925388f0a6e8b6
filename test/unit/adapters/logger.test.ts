import { readdirSync, readFileSync } from 'node:fs';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger, redact } from '../../../functions/adapters/logger.ts';
import { deriveToken } from '../../../functions/core/campaign/links.ts';
import { handler as scoreHandler } from '../../../functions/score-campaign.ts';
import { lambdaContext } from '../../../local/lambda-context.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const EMAIL = 'zhang.wei@xuanwu.example.gov.cn';
const TOKEN = deriveToken('unit-test-link-secret-0123456789abcdef', 'nj-2026-12', 'A1');

/** Every JSON line the logger writes while `act` runs, parsed. */
const logLines = async (act: () => Promise<unknown>): Promise<Record<string, unknown>[]> => {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await act();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

beforeEach(() => ddb.reset());
afterEach(() => ddb.reset());

describe('Lambda logs', () => {
  it("carry the request id of the invocation on a failed task's line, and its error's name only", async () => {
    // Prepare: Score's reads are throttled; the error's message quotes an address and a token
    const quoting = new ProvisionedThroughputExceededException({
      message: `throttled while reading ${EMAIL} /s/${TOKEN}`,
      $metadata: {},
    });
    ddb.on(GetCommand).rejects(quoting);
    ddb.on(QueryCommand).rejects(quoting);
    const context = lambdaContext('score-campaign');

    // Act
    const lines = await logLines(() => scoreHandler({ campaignId: 'nj-2026-12' }, context).catch(() => undefined));

    // Assess
    const failed = lines.find((l) => l.message === 'task failed');
    expect(failed).toMatchObject({
      level: 'WARN',
      service: 'service-supervision',
      function_name: 'score-campaign',
      function_request_id: context.awsRequestId,
      error: 'ProvisionedThroughputExceededException',
      retried: true,
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(TOKEN);
  });

  it('write no email address or token even when a line is given one, in its message, attributes or error', async () => {
    // Act
    const lines = await logLines(async () => {
      logger.error(`could not send to ${EMAIL}`, {
        link: `https://survey.example.gov.cn/s/${TOKEN}`,
        error: new Error(`rejected: <${EMAIL}> for ${TOKEN}`),
      });
    });

    // Assess
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line?.message).toBe('could not send to [email]');
    expect(line?.link).toBe('https://survey.example.gov.cn/s/[token]');
    expect(JSON.stringify(line)).not.toContain(EMAIL);
    expect(JSON.stringify(line)).not.toContain(TOKEN);
    expect(JSON.stringify(line?.error)).toContain('rejected: <[email]> for [token]');
  });

  it('redacts addresses and tokens and leaves ids, counts and Chinese text alone', () => {
    // Act / Assess
    expect(redact(`监督员 ${EMAIL} 提交了 3 份答卷`)).toBe('监督员 [email] 提交了 3 份答卷');
    expect(redact(`/s/${TOKEN}/draft`)).toBe('/s/[token]/draft');
    expect(redact('campaign nj-2026-12, assignment A1, hash 9f86d081884c7d659a2feaa0c55ad015')).toBe(
      'campaign nj-2026-12, assignment A1, hash 9f86d081884c7d659a2feaa0c55ad015',
    );
  });

  it('are written with the Lambda context by every entry point', () => {
    // Prepare
    const dir = new URL('../../../functions/', import.meta.url);
    const entries = readdirSync(dir).filter((f) => f.endsWith('.ts'));

    // Act
    const withHandler = entries.filter((f) => readFileSync(new URL(f, dir), 'utf8').includes('export const handler'));
    const without = withHandler.filter(
      (f) =>
        !/export const handler = middy<[^>]*>\(\)\s*\.use\(withLambdaContext\(\)\)/.test(
          readFileSync(new URL(f, dir), 'utf8'),
        ),
    );

    // Assess
    expect(withHandler.length).toBeGreaterThanOrEqual(13);
    expect(without).toEqual([]);
  });
});
