import type { Phase } from '../../app/campaign-control.ts';
import type { ControlRefusal } from '../../core/campaign/control.ts';
import { MAX_RULING_NOTE } from '../../core/findings/fact-check.ts';
import { MAX_REVIEW_COMMENT } from '../../core/findings/review.ts';
import type { LocalizedText } from '../../core/model.ts';
import { CONTROL_CHARACTER_MESSAGE } from '../../core/responses/text-guard.ts';

/**
 * Everything the organizer console says in words of its own, in Chinese and English: the message
 * pages, the sign-in's errors and notices, what an action did, and why it was refused.
 */

/** A text in both languages. */
export const text = (zh: string, en: string): LocalizedText => ({ zh, en });

const METHOD_NOT_ALLOWED = text('不支持的操作', 'Method not allowed');
const NOT_FOUND = text('未找到', 'Not found');

/** The console's message pages: a title and a message per key. */
export const MESSAGES = {
  methodNotAllowed: [METHOD_NOT_ALLOWED, text('请使用页面上的链接和按钮。', 'Use the links and buttons on the page.')],
  useSignOutButton: [METHOD_NOT_ALLOWED, text('请使用退出按钮。', 'Use the sign-out button.')],
  useReviewForm: [METHOD_NOT_ALLOWED, text('请使用审核表单。', 'Use the review form.')],
  foreignPost: [text('已拒绝', 'Refused'), text('请从控制台页面提交。', 'Send this from the console page.')],
  signInAgain: [
    text('请重新登录', 'Please sign in again'),
    text('登录已过期或无效。', 'Your sign-in has expired or is not valid.'),
  ],
  noSuchPage: [NOT_FOUND, text('没有这个页面。', 'There is no such page.')],
  noSuchCampaign: [NOT_FOUND, text('没有这个督查活动。', 'There is no such campaign.')],
  noSuchCenter: [
    NOT_FOUND,
    text('本次活动没有这个场所，或不在您所辖区域。', 'No such center in this campaign, or not in your district.'),
  ],
  forbidden: [
    text('无权操作', 'Not allowed'),
    text('您的角色或所辖区域不能进行此操作。', 'Your role or district does not allow this.'),
  ],
  alreadyRuled: [
    text('已裁定', 'Already ruled'),
    text('该申诉已有裁定，裁定不可更改。', 'This dispute was ruled already; rulings are final.'),
  ],
  responseChanged: [
    text('答卷已更新', 'The response changed'),
    text(
      '监督员刚刚修改了这份答卷，请刷新后重新审核。',
      'The supervisor edited this response since: reload and review it again.',
    ),
  ],
  reviewedElsewhere: [
    text('请重试', 'Please try again'),
    text(
      '他人刚刚审核了这份答卷，请刷新后查看。',
      'Someone reviewed this response a moment ago: reload to see their decision.',
    ),
  ],
  busy: [text('系统繁忙', 'Busy'), text('请稍后重试。', 'Please try again shortly.')],
  failed: [text('出错了', 'Something went wrong'), text('请稍后重试。', 'Please try again later.')],
  notClosed: [
    text('未截止', 'Not closed'),
    text('请勾选确认后再截止。', 'Tick the confirmation to close the campaign.'),
  ],
  notPublished: [
    text('未签发', 'Not signed off'),
    text('请勾选确认已核对结果后再签发。', 'Tick the box confirming you checked the results, then publish.'),
  ],
  disputeNotFound: [
    text('未找到申诉', 'Dispute not found'),
    text('该问题没有申诉。', 'This finding was not disputed.'),
  ],
  noResultsYet: [
    text('尚无结果', 'No results yet'),
    text('活动截止并评分后才有结果。', 'Results exist once the campaign is closed and scored.'),
  ],
  responseNotFound: [
    text('未找到答卷', 'Response not found'),
    text('该任务还没有答卷。', 'This assignment has no response.'),
  ],
} as const satisfies Record<string, readonly [LocalizedText, LocalizedText]>;
/** A message page of the console. */
export type MessageKey = keyof typeof MESSAGES;

/** Titles of the message pages whose message depends on what happened. */
export const TITLES = {
  notChanged: text('未更改', 'Not changed'),
  notEnded: text('未结束', 'Not ended'),
  notSaved: text('无法保存', 'Not saved'),
  notSignedIn: text('无法登录', 'Not signed in'),
  reviewOver: text('已不能审核', 'Review is over'),
} as const;

/** What to use instead of a form that could not be read. */
export const FORM_HINTS = {
  signIn: text('请使用登录表单。', 'Use the sign-in form.'),
  newPassword: text('请使用设置密码的表单。', 'Use the new-password form.'),
  mfaSetup: text('请使用设置两步验证页面的表单。', 'Use the form of the two-step set-up page.'),
  mfa: text('请使用输入验证码的表单。', 'Use the code form.'),
  review: text('请使用审核表单提交。', 'Send the review form.'),
} as const;

/** What the sign-in pages say. */
export const SIGN_IN = {
  enterCredentials: text('请输入用户名和密码。', 'Enter your username and password.'),
  wrongCredentials: text('用户名或密码不正确。', 'Wrong username or password.'),
  mustChangePassword: text(
    '该账号须先修改密码，请联系市级组织方重置。',
    'This account must change its password first: ask the city organizer to reset it.',
  ),
  firstSignIn: text('首次登录，请设置新密码。', 'First sign-in: choose a new password.'),
  newPasswordRules: text(
    '新密码至少 12 位，须含大写字母、小写字母、数字和符号，且不能与最近用过的密码相同。',
    'The new password needs at least 12 characters with an uppercase letter, a lowercase letter, a digit and a symbol, and may not be one used recently.',
  ),
  passwordsDiffer: text('两次输入的新密码不一致。', 'The two passwords differ.'),
  twoStep: text('此账号已启用两步验证。', 'This account uses two-step verification.'),
  codeHint: text('请输入身份验证器应用当前显示的 6 位数字。', 'Enter the 6 digits your authenticator app shows now.'),
  codeRejected: text(
    '验证码不正确或已过期，请输入应用中当前显示的验证码。',
    'The code is wrong or has expired: enter the one your app shows now.',
  ),
  expired: text('登录已失效，请重新登录。', 'The sign-in expired: sign in again.'),
  setUpTwoStep: text(
    '您的角色须使用两步验证：请先设置身份验证器应用。',
    'Your role signs in with two-step verification: set up an authenticator app first.',
  ),
} as const;

/** The sign-in page's error while a username is locked. */
export const lockedOut = (seconds: number): LocalizedText =>
  text(`登录失败次数过多，请在 ${seconds} 秒后再试。`, `Too many failed sign-ins: try again in ${seconds} seconds.`);

/** The notices of the campaign and disputes pages after an action (`?done=`). */
export const DONE: Readonly<Record<string, LocalizedText>> = {
  extend: text('截止时间已更改，工作流已按新时间安排。', 'The deadline moved; the workflow re-planned.'),
  close: text('已要求截止：停止收集并开始评分。', 'Closing: collection stops and scoring starts.'),
  remind: text('提醒已安排，未答的监督员将收到提醒邮件。', 'A reminder is on its way to everyone yet to answer.'),
  'finish-review': text('审核已结束，开始评分。', 'Review finished: scoring starts.'),
  'finish-fact-check': text('事实核查已结束，开始评分。', 'Fact-check ended: scoring starts.'),
  publish: text(
    '已签发：各场所的评分通报和全市通报正在发出。',
    "Signed off: the centers' summaries and the city summary are going out.",
  ),
  ruled: text('已记录裁定。', 'Ruling recorded.'),
  unchanged: text('该裁定已记录，无需重复提交。', 'That ruling was already recorded.'),
  'evidence-export': text(
    '正在生成取证照片 ZIP，完成后可在本页下载。',
    'The evidence ZIP is being built; download it here once ready.',
  ),
  'evidence-export-running': text(
    '已有一个 ZIP 正在生成，请稍候。',
    'A ZIP is already being built; please wait for it.',
  ),
};

/** The review queue's notices after a decision. */
export const DECISION_NOTICES = {
  unchanged: text('该决定已记录，无需重复提交。', 'That decision was already recorded.'),
  recorded: text('已记录审核决定。', 'Decision recorded.'),
} as const;

/** The review queue's notice after a return, by how the supervisor was told (`?mail=`). */
export const RETURN_MAIL_NOTICES: Readonly<Record<string, LocalizedText>> = {
  sent: text(
    '已退回，并已邮件通知监督员按意见修改。',
    'Returned: the supervisor was emailed the comment and their link to correct the answers.',
  ),
  'not-sent': text(
    '已退回，但通知邮件未能发出（地址停发或发送失败）：请另行联系该监督员。',
    'Returned, but the email to the supervisor could not be sent (suppressed address or a sending error): contact them another way.',
  ),
  'too-late': text(
    '已记录退回，但活动已截止且不在审核期内，监督员无法再修改。',
    'Return recorded, but the campaign is closed and not in a review window: the supervisor can no longer correct it.',
  ),
};

/** Why a decision can no longer be made: the campaign is in fact-check, or scored. */
export const reviewOverReason = (status: string): LocalizedText =>
  status === 'fact-checking'
    ? text(
        '审核已结束，初步结论已送场所核查，审核决定不再改变结果。',
        'Review is over: the draft findings went to the centers for fact-check, and decisions no longer change the results.',
      )
    : text(
        '本次活动已评分，审核决定不再改变结果。',
        'This campaign is already scored: decisions no longer change its results.',
      );

/** Why the shared rules refused an extend, close or remind. */
export const CONTROL_REFUSALS: Readonly<Record<ControlRefusal['kind'], LocalizedText>> = {
  preparing: text('活动仍在准备中，请稍后再试。', 'The campaign is still being prepared: try again in a minute.'),
  closed: text('活动已截止，不能再更改。', 'The campaign is closed: nothing can be changed.'),
  closing: text(
    '活动正在按要求截止，截止时间不能再改。',
    'The campaign is closing as asked: its deadline can no longer move.',
  ),
  'deadline-past': text('新的截止时间必须晚于现在。', 'The new deadline must be in the future.'),
  'deadline-before-open': text('新的截止时间早于活动开始时间。', 'The new deadline is before the campaign opened.'),
  'everyone-answered': text('所有监督员都已作答，无需提醒。', 'Everyone has answered: there is no one to remind.'),
};

/** Why review or fact-check cannot end early: the campaign is not in it. */
export const NOT_IN_PHASE: Readonly<Record<Phase, LocalizedText>> = {
  review: text('本次活动不在审核阶段。', 'The campaign is not in review.'),
  'fact-check': text('本次活动不在事实核查阶段。', 'The campaign is not in fact-check.'),
};

/** Why the results cannot be published: the campaign has no draft results awaiting sign-off. */
export const NOTHING_TO_PUBLISH = text(
  '本次活动没有待签发的结果：尚未评分，或已通报。',
  'This campaign has no results awaiting sign-off: it is not scored yet, or already published.',
);

/** Why fact-check cannot end yet: disputes await a ruling. */
export const disputesStillOpen = (open: number): LocalizedText =>
  text(
    `还有 ${open} 项申诉待裁定。`,
    `${open} ${open === 1 ? 'dispute still awaits' : 'disputes still await'} a ruling.`,
  );

/** The campaign page's error when a new deadline was refused. */
export const NOT_EXTENDED = text('未延期：截止时间有误。', 'Not extended: the deadline is not valid.');

/** The deadline field's problems (the English is the schema's own). */
export const DEADLINE_ISSUES = {
  missing: 'give the new deadline as a date and time',
  impossible: 'no such date or time: check the month (01–12), the day and the time (00:00–23:59)',
} as const;

const DEADLINE_MESSAGES_ZH: Readonly<Record<string, string>> = {
  [DEADLINE_ISSUES.missing]: '请填写新的截止日期和时间。',
  [DEADLINE_ISSUES.impossible]: '没有这个日期或时间：请检查月份（01–12）、日期和时间（00:00–23:59）。',
};

/** What is wrong with a new deadline, in both languages. */
export const deadlineProblem = (issue: string): LocalizedText =>
  text(DEADLINE_MESSAGES_ZH[issue] ?? '请填写新的截止日期和时间。', issue);

/** The Chinese of the console forms' validation messages (the English is the schemas' own). */
const INPUT_MESSAGES_ZH: Readonly<Record<string, string>> = {
  'decision must be approve, return or reject': '请选择通过、退回修改或作废',
  'say why: a returned or rejected response needs a comment for its supervisor':
    '退回修改或作废时须填写意见，告知监督员原因',
  [`the comment may be at most ${MAX_REVIEW_COMMENT} characters`]: `意见不能超过 ${MAX_REVIEW_COMMENT} 个字`,
  'version must be the version number shown with the response': '答卷版本无效，请刷新页面后重试',
  'ruling must be uphold or withdraw': '请选择维持原结论或撤销该问题',
  [CONTROL_CHARACTER_MESSAGE]: '请删除文字中的控制字符或损坏的字符（只能包含文字、换行和制表符）',
  [`the note may be at most ${MAX_RULING_NOTE} characters`]: `复核意见不能超过 ${MAX_RULING_NOTE} 个字`,
};

/** A form's validation issues, said in both languages. */
export const invalidInput = (issues: readonly { message: string }[]): LocalizedText =>
  text(
    `请检查：${issues.map((i) => INPUT_MESSAGES_ZH[i.message] ?? '填写的内容有误').join('；')}。`,
    `Please check: ${issues.map((i) => i.message).join('; ')}.`,
  );
