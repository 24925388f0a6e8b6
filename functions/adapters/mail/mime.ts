import { randomUUID } from 'node:crypto';
import { composeMimeMessage, messageIdFor } from '../../core/formats/mime.ts';
import type { RenderedMail } from '../../core/render/mail/layout.ts';
import { MailRejected } from './mailer.ts';

/** SendRawEmail accepts at most 10 MB per message, attachments included. */
export const MAX_RAW_MESSAGE_BYTES = 10 * 1024 * 1024;

/** Builds the MIME message (multipart: text, HTML, attachments) for SendRawEmail, dated now with a fresh Message-ID. */
export const composeMime = async (from: string, to: readonly string[], mail: RenderedMail): Promise<Uint8Array> => {
  const message = composeMimeMessage({
    from,
    to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    attachments: mail.attachments,
    date: new Date(),
    messageId: messageIdFor(from, randomUUID()),
  });
  if (message.byteLength > MAX_RAW_MESSAGE_BYTES) {
    throw new MailRejected(`the message is ${message.byteLength} bytes; SES accepts at most ${MAX_RAW_MESSAGE_BYTES}`);
  }
  return message;
};
