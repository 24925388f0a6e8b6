import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { type CampaignMeta, CampaignNotFound, ConcurrentUpdate, type TokenRecord } from './adapters/store.ts';
import { store } from './adapters/table.ts';
import { wakeCollect } from './adapters/workflow.ts';
import { type FieldError, RawSubmission, validateAnswers } from './core/answers.ts';
import type { Lang } from './core/i18n.ts';
import { hashToken, TOKEN_PATTERN } from './core/links.ts';
import type { Center, LocalizedText, Questionnaire } from './core/model.ts';
import { renderMessagePage, renderSurveyPage } from './core/survey-page.ts';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 64 * 1024;

type Result = APIGatewayProxyStructuredResultV2;

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const LangParam = z.enum(['zh', 'en']);

const chooseLang = (event: APIGatewayProxyEventV2): Lang => {
  const q = LangParam.safeParse(event.queryStringParameters?.lang);
  if (q.success) return q.data;
  const accept = event.headers['accept-language'] ?? '';
  return /^\s*en\b/i.test(accept) ? 'en' : 'zh';
};

const wantsJson = (event: APIGatewayProxyEventV2) =>
  (event.headers['content-type'] ?? '').includes('application/json') ||
  ((event.headers.accept ?? '').includes('application/json') && !(event.headers.accept ?? '').includes('text/html'));

const html = (statusCode: number, body: string, extra: Record<string, string> = {}): Result => ({
  statusCode,
  headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', ...extra },
  body,
});
const json = (statusCode: number, body: unknown, extra: Record<string, string> = {}): Result => ({
  statusCode,
  headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', ...extra },
  body: JSON.stringify(body),
});

const text = (zh: string, en: string): LocalizedText => ({ zh, en });
const MESSAGES = {
  notFound: [text('链接无效', 'Link not found'), text('此问卷链接无效或已失效。请使用邀请邮件中的链接。', 'This questionnaire link is not valid. Please use the link in your invitation email.')],
  closed: [text('督查活动已结束', 'Campaign closed'), text('本次督查活动已结束，不再接受答卷。', 'This campaign has closed and no longer accepts answers.')],
  tooLarge: [text('提交内容过大', 'Submission too large'), text(`提交内容不能超过 ${MAX_BODY_BYTES / 1024} KB。`, `A submission may be at most ${MAX_BODY_BYTES / 1024} KB.`)],
  unsupported: [text('格式不受支持', 'Unsupported format'), text('请以表单或 JSON 格式提交。', 'Submit as a form (application/x-www-form-urlencoded) or as JSON (application/json).')],
  malformed: [text('提交内容无法解析', 'Malformed submission'), text('提交内容无法解析，请重新提交。', 'The submission could not be read; please submit again.')],
  busy: [text('系统繁忙', 'Busy'), text('系统暂时繁忙，您的答卷未保存，请稍后重试。', 'The service is busy; your answers were not saved. Please try again shortly.')],
  conflict: [text('请重试', 'Please retry'), text('答卷正在被同时修改，请重新提交。', 'These answers are being edited elsewhere at the same time; please submit again.')],
  failed: [text('出错了', 'Something went wrong'), text('服务出现错误，您的答卷未保存，请稍后重试。', 'Something went wrong and your answers were not saved. Please try again later.')],
  methodNotAllowed: [text('不支持的请求', 'Method not allowed'), text('请使用邀请邮件中的链接打开问卷。', 'Open the questionnaire with the link in your invitation email.')],
} as const;

const problem = (event: APIGatewayProxyEventV2, status: number, key: keyof typeof MESSAGES, extra: Record<string, string> = {}): Result => {
  const [title, message] = MESSAGES[key];
  const lang = chooseLang(event);
  return wantsJson(event)
    ? json(status, { error: key, message: message[lang] }, extra)
    : html(status, renderMessagePage(lang, title, message), extra);
};

// Questionnaires and centers are frozen at Prepare: cache them per container.
const questionnaires = new Map<string, Promise<Questionnaire>>();
const centers = new Map<string, Promise<Center | undefined>>();
const cached = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
  let hit = cache.get(key);
  if (!hit) {
    hit = load();
    cache.set(key, hit);
    hit.catch(() => cache.delete(key));
  }
  return hit;
};

const resolveToken = async (event: APIGatewayProxyEventV2): Promise<TokenRecord | undefined> => {
  const token = event.pathParameters?.token ?? '';
  // A malformed token is answered exactly like an unknown one.
  if (!TOKEN_PATTERN.test(token)) return undefined;
  return store.getToken(hashToken(token));
};

const isOpen = (meta: CampaignMeta, now: Date) => meta.status === 'open' && !meta.closeRequested && now.getTime() < Date.parse(meta.deadline);

const loadContext = async (token: TokenRecord) => {
  const [meta, questionnaire, center] = await Promise.all([
    store.getMeta(token.campaignId),
    cached(questionnaires, token.campaignId, () => store.getQuestionnaire(token.campaignId)),
    cached(centers, `${token.campaignId}/${token.centerId}`, () => store.getCenter(token.campaignId, token.centerId)),
  ]);
  if (!center) throw new CampaignNotFound(`center ${token.centerId} missing`);
  return { meta, questionnaire, center };
};

const pageFor = (
  event: APIGatewayProxyEventV2,
  token: TokenRecord,
  ctx: Awaited<ReturnType<typeof loadContext>>,
  state: { answers: Record<string, unknown>; errors: FieldError[]; savedVersion?: number; open: boolean },
) =>
  renderSurveyPage({
    lang: chooseLang(event),
    campaign: ctx.meta.campaign,
    center: ctx.center,
    activity: token.activity,
    questionnaire: ctx.questionnaire,
    deadline: ctx.meta.deadline,
    answers: state.answers as Record<string, string | number | boolean | null>,
    errors: state.errors,
    mode: state.open ? 'open' : 'closed',
    savedVersion: state.savedVersion,
    submissionId: randomUUID(),
    actionPath: event.rawPath,
  });

/** GET /s/{token}: the questionnaire, pre-filled with the latest answers; read-only once closed. */
export const showSurvey = async (event: APIGatewayProxyEventV2): Promise<Result> => {
  const token = await resolveToken(event);
  if (!token) return problem(event, 404, 'notFound');
  const ctx = await loadContext(token);
  const latest = await store.getLatestResponse(token);
  const open = isOpen(ctx.meta, new Date());
  if (wantsJson(event)) {
    return json(200, {
      campaign: ctx.meta.campaign.title,
      center: { id: ctx.center.id, name: ctx.center.name, level: ctx.center.level, address: ctx.center.address },
      activity: token.activity,
      deadline: ctx.meta.deadline,
      open,
      questionnaire: ctx.questionnaire,
      answers: latest?.answers ?? {},
      version: latest?.version ?? 0,
    });
  }
  return html(200, pageFor(event, token, ctx, { answers: latest?.answers ?? {}, errors: [], open }));
};

/** Parses a form or JSON body into a flat submission, or says what is wrong with it. */
export const parseBody = (
  event: APIGatewayProxyEventV2,
): { ok: true; raw: RawSubmission } | { ok: false; status: 400 | 413 | 415; key: 'tooLarge' | 'unsupported' | 'malformed'; errors?: FieldError[] } => {
  const type = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/x-www-form-urlencoded' && type !== 'application/json') return { ok: false, status: 415, key: 'unsupported' };
  const bytes = event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > MAX_BODY_BYTES) return { ok: false, status: 413, key: 'tooLarge' };
  let body: string;
  try {
    body = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, status: 400, key: 'malformed' };
  }
  if (type === 'application/json') {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return { ok: false, status: 400, key: 'malformed' };
    }
    const parsed = RawSubmission.safeParse(value);
    return parsed.success ? { ok: true, raw: parsed.data } : { ok: false, status: 400, key: 'malformed' };
  }
  const raw: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const [key, value] of new URLSearchParams(body)) {
    if (key in raw) errors.push({ field: key, message: text('字段重复提交', 'was given more than once') });
    raw[key] = value;
  }
  if (errors.length > 0) return { ok: false, status: 400, key: 'malformed', errors };
  const parsed = RawSubmission.safeParse(raw);
  return parsed.success ? { ok: true, raw: parsed.data } : { ok: false, status: 400, key: 'malformed' };
};

const SubmissionId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/);

/** POST /s/{token}: validates and stores a new version of the answers; the last answer wakes the workflow. */
export const submitSurvey = async (event: APIGatewayProxyEventV2): Promise<Result> => {
  const body = parseBody(event);
  if (!body.ok) {
    if (body.errors) return wantsJson(event) ? json(400, { error: 'invalid', errors: body.errors }) : problem(event, 400, body.key);
    return problem(event, body.status, body.key);
  }
  const token = await resolveToken(event);
  if (!token) return problem(event, 404, 'notFound');
  const ctx = await loadContext(token);
  const now = new Date();
  if (!isOpen(ctx.meta, now)) return problem(event, 410, 'closed');
  const { submissionId: rawSubmissionId, lang: _lang, ...answersRaw } = body.raw;
  const checked = validateAnswers(ctx.questionnaire, token.activity, answersRaw);
  if (!checked.ok) {
    if (wantsJson(event)) return json(400, { error: 'invalid', errors: checked.errors });
    return html(400, pageFor(event, token, ctx, { answers: answersRaw, errors: checked.errors, open: true }));
  }
  const submissionId = SubmissionId.safeParse(rawSubmissionId).success ? String(rawSubmissionId) : randomUUID();
  const saved = await store.saveResponse(token, { submissionId, answers: checked.answers, submittedAt: now.toISOString() });
  if (saved.first || saved.duplicate) {
    const counts = await store.markAnswered(token, now.toISOString());
    if (counts && counts.status === 'open' && counts.answered >= counts.total && counts.taskToken) {
      await wakeCollect(counts.taskToken, { reason: 'complete', at: now.toISOString() });
    }
  }
  if (wantsJson(event)) return json(200, { saved: true, version: saved.version, deadline: ctx.meta.deadline });
  return html(200, pageFor(event, token, ctx, { answers: checked.answers, errors: [], savedVersion: saved.version, open: true }));
};

const UNAVAILABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'ECONNREFUSED',
  'ECONNRESET',
]);

/** Routes a survey request; maps named errors to statuses without exposing internals. */
export const routeSurvey = async (event: APIGatewayProxyEventV2): Promise<Result> => {
  try {
    const method = event.requestContext.http.method;
    if (method === 'GET' || method === 'HEAD') return await showSurvey(event);
    if (method === 'POST') return await submitSurvey(event);
    return problem(event, 405, 'methodNotAllowed', { allow: 'GET, POST' });
  } catch (error) {
    if (error instanceof CampaignNotFound) return problem(event, 404, 'notFound');
    if (error instanceof ConcurrentUpdate) return problem(event, 409, 'conflict');
    const name = error instanceof Error ? error.name : '';
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    if (UNAVAILABLE.has(name) || UNAVAILABLE.has(code)) return problem(event, 503, 'busy', { 'retry-after': '5' });
    console.error(JSON.stringify({ level: 'ERROR', message: 'survey request failed', error: name }));
    return problem(event, 500, 'failed');
  }
};

/** Lambda entry point of the survey HTTP API. */
export const handler = middy<APIGatewayProxyEventV2, Result>().handler((event) => routeSurvey(event));
