import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { ChallengeRefused } from './console-challenge.ts';

/**
 * Setting up an authenticator app (TOTP) at a sign-in, for a role that must have one: the console
 * asks Cognito for a secret (`AssociateSoftwareToken`), shows it as a key and a QR code, and opens the
 * session only once the app's first code is verified. Between the two requests the sign-in's tokens
 * travel in the form, sealed (AES-256-GCM) so that the browser can neither read nor alter them.
 */

/** How long a sealed set-up is accepted: time to install an app and scan the code, not more. */
export const ENROLMENT_SECONDS = 600;

/** What the set-up form carries from the password step to the code step. */
export interface PendingEnrolment {
  readonly username: string;
  /** The authenticator's secret (base32), shown again when a code is refused. */
  readonly secret: string;
  readonly idToken: string;
  readonly accessToken: string;
  /** When the sign-in's ID token expires, in seconds since the epoch: the session ends then. */
  readonly sessionEnds: number;
}

/** The key that seals set-ups, derived from a secret of the console's environment (apart from its other uses). */
export const enrolmentKey = (secret: string): Buffer =>
  createHmac('sha256', secret).update('console-totp-enrolment/v1').digest();

/** Seals a set-up for the form, valid {@link ENROLMENT_SECONDS} from `now`. */
export const sealEnrolment = (key: Buffer, enrolment: PendingEnrolment, now: Date): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const expires = Math.floor(now.getTime() / 1000) + ENROLMENT_SECONDS;
  const body = Buffer.concat([cipher.update(JSON.stringify({ ...enrolment, expires }), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
};

const isEnrolment = (v: unknown): v is PendingEnrolment & { expires: number } => {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    ['username', 'secret', 'idToken', 'accessToken'].every((k) => typeof r[k] === 'string') &&
    typeof r.sessionEnds === 'number' &&
    typeof r.expires === 'number'
  );
};

/** The set-up a form sent back; {@link ChallengeRefused} when it was not sealed by `key` or its time is up. */
export const openEnrolment = (key: Buffer, sealed: string, now: Date): PendingEnrolment => {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < 29) throw new ChallengeRefused('forged');
  let value: unknown;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    value = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
  } catch (error) {
    throw new ChallengeRefused('forged', { cause: error });
  }
  if (!isEnrolment(value)) throw new ChallengeRefused('forged');
  if (value.expires * 1000 <= now.getTime()) throw new ChallengeRefused('expired');
  const { expires: _expires, ...enrolment } = value;
  return enrolment;
};

/** The `otpauth://` address an authenticator app reads (RFC 6238 defaults: SHA-1, 6 digits, 30 s). */
export const otpauthUri = (issuer: string, username: string, secret: string): string =>
  `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(username)}?secret=${secret}&issuer=${encodeURIComponent(issuer)}`;

/** The secret in groups of four, as people type it into an app. */
export const groupSecret = (secret: string): string => secret.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * The QR code of `text` as an SVG drawing: one path of dark modules, no style attribute (the console's
 * CSP allows no inline styles), labelled for assistive technology by `label`. The QR library loads at
 * the first set-up, not with the console.
 */
export const qrCodeSvg = async (text: string, label: string): Promise<string> => {
  const { default: QRCode } = await import('qrcode-svg');
  const { modules } = new QRCode({ content: text, ecl: 'M', padding: 0 }).qrcode;
  const size = modules.length;
  const quiet = 4;
  // Each run of dark modules in a row is one rectangle.
  const runs: string[] = [];
  modules.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      if (!row[x]) continue;
      const start = x;
      while (row[x + 1]) x++;
      runs.push(`M${start + quiet} ${y + quiet}h${x - start + 1}v1h-${x - start + 1}z`);
    }
  });
  const d = runs.join('');
  const side = size + quiet * 2;
  return `<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" width="${side * 5}" height="${side * 5}" role="img" aria-label="${label.replace(/[<>&"]/g, '')}" shape-rendering="crispEdges"><rect width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`;
};
