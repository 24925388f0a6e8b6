import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { MailRejected } from '../../../functions/adapters/mail/mailer.ts';
import { composeMime, MAX_RAW_MESSAGE_BYTES } from '../../../functions/adapters/mail/mime.ts';
import type { RenderedMail } from '../../../functions/core/render/mail/layout.ts';

const mail = (size: number): RenderedMail => ({
  subject: '【全市评分通报】政务服务主题督查月',
  text: '结果见附件。',
  html: '<p>结果见附件。</p>',
  attachments: [{ filename: 'results.xlsx', contentType: 'application/octet-stream', content: new Uint8Array(size) }],
});

describe('composeMime', () => {
  it('dates the message now and gives it a fresh Message-ID at the sender domain', async () => {
    // Prepare
    const before = Date.now();
    // Act
    const [first, second] = await Promise.all(
      [1, 2].map(async () =>
        simpleParser(Buffer.from(await composeMime('supervision@example.gov.cn', ['a@example.gov.cn'], mail(10)))),
      ),
    );
    // Assess
    expect(first?.messageId).toMatch(/^<[0-9a-f-]{36}@example\.gov\.cn>$/);
    expect(first?.messageId).not.toBe(second?.messageId);
    expect(first?.date?.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(first?.subject).toBe('【全市评分通报】政务服务主题督查月');
  });

  it('refuses a message larger than SES accepts as MailRejected', async () => {
    // Prepare: 7.5 MB of attachment is 10 MB in base64, and the headers come on top
    const tooLarge = mail(Math.ceil((MAX_RAW_MESSAGE_BYTES * 3) / 4));
    // Act / Assess
    await expect(composeMime('supervision@example.gov.cn', ['a@example.gov.cn'], tooLarge)).rejects.toBeInstanceOf(
      MailRejected,
    );
  });
});
