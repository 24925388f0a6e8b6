import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { containerCache } from './adapters/campaign-cache.ts';
import { readEnv } from './adapters/config.ts';
import { logger, withLambdaContext } from './adapters/logger.ts';
import type { TokenRecord } from './adapters/table/assignments.ts';
import type { ResponseRecord } from './adapters/table/responses.ts';
import { store } from './adapters/table.ts';
import type { CampaignMeta } from './core/campaign/lifecycle.ts';
import { checkLinkAlive, expiredLinkMessage, LinkExpired, surveyLinkExpiry } from './core/campaign/link-lifetime.ts';
import { hashToken, TOKEN_PATTERN } from './core/campaign/links.ts';
import { collecting, correctionUntil, DEFAULT_CAMPAIGN_CACHE_SECONDS } from './core/campaign/submission-window.ts';
import { CampaignNotFound, ConcurrentUpdate, ResponseHistoryFull } from './core/errors.ts';
import type { Lang } from './core/i18n.ts';
import type { Center, LocalizedText, Questionnaire } from './core/model.ts';
import {
  chooseLang,
  renderMessagePage,
  renderSurveyPage,
  SURVEY_CSP,
  type SurveyPageModel,
} from './core/render/survey-page.ts';
import {
  checkDraft,
  type FieldError,
  questionnaireFor,
  readFormSubmission,
  readJsonSubmission,
  type SubmissionInput,
  validateAnswers,
  validateProblems,
} from './core/responses/answers.ts';
import { readRequestBody } from './edge/http/request-body.ts';
import { STRICT_TRANSPORT_SECURITY } from './edge/http/security-headers.ts';
import { isTransient } from './core/errors.ts';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 64 * 1024;

type Result = APIGatewayProxyStructuredResultV2;

const SECURITY_HEADERS = {
  'strict-transport-security': STRICT_TRANSPORT_SECURITY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};
const JSON_CSP = "default-src 'none'; frame-ancestors 'none'";

const langOf = (event: APIGatewayProxyEventV2): Lang =>
  chooseLang(event.queryStringParameters?.lang, event.headers['accept-language']);

const wantsJson = (event: APIGatewayProxyEventV2) =>
  (event.headers['content-type'] ?? '').includes('application/json') ||
  ((event.headers.accept ?? '').includes('application/json') && !(event.headers.accept ?? '').includes('text/html'));

const html = (statusCode: number, body: string, extra: Record<string, string> = {}): Result => ({
  statusCode,
  headers: {
    ...SECURITY_HEADERS,
    'content-security-policy': SURVEY_CSP,
    'content-type': 'text/html; charset=utf-8',
    ...extra,
  },
  body,
});
const json = (statusCode: number, body: unknown, extra: Record<string, string> = {}): Result => ({
  statusCode,
  headers: {
    ...SECURITY_HEADERS,
    'content-security-policy': JSON_CSP,
    'content-type': 'application/json; charset=utf-8',
    ...extra,
  },
  body: JSON.stringify(body),
});
const seeOther = (location: string): Result => ({
  statusCode: 303,
  headers: { ...SECURITY_HEADERS, 'content-security-policy': JSON_CSP, location },
  body: '',
});

const text = (zh: string, en: string): LocalizedText => ({ zh, en });
const MESSAGES = {
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
type MessageKey = keyof typeof MESSAGES;

const problem = (
  event: APIGatewayProxyEventV2,
  status: number,
  key: MessageKey,
  extra: Record<string, string> = {},
  errors?: readonly FieldError[],
): Result => {
  const [title, message] = MESSAGES[key];
  const lang = langOf(event);
  if (wantsJson(event))
    return json(status, { error: key, message: message[lang], ...(errors ? { errors } : {}) }, extra);
  const detail = errors?.length
    ? text(
        `${message.zh}（${errors.map((e) => `${e.field}：${e.message.zh}`).join('；')}）`,
        `${message.en} (${errors.map((e) => `${e.field}: ${e.message.en}`).join('; ')})`,
      )
    : message;
  return html(status, renderMessagePage(lang, title, detail), extra);
};

/** 410 for an expired link: it says so and whom to ask, in both languages (the chosen one first). */
const expired = (event: APIGatewayProxyEventV2, error: LinkExpired): Result => {
  const { title, message } = expiredLinkMessage('survey', error);
  const lang = langOf(event);
  if (wantsJson(event))
    return json(410, {
      error: 'expired',
      message: `${message.zh} ${message.en}`,
      contact: error.contact,
      expiredAt: error.expiry,
    });
  const both = (t: LocalizedText): LocalizedText => ({ zh: `${t.zh} ${t.en}`, en: `${t.en} ${t.zh}` });
  return html(410, renderMessagePage(lang, both(title), both(message)));
};

// Questionnaires and centers are frozen at Prepare: kept per container.
const questionnaires = containerCache<Questionnaire>();
const centers = containerCache<Center | undefined>();

// The campaign's status and deadline are read at most once per CAMPAIGN_CACHE_SECONDS per container:
// a submission then costs one write. A close takes effect everywhere within that time, and the
// workflow waits it out before Score (SettleSubmissions) so every submission answered with 2xx is scored.
const campaignCacheMs =
  readEnv('CAMPAIGN_CACHE_SECONDS', z.coerce.number().min(0).max(60).default(DEFAULT_CAMPAIGN_CACHE_SECONDS)) * 1000;
const metas = containerCache<CampaignMeta>(campaignCacheMs);

const tokenOf = (event: APIGatewayProxyEventV2) => event.pathParameters?.token ?? '';

// A token's assignment never changes after Prepare: known tokens are remembered per container
// (bounded), so an edit costs no lookup. Unknown tokens are not remembered.
const TOKEN_CACHE_SIZE = 20_000;
const knownTokens = new Map<string, TokenRecord>();

const resolveToken = async (event: APIGatewayProxyEventV2): Promise<TokenRecord | undefined> => {
  const token = tokenOf(event);
  // A malformed token is answered exactly like an unknown one.
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const hash = hashToken(token);
  const known = knownTokens.get(hash);
  if (known) return known;
  const record = await store.assignments.getToken(hash);
  if (record) {
    if (knownTokens.size >= TOKEN_CACHE_SIZE) knownTokens.delete(knownTokens.keys().next().value ?? '');
    knownTokens.set(hash, record);
  }
  return record;
};

/** A response returned to its supervisor in review: open again until the review window ends. */
interface Returned {
  comment: string;
  until: string;
}

/**
 * Whether the supervisor may write: while the campaign collects answers, or, in review, when a
 * reviewer returned their latest response for correction (until the window ends or review finishes).
 * A response returned on its latest version carries the reviewer's comment either way.
 */
const writableFor = async (
  meta: CampaignMeta,
  token: TokenRecord,
  latest: ResponseRecord | undefined,
  now: Date,
): Promise<{ open: boolean; returned?: Returned }> => {
  const open = collecting(meta, now);
  const until = correctionUntil(meta, now);
  if (!until || !latest) return { open };
  const review = await store.reviews.getReview(token.campaignId, token.id);
  return review?.status === 'returned' && review.version === latest.version
    ? { open: true, returned: { comment: review.comment, until } }
    : { open };
};

const loadContext = async (token: TokenRecord) => {
  const [meta, questionnaire, center] = await Promise.all([
    metas(token.campaignId, () => store.campaigns.getMeta(token.campaignId)),
    // Re-check questions are asked only at their own center.
    questionnaires(token.campaignId, () => store.rosters.getQuestionnaire(token.campaignId)).then((q) =>
      questionnaireFor(q, token.centerId),
    ),
    centers(`${token.campaignId}/${token.centerId}`, () => store.rosters.getCenter(token.campaignId, token.centerId)),
  ]);
  if (!center) throw new CampaignNotFound(`center ${token.centerId} missing`);
  // Past its lifetime the link opens nothing, for reading or writing.
  checkLinkAlive(surveyLinkExpiry(meta), meta.campaign.organizers, new Date());
  return { meta, questionnaire, center };
};
type Context = Awaited<ReturnType<typeof loadContext>>;

const pageModel = (
  event: APIGatewayProxyEventV2,
  token: TokenRecord,
  ctx: Context,
  state: Pick<SurveyPageModel, 'view' | 'answers' | 'problems' | 'errors'> &
    Partial<Pick<SurveyPageModel, 'latest' | 'versions' | 'draftSavedAt' | 'notice'>>,
): SurveyPageModel => ({
  lang: langOf(event),
  campaign: ctx.meta.campaign,
  window: { opens: ctx.meta.campaign.schedule.opens, deadline: ctx.meta.deadline },
  center: ctx.center,
  activity: token.activity,
  questionnaire: ctx.questionnaire,
  submissionId: randomUUID(),
  openedAt: new Date().toISOString(),
  token: tokenOf(event),
  ...state,
});

const PageQuery = z.object({
  view: z.enum(['confirmation']).optional().catch(undefined),
  draft: z.enum(['saved']).optional().catch(undefined),
});

/** GET /s/{token}: the questionnaire with the newest draft or answers; confirmation; read-only once closed. */
export const showSurvey = async (event: APIGatewayProxyEventV2): Promise<Result> => {
  const token = await resolveToken(event);
  if (!token) return problem(event, 404, 'notFound');
  const ctx = await loadContext(token);
  const [latest, draft] = await Promise.all([
    store.responses.getLatestResponse(token),
    store.responses.getDraft(token),
  ]);
  const { open, returned } = await writableFor(ctx.meta, token, latest, new Date());
  // A draft counts only while it is newer than the latest submission.
  const liveDraft = open && draft && (!latest || draft.savedAt > latest.submittedAt) ? draft : undefined;
  if (wantsJson(event)) {
    return json(200, {
      campaign: ctx.meta.campaign.title,
      center: { id: ctx.center.id, name: ctx.center.name, level: ctx.center.level, address: ctx.center.address },
      activity: token.activity,
      window: { opens: ctx.meta.campaign.schedule.opens, deadline: ctx.meta.deadline },
      deadline: ctx.meta.deadline,
      open,
      questionnaire: ctx.questionnaire,
      answers: latest?.answers ?? {},
      problems: latest?.problems ?? [],
      version: latest?.version ?? 0,
      ...(liveDraft ? { draft: liveDraft } : {}),
    });
  }
  const query = PageQuery.parse(event.queryStringParameters ?? {});
  const view = !open ? 'closed' : query.view === 'confirmation' && latest ? 'confirmation' : 'form';
  const versions =
    view === 'form'
      ? undefined
      : (await store.responses.listResponseVersions(token)).map((v) => ({
          version: v.version,
          submittedAt: v.submittedAt,
        }));
  const shown =
    liveDraft && view === 'form' ? liveDraft : { answers: latest?.answers ?? {}, problems: latest?.problems ?? [] };
  return html(
    200,
    renderSurveyPage(
      pageModel(event, token, ctx, {
        view,
        answers: shown.answers,
        problems: shown.problems,
        errors: [],
        latest: latest ? { version: latest.version, submittedAt: latest.submittedAt } : undefined,
        versions,
        draftSavedAt: liveDraft && view === 'form' ? liveDraft.savedAt : undefined,
        notice: query.draft === 'saved' && view === 'form' ? 'draft-saved' : undefined,
        ...(returned ? { returned } : {}),
      }),
    ),
  );
};

type BodyResult =
  | { ok: true; input: SubmissionInput; json: boolean }
  | { ok: false; status: 400 | 413 | 415; key: MessageKey; errors?: FieldError[] };

/**
 * Reads a form or JSON body strictly: UTF-8 only, at most 64 KB, no duplicate fields or JSON keys,
 * answers as flat values. Says what is wrong otherwise.
 */
export const readSubmissionBody = (
  event: APIGatewayProxyEventV2,
  accept: 'form-or-json' | 'json' = 'form-or-json',
): BodyResult => {
  const read = readRequestBody(
    { contentType: event.headers['content-type'], body: event.body, isBase64Encoded: event.isBase64Encoded },
    { maxBytes: MAX_BODY_BYTES, form: accept === 'form-or-json' },
  );
  if (!read.ok) {
    if (read.problem === 'unsupported') return { ok: false, status: 415, key: 'unsupported' };
    if (read.problem === 'tooLarge') return { ok: false, status: 413, key: 'tooLarge' };
    if (read.problem === 'duplicateKey') {
      return {
        ok: false,
        status: 400,
        key: 'duplicateKey',
        errors: [{ field: read.key.slice(0, 64), message: text('字段重复出现', 'appears more than once') }],
      };
    }
    return { ok: false, status: 400, key: read.problem };
  }
  const input = read.kind === 'form' ? readFormSubmission(read.fields) : readJsonSubmission(read.value);
  return input.ok
    ? { ok: true, input: input.input, json: read.kind === 'json' }
    : { ok: false, status: 400, key: 'invalid', errors: input.errors };
};

const Intent = z.union([z.enum(['submit', 'draft', 'add-problem']), z.string().regex(/^remove-problem-\d{1,2}$/)]);

const invalid = (
  event: APIGatewayProxyEventV2,
  token: TokenRecord,
  ctx: Context,
  input: SubmissionInput,
  errors: FieldError[],
): Result => {
  if (wantsJson(event)) {
    const lang = langOf(event);
    return json(400, {
      error: 'invalid',
      message:
        lang === 'zh'
          ? `有 ${errors.length} 处需要修改，答卷未保存。`
          : `${errors.length} answers need attention; nothing was saved.`,
      errors,
    });
  }
  return html(
    400,
    renderSurveyPage(
      pageModel(event, token, ctx, { view: 'form', answers: input.answers, problems: input.problems, errors }),
    ),
  );
};

/** Saves a draft; a form post comes back to the page (no script needed), a JSON call gets the time saved. */
const saveDraft = async (
  event: APIGatewayProxyEventV2,
  token: TokenRecord,
  ctx: Context,
  input: SubmissionInput,
  intent: string,
  now: Date,
): Promise<Result> => {
  const remove = /^remove-problem-(\d+)$/.exec(intent);
  const problems = remove ? input.problems.filter((_, i) => i !== Number(remove[1])) : input.problems;
  const checked = checkDraft(
    ctx.questionnaire,
    token.activity,
    { answers: input.answers, problems },
    now.toISOString(),
  );
  if (!checked.ok) return invalid(event, token, ctx, input, checked.errors);
  await store.responses.saveDraft(token, checked.draft);
  if (wantsJson(event)) return json(200, { saved: 'draft', savedAt: checked.draft.savedAt });
  const anchor = intent === 'add-problem' ? `#p${checked.draft.problems.length}-category` : remove ? '#problems' : '';
  return seeOther(`${tokenOf(event)}?lang=${langOf(event)}&draft=saved${anchor}`);
};

/** The body, link and campaign of a write (submission or draft), or the answer refusing it. */
const openWrite = async (
  event: APIGatewayProxyEventV2,
  accept: 'form-or-json' | 'json',
): Promise<
  { refused: Result } | { body: Extract<BodyResult, { ok: true }>; token: TokenRecord; ctx: Context; now: Date }
> => {
  const body = readSubmissionBody(event, accept);
  if (!body.ok) return { refused: problem(event, body.status, body.key, {}, body.errors) };
  const token = await resolveToken(event);
  if (!token) return { refused: problem(event, 404, 'notFound') };
  const ctx = await loadContext(token);
  const now = new Date();
  const open =
    collecting(ctx.meta, now) ||
    (await writableFor(ctx.meta, token, await store.responses.getLatestResponse(token), now)).open;
  if (!open) return { refused: problem(event, 410, 'closed') };
  return { body, token, ctx, now };
};

/** Seconds since the page was served, when its time is plausible (not in the future, under a week). */
const secondsSpent = (openedAt: string | undefined, now: Date): { secondsSpent?: number } => {
  if (openedAt === undefined) return {};
  const seconds = Math.floor((now.getTime() - Date.parse(openedAt)) / 1000);
  return seconds >= 0 && seconds < 7 * 86_400 ? { secondsSpent: seconds } : {};
};

/** POST /s/{token}: stores a new version of the answers, or a draft. */
export const submitSurvey = async (event: APIGatewayProxyEventV2): Promise<Result> => {
  const write = await openWrite(event, 'form-or-json');
  if ('refused' in write) return write.refused;
  const { body, token, ctx, now } = write;
  const intent = Intent.safeParse(body.input.intent ?? 'submit');
  if (!intent.success)
    return problem(event, 400, 'invalid', {}, [
      { field: 'intent', message: text('未知操作', 'is not a known action') },
    ]);
  if (intent.data !== 'submit') return saveDraft(event, token, ctx, body.input, intent.data, now);

  const answers = validateAnswers(ctx.questionnaire, token.activity, body.input.answers);
  const problems = validateProblems(body.input.problems);
  if (!answers.ok || !problems.ok) {
    return invalid(event, token, ctx, body.input, [
      ...(answers.ok ? [] : answers.errors),
      ...(problems.ok ? [] : problems.errors),
    ]);
  }
  const submissionId = body.input.submissionId ?? randomUUID();
  const saved = await store.responses.saveResponse(token, {
    submissionId,
    answers: answers.answers,
    problems: problems.problems,
    submittedAt: now.toISOString(),
    ...secondsSpent(body.input.openedAt, now),
  });
  // The draft stays: the page shows a draft only when it is newer than the latest submission.
  // Counting the first answer, and waking the workflow after the last one, follow from the table's
  // stream (`count-answers.ts`): a submission is this one write.
  if (wantsJson(event)) return json(200, { saved: true, version: saved.version, deadline: ctx.meta.deadline });
  return seeOther(`${tokenOf(event)}?lang=${langOf(event)}&view=confirmation`);
};

/** PUT /s/{token}/draft: saves the answers typed so far (JSON), as the page's script does while the supervisor works. */
export const putDraft = async (event: APIGatewayProxyEventV2): Promise<Result> => {
  const write = await openWrite(event, 'json');
  if ('refused' in write) return write.refused;
  return saveDraft(event, write.token, write.ctx, write.body.input, 'draft', write.now);
};

/** Routes a survey request; maps named errors to statuses without exposing internals. */
export const routeSurvey = async (event: APIGatewayProxyEventV2): Promise<Result> => {
  try {
    const method = event.requestContext.http.method;
    const sub = event.pathParameters?.proxy;
    if (sub === undefined) {
      if (method === 'GET' || method === 'HEAD') return await showSurvey(event);
      if (method === 'POST') return await submitSurvey(event);
      return problem(event, 405, 'methodNotAllowed', { allow: 'GET, HEAD, POST' });
    }
    if (sub === 'draft') {
      if (method === 'PUT' || method === 'POST') return await putDraft(event);
      return problem(event, 405, 'methodNotAllowed', { allow: 'PUT, POST' });
    }
    return problem(event, 404, 'notFound');
  } catch (error) {
    if (error instanceof CampaignNotFound) return problem(event, 404, 'notFound');
    if (error instanceof LinkExpired) return expired(event, error);
    if (error instanceof ConcurrentUpdate) return problem(event, 409, 'conflict');
    if (error instanceof ResponseHistoryFull) return problem(event, 409, 'historyFull');
    const name = error instanceof Error ? error.name : '';
    if (isTransient(error)) return problem(event, 503, 'busy', { 'retry-after': '5' });
    logger.error('survey request failed', { error: name });
    return problem(event, 500, 'failed');
  }
};

/** Lambda entry point of the survey HTTP API. */
export const handler = middy<APIGatewayProxyEventV2, Result>()
  .use(withLambdaContext())
  .handler((event) => routeSurvey(event));
