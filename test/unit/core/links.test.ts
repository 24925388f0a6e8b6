import { describe, expect, it } from 'vitest';
import { deriveToken, hashToken, TOKEN_PATTERN } from '../../../functions/core/campaign/links.ts';

describe('survey link tokens', () => {
  const secret = 'a-secret-of-at-least-thirty-two-characters';

  it('derives a 256-bit token that matches the accepted shape', () => {
    // Act
    const token = deriveToken(secret, 'c1', 'A0001');
    // Assess
    expect(token).toMatch(TOKEN_PATTERN);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('differs per assignment, campaign and secret, and is stable', () => {
    // Act
    const tokens = [
      deriveToken(secret, 'c1', 'A1'),
      deriveToken(secret, 'c1', 'A2'),
      deriveToken(secret, 'c2', 'A1'),
      deriveToken(`${secret}!`, 'c1', 'A1'),
    ];
    // Assess
    expect(new Set(tokens).size).toBe(4);
    expect(deriveToken(secret, 'c1', 'A1')).toBe(tokens[0]);
  });

  it('stores only a hash that does not reveal the token', () => {
    // Act
    const token = deriveToken(secret, 'c1', 'A1');
    const hash = hashToken(token);
    // Assess
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token);
  });
});
