import { randomBytes } from 'node:crypto';
import { type AddressObject, simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMimeMessage, type MimeMessage, messageIdFor } from '../../../functions/core/formats/mime.ts';
import type { MailAttachment } from '../../../functions/core/render/mail/layout.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DATE = new Date('2026-12-16T02:00:00.000Z');

const message = (overrides: Partial<MimeMessage> = {}): MimeMessage => ({
  from: '政务服务督查办 <supervision@example.gov.cn>',
  to: ['organizer@example.gov.cn'],
  subject: '【全市评分通报】政务服务主题督查月 2026年12月 / City summary: service supervision month, December 2026',
  text: '各位领导：\n全市评分结果见附件。\n\nDear organizers, the results are attached.',
  html: '<p>各位领导：</p><p>全市评分结果见附件 <b>results</b> &amp; CSV.</p>',
  date: DATE,
  messageId: '<0f8c1d2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5@example.gov.cn>',
  ...overrides,
});

const attachments = (): MailAttachment[] => [
  { filename: 'results-city-2026-12.xlsx', contentType: XLSX, content: new Uint8Array(randomBytes(100_000)) },
  {
    filename: '南京市政务服务督查结果（2026年12月）全市各级政务服务中心评分汇总表 results.csv',
    contentType: 'text/csv; charset=utf-8',
    content: new TextEncoder().encode('\ufeff级别 level,得分 score\r\n区级 District,88.9\r\n'),
  },
];

const text = (raw: Uint8Array): string => Buffer.from(raw).toString('latin1');

const addresses = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));

describe('the MIME composer', () => {
  it('writes a message whose subject, sender, recipients, date, Message-ID, text and HTML read back as given', async () => {
    // Act
    const parsed = await simpleParser(Buffer.from(composeMimeMessage(message({ attachments: attachments() }))));
    // Assess
    expect(parsed.subject).toBe(message().subject);
    expect(parsed.from?.value).toEqual([{ name: '政务服务督查办', address: 'supervision@example.gov.cn' }]);
    expect(addresses(parsed.to)).toEqual(['organizer@example.gov.cn']);
    expect(parsed.date).toEqual(DATE);
    expect(parsed.messageId).toBe(message().messageId);
    expect(parsed.text?.replace(/\r\n/g, '\n')).toBe(message().text);
    expect(parsed.html).toBe(message().html);
  });

  it('attaches files whose names, Chinese too, and bytes read back unchanged', async () => {
    // Prepare
    const files = attachments();
    // Act
    const parsed = await simpleParser(Buffer.from(composeMimeMessage(message({ attachments: files }))));
    // Assess
    expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.contentDisposition])).toEqual([
      ['results-city-2026-12.xlsx', XLSX, 'attachment'],
      [files[1]?.filename, 'text/csv', 'attachment'],
    ]);
    expect(
      parsed.attachments.map((a) =>
        Buffer.compare(a.content, Buffer.from(files[parsed.attachments.indexOf(a)]?.content ?? [])),
      ),
    ).toEqual([0, 0]);
  });

  it('names a non-ASCII attachment with RFC 2231 in its disposition and encoded-words in its type', () => {
    // Act
    const raw = text(
      composeMimeMessage(
        message({ attachments: [{ filename: '结果.csv', contentType: 'text/csv', content: new Uint8Array([1]) }] }),
      ),
    );
    // Assess
    expect(raw).toContain(`Content-Disposition: attachment;\r\n filename*=UTF-8''%E7%BB%93%E6%9E%9C.csv\r\n`);
    expect(raw).toContain('Content-Type: text/csv;\r\n name="=?UTF-8?B?57uT5p6cLmNzdg==?="\r\n');
  });

  it('nests text and HTML as multipart/alternative inside multipart/mixed with the attachments', () => {
    // Act
    const raw = text(composeMimeMessage(message({ attachments: attachments() })));
    // Assess
    const types = [...raw.matchAll(/^Content-Type: ([^;\r\n]+)/gm)].map((m) => m[1]);
    expect(types).toEqual(['multipart/mixed', 'multipart/alternative', 'text/plain', 'text/html', XLSX, 'text/csv']);
    expect(raw).toContain('Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n');
    expect(raw).toContain('Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n');
    expect(raw).toMatch(/^MIME-Version: 1\.0\r\n/m);
  });

  it('sends text and HTML alone as multipart/alternative when nothing is attached', async () => {
    // Act
    const raw = composeMimeMessage(message());
    const parsed = await simpleParser(Buffer.from(raw));
    // Assess
    const types = [...text(raw).matchAll(/^Content-Type: ([^;\r\n]+)/gm)].map((m) => m[1]);
    expect(types).toEqual(['multipart/alternative', 'text/plain', 'text/html']);
    expect(parsed.attachments).toEqual([]);
    expect(parsed.html).toBe(message().html);
  });

  it('keeps every line 7-bit, within 998 characters and ended by CRLF, headers folded and base64 in lines of 76', () => {
    // Act
    const raw = text(
      composeMimeMessage(
        message({
          to: Array.from({ length: 12 }, (_, i) => `organizer-${i}@example.gov.cn`),
          attachments: attachments(),
        }),
      ),
    );
    // Assess
    expect(/^[\r\n -~]*$/.test(raw)).toBe(true);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(raw.endsWith('\r\n')).toBe(true);
    const lines = raw.split('\r\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(998);
    const head = raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n');
    expect(head.filter((l) => l.length > 78)).toEqual([]);
    expect(head.find((l) => l.startsWith('Subject: '))).toMatch(/^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    expect(lines.filter((l) => /^[A-Za-z0-9+/=]+$/.test(l) && l.length > 76)).toEqual([]);
  });

  it('folds a long ASCII subject at its spaces and leaves it readable', async () => {
    // Prepare
    const subject = 'City summary: service supervision month, December 2026, results of every level attached';
    // Act
    const raw = composeMimeMessage(message({ subject }));
    // Assess
    expect(text(raw)).toContain(
      'Subject: City summary: service supervision month, December 2026, results of\r\n every level attached\r\n',
    );
    expect((await simpleParser(Buffer.from(raw))).subject).toBe(subject);
  });

  it('uses boundaries that appear only as delimiters, even when the content quotes them', () => {
    // Prepare
    const first = text(composeMimeMessage(message({ attachments: attachments() })));
    const boundaries = [...first.matchAll(/boundary="([^"]+)"/g)].map((m) => m[1] ?? '');
    const quoting = message({ text: boundaries.map((b) => `--${b}`).join('\n'), attachments: attachments() });
    // Act
    const raw = text(composeMimeMessage(quoting));
    // Assess
    expect(boundaries).toHaveLength(2);
    for (const b of boundaries) {
      const lines = raw.split('\r\n').filter((l) => l.includes(b));
      expect(lines.filter((l) => l !== `--${b}` && l !== `--${b}--` && !l.includes(`boundary="${b}"`))).toEqual([]);
    }
  });

  it('keeps a subject or name with line breaks from adding headers', async () => {
    // Act
    const parsed = await simpleParser(
      Buffer.from(composeMimeMessage(message({ subject: 'Hello\r\nBcc: victim@example.com' }))),
    );
    // Assess
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.subject).toBe('Hello Bcc: victim@example.com');
  });

  it('gives the same bytes for the same message, date and Message-ID', () => {
    // Prepare
    const files = attachments();
    // Act
    const first = composeMimeMessage(message({ attachments: files }));
    const second = composeMimeMessage(message({ attachments: files }));
    // Assess
    expect(Buffer.compare(first, second)).toBe(0);
  });

  it('refuses a message without a valid date', () => {
    // Act / Assess
    expect(() => composeMimeMessage(message({ date: new Date('not a date') }))).toThrow(RangeError);
  });

  it('makes Message-IDs at the sender domain', () => {
    // Act / Assess
    expect(messageIdFor('政务服务督查办 <supervision@example.gov.cn>', 'abc-123')).toBe('<abc-123@example.gov.cn>');
    expect(messageIdFor('supervision@example.gov.cn', 'abc')).toBe('<abc@example.gov.cn>');
    expect(messageIdFor('nobody', 'abc')).toBe('<abc@localhost>');
  });
});
