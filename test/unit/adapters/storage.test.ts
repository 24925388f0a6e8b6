import { afterEach, describe, expect, it, vi } from 'vitest';
import { bucketOrigin, EvidenceStorage } from '../../../functions/adapters/storage.ts';

describe("the evidence bucket's address", () => {
  afterEach(() => vi.unstubAllEnvs());

  it('is the regional S3 host, under amazonaws.com.cn in the China regions', () => {
    expect(bucketOrigin('evidence', 'us-east-1')).toBe('https://evidence.s3.us-east-1.amazonaws.com');
    expect(bucketOrigin('evidence', 'cn-north-1')).toBe('https://evidence.s3.cn-north-1.amazonaws.com.cn');
    expect(bucketOrigin('evidence', 'cn-northwest-1')).toBe('https://evidence.s3.cn-northwest-1.amazonaws.com.cn');
  });

  it('signs read URLs for the host the page is allowed to load from, in Ningxia too', async () => {
    // Prepare: no local endpoint, credentials from the environment
    vi.stubEnv('AWS_REGION', 'cn-northwest-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_ENDPOINT_URL', '');
    vi.stubEnv('AWS_ENDPOINT_URL_S3', '');
    const storage = new EvidenceStorage('evidence');
    // Act
    const url = new URL(await storage.presignGet('evidence/c/x/a.jpg', 300, new Date('2026-12-01T00:00:00Z')));
    // Assess
    expect(url.origin).toBe(storage.origin());
    expect(url.origin).toBe('https://evidence.s3.cn-northwest-1.amazonaws.com.cn');
    expect(url.searchParams.get('X-Amz-Credential')).toContain('/cn-northwest-1/s3/aws4_request');
  });
});
