import type { LinkExpired } from '../../core/errors.ts';
import type { LocalizedText } from '../../core/model.ts';
import { renderMessagePage } from '../../core/render/survey/page.ts';
import type { FieldError } from '../../core/responses/answers.ts';
import type { ErrorHandler } from '../../edge/http/errors.ts';
import { answerLinkExpired } from '../../edge/http/token-link.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { MAX_BODY_BYTES, respond } from './site.ts';

/** A text in both languages. */
export const text = (zh: string, en: string): LocalizedText => ({ zh, en });

/** What the survey says when it refuses or fails: a title and a message per key. */
export const MESSAGES = {
  notFound: [
    text('链接无效', 'Link not found'),
    text(
      '此问卷链接无效或已失效。请使用邀请邮件中的链接。',
      'This questionnaire link is not valid. Please use the link in your invitation email.',
    ),
  ],
  closed: [
    text('督查活动已结束', 'Campaign closed'),
    text(
      '本次督查活动已结束，不再接受答卷或修改。',
      'This campaign has closed and no longer accepts answers or changes.',
    ),
  ],
  tooLarge: [
    text('提交内容过大', 'Submission too large'),
    text(`提交内容不能超过 ${MAX_BODY_BYTES / 1024} KB。`, `A submission may be at most ${MAX_BODY_BYTES / 1024} KB.`),
  ],
  unsupported: [
    text('格式不受支持', 'Unsupported format'),
    text(
      '请以表单（application/x-www-form-urlencoded）或 UTF-8 编码的 JSON（application/json）提交。',
      'Submit as a form (application/x-www-form-urlencoded) or as UTF-8 JSON (application/json).',
    ),
  ],
  malformed: [
    text('提交内容无法解析', 'Malformed submission'),
    text('提交内容不是有效的 JSON，请重新提交。', 'The submission is not valid JSON; please submit again.'),
  ],
  encoding: [
    text('提交内容编码无效', 'Invalid encoding'),
    text('提交内容不是有效的 UTF-8 文本。', 'The submission is not valid UTF-8 text.'),
  ],
  duplicateKey: [
    text('提交内容有重复字段', 'Duplicate field'),
    text('JSON 中同一对象的字段重复出现。', 'A field appears more than once in the same JSON object.'),
  ],
  invalid: [
    text('答卷需要修改', 'Answers need attention'),
    text('部分答案需要修改，答卷未保存。', 'Some answers need attention; nothing was saved.'),
  ],
  busy: [
    text('系统繁忙', 'Busy'),
    text(
      '系统暂时繁忙，您的答卷未保存，请稍后重试。',
      'The service is busy; your answers were not saved. Please try again shortly.',
    ),
  ],
  conflict: [
    text('请重试', 'Please retry'),
    text(
      '答卷正在被同时修改，请重新提交。',
      'These answers are being edited elsewhere at the same time; please submit again.',
    ),
  ],
  historyFull: [
    text('修改次数已达上限', 'Too many versions'),
    text(
      '此答卷已保存的版本数达到上限，未再保存。如需更正，请联系组织方。',
      'These answers already have as many saved versions as allowed; this one was not saved. Please contact the organizers to correct them.',
    ),
  ],
  failed: [
    text('出错了', 'Something went wrong'),
    text(
      '服务出现错误，您的答卷未保存，请稍后重试。',
      'Something went wrong and your answers were not saved. Please try again later.',
    ),
  ],
  methodNotAllowed: [
    text('不支持的请求', 'Method not allowed'),
    text('请使用邀请邮件中的链接打开问卷。', 'Open the questionnaire with the link in your invitation email.'),
  ],
} as const;
/** A message of the survey. */
export type MessageKey = keyof typeof MESSAGES;

/**
 * A refusal or failure: `{error, message, errors?}` as JSON to a script, else a page with the
 * message (and the fields' errors) in the request's language.
 */
export const answerProblem = (
  request: HttpRequest,
  status: number,
  key: MessageKey,
  headers: Record<string, string> = {},
  errors?: readonly FieldError[],
): HttpResult => {
  const [title, message] = MESSAGES[key];
  const { lang } = request;
  if (request.json)
    return respond.json(status, { error: key, message: message[lang], ...(errors ? { errors } : {}) }, { headers });
  const detail = errors?.length
    ? text(
        `${message.zh}（${errors.map((e) => `${e.field}：${e.message.zh}`).join('；')}）`,
        `${message.en} (${errors.map((e) => `${e.field}: ${e.message.en}`).join('; ')})`,
      )
    : message;
  return respond.html(status, renderMessagePage(lang, title, detail), { headers });
};

const joinLanguages = (t: LocalizedText): LocalizedText => ({ zh: `${t.zh} ${t.en}`, en: `${t.en} ${t.zh}` });

/** 410 for an expired link: it says so and whom to ask, in both languages (the chosen one first). */
export const answerExpired: ErrorHandler<LinkExpired> = answerLinkExpired('survey', respond, (request, expired) =>
  renderMessagePage(request.lang, joinLanguages(expired.title), joinLanguages(expired.message)),
);

/** The answer of one message key, as an error handler (the error itself is not shown). */
export const answerWith =
  (status: number, key: MessageKey, headers: Record<string, string> = {}): ErrorHandler<unknown> =>
  (_error, request) =>
    answerProblem(request, status, key, headers);
