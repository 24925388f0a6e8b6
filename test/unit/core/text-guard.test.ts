import { describe, expect, it } from 'vitest';
import { FixReport } from '../../../functions/api/rectification/report-fixed.ts';
import { DisputeInput, RulingInput } from '../../../functions/core/findings/fact-check.ts';
import { ReviewInput } from '../../../functions/core/findings/review.ts';
import { composeMimeMessage } from '../../../functions/core/formats/mime.ts';
import { Center, Questionnaire, Supervisor } from '../../../functions/core/model.ts';
import { renderFactCheckNotice } from '../../../functions/core/render/mail/fact-check-notice.ts';
import { renderFailureNotice } from '../../../functions/core/render/mail/failure-notice.ts';
import { renderInvitation } from '../../../functions/core/render/mail/invitation.ts';
import { renderReminder } from '../../../functions/core/render/mail/reminder.ts';
import { validateAnswers } from '../../../functions/core/responses/answers.ts';
import { validateProblems } from '../../../functions/core/responses/problems.ts';
import { findUnsafeCharacter, mailHeaderText } from '../../../functions/core/responses/text-guard.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

/** Text from outside, checked at every door; every mail header through one guard. */

const HOSTILE = ['\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\ud800', 'x\udc00'];
const def = smallCampaign();
const center = def.centers[0] as Center;
const supervisor = def.supervisors[0] as Supervisor;
const injected = { zh: '鼓楼中心\nBcc: evil@example.com', en: 'Gulou\r\nBcc: evil@example.com' };

describe('text from outside', () => {
  it.each(HOSTILE)('refuses %j in an answer, a problem, a comment, a note, a reason, naming the character', (bad) => {
    // Prepare
    const text = `正常文字${bad}结尾`;

    // Act
    const note = FixReport.safeParse({ item: 'R1', note: text });
    const reason = DisputeInput.safeParse({ intent: 'dispute', item: 'R1', reason: text });
    const comment = ReviewInput.safeParse({ decision: 'return', comment: text, version: 1 });
    const ruling = RulingInput.safeParse({ ruling: 'uphold', note: text, center: 'C1' });
    const problems = validateProblems([{ category: 'other', description: text, severity: 'minor' }]);

    // Assess
    expect([note.success, reason.success, comment.success, ruling.success, problems.ok]).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(findUnsafeCharacter(text, { multiline: true })?.index).toBe(text.indexOf(bad.replace(/^x/, '')));
  });

  it('refuses a lone surrogate or a NUL in a text answer, and keeps newlines and tabs', () => {
    // Prepare
    const q = Questionnaire.parse({
      id: 'q',
      title: { zh: '问卷', en: 'Questionnaire' },
      sections: [
        {
          dimension: 'regulation',
          title: { zh: '规范化', en: 'Regulation' },
          questions: [
            {
              id: 'badge',
              kind: 'yesno',
              indicator: 'badge',
              dimension: 'regulation',
              title: { zh: '工牌', en: 'Badge' },
            },
            { id: 'note', kind: 'text', required: false, dimension: 'regulation', title: { zh: '意见', en: 'Note' } },
          ],
        },
      ],
    });
    const textQuestion = { id: 'note' };
    const required = { badge: 'yes' };

    // Act
    const surrogate = validateAnswers(q, 'experiential', { ...required, [textQuestion.id]: 'ok\ud800' });
    const nul = validateAnswers(q, 'experiential', { ...required, [textQuestion.id]: 'a\u0000b' });

    // Assess
    expect(surrogate).toMatchObject({
      ok: false,
      errors: [{ field: textQuestion.id, message: { en: /unpaired surrogate/ } }],
    });
    expect(nul).toMatchObject({ ok: false, errors: [{ field: textQuestion.id, message: { en: /NUL/ } }] });
    expect(findUnsafeCharacter('第一行\n\t第二行', { multiline: true })).toBeUndefined();
    expect(findUnsafeCharacter('😀 表情')).toBeUndefined();
  });

  it('stores text as NFC', () => {
    // Act
    const parsed = FixReport.parse({ item: 'R1', note: 'Cafe\u0301 已整改' });

    // Assess
    expect(parsed.note).toBe('Café 已整改');
  });

  it.each(['\u001b', '\u0007', '\u0000', '\n', '\r\n', '\ud800'])(
    'refuses %j in roster names and titles, naming it',
    (bad) => {
      // Act
      const centerResult = Center.safeParse({ ...center, name: { zh: `鼓楼${bad}中心`, en: 'Gulou' } });
      const supervisorResult = Supervisor.safeParse({ ...supervisor, name: `张${bad}三` });
      const district = Center.safeParse({ ...center, district: `玄${bad}武` });

      // Assess
      expect(centerResult.success).toBe(false);
      expect(supervisorResult.success).toBe(false);
      expect(district.success).toBe(false);
      expect(centerResult.error?.issues[0]?.path).toEqual(['name', 'zh']);
      expect(centerResult.error?.issues[0]?.message).toMatch(/character 3 is/);
    },
  );
});

describe('email subjects and headers', () => {
  const hostileCampaign = { ...def.campaign, title: injected };
  const hostileCenter = { ...center, name: injected };
  const links = [{ center: hostileCenter, activity: 'experiential' as const, url: 'https://x/s/t' }];

  it.each([
    ['invitation', () => renderInvitation(hostileCampaign, supervisor, links, def.campaign.schedule.deadline)],
    ['reminder', () => renderReminder(hostileCampaign, supervisor, links, def.campaign.schedule.deadline)],
    [
      'fact-check',
      () =>
        renderFactCheckNotice({
          campaign: hostileCampaign,
          center: hostileCenter,
          items: [],
          url: 'https://x/r/t',
          until: '2026-12-20T00:00:00Z',
        }),
    ],
    ['failure', () => renderFailureNotice({ id: 'c1', title: injected }, 'States.TaskFailed', 'cause')],
  ])('keeps the %s subject on one line, whatever the names hold', (_, render) => {
    // Act
    const mail = render();

    // Assess
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the subject must hold no control character, which is what this looks for
    expect(mail.subject).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(mail.subject).toContain('Bcc: evil@example.com');
  });

  it('gives SendRawEmail no header the names did not come with', () => {
    // Act
    const mime = Buffer.from(
      composeMimeMessage({
        from: 'Supervision <noreply@example.gov.cn>',
        to: ['wang@example.gov.cn'],
        subject: 'Gulou\r\nBcc: evil@example.com\u0000',
        text: 'x',
        attachments: [{ filename: 'a\r\nBcc: b.csv', contentType: 'text/csv', content: new Uint8Array([1]) }],
        date: new Date('2026-12-05T00:00:00Z'),
        messageId: '<m@example.gov.cn>',
      }),
    ).toString('utf8');

    // Assess
    expect(mime.split('\r\n').filter((line) => /^bcc:/i.test(line))).toEqual([]);
    expect(mime).not.toContain('\u0000');
  });

  it('makes any control, line separator or lone surrogate a space, once', () => {
    // Assess
    expect(mailHeaderText('a\r\n\tb\u2028c\ud800d\u0085e')).toBe('a b c d e');
  });
});
