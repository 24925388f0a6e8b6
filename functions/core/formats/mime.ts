import { createHash } from 'node:crypto';
import type { MailAttachment } from '../render/mail/layout.ts';
import { mailHeaderText } from '../responses/text-guard.ts';

/** An email to put in MIME form, with the date and Message-ID it carries. */
export interface MimeMessage {
  /** `address` or `Name <address>`. */
  from: string;
  to: readonly string[];
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
  attachments?: readonly MailAttachment[] | undefined;
  date: Date;
  /** `<unique@domain>`, e.g. from {@link messageIdFor}. */
  messageId: string;
}

const CRLF = '\r\n';
/** Header lines are folded to this length (RFC 5322 recommends 78); base64 bodies use 76 (RFC 2045). */
const LINE = 76;
const ENCODED_WORD_OVERHEAD = '=?UTF-8?B??='.length;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** Characters RFC 2231 leaves unescaped in a parameter value (attribute-char). */
const ATTRIBUTE_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

const base64 = (bytes: Uint8Array | string): string =>
  (typeof bytes === 'string'
    ? Buffer.from(bytes, 'utf8')
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  ).toString('base64');

/** Base64 in lines of 76 characters. */
const base64Lines = (bytes: Uint8Array | string): string => {
  const encoded = base64(bytes);
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += LINE) lines.push(encoded.slice(i, i + LINE));
  return lines.join(CRLF);
};

/** Header text on one line, through the guard every mail kind uses: nothing can start a header of its own. */
const oneLine = mailHeaderText;

/** The UTF-8 text as RFC 2047 encoded-words, none splitting a character, the first fitting after `first` characters. */
const encodedWords = (text: string, first: number): string[] => {
  const words: string[] = [];
  const bytesFor = (room: number) => Math.max(3, Math.floor((room - ENCODED_WORD_OVERHEAD) / 4) * 3);
  let budget = bytesFor(LINE - first);
  let chunk = '';
  let size = 0;
  for (const char of text) {
    const n = Buffer.byteLength(char, 'utf8');
    if (size + n > budget && chunk) {
      words.push(`=?UTF-8?B?${base64(chunk)}?=`);
      chunk = '';
      size = 0;
      budget = bytesFor(LINE - 1);
    }
    chunk += char;
    size += n;
  }
  words.push(`=?UTF-8?B?${base64(chunk)}?=`);
  return words;
};

/** Plain text folded at its spaces; undefined when a line would still be too long. */
const foldAtSpaces = (start: string, text: string): string | undefined => {
  const lines: string[] = [];
  let line = start;
  for (const [i, word] of text.split(' ').entries()) {
    if (i === 0) line += word;
    else if (line.length + 1 + word.length <= LINE || line.trim() === '') line += ` ${word}`;
    else {
      lines.push(line);
      line = ` ${word}`;
    }
  }
  lines.push(line);
  return lines.every((l) => l.length <= LINE) ? lines.join(CRLF) : undefined;
};

/** An unstructured header (Subject): plain when printable ASCII, otherwise UTF-8 encoded-words; folded. */
const textHeader = (name: string, value: string): string => {
  const text = oneLine(value);
  const start = `${name}: `;
  const plain = PRINTABLE_ASCII.test(text) && !text.includes('=?') ? foldAtSpaces(start, text) : undefined;
  return plain ?? start + encodedWords(text, start.length).join(`${CRLF} `);
};

/** The address part of `Name <address>`, or the whole text. */
const addressOf = (mailbox: string): string => (/<([^<>]*)>\s*$/.exec(mailbox)?.[1] ?? mailbox).trim();

/** A mailbox for a header: the display name quoted or encoded (to fit after a fold), the address as given. */
const mailbox = (text: string): string => {
  const address = oneLine(addressOf(text));
  const name = oneLine(/^(.*?)\s*<[^<>]*>\s*$/.exec(text)?.[1] ?? '')
    .replace(/^"(.*)"$/, '$1')
    .trim();
  if (!name) return address;
  if (PRINTABLE_ASCII.test(name) && !name.includes('=?')) return `"${name.replace(/(["\\])/g, '\\$1')}" <${address}>`;
  return `${encodedWords(name, 1).join(`${CRLF} `)} <${address}>`;
};

/** An address list header, folded between addresses. */
const addressHeader = (name: string, list: readonly string[]): string => {
  let out = `${name}:`;
  let column = out.length;
  list.forEach((text, i) => {
    const lines = (mailbox(text) + (i < list.length - 1 ? ',' : '')).split(CRLF);
    const first = lines[0] ?? '';
    if (i > 0 && column + 1 + first.length > LINE) {
      out += `${CRLF} `;
      column = 1;
    } else {
      out += ' ';
      column += 1;
    }
    out += lines.join(CRLF);
    column = lines.length > 1 ? (lines.at(-1)?.length ?? 0) : column + first.length;
  });
  return out;
};

/** The domain of the sender's address, for Message-IDs. */
const domainOf = (from: string): string => {
  const address = addressOf(from);
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return address.includes('@') && /^[A-Za-z0-9.-]+$/.test(domain) ? domain : 'localhost';
};

/** A Message-ID unique by `unique` (e.g. a random UUID), at the sender's domain. */
export const messageIdFor = (from: string, unique: string): string =>
  `<${unique.replace(/[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/g, '')}@${domainOf(from)}>`;

/** An RFC 5322 date in UTC, e.g. `Wed, 16 Dec 2026 02:00:00 +0000`. */
const rfc5322Date = (date: Date): string => {
  if (Number.isNaN(date.getTime())) throw new RangeError('a message needs a valid date');
  return date.toUTCString().replace(/GMT$/, '+0000');
};

/** A parameter as a quoted string when it is short printable ASCII. */
const quotedParameter = (name: string, value: string): string | undefined => {
  if (!PRINTABLE_ASCII.test(value)) return undefined;
  const quoted = ` ${name}="${value.replace(/(["\\])/g, '\\$1')}"`;
  return quoted.length <= LINE ? quoted : undefined;
};

/** One character percent-encoded as RFC 2231 asks. */
const percentEncoded = (char: string): string =>
  ATTRIBUTE_CHAR.test(char)
    ? char
    : [...Buffer.from(char, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/**
 * A parameter in RFC 2231 form (`name*=UTF-8''…`), continued as `name*0*`, `name*1*`, … on lines of
 * their own when long, no character split between sections; quoted when short printable ASCII.
 */
const extendedParameter = (name: string, value: string): string => {
  const quoted = quotedParameter(name, value);
  if (quoted) return quoted;
  const encoded = [...value].map(percentEncoded);
  const whole = ` ${name}*=UTF-8''${encoded.join('')}`;
  if (whole.length < LINE) return whole;
  const sections: string[] = [];
  let section = ` ${name}*0*=UTF-8''`;
  for (const token of encoded) {
    if (section.length + token.length >= LINE && !section.endsWith('=') && !section.endsWith("''")) {
      sections.push(section);
      section = ` ${name}*${sections.length}*=`;
    }
    section += token;
  }
  sections.push(section);
  return sections.join(`;${CRLF}`);
};

/** A parameter as a quoted string of RFC 2047 encoded-words when not printable ASCII, as most mail clients read `name`. */
const wordsParameter = (name: string, value: string): string =>
  quotedParameter(name, value) ?? ` ${name}="${encodedWords(value, name.length + 3).join(`${CRLF} `)}"`;

interface Part {
  headers: string[];
  body: string;
}

const textPart = (subtype: 'plain' | 'html', text: string): Part => ({
  headers: [`Content-Type: text/${subtype}; charset=UTF-8`, 'Content-Transfer-Encoding: base64'],
  // Text in MIME has CRLF line ends (RFC 2046); base64 keeps them as they are.
  body: base64Lines(text.replace(/\r?\n/g, CRLF)),
});

const attachmentPart = (a: MailAttachment): Part => {
  const filename = oneLine(a.filename);
  return {
    headers: [
      `Content-Type: ${oneLine(a.contentType)};${CRLF}${wordsParameter('name', filename)}`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment;${CRLF}${extendedParameter('filename', filename)}`,
    ],
    body: base64Lines(a.content),
  };
};

/**
 * Parts inside a boundary. Every body is base64, whose alphabet has no `_`: a boundary with `=_`
 * cannot occur in the content.
 */
const multipart = (subtype: 'mixed' | 'alternative', parts: readonly Part[], seed: string): Part => {
  const boundary = `=_${subtype}_${createHash('sha256').update(`${subtype} ${seed}`).digest('hex').slice(0, 32)}`;
  return {
    headers: [`Content-Type: multipart/${subtype};${CRLF} boundary="${boundary}"`],
    body: `${parts.map((p) => `--${boundary}${CRLF}${p.headers.join(CRLF)}${CRLF}${CRLF}${p.body}${CRLF}`).join('')}--${boundary}--`,
  };
};

/**
 * The email as a MIME message for SendRawEmail (RFC 5322, 2045–2049): text and HTML as
 * multipart/alternative, inside multipart/mixed with each attachment when there are any; every
 * header folded and non-ASCII text encoded, CRLF line ends, no line over 998 characters. The same
 * message, date and Message-ID give the same bytes.
 */
export const composeMimeMessage = (message: MimeMessage): Uint8Array => {
  const bodies = [
    ...(message.text !== undefined || message.html === undefined ? [textPart('plain', message.text ?? '')] : []),
    ...(message.html !== undefined ? [textPart('html', message.html)] : []),
  ];
  const content = bodies.length > 1 ? multipart('alternative', bodies, message.messageId) : (bodies[0] as Part);
  const attachments = message.attachments ?? [];
  const root = attachments.length
    ? multipart('mixed', [content, ...attachments.map(attachmentPart)], message.messageId)
    : content;
  const headers = [
    addressHeader('From', [message.from]),
    addressHeader('To', message.to),
    textHeader('Subject', message.subject),
    `Date: ${rfc5322Date(message.date)}`,
    `Message-ID: ${oneLine(message.messageId)}`,
    'MIME-Version: 1.0',
    ...root.headers,
  ];
  return Buffer.from(`${headers.join(CRLF)}${CRLF}${CRLF}${root.body}${CRLF}`, 'utf8');
};
