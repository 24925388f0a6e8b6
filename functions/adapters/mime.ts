import MailComposer from 'nodemailer/lib/mail-composer';
import type { RenderedMail } from '../core/mail.ts';
import { MailRejected } from './mailer.ts';

/** SendRawEmail accepts at most 10 MB per message, attachments included. */
export const MAX_RAW_MESSAGE_BYTES = 10 * 1024 * 1024;

/** Builds the MIME message (multipart: text, HTML, attachments) for SendRawEmail. */
export const composeMime = async (from: string, to: readonly string[], mail: RenderedMail): Promise<Uint8Array> => {
  const message = await new MailComposer({
    from,
    to: [...to],
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    attachments: (mail.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.content),
    })),
  })
    .compile()
    .build();
  if (message.length > MAX_RAW_MESSAGE_BYTES) {
    throw new MailRejected(`the message is ${message.length} bytes; SES accepts at most ${MAX_RAW_MESSAGE_BYTES}`);
  }
  return new Uint8Array(message);
};
