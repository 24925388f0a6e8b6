import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { logger, withLambdaContext } from './adapters/logger.ts';
import type { RectificationLink } from './adapters/table/rectification.ts';
import { store } from './adapters/table.ts';
import { disputeWindowOpen, raiseDispute } from './app/disputes.ts';
import type { CampaignMeta } from './core/campaign/lifecycle.ts';
import {
  checkLinkAlive,
  expiredLinkMessage,
  LinkExpired,
  rectificationLinkExpiry,
} from './core/campaign/link-lifetime.ts';
import { hashToken, TOKEN_PATTERN } from './core/campaign/links.ts';
import { chinaDate } from './core/campaign/working-days.ts';
import { CampaignNotFound, ConcurrentUpdate, isTransient } from './core/errors.ts';
import { DisputeInput, MAX_DISPUTE_REASON } from './core/findings/fact-check.ts';
import {
  ItemAlreadyConfirmed,
  MAX_FIX_NOTE,
  officialItem,
  type RectificationItem,
  reportFixed,
} from './core/findings/rectification.ts';
import { Id, type LocalizedText } from './core/model.ts';
import {
  type FactCheckSection,
  RECTIFICATION_CSP,
  renderRectificationMessage,
  renderRectificationPage,
} from './core/render/rectification-page.ts';
import { hasControlCharacters, normalizeText } from './core/responses/text-guard.ts';
import { readRequestBody } from './edge/http/request-body.ts';
import { STRICT_TRANSPORT_SECURITY } from './edge/http/security-headers.ts';

/** Largest request body accepted: one note of 1,000 characters fits many times over. */
export const MAX_REPORT_BYTES = 16 * 1024;

type Result = APIGatewayProxyStructuredResultV2;

const SECURITY_HEADERS = {
  'content-security-policy': RECTIFICATION_CSP,
  'strict-transport-security': STRICT_TRANSPORT_SECURITY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
};

const text = (zh: string, en: string): LocalizedText => ({ zh, en });
const MESSAGES = {
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
type MessageKey = keyof typeof MESSAGES;

const wantsJson = (event: APIGatewayProxyEventV2) =>
  (event.headers['content-type'] ?? '').toLowerCase().startsWith('application/json') ||
  (event.headers.accept ?? '').toLowerCase().startsWith('application/json');

const respond = (
  event: APIGatewayProxyEventV2,
  statusCode: number,
  key: MessageKey,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Result => {
  const [title, message] = MESSAGES[key];
  if (wantsJson(event)) {
    return {
      statusCode,
      headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', ...headers },
      body: JSON.stringify({ error: key, message: `${message.zh} ${message.en}`, ...extra }),
    };
  }
  return {
    statusCode,
    headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', ...headers },
    body: renderRectificationMessage(title, message),
  };
};

/** 410 for an expired link: it says so and whom to ask, in Chinese and English. */
const expired = (event: APIGatewayProxyEventV2, error: LinkExpired): Result => {
  const { title, message } = expiredLinkMessage('rectification', error);
  if (wantsJson(event)) {
    return {
      statusCode: 410,
      headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({
        error: 'expired',
        message: `${message.zh} ${message.en}`,
        contact: error.contact,
        expiredAt: error.expiry,
      }),
    };
  }
  return {
    statusCode: 410,
    headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' },
    body: renderRectificationMessage(title, message),
  };
};

const tokenOf = (event: APIGatewayProxyEventV2) => event.pathParameters?.token ?? '';

const resolve = async (event: APIGatewayProxyEventV2): Promise<RectificationLink | undefined> => {
  const token = tokenOf(event);
  // A malformed token is answered exactly like an unknown one.
  if (!TOKEN_PATTERN.test(token)) return undefined;
  return store.rectification.getRectificationLink(hashToken(token));
};

/** What a link opens: its campaign and its center's items; LinkExpired once past its lifetime. */
interface LinkState {
  meta: CampaignMeta;
  items: RectificationItem[];
}

const openLink = async (link: RectificationLink): Promise<LinkState> => {
  const [meta, items] = await Promise.all([
    store.campaigns.getMeta(link.campaignId),
    store.rectification.listRectificationItems(link.series, link.centerId),
  ]);
  checkLinkAlive(rectificationLinkExpiry(meta, items), meta.campaign.organizers, new Date());
  return { meta, items };
};

const loadPage = async (link: RectificationLink, extra: Partial<FactCheckSection> = {}) => {
  const [{ meta, items }, center] = await Promise.all([
    openLink(link),
    store.rosters.getCenter(link.campaignId, link.centerId),
  ]);
  if (!center) throw new CampaignNotFound(`center ${link.centerId} missing`);
  let factCheck: FactCheckSection | undefined;
  if (meta.status === 'fact-checking' && meta.factCheckUntil) {
    const [findings, disputes] = await Promise.all([
      store.factCheck.listFactCheckItems(link.campaignId, link.centerId),
      store.factCheck.listDisputes(link.campaignId, link.centerId),
    ]);
    factCheck = {
      items: findings,
      disputes: new Map(disputes.map((d) => [d.itemId, d])),
      until: meta.factCheckUntil,
      open: Date.now() < Date.parse(meta.factCheckUntil) && !meta.factCheckFinished,
      ...extra,
    };
  }
  return { campaign: meta.campaign, center, items, factCheck };
};

const DISPUTE_MESSAGES: Record<string, LocalizedText> = {
  'explain in a few words why the finding is wrong': text(
    '请说明该结论不符的理由。',
    'Explain in a few words why the finding is wrong.',
  ),
  [`at most ${MAX_DISPUTE_REASON} characters`]: text(
    `申诉理由不能超过 ${MAX_DISPUTE_REASON} 个字。`,
    `At most ${MAX_DISPUTE_REASON} characters.`,
  ),
  'contains invalid characters': text('申诉理由包含无效字符。', 'The reason contains invalid characters.'),
};

/** POST /r/{token} with intent=dispute: the official disputes one draft finding, once, within the window. */
const disputeFinding = async (
  event: APIGatewayProxyEventV2,
  link: RectificationLink,
  fields: unknown,
): Promise<Result> => {
  const meta = await store.campaigns.getMeta(link.campaignId);
  const now = new Date();
  if (!disputeWindowOpen(meta, now)) return respond(event, 409, 'disputeClosed');
  const parsed = DisputeInput.safeParse(fields);
  const raw = typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>) : {};
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message =
      (issue && DISPUTE_MESSAGES[issue.message]) ??
      text('请检查填写的内容。', issue?.message ?? 'Please check what you entered.');
    if (wantsJson(event)) {
      return respond(event, 400, 'invalid', {
        errors: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })),
      });
    }
    const itemId = typeof raw.item === 'string' ? raw.item : '';
    const reason = typeof raw.reason === 'string' ? raw.reason.slice(0, MAX_DISPUTE_REASON * 2) : '';
    const page = await loadPage(link, { error: { itemId, reason, message } });
    return html(400, renderRectificationPage({ ...page, today: chinaDate(new Date()), token: tokenOf(event) }));
  }
  const outcome = await raiseDispute(store, { meta, centerId: link.centerId, input: parsed.data, at: now });
  if (outcome.kind === 'window-closed') return respond(event, 409, 'disputeClosed');
  if (outcome.kind === 'item-not-found') return respond(event, 404, 'itemNotFound');
  if (outcome.kind === 'already-disputed') return respond(event, 409, 'disputed');
  const { item, at } = outcome;
  if (wantsJson(event)) {
    return {
      statusCode: 201,
      headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ item: item.id, state: 'open', at }),
    };
  }
  return {
    statusCode: 303,
    headers: {
      ...SECURITY_HEADERS,
      location: `${tokenOf(event)}?disputed=${encodeURIComponent(item.id)}#finding-${item.id}`,
    },
    body: '',
  };
};

const Query = z.object({
  done: Id.optional().catch(undefined),
  disputed: z.string().max(200).optional().catch(undefined),
});

/** A report of one item fixed, with what was done. */
export const FixReport = z.strictObject(
  {
    item: Id,
    note: z
      .string({ message: 'note must be text' })
      .transform((s) => normalizeText(s).trim())
      .pipe(
        z
          .string()
          .min(1, 'describe what was done')
          .max(MAX_FIX_NOTE, `at most ${MAX_FIX_NOTE} characters`)
          .refine((s) => !hasControlCharacters(s), 'contains invalid characters'),
      ),
  },
  { message: 'send {"item": "<item id>", "note": "<what was done>"}' },
);
export type FixReport = z.infer<typeof FixReport>;

const NOTE_MESSAGES: Record<string, LocalizedText> = {
  'describe what was done': text('请填写整改说明。', 'Describe what was done.'),
  [`at most ${MAX_FIX_NOTE} characters`]: text(
    `整改说明不能超过 ${MAX_FIX_NOTE} 个字。`,
    `At most ${MAX_FIX_NOTE} characters.`,
  ),
  'contains invalid characters': text('整改说明包含无效字符。', 'The note contains invalid characters.'),
};

type Body =
  | { ok: true; fields: unknown; raw: { item?: string; note?: string } }
  | { ok: false; status: 400 | 413 | 415; key: MessageKey };

/** Reads a form or JSON body strictly: UTF-8, at most 16 KB, no field given twice. */
export const readReportBody = (event: APIGatewayProxyEventV2): Body => {
  const read = readRequestBody(
    { contentType: event.headers['content-type'], body: event.body, isBase64Encoded: event.isBase64Encoded },
    { maxBytes: MAX_REPORT_BYTES, form: true },
  );
  if (!read.ok) {
    if (read.problem === 'unsupported') return { ok: false, status: 415, key: 'unsupported' };
    if (read.problem === 'tooLarge') return { ok: false, status: 413, key: 'tooLarge' };
    return { ok: false, status: 400, key: 'invalid' };
  }
  if (read.kind === 'form') {
    if (new Set(read.fields.map(([k]) => k)).size !== read.fields.length)
      return { ok: false, status: 400, key: 'invalid' };
    const record = Object.fromEntries(read.fields);
    return { ok: true, fields: record, raw: { item: record.item, note: record.note } };
  }
  const raw = typeof read.value === 'object' && read.value !== null ? (read.value as Record<string, unknown>) : {};
  return {
    ok: true,
    fields: read.value,
    raw: {
      item: typeof raw.item === 'string' ? raw.item : undefined,
      note: typeof raw.note === 'string' ? raw.note : undefined,
    },
  };
};

const html = (statusCode: number, body: string): Result => ({
  statusCode,
  headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' },
  body,
});

/** GET /r/{token}: the center's rectification items, each with a form to report it fixed. */
export const showRectification = async (event: APIGatewayProxyEventV2): Promise<Result> => {
  const link = await resolve(event);
  if (!link) return respond(event, 404, 'notFound');
  const { campaign, center, items, factCheck } = await loadPage(link);
  const today = chinaDate(new Date());
  if (wantsJson(event)) {
    return {
      statusCode: 200,
      headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' },
      // Officials see their items, never who found them nor when to the minute, in the order of their opaque ids.
      body: JSON.stringify({
        center: { id: center.id, name: center.name },
        items: [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(officialItem),
        today,
      }),
    };
  }
  const { done, disputed } = Query.parse(event.queryStringParameters ?? {});
  const page = disputed ? await loadPage(link, { disputed }) : { campaign, center, items, factCheck };
  return html(200, renderRectificationPage({ ...page, today, token: tokenOf(event), done }));
};

/** POST /r/{token}: the official reports one item fixed, with a note. */
export const reportRectification = async (event: APIGatewayProxyEventV2): Promise<Result> => {
  const body = readReportBody(event);
  if (!body.ok) return respond(event, body.status, body.key);
  const link = await resolve(event);
  if (!link) return respond(event, 404, 'notFound');
  await openLink(link);
  const intent = (body.fields as { intent?: unknown } | null)?.intent;
  if (intent === 'dispute') return disputeFinding(event, link, body.fields);
  const parsed = FixReport.safeParse(body.fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message =
      (issue && NOTE_MESSAGES[issue.message]) ??
      text('请检查填写的内容。', issue?.message ?? 'Please check what you entered.');
    if (wantsJson(event)) {
      return respond(event, 400, 'invalid', {
        errors: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })),
      });
    }
    const page = await loadPage(link);
    const itemId = body.raw.item ?? '';
    return html(
      400,
      renderRectificationPage({
        ...page,
        today: chinaDate(new Date()),
        token: tokenOf(event),
        error: { itemId, note: (body.raw.note ?? '').slice(0, MAX_FIX_NOTE * 2), message },
      }),
    );
  }
  const item = await store.rectification.getRectificationItem(link.series, link.centerId, parsed.data.item);
  if (!item) return respond(event, 404, 'itemNotFound');
  const now = new Date().toISOString();
  let next: typeof item;
  try {
    next = reportFixed(item, parsed.data.note, now);
  } catch (error) {
    if (error instanceof ItemAlreadyConfirmed) return respond(event, 409, 'confirmed');
    throw error;
  }
  await store.rectification.saveRectificationItem(next, item.revision);
  if (wantsJson(event)) {
    return {
      statusCode: 200,
      headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ item: next.id, state: next.state, reportedAt: now, dueDate: next.dueDate }),
    };
  }
  return {
    statusCode: 303,
    headers: { ...SECURITY_HEADERS, location: `${tokenOf(event)}?done=${encodeURIComponent(next.id)}#item-${next.id}` },
    body: '',
  };
};

/** Routes a rectification request; maps named errors to statuses without exposing internals. */
export const routeRectification = async (event: APIGatewayProxyEventV2): Promise<Result> => {
  try {
    const method = event.requestContext.http.method;
    if (method === 'GET' || method === 'HEAD') return await showRectification(event);
    if (method === 'POST') return await reportRectification(event);
    return respond(event, 405, 'methodNotAllowed', {}, { allow: 'GET, HEAD, POST' });
  } catch (error) {
    if (error instanceof CampaignNotFound) return respond(event, 404, 'notFound');
    if (error instanceof LinkExpired) return expired(event, error);
    if (error instanceof ConcurrentUpdate) return respond(event, 409, 'conflict');
    const name = error instanceof Error ? error.name : '';
    if (isTransient(error)) return respond(event, 503, 'busy', {}, { 'retry-after': '5' });
    logger.error('rectification request failed', { error: name });
    return respond(event, 500, 'failed');
  }
};

/** Lambda entry point of the rectification links (`/r/{token}`). */
export const handler = middy<APIGatewayProxyEventV2, Result>()
  .use(withLambdaContext())
  .handler((event) => routeRectification(event));
