import type { LinkExpired } from '../../core/errors.ts';
import type { LocalizedText } from '../../core/model.ts';
import { renderRectificationMessage } from '../../core/render/rectification-page.ts';
import type { ErrorHandler } from '../../edge/http/errors.ts';
import { answerLinkExpired } from '../../edge/http/token-link.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { respond } from './site.ts';

/** A text in both languages. */
export const text = (zh: string, en: string): LocalizedText => ({ zh, en });

/** What the rectification pages say when they refuse or fail: a title and a message per key. */
export const MESSAGES = {
  notFound: [
    text('链接无效', 'Link not found'),
    text(
      '此整改链接无效。请使用评分通报邮件中的链接。',
      'This rectification link is not valid. Please use the link in your score summary email.',
    ),
  ],
  itemNotFound: [
    text('未找到整改事项', 'Item not found'),
    text('本中心没有这一整改事项。', 'This center has no such item.'),
  ],
  itemFull: [
    text('照片已满', 'No more photos'),
    text('该事项的整改照片已达上限（6 张）。', 'This item has the most photos of its fix allowed (6).'),
  ],
  confirmed: [
    text('已销号', 'Already closed'),
    text(
      '该事项已经复查确认整改到位，无需再报告。',
      'This item was confirmed fixed on re-check; there is nothing left to report.',
    ),
  ],
  conflict: [
    text('请重试', 'Please try again'),
    text('该事项刚刚被更新，请刷新后重试。', 'The item changed a moment ago; reload and try again.'),
  ],
  unsupported: [
    text('格式不支持', 'Unsupported format'),
    text('请通过页面表单或 JSON 提交。', 'Send the form from the page, or JSON.'),
  ],
  tooLarge: [text('内容过长', 'Too large'), text('提交的内容过长。', 'The request is too large.')],
  disputed: [
    text('已申诉', 'Already disputed'),
    text('该结论已提出申诉，每项只能申诉一次。', 'This finding is disputed already; each can be disputed once.'),
  ],
  disputeClosed: [
    text('申诉期已结束', 'Disputes are closed'),
    text('本次督查的申诉期已结束，不能再提出申诉。', "This campaign's dispute window has ended."),
  ],
  invalid: [text('无法保存', 'Not saved'), text('请检查填写的内容。', 'Please check what you entered.')],
  methodNotAllowed: [
    text('不支持的操作', 'Method not allowed'),
    text('此地址只接受 GET 和 POST。', 'This address accepts GET and POST only.'),
  ],
  busy: [text('系统繁忙', 'Busy'), text('系统繁忙，请稍后再试。', 'The service is busy; please try again shortly.')],
  failed: [
    text('出错了', 'Something went wrong'),
    text('暂时无法处理，请稍后再试。', 'This could not be handled now; please try again later.'),
  ],
} satisfies Record<string, [LocalizedText, LocalizedText]>;
/** A message of the rectification pages. */
export type MessageKey = keyof typeof MESSAGES;

/**
 * A refusal or failure: `{error, message, ...extra}` as JSON to a script (the message in both
 * languages), else the message page.
 */
export const answerProblem = (
  request: HttpRequest,
  status: number,
  key: MessageKey,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): HttpResult => {
  const [title, message] = MESSAGES[key];
  if (request.json)
    return respond.json(status, { error: key, message: `${message.zh} ${message.en}`, ...extra }, { headers });
  return respond.html(status, renderRectificationMessage(title, message), { headers });
};

/** The answer of one message key, as an error handler (the error itself is not shown). */
export const answerWith =
  (status: number, key: MessageKey, headers: Record<string, string> = {}): ErrorHandler<unknown> =>
  (_error, request) =>
    answerProblem(request, status, key, {}, headers);

/** 410 for an expired link: it says so and whom to ask, in Chinese and English. */
export const answerExpired: ErrorHandler<LinkExpired> = answerLinkExpired(
  'rectification',
  respond,
  (_request, expired) => renderRectificationMessage(expired.title, expired.message),
);

/** A form's first validation issue in both languages: its known wording, else the issue as given. */
export const describeIssue = (
  known: Readonly<Record<string, LocalizedText>>,
  issue: { message: string } | undefined,
): LocalizedText =>
  (issue && known[issue.message]) ?? text('请检查填写的内容。', issue?.message ?? 'Please check what you entered.');

/** The 400 of a JSON body that failed its schema: every issue with the field it concerns. */
export const answerInvalidJson = (
  request: HttpRequest,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): HttpResult =>
  answerProblem(request, 400, 'invalid', {
    errors: issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })),
  });
