import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChallengeRefused } from '../../../functions/core/access/console-challenge.ts';
import {
  ENROLMENT_SECONDS,
  enrolmentKey,
  groupSecret,
  openEnrolment,
  otpauthUri,
  qrCodeSvg,
  sealEnrolment,
} from '../../../functions/core/access/totp-enrolment.ts';
import { base32Decode, totpCode } from '../../../local/totp.ts';

const KEY = enrolmentKey('link-secret-of-the-tests-0123456789');
const AT = new Date('2026-12-06T08:00:00Z');
const ENROLMENT = {
  username: 'organizer',
  secret: 'JBSWY3DPEHPK3PXP',
  idToken: 'header.payload-of-the-id-token.signature',
  accessToken: 'header.payload-of-the-access-token.signature',
  sessionEnds: 1_796_551_200,
};

const refusal = (work: () => unknown): string => {
  try {
    work();
  } catch (error) {
    if (error instanceof ChallengeRefused) return error.reason;
    throw error;
  }
  return 'accepted';
};

describe('the sealed authenticator set-up', () => {
  it('opens what it sealed, and hides the tokens from the browser that carries it', () => {
    // Act
    const sealed = sealEnrolment(KEY, ENROLMENT, AT);
    // Assess
    expect(openEnrolment(KEY, sealed, new Date(AT.getTime() + 60_000))).toEqual(ENROLMENT);
    expect(sealed).toMatch(/^[\w-]+$/);
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain('access-token');
  });

  it('refuses any altered byte as forged', () => {
    const sealed = sealEnrolment(KEY, ENROLMENT, AT);
    const raw = Buffer.from(sealed, 'base64url');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: raw.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, flip) => {
        const altered = Buffer.from(raw);
        altered[index] = (altered[index] ?? 0) ^ flip;
        expect(refusal(() => openEnrolment(KEY, altered.toString('base64url'), AT))).toBe('forged');
      }),
      { numRuns: 200 },
    );
  });

  it('refuses one sealed with another key, a short or empty form, and one past its time', () => {
    const sealed = sealEnrolment(KEY, ENROLMENT, AT);
    expect(refusal(() => openEnrolment(enrolmentKey('another-secret-0123456789abcdef'), sealed, AT))).toBe('forged');
    expect(refusal(() => openEnrolment(KEY, '', AT))).toBe('forged');
    expect(refusal(() => openEnrolment(KEY, 'AAAA', AT))).toBe('forged');
    const late = new Date(AT.getTime() + ENROLMENT_SECONDS * 1000);
    expect(refusal(() => openEnrolment(KEY, sealed, late))).toBe('expired');
  });
});

describe('what the set-up page shows an authenticator app', () => {
  it('names the issuer and the account in the otpauth address and groups the key by four', () => {
    expect(otpauthUri('service-supervision', 'coordinator-xuanwu', 'JBSWY3DPEHPK3PXP')).toBe(
      'otpauth://totp/service-supervision:coordinator-xuanwu?secret=JBSWY3DPEHPK3PXP&issuer=service-supervision',
    );
    expect(groupSecret('JBSWY3DPEHPK3PXPAB')).toBe('JBSW Y3DP EHPK 3PXP AB');
  });

  it('draws the QR code as one labelled path with a quiet zone and no style attribute', async () => {
    // Act
    const svg = await qrCodeSvg(otpauthUri('service-supervision', 'organizer', 'JBSWY3DPEHPK3PXP'), '二维码 <x>');
    // Assess
    const side = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
    // Versions 1 to 40 are 21 to 177 modules a side; 4 quiet modules each side.
    expect((side - 8 - 21) % 4).toBe(0);
    expect(side).toBeGreaterThanOrEqual(29);
    expect(svg).toContain('role="img" aria-label="二维码 x"');
    expect(svg).not.toContain('style');
    // The three finder patterns: 7-module runs at the top left and top right, on the first row of modules.
    expect(svg).toContain('M4 4h7v1h-7z');
    expect(svg).toContain(`M${side - 11} 4h7v1h-7z`);
  });
});

describe('the demo and tests authenticator (RFC 6238)', () => {
  it('gives the RFC test vector codes for SHA-1', () => {
    // The RFC's key is the ASCII of 12345678901234567890; its 8-digit codes end in these 6 digits.
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(base32Decode(secret).toString('ascii')).toBe('12345678901234567890');
    expect(totpCode(secret, new Date(59_000))).toBe('287082');
    expect(totpCode(secret, new Date(1_111_111_109_000))).toBe('081804');
    expect(totpCode(secret, new Date(1_234_567_890_000))).toBe('005924');
    expect(totpCode(secret, new Date(20_000_000_000_000))).toBe('353130');
  });
});
