import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import { hashToken } from '../../functions/core/campaign/links.ts';
import type { CampaignDefinition } from '../../functions/core/model.ts';
import { questionsFor } from '../../functions/core/responses/answers.ts';
import type { AnswerValue } from '../../functions/core/responses/response.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { closeCampaign, launchWithLinks, scanTable, surveyCampaign } from '../e2e/survey-cloud.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Bad input against the survey API on the embedded cloud: every case gets a 4xx with a message a
 * person can act on, no internals, and leaves DynamoDB exactly as it was.
 */

let cloud: EmbeddedCloud;
let store: Tables;
let definition: CampaignDefinition;
let link = '';
let executionArn = '';
const valid: Record<string, AnswerValue> = {};

beforeAll(async () => {
  const clients = await startCloudAndClients();
  ({ cloud, store } = clients);
  definition = surveyCampaign('corpus');
  const launched = await launchWithLinks(clients, definition);
  executionArn = launched.executionArn;
  link = launched.links[0] ?? '';
  const token = await store.assignments.getToken(hashToken(link.slice(link.lastIndexOf('/') + 1)));
  // A complete, valid answer set; each case spoils one thing about it.
  for (const q of questionsFor(definition.questionnaire, token?.activity ?? 'experiential')) {
    if (q.kind === 'rating') valid[q.id] = 4;
    else if (q.kind === 'yesno') valid[q.id] = true;
    else if (q.kind === 'choice') valid[q.id] = q.options[0]?.value ?? '';
    else if (q.kind === 'number') valid[q.id] = q.minValue + 1;
  }
});

afterAll(async () => {
  await cloud?.close();
});

interface Case {
  name: string;
  status: number;
  /** The field the error must name, when the answer is 400 with per-field errors. */
  field?: string;
  method?: string;
  /** Path after the survey link, e.g. '/draft'; or a whole other token path. */
  path?: string;
  url?: () => string;
  type?: string | null;
  accept?: string;
  body?: string | Uint8Array | (() => string);
}

const json = (value: unknown) => () => JSON.stringify(value);
const withAnswers = (change: Record<string, unknown>, drop: string[] = []) =>
  json(Object.fromEntries(Object.entries({ ...valid, ...change }).filter(([k]) => !drop.includes(k))));
const first = (kind: string) => () =>
  definition.questionnaire.sections.flatMap((s) => s.questions).find((q) => q.kind === kind && q.id in valid)?.id ?? '';
const rating = first('rating');
const yesno = first('yesno');
const choice = first('choice');
const number = first('number');
const TEXT = 'q-hall-notes';
const problem = { category: 'waiting-time', description: '等候时间过长', severity: 'minor' };
const unknownToken = () => link.replace(/[^/]+$/, 'A'.repeat(43));

const CASES: (() => Case)[] = [
  () => ({ name: 'rating given as a word', status: 400, field: rating(), body: withAnswers({ [rating()]: 'five' }) }),
  () => ({ name: 'rating above the scale', status: 400, field: rating(), body: withAnswers({ [rating()]: 6 }) }),
  () => ({ name: 'rating of zero', status: 400, field: rating(), body: withAnswers({ [rating()]: 0 }) }),
  () => ({ name: 'fractional rating', status: 400, field: rating(), body: withAnswers({ [rating()]: 3.5 }) }),
  () => ({ name: 'rating given as true', status: 400, field: rating(), body: withAnswers({ [rating()]: true }) }),
  () => ({
    name: 'yes/no answered "perhaps"',
    status: 400,
    field: yesno(),
    body: withAnswers({ [yesno()]: 'perhaps' }),
  }),
  () => ({ name: 'yes/no answered 1', status: 400, field: yesno(), body: withAnswers({ [yesno()]: 1 }) }),
  () => ({
    name: 'choice that is not an option',
    status: 400,
    field: choice(),
    body: withAnswers({ [choice()]: 'sometimes' }),
  }),
  () => ({
    name: 'HTML as a choice',
    status: 400,
    field: choice(),
    body: withAnswers({ [choice()]: '<img src=x onerror=alert(1)>' }),
  }),
  () => ({ name: 'number above its maximum', status: 400, field: number(), body: withAnswers({ [number()]: 1e6 }) }),
  () => ({ name: 'negative number', status: 400, field: number(), body: withAnswers({ [number()]: -1 }) }),
  () => ({ name: 'number with letters', status: 400, field: number(), body: withAnswers({ [number()]: '12abc' }) }),
  () => ({
    name: 'number overflowing to infinity',
    status: 400,
    field: number(),
    body: () => withAnswers({ [number()]: 123456789 })().replace('123456789', '1e999'),
  }),
  () => ({ name: 'free text given as a number', status: 400, field: TEXT, body: withAnswers({ [TEXT]: 42 }) }),
  () => ({
    name: 'free text over its length limit',
    status: 400,
    field: TEXT,
    body: withAnswers({ [TEXT]: '长'.repeat(2001) }),
  }),
  () => ({
    name: 'free text with a NUL character',
    status: 400,
    field: TEXT,
    body: withAnswers({ [TEXT]: 'ok\u0000<script>alert(1)</script>' }),
  }),
  () => ({ name: 'a required answer missing', status: 400, field: rating(), body: withAnswers({}, [rating()]) }),
  () => ({ name: 'no answers at all', status: 400, field: rating(), body: json({}) }),
  () => ({
    name: 'unknown question id',
    status: 400,
    field: 'q-does-not-exist',
    body: withAnswers({ 'q-does-not-exist': 5 }),
  }),
  () => ({
    name: '__proto__ as a question id',
    status: 400,
    field: '__proto__',
    body: () => withAnswers({})().replace(/}$/, ',"__proto__":"x"}'),
  }),
  () => ({
    name: 'an object as an answer',
    status: 400,
    field: rating(),
    body: withAnswers({ [rating()]: { value: 4 } }),
  }),
  () => ({ name: 'a list as an answer', status: 400, field: rating(), body: withAnswers({ [rating()]: [4, 5] }) }),
  () => ({ name: 'a list instead of an object', status: 400, body: json([valid]) }),
  () => ({ name: 'null instead of an object', status: 400, body: 'null' }),
  () => ({ name: 'a string instead of an object', status: 400, body: '"all fine"' }),
  () => ({ name: 'question id of 200 characters', status: 400, body: withAnswers({ [`q${'x'.repeat(199)}`]: 1 }) }),
  () => ({
    name: 'submission id with markup',
    status: 400,
    field: 'submissionId',
    body: withAnswers({ submissionId: '<script>alert(1)</script>' }),
  }),
  () => ({
    name: 'problem with a category not on the list',
    status: 400,
    field: 'problems.0.category',
    body: withAnswers({ problems: [{ ...problem, category: 'bribery<b>' }] }),
  }),
  () => ({
    name: 'problem without a severity',
    status: 400,
    field: 'problems.0.severity',
    body: withAnswers({ problems: [{ category: 'signage', description: '指示牌缺失' }] }),
  }),
  () => ({
    name: 'problem description over 1000 characters',
    status: 400,
    field: 'problems.0.description',
    body: withAnswers({ problems: [{ ...problem, description: 'x'.repeat(1001) }] }),
  }),
  () => ({
    name: 'problems not given as a list',
    status: 400,
    field: 'problems',
    body: withAnswers({ problems: problem }),
  }),
  () => ({
    name: '21 problems',
    status: 400,
    field: 'problems',
    body: withAnswers({ problems: Array.from({ length: 21 }, () => problem) }),
  }),
  () => ({
    name: 'problem with an extra field',
    status: 400,
    field: 'problems.0.owner',
    body: withAnswers({ problems: [{ ...problem, owner: 'me' }] }),
  }),
  () => ({
    name: 'duplicate JSON key',
    status: 400,
    field: rating(),
    body: () => withAnswers({})().replace(/}$/, `,"${rating()}":1}`),
  }),
  () => ({
    name: 'duplicate key inside a problem',
    status: 400,
    field: 'severity',
    body: () =>
      withAnswers({ problems: [problem] })().replace('"severity":"minor"', '"severity":"minor","severity":"critical"'),
  }),
  () => ({ name: 'malformed JSON', status: 400, body: '{"q-one-door": tru' }),
  () => ({ name: 'empty JSON body', status: 400, body: '' }),
  () => ({
    name: 'invalid UTF-8 in JSON',
    status: 400,
    body: new Uint8Array([0x7b, 0x22, 0x71, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
  }),
  () => ({ name: 'unknown action', status: 400, field: 'intent', body: withAnswers({ intent: 'publish' }) }),
  () => ({ name: 'text/plain', status: 415, type: 'text/plain', body: withAnswers({}) }),
  () => ({ name: 'no content type', status: 415, type: null, body: new TextEncoder().encode(withAnswers({})()) }),
  () => ({
    name: 'multipart form',
    status: 415,
    type: 'multipart/form-data; boundary=x',
    body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
  }),
  () => ({
    name: 'JSON declared as UTF-16',
    status: 415,
    type: 'application/json; charset=utf-16',
    body: withAnswers({}),
  }),
  () => ({ name: 'XML', status: 415, type: 'application/xml', body: '<answers/>' }),
  () => ({ name: 'body over 64 KB', status: 413, body: withAnswers({ [TEXT]: 'x'.repeat(70_000) }) }),
  () => ({
    name: 'form with a field given twice',
    status: 400,
    type: 'application/x-www-form-urlencoded',
    accept: 'text/html',
    body: `${rating()}=4&${rating()}=5`,
  }),
  () => ({
    name: 'form with invalid UTF-8 escapes',
    status: 400,
    type: 'application/x-www-form-urlencoded',
    accept: 'text/html',
    body: `${TEXT}=%FF%FE`,
  }),
  () => ({
    name: 'form with a script as a field name',
    status: 400,
    type: 'application/x-www-form-urlencoded',
    accept: 'text/html',
    body: `${encodeURIComponent('<script>alert(1)</script>')}=1`,
  }),
  () => ({
    name: 'form missing required answers',
    status: 400,
    type: 'application/x-www-form-urlencoded',
    accept: 'text/html',
    body: `${yesno()}=yes&submissionId=form-0000001`,
  }),
  () => ({
    name: 'draft with an unknown question',
    status: 400,
    field: 'q-nope',
    method: 'PUT',
    path: '/draft',
    body: json({ 'q-nope': '1' }),
  }),
  () => ({
    name: 'draft sent as a form',
    status: 415,
    method: 'PUT',
    path: '/draft',
    type: 'application/x-www-form-urlencoded',
    body: `${rating()}=4`,
  }),
  () => ({
    name: 'draft text of 5000 characters',
    status: 400,
    field: TEXT,
    method: 'PUT',
    path: '/draft',
    body: json({ [TEXT]: 'x'.repeat(5000) }),
  }),
  () => ({ name: 'unknown token', status: 404, url: unknownToken, body: withAnswers({}) }),
  () => ({
    name: 'malformed token',
    status: 404,
    url: () => link.replace(/[^/]+$/, 'not-a-token'),
    body: withAnswers({}),
  }),
  () => ({ name: 'DELETE on a survey', status: 405, method: 'DELETE', body: undefined }),
  () => ({
    name: 'a path under the survey that does not exist',
    status: 404,
    method: 'POST',
    path: '/admin',
    body: withAnswers({}),
  }),
];

const send = async (c: Case) => {
  const body = typeof c.body === 'function' ? c.body() : c.body;
  const headers: Record<string, string> = { accept: c.accept ?? 'application/json' };
  if (c.type !== null) headers['content-type'] = c.type ?? 'application/json';
  const res = await fetch(c.url ? c.url() : `${link}${c.path ?? ''}`, {
    method: c.method ?? 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(15_000),
  });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    csp: res.headers.get('content-security-policy') ?? '',
    text: await res.text(),
  };
};

const LEAKS = /(\bat [\w.<>]+ \(|\.ts:\d|stack|Exception|TypeError|ZodError|DynamoDB|CAMPAIGN#|TOKEN#|node_modules)/;

/** Checks one answer: the status, a clear message, the named field, nothing internal, and markup escaped. */
const assessAnswer = (c: Case, res: Awaited<ReturnType<typeof send>>) => {
  expect(res.status, c.name).toBe(c.status);
  expect(res.text, c.name).not.toMatch(LEAKS);
  expect(res.csp, c.name).toContain("frame-ancestors 'none'");
  if (res.type.startsWith('application/json')) {
    const body = JSON.parse(res.text) as {
      message?: unknown;
      errors?: { field: string; message: { zh: string; en: string } }[];
    };
    expect(typeof body.message === 'string' && body.message.length > 5, c.name).toBe(true);
    if (c.field)
      expect(
        body.errors?.map((e) => e.field),
        c.name,
      ).toContain(c.field);
    for (const e of body.errors ?? []) expect(e.message.zh.length > 0 && e.message.en.length > 0, c.name).toBe(true);
  } else {
    expect(res.type, c.name).toContain('text/html');
    expect(res.text, c.name).toMatch(/<h1>[^<]+<\/h1>|class="err"/);
    expect(res.text, c.name).not.toContain('<script>alert(1)</script>');
  }
};

const snapshot = async () => JSON.stringify((await scanTable(cloud)).map((item) => JSON.stringify(item)).sort());

describe('bad input to the survey API', () => {
  it(`answers each of ${CASES.length} bad requests with a clear 4xx and stores nothing`, async () => {
    // Prepare
    const before = await snapshot();
    expect(CASES.length).toBeGreaterThanOrEqual(30);

    for (const make of CASES) {
      const c = make();
      // Act
      const res = await send(c);
      // Assess
      assessAnswer(c, res);
      expect(await snapshot(), `${c.name} changed the table`).toBe(before);
    }
  });

  it('answers an unknown and a malformed token identically', async () => {
    // Act
    const unknown = await fetch(unknownToken());
    const malformed = await fetch(link.replace(/[^/]+$/, 'abc'));
    // Assess
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect(await malformed.text()).toBe(await unknown.text());
  });

  it('refuses a replayed submission, new answers and drafts after the campaign closed, storing nothing', async () => {
    // Prepare: one accepted submission, then the campaign closes and its workflow finishes
    const accepted = withAnswers({ submissionId: 'corpus-replay-0001', problems: [problem] })();
    const first = await send({ name: 'accepted', status: 200, body: accepted });
    expect(first.status).toBe(200);
    await closeCampaign(store, definition.campaign.id);
    await waitFor('the workflow to finish', async () =>
      cloud.runner.describeExecution(executionArn).status === 'RUNNING' ? undefined : true,
    );
    const before = await snapshot();
    const replays: Case[] = [
      { name: 'replay of the accepted submission', status: 410, body: accepted },
      { name: 'new answers after close', status: 410, body: withAnswers({ [rating()]: 1 }) },
      {
        name: 'form post after close',
        status: 410,
        type: 'application/x-www-form-urlencoded',
        accept: 'text/html',
        body: `${rating()}=2`,
      },
      { name: 'draft after close', status: 410, method: 'PUT', path: '/draft', body: json({ [rating()]: '3' }) },
    ];

    for (const c of replays) {
      // Act
      const res = await send(c);
      // Assess
      assessAnswer(c, res);
      expect(await snapshot(), `${c.name} changed the table`).toBe(before);
    }
    const versions = await store.responses.listResponseVersions(
      (await store.assignments.getToken(hashToken(link.slice(link.lastIndexOf('/') + 1)))) ?? {
        id: '',
        campaignId: '',
        supervisorId: '',
        centerId: '',
        activity: 'experiential',
        shard: 0,
      },
    );
    expect(versions.map((v) => v.submissionId)).toEqual(['corpus-replay-0001']);
  });
});
