import type { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoQuestionnaire } from '../../cli/sample-data/centers.ts';
import { MfaCodeRejected } from '../../functions/adapters/sign-in/console-auth.ts';
import type { TokenRecord } from '../../functions/adapters/table/assignments.ts';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import type { ConsoleAuth } from '../../functions/console-api.ts';
import { type ConsoleUser, Unauthorized } from '../../functions/core/access/console-access.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { answerSurvey } from '../../local/demo/simulate.ts';
import { mailKindOf, readOutbox, surveyLinks } from '../../local/ses-outbox.ts';
import { UsageMeter } from '../../local/usage-meter.ts';
import {
  answerWithProblems,
  closeCampaign,
  launchAndAnswerTwo,
  type TwoAnswered,
  threeCenterCampaign,
} from '../e2e/survey-cloud.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import { waitFor } from '../support/wait.ts';

let cloud: EmbeddedCloud;
let store: Tables;
let sfn: SFNClient;
/** Loaded once the cloud is up: its store reads the table name the cloud puts in the environment. */
let routeConsole: typeof import('../../functions/console-api.ts').routeConsole;
const SESSION_COOKIE = 'console_session';

/** Sessions as the console sees them once verified; any other token is forged or expired. */
const USERS: Record<string, ConsoleUser> = {
  'session-organizer': { sub: 'sub-org', username: 'organizer', role: 'organizer' },
  'session-xuanwu': { sub: 'sub-xw', username: 'coordinator-xuanwu', role: 'coordinator', district: '玄武区' },
  'session-leader': { sub: 'sub-lead', username: 'leader', role: 'leader' },
};
const auth: ConsoleAuth = {
  // A session whose cookie is the token itself: the table-backed sessions are tested in console-sign-in.test.ts.
  open: async (signedIn) => ({ cookie: signedIn.idToken, user: await auth.verify(signedIn.idToken) }),
  close: async () => {},
  verify: async (token) => {
    const user = USERS[token];
    if (!user) throw new Unauthorized('token expired');
    return user;
  },
  signIn: async (username, password) => {
    if (username === 'organizer' && password === 'correct horse battery staple') {
      // An organizer without an authenticator yet: the console sets one up before the session begins.
      return { idToken: 'session-organizer', accessToken: 'access-organizer', expiresInSeconds: 3600 };
    }
    throw new Unauthorized('wrong username or password');
  },
  // First sign-ins and their new passwords run against cognito-local in console-sign-in.test.ts.
  completeNewPassword: async () => {
    throw new Unauthorized('no new-password challenge here');
  },
  // Authenticator codes are answered in test/unit/handlers/console-sign-in.test.ts.
  answerMfa: async () => {
    throw new Unauthorized('no authenticator challenge here');
  },
  identify: (idToken) => auth.verify(idToken),
  beginTotp: async () => 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  confirmTotp: async (accessToken, code) => {
    if (accessToken !== 'access-organizer' || code !== '123456') throw new MfaCodeRejected('wrong code');
  },
};

const request = (
  method: string,
  path: string,
  init: { session?: string; form?: Record<string, string>; origin?: string; query?: Record<string, string> } = {},
): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: `${method} /console/{proxy+}`,
  rawPath: path,
  rawQueryString: new URLSearchParams(init.query ?? {}).toString(),
  headers: {
    host: 'console.example.gov.cn',
    ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    ...(init.origin ? { origin: init.origin } : method === 'POST' ? { origin: 'https://console.example.gov.cn' } : {}),
  },
  ...(init.session ? { cookies: [`${SESSION_COOKIE}=${init.session}`] } : {}),
  queryStringParameters: init.query,
  body: init.form ? new URLSearchParams(init.form).toString() : undefined,
  isBase64Encoded: false,
  requestContext: {
    accountId: 'local',
    apiId: 'local',
    domainName: 'console.example.gov.cn',
    domainPrefix: 'console',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
    requestId: 'r',
    routeKey: `${method} /console/{proxy+}`,
    stage: '$default',
    time: '',
    timeEpoch: 0,
  },
});
const call = (event: APIGatewayProxyEventV2) => routeConsole(event, auth);

/** Launches a three-center campaign and answers one 玄武区 and one 秦淮区 assignment, leaving a 秦淮区 one open. */
const launchAndAnswer = (id: string, reviewDays = 0, factCheckDays?: number): Promise<TwoAnswered> =>
  launchAndAnswerTwo({ cloud, store, sfn }, threeCenterCampaign(id, { review: reviewDays, factCheck: factCheckDays }));

const decisionPath = (campaignId: string, t: TokenRecord) => `/console/campaigns/${campaignId}/review/${t.id}`;

beforeAll(async () => {
  ({ cloud, store, sfn } = await startCloudAndClients({ campaignCacheSeconds: 0 }));
  ({ routeConsole } = await import('../../functions/console-api.ts'));
});

afterAll(async () => {
  await cloud?.close();
});

describe('the organizer console', () => {
  it('sends a visitor without a session to sign in, and signs the organizer in with a same-site session cookie', async () => {
    // Act
    const anonymous = await call(request('GET', '/console'));
    const wrong = await call(
      request('POST', '/console/sign-in', { form: { username: 'organizer', password: 'guess' } }),
    );
    const password = await call(
      request('POST', '/console/sign-in', {
        form: { username: 'organizer', password: 'correct horse battery staple' },
      }),
    );
    const enrolment = /name="enrolment" value="([^"]+)"/.exec(password.body ?? '')?.[1] ?? '';
    const wrongCode = await call(request('POST', '/console/mfa-setup', { form: { enrolment, code: '000000' } }));
    const forged = await call(
      request('POST', '/console/mfa-setup', { form: { enrolment: `${enrolment.slice(0, -4)}AAAA`, code: '123456' } }),
    );
    const signedIn = await call(request('POST', '/console/mfa-setup', { form: { enrolment, code: '123 456' } }));

    // Assess
    expect(anonymous).toMatchObject({ statusCode: 303, headers: { location: '/console/sign-in?lang=zh' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('用户名或密码不正确');
    expect(wrong.cookies).toBeUndefined();
    // The right password alone opens no session for an organizer: the authenticator is set up first.
    expect(password.statusCode).toBe(200);
    expect(password.cookies).toBeUndefined();
    expect(password.body).toContain('设置两步验证');
    expect(password.body).toContain('JBSW Y3DP EHPK 3PXP');
    expect(password.body).not.toContain('access-organizer');
    expect(enrolment.length).toBeGreaterThan(40);
    expect(wrongCode.statusCode).toBe(401);
    expect(wrongCode.body).toContain('验证码不正确');
    expect(wrongCode.cookies).toBeUndefined();
    expect(forged.statusCode).toBe(400);
    expect(forged.cookies).toBeUndefined();
    expect(signedIn).toMatchObject({ statusCode: 303, headers: { location: '/console?lang=zh' } });
    expect(signedIn.cookies?.[0]).toMatch(
      /^console_session=session-organizer; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=3[56]\d\d; Secure$/,
    );
  });

  it('shows the campaigns, and a coordinator only the progress of their own district', async () => {
    // Prepare
    const id = 'console-progress';
    const { late } = await launchAndAnswer(id);
    const meter = new UsageMeter();
    meter.stateTransitions(12, id);
    await meter.flush((await import('../../functions/adapters/clients/dynamodb.ts')).documentClient, cloud.tableName);

    // Act
    const list = await call(request('GET', '/console', { session: 'session-leader' }));
    const city = await call(request('GET', `/console/campaigns/${id}`, { session: 'session-organizer' }));
    const district = await call(
      request('GET', `/console/campaigns/${id}`, { session: 'session-xuanwu', query: { lang: 'en' } }),
    );

    // Assess
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`/console/campaigns/${id}?lang=zh`);
    expect(city.body).toContain('2/3 · 67%');
    expect(city.body).toContain('秦淮区');
    expect(city.body).toContain(`未答监督员 (1)`);
    expect(city.body).toContain(late);
    expect(district.statusCode).toBe(200);
    expect(district.body).toContain('Centers of 玄武区 only');
    expect(district.body).toContain('1/1 · 100%');
    expect(district.body).not.toContain('秦淮区');
    expect(city.body).toContain('AWS 费用估算（us-east-1');
    expect(district.body).not.toContain('AWS cost estimate');
  });

  it('sends a first sign-in whose challenge expired, or a form without one, back to sign in, setting no session', async () => {
    // Prepare
    const form = { username: 'new-leader', password: 'Chosen-Password-2026!', confirm: 'Chosen-Password-2026!' };
    // Signed by the console, as its form carries it; the fake Cognito says its session expired.
    const { getLinkSecret } = await import('../../functions/adapters/link-secret.ts');
    const { challengeKey, signChallenge } = await import('../../functions/core/access/console-challenge.ts');
    const signed = signChallenge(
      challengeKey(await getLinkSecret()),
      'new-password',
      { username: 'new-leader', userId: 'new-leader', session: 'x'.repeat(40) },
      new Date(),
    );
    // Act
    const expired = await call(request('POST', '/console/new-password', { form: { ...form, ...signed } }));
    const missing = await call(request('POST', '/console/new-password', { form }));
    const crossSite = await call(
      request('POST', '/console/new-password', {
        form: { ...form, session: 'x'.repeat(40) },
        origin: 'https://evil.example',
      }),
    );
    // Assess
    expect(expired.statusCode).toBe(401);
    expect(expired.body).toContain('登录已失效，请重新登录。');
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('登录已失效，请重新登录。');
    expect(crossSite.statusCode).toBe(403);
    for (const res of [expired, missing, crossSite]) expect(res.cookies ?? []).toEqual([]);
  });

  it('flags in the review queue a response given within seconds of opening its page', async () => {
    // Prepare: the 玄武区 supervisor submits again, the page having been served 5 seconds earlier
    const id = 'console-fast';
    const { xuanwu, links } = await launchAndAnswer(id);
    const view = (await (await fetch(links.xuanwu, { headers: { accept: 'application/json' } })).json()) as {
      answers: Record<string, unknown>;
    };
    const openedAt = new Date(Date.now() - 5_000).toISOString();

    // Act
    const res = await fetch(links.xuanwu, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ submissionId: 'fast-00000001', openedAt, ...view.answers }),
    });
    const queue = await call(request('GET', `/console/campaigns/${id}/review`, { session: 'session-organizer' }));
    const forged = await fetch(links.xuanwu, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ submissionId: 'fast-00000002', openedAt: 'yesterday', ...view.answers }),
    });

    // Assess
    expect(res.status, await res.text()).toBe(200);
    const latest = await store.responses.getLatestResponse(xuanwu);
    expect(latest?.secondsSpent).toBeGreaterThanOrEqual(5);
    expect(latest?.secondsSpent).toBeLessThan(60);
    expect(queue.body).toContain('作答过快');
    expect(forged.status).toBe(400);
  });

  it('shows a reviewer each answer as it was chosen and the problems the supervisor reported', async () => {
    // Prepare: the 秦淮区 supervisor reports a problem with their answers
    const id = 'console-answers';
    const { qinhuai, links } = await launchAndAnswer(id);
    await answerWithProblems(links.qinhuai, 'problems-shown', [
      { category: 'waiting-time', severity: 'serious', description: '排队超过一小时' },
    ]);
    const response = await store.responses.getLatestResponse(qinhuai);
    if (!response) throw new Error('the answers were not stored');
    const questions = demoQuestionnaire().sections.flatMap((s) => s.questions);
    const choice = questions.find((q) => q.kind === 'choice' && typeof response.answers[q.id] === 'string');
    const rating = questions.find((q) => q.kind === 'rating' && typeof response.answers[q.id] === 'number');
    if (choice?.kind !== 'choice' || !rating) throw new Error('the demo answers have no choice or rating');
    const chosen = choice.options.find((o) => o.value === response.answers[choice.id]);

    // Act
    const zh = await call(request('GET', `/console/campaigns/${id}/review`, { session: 'session-organizer' }));
    const en = await call(
      request('GET', `/console/campaigns/${id}/review`, { session: 'session-organizer', query: { lang: 'en' } }),
    );

    // Assess: an option's label, not its stored value; a rating out of 5; the problem with its labels
    expect(zh.statusCode).toBe(200);
    expect(zh.body).toContain(`<dd>${chosen?.label.zh}</dd>`);
    expect(zh.body).not.toContain(`<dd>${chosen?.value}</dd>`);
    expect(zh.body).toContain(`<dd>${response.answers[rating.id]} / 5`);
    expect(zh.body).toContain('发现问题（1）');
    expect(zh.body).toContain('<strong>等候时间过长</strong> · 较重：排队超过一小时');
    expect(en.body).toContain(`<dd>${chosen?.label.en}</dd>`);
    expect(en.body).toContain('<strong>Waiting too long</strong> · Serious: 排队超过一小时');
  });

  it("records an organizer's decision once, with one audit line, however often it is sent", async () => {
    // Prepare
    const id = 'console-decide';
    const { qinhuai, links } = await launchAndAnswer(id);
    const form = { decision: 'return', comment: '请补充窗口照片', version: '1', supervisor: qinhuai.supervisorId };

    // Act: a double click
    const first = await call(request('POST', decisionPath(id, qinhuai), { session: 'session-organizer', form }));
    const second = await call(request('POST', decisionPath(id, qinhuai), { session: 'session-organizer', form }));
    const queue = await call(
      request('GET', `/console/campaigns/${id}/review`, { session: 'session-organizer', query: { show: 'all' } }),
    );
    const notice = await call(
      request('GET', `/console/campaigns/${id}/review`, {
        session: 'session-organizer',
        query: { done: qinhuai.id, mail: 'sent' },
      }),
    );
    const mails = (await readOutbox(cloud.urls.ses)).filter(
      (e) =>
        mailKindOf(e) === 'returned' &&
        e.destination.to[0] === threeCenterCampaign(id).supervisors.find((s) => s.id === qinhuai.supervisorId)?.email,
    );
    const [link] = mails.flatMap(surveyLinks);
    const surveyPage = link ? await (await fetch(link)).text() : '';

    // Assess
    expect(first).toMatchObject({ statusCode: 303 });
    expect(first.headers?.location).toBe(`/console/campaigns/${id}/review?lang=zh&done=${qinhuai.id}&mail=sent`);
    expect(notice.body).toContain('已退回，并已邮件通知监督员按意见修改。');
    // One email for the double click: the comment, and the link that opens the same response.
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toContain(
      threeCenterCampaign(id).centers.find((c) => c.id === qinhuai.centerId)?.name.zh,
    );
    expect(mails[0]?.body.text).toContain('请补充窗口照片');
    expect(mails[0]?.body.html).toContain('请补充窗口照片');
    expect(link).toBe(links.qinhuai);
    expect(surveyPage).toContain('答卷已退回修改');
    expect(surveyPage).toContain('审核意见：请补充窗口照片');
    expect(second.headers?.location).toBe(`/console/campaigns/${id}/review?lang=zh&done=unchanged`);
    const review = (await store.reviews.listReviews(id)).get(qinhuai.id);
    expect(review).toMatchObject({
      status: 'returned',
      comment: '请补充窗口照片',
      revision: 1,
      reviewer: { username: 'organizer' },
    });
    const audit = await store.audit.listAudit(id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'review.returned',
      target: qinhuai.id,
      actor: { username: 'organizer', role: 'organizer' },
    });
    expect(queue.body).toContain('已退回修改');
    expect(queue.body).toContain('请补充窗口照片');
  });

  it("refuses a coordinator's decision on another district and a leader's on any, changing nothing", async () => {
    // Prepare
    const id = 'console-refuse';
    const { xuanwu, qinhuai } = await launchAndAnswer(id);
    const approve = (t: TokenRecord) => ({ decision: 'approve', version: '1', supervisor: t.supervisorId });

    // Act
    const otherDistrict = await call(
      request('POST', decisionPath(id, qinhuai), { session: 'session-xuanwu', form: approve(qinhuai) }),
    );
    const leader = await call(
      request('POST', decisionPath(id, xuanwu), { session: 'session-leader', form: approve(xuanwu) }),
    );
    const ownDistrict = await call(
      request('POST', decisionPath(id, xuanwu), { session: 'session-xuanwu', form: approve(xuanwu) }),
    );
    const leaderQueue = await call(request('GET', `/console/campaigns/${id}/review`, { session: 'session-leader' }));
    const coordinatorAudit = await call(
      request('GET', `/console/campaigns/${id}/audit`, { session: 'session-xuanwu' }),
    );

    // Assess
    expect(otherDistrict.statusCode).toBe(403);
    expect(leader.statusCode).toBe(403);
    expect(ownDistrict.statusCode).toBe(303);
    const reviews = await store.reviews.listReviews(id);
    expect([...reviews.keys()]).toEqual([xuanwu.id]);
    expect((await store.audit.listAudit(id)).map((a) => a.actor.username)).toEqual(['coordinator-xuanwu']);
    expect(leaderQueue.statusCode).toBe(200);
    expect(leaderQueue.body).not.toContain('name="decision"');
    expect(coordinatorAudit.statusCode).toBe(403);
  });

  it('answers bad input with a 4xx and changes nothing: a forged session, a missing comment, a stale version, a cross-site form, an unknown campaign', async () => {
    // Prepare
    const id = 'console-bad';
    const { xuanwu } = await launchAndAnswer(id);
    const path = decisionPath(id, xuanwu);
    const form = (over: Record<string, string>) => ({
      decision: 'reject',
      comment: '未到现场',
      version: '1',
      supervisor: xuanwu.supervisorId,
      ...over,
    });

    // Act
    const forged = await call(request('POST', path, { session: 'forged.jwt.token', form: form({}) }));
    const forgedPage = await call(request('GET', `/console/campaigns/${id}`, { session: 'forged.jwt.token' }));
    const noComment = await call(request('POST', path, { session: 'session-organizer', form: form({ comment: '' }) }));
    const stale = await call(request('POST', path, { session: 'session-organizer', form: form({ version: '2' }) }));
    const crossSite = await call(
      request('POST', path, { session: 'session-organizer', form: form({}), origin: 'https://evil.example' }),
    );
    const unknown = await call(request('GET', '/console/campaigns/no-such-campaign', { session: 'session-organizer' }));
    const wrongSupervisor = await call(
      request('POST', path, { session: 'session-organizer', form: form({ supervisor: 'S-NOBODY' }) }),
    );

    // Assess
    expect(forged.statusCode).toBe(401);
    expect(forgedPage).toMatchObject({ statusCode: 303, headers: { location: '/console/sign-in?lang=zh' } });
    expect(forgedPage.cookies?.[0]).toContain('Max-Age=0');
    expect(noComment.statusCode).toBe(400);
    expect(noComment.body).toContain('退回修改或作废时须填写意见');
    expect(stale.statusCode).toBe(409);
    expect(crossSite.statusCode).toBe(403);
    expect(unknown.statusCode).toBe(404);
    expect(wrongSupervisor.statusCode).toBe(404);
    expect((await store.reviews.listReviews(id)).size).toBe(0);
    expect(await store.audit.listAudit(id)).toEqual([]);
  });

  it('lets the organizer remind now, move the deadline and close, each audited; a coordinator may not', async () => {
    // Prepare
    const id = 'console-control';
    const { executionArn } = await launchAndAnswer(id);
    const before = await store.campaigns.getMeta(id);
    const path = (action: string) => `/console/campaigns/${id}/${action}`;
    const organizer = (action: string, form: Record<string, string> = {}) =>
      call(request('POST', path(action), { session: 'session-organizer', form }));

    // Act
    const coordinator = await call(
      request('POST', path('close'), { session: 'session-xuanwu', form: { confirm: 'yes' } }),
    );
    const reminded = await organizer('remind');
    const reminder = await waitFor('the reminder round', async () => {
      const meta = await store.campaigns.getMeta(id);
      return meta.remindersSent > before.remindersSent ? meta : undefined;
    });
    const badDeadline = await organizer('extend', { deadline: 'next week' });
    const pastDeadline = await organizer('extend', { deadline: '2020-01-01T09:00' });
    const extended = await organizer('extend', { deadline: '2099-01-31T18:00' });
    const unconfirmed = await organizer('close');
    const closed = await organizer('close', { confirm: 'yes' });
    const final = await cloud.runner.waitForExecution(executionArn);
    const again = await organizer('remind');

    // Assess
    expect(coordinator.statusCode).toBe(403);
    expect(reminded).toMatchObject({
      statusCode: 303,
      headers: { location: `/console/campaigns/${id}?lang=zh&done=remind` },
    });
    expect(reminder.remindersSent).toBe(before.remindersSent + 1);
    expect(badDeadline.statusCode).toBe(400);
    expect(pastDeadline.statusCode).toBe(409);
    expect(extended.statusCode).toBe(303);
    expect(unconfirmed.statusCode).toBe(400);
    expect(closed.statusCode).toBe(303);
    expect(final.status).toBe('SUCCEEDED');
    expect(await store.campaigns.getMeta(id)).toMatchObject({
      deadline: '2099-01-31T10:00:00.000Z',
      closedReason: 'closed-by-organizer',
    });
    expect(again.statusCode).toBe(409);
    expect((await store.audit.listAudit(id)).map((a) => a.action).sort()).toEqual([
      'campaign.close',
      'campaign.extend',
      'campaign.remind',
    ]);
  });

  it('waits in review after the close: a returned response reopens for its supervisor only, until review is finished', async () => {
    // Prepare: a campaign with a review window of one working day, closed by the organizer
    const id = 'console-review';
    const { executionArn, xuanwu, qinhuai, links } = await launchAndAnswer(id, 1);
    const organizer = { session: 'session-organizer' };
    expect(
      (await call(request('POST', `/console/campaigns/${id}/close`, { ...organizer, form: { confirm: 'yes' } })))
        .statusCode,
    ).toBe(303);
    const inReview = await waitFor('the review state', async () => {
      const meta = await store.campaigns.getMeta(id);
      return meta.status === 'reviewing' && meta.taskToken ? meta : undefined;
    });
    const returned = {
      decision: 'return',
      comment: '请补充窗口排队时长',
      version: '1',
      supervisor: xuanwu.supervisorId,
    };
    const decided = await call(request('POST', decisionPath(id, xuanwu), { ...organizer, form: returned }));
    const email = await waitFor('the returned email', async () =>
      (await readOutbox(cloud.urls.ses)).find(
        (e) =>
          mailKindOf(e) === 'returned' &&
          e.destination.to[0] === threeCenterCampaign(id).supervisors.find((s) => s.id === xuanwu.supervisorId)?.email,
      ),
    );

    // Act: the returned supervisor corrects; the other cannot; then the organizer finishes review
    const reopened = await fetch(links.xuanwu);
    const corrected = await answerSurvey(links.xuanwu, `${id}-corrected`);
    const afterwards = await fetch(links.xuanwu);
    const other = await answerSurvey(links.qinhuai, `${id}-late`);
    const progress = await call(request('GET', `/console/campaigns/${id}`, organizer));
    const finished = await call(request('POST', `/console/campaigns/${id}/finish-review`, organizer));
    const final = await cloud.runner.waitForExecution(executionArn);

    // Assess
    expect(inReview.reviewUntil).toMatch(/T10:00:00\.000Z$/);
    expect(decided.headers?.location).toContain('&mail=sent');
    // The email names the review window's end (18:00 Beijing time), not the passed deadline.
    expect(email.body.text).toContain(`请在 ${inReview.reviewUntil?.slice(0, 10)} 18:00`);
    expect(email.body.text).toContain('请补充窗口排队时长');
    expect(surveyLinks(email)).toEqual([links.xuanwu]);
    const reopenedPage = await reopened.text();
    expect(reopenedPage).toContain('答卷已退回修改');
    expect(reopenedPage).toContain('请补充窗口排队时长');
    expect(corrected.status).toBe(200);
    expect((await store.responses.getLatestResponse(xuanwu))?.version).toBe(2);
    expect(await afterwards.text()).toContain('本次督查活动已结束');
    expect(other.status).toBe(410);
    expect((await store.responses.getLatestResponse(qinhuai))?.version).toBe(1);
    expect(progress.body).toContain('结束审核并评分');
    expect(finished.statusCode).toBe(303);
    expect(final.status).toBe('SUCCEEDED');
    const history = cloud.runner
      .history(executionArn)
      .filter((e) => e.type === 'StateEntered')
      .map((e) => e.stateName);
    expect(history).toEqual(expect.arrayContaining(['OpenReview', 'InReview', 'Review', 'Score']));
    expect((await store.campaigns.getMeta(id)).status).toBe('published');
    expect((await store.audit.listAudit(id)).map((a) => a.action)).toEqual(
      expect.arrayContaining(['review.returned', 'review.finish']),
    );
  });

  it('holds results for fact-check: officials dispute draft findings, the organizers rule, a withdrawn one never becomes an item', async () => {
    // Prepare: a fact-check window of one working day; problems found at both districts' centers
    const id = 'console-factcheck';
    const { executionArn, xuanwu, qinhuai, links } = await launchAndAnswer(id, 0, 1);
    await answerWithProblems(links.xuanwu, 'problems-xuanwu', [
      { category: 'facilities', severity: 'minor', description: '自助终端黑屏' },
    ]);
    await answerWithProblems(links.qinhuai, 'problems-qinhuai', [
      { category: 'waiting-time', severity: 'serious', description: '排队超过一小时' },
      { category: 'staff-conduct', severity: 'minor', description: '窗口人员玩手机' },
    ]);
    const organizer = { session: 'session-organizer' };
    expect(
      (await call(request('POST', `/console/campaigns/${id}/close`, { ...organizer, form: { confirm: 'yes' } })))
        .statusCode,
    ).toBe(303);
    const meta = await waitFor('the fact-check', async () => {
      const m = await store.campaigns.getMeta(id);
      return m.status === 'fact-checking' && m.taskToken ? m : undefined;
    });
    const notices = await waitFor('the fact-check notices', async () => {
      const mine = (await readOutbox(cloud.urls.ses)).filter(
        (e) => mailKindOf(e) === 'fact-check' && e.subject.includes('发现问题'),
      );
      const sent = mine.filter((e) => (e.destination.to[0] ?? '').endsWith(`-${id}@example.gov.cn`));
      return sent.length >= 2 ? sent : undefined;
    });
    const officialLink = (centerName: string) => {
      const mail = notices.find((e) => e.subject.includes(centerName));
      const url = /https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/.exec(mail?.body.text ?? '')?.[0];
      if (!url) throw new Error(`no fact-check link for ${centerName}`);
      return url;
    };
    const qinhuaiCenter = threeCenterCampaign(id).centers.find((c) => c.id === qinhuai.centerId);
    const rLink = officialLink(qinhuaiCenter?.name.zh ?? '');
    const items = await store.factCheck.listFactCheckItems(id, qinhuai.centerId);
    const disputed = items.find((i) => i.description === '窗口人员玩手机');
    if (!disputed) throw new Error('finding not recorded');
    const dispute = (reason: string) =>
      fetch(rLink, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ intent: 'dispute', item: disputed.id, reason }).toString(),
      });

    // Act: the official disputes one finding (a too-short reason first, then twice); the organizers rule
    const page = await (await fetch(rLink)).text();
    const tooShort = await dispute('不');
    const first = await dispute('当天该窗口人员在处理系统故障，并非玩手机，有监控为证。');
    const second = await dispute('再次申诉，请再复核此项结论。');
    const list = await call(request('GET', `/console/campaigns/${id}/disputes`, organizer));
    const coordinatorRules = await call(
      request('POST', `/console/campaigns/${id}/disputes/${disputed.id}`, {
        session: 'session-xuanwu',
        form: { ruling: 'withdraw', center: qinhuai.centerId },
      }),
    );
    const earlyFinish = await call(request('POST', `/console/campaigns/${id}/finish-fact-check`, organizer));
    const rule = (ruling: string) =>
      call(
        request('POST', `/console/campaigns/${id}/disputes/${disputed.id}`, {
          ...organizer,
          form: { ruling, note: '经核实，监控显示在处理故障', center: qinhuai.centerId },
        }),
      );
    const ruled = await rule('withdraw');
    const again = await rule('withdraw');
    const changed = await rule('uphold');
    const finished = await call(request('POST', `/console/campaigns/${id}/finish-fact-check`, organizer));
    const final = await cloud.runner.waitForExecution(executionArn);

    // Assess
    expect(meta.factCheckUntil).toMatch(/T10:00:00\.000Z$/);
    expect(page).toContain('事实核查');
    expect(page).toContain('窗口人员玩手机');
    expect(page).not.toContain('李华');
    expect(tooShort.status).toBe(400);
    expect(await tooShort.text()).toContain('请说明该结论不符的理由');
    expect(first.status).toBe(303);
    expect(second.status).toBe(409);
    expect(list.body).toContain('当天该窗口人员在处理系统故障');
    expect(coordinatorRules.statusCode).toBe(403);
    expect(earlyFinish.statusCode).toBe(409);
    expect(ruled.headers?.location).toContain('done=ruled');
    expect(again.headers?.location).toContain('done=unchanged');
    expect(changed.statusCode).toBe(409);
    expect(finished.statusCode).toBe(303);
    expect(final.status).toBe('SUCCEEDED');
    expect((await store.campaigns.getMeta(id)).status).toBe('published');
    const series = threeCenterCampaign(id).campaign.series;
    const qinhuaiItems = (await store.rectification.listRectificationItems(series, qinhuai.centerId)).map(
      (i) => i.description,
    );
    expect(qinhuaiItems).toContain('排队超过一小时');
    expect(qinhuaiItems).not.toContain('窗口人员玩手机');
    expect(
      (await store.rectification.listRectificationItems(series, xuanwu.centerId)).map((i) => i.description),
    ).toEqual(['自助终端黑屏']);
    expect((await store.audit.listAudit(id)).map((a) => a.action)).toEqual(
      expect.arrayContaining(['dispute.open', 'dispute.withdrawn', 'fact-check.finish']),
    );
  });

  it('holds the scored results as a draft until an organizer presses Publish: no official is emailed before', async () => {
    // Prepare: a campaign that does not publish on its own, closed and scored
    const id = 'console-sign-off';
    const definition = threeCenterCampaign(id, { autoPublish: false });
    const { executionArn } = await launchAndAnswerTwo({ cloud, store, sfn }, definition);
    await closeCampaign(store, id);
    const held = await waitFor('the draft results to await sign-off', async () => {
      const meta = await store.campaigns.getMeta(id);
      return meta.status === 'awaiting-sign-off' && meta.taskToken ? meta : undefined;
    });
    const officials = new Set(definition.centers.map((c) => c.official.email));
    const summaries = async () =>
      (await readOutbox(cloud.urls.ses)).filter(
        (e) => mailKindOf(e) === 'summary' && officials.has(e.destination.to[0] ?? ''),
      );
    const organizer = { session: 'session-organizer' };
    const publishPath = `/console/campaigns/${id}/publish`;

    // Act
    const page = await call(request('GET', `/console/campaigns/${id}`, organizer));
    const pageEn = await call(request('GET', `/console/campaigns/${id}`, { ...organizer, query: { lang: 'en' } }));
    const results = await call(request('GET', `/console/campaigns/${id}/results`, organizer));
    const leaderResults = await call(request('GET', `/console/campaigns/${id}/results`, { session: 'session-leader' }));
    const beforeSignOff = await summaries();
    const byCoordinator = await call(
      request('POST', publishPath, { session: 'session-xuanwu', form: { confirm: 'yes' } }),
    );
    const unconfirmed = await call(request('POST', publishPath, { ...organizer, form: {} }));
    const published = await call(request('POST', publishPath, { ...organizer, form: { confirm: 'yes' } }));
    const final = await cloud.runner.waitForExecution(executionArn);
    const again = await call(request('POST', publishPath, { ...organizer, form: { confirm: 'yes' } }));

    // Assess: a draft, said so on both pages, that only an organizer's confirmed Publish sends
    expect(held.signedOffAt).toBeUndefined();
    expect(page.body).toContain('草稿结果 · 待签发');
    expect(page.body).toContain(`action="/console/campaigns/${id}/publish?lang=zh"`);
    expect(pageEn.body).toContain('Draft results · awaiting sign-off');
    expect(results.statusCode).toBe(200);
    expect(results.body).toContain('草稿结果 · 待签发');
    expect(results.body).toContain('<svg class="chart"');
    expect(leaderResults.body).toContain('由市级组织方签发');
    expect(leaderResults.body).not.toContain('/publish');
    expect(beforeSignOff).toEqual([]);
    expect(byCoordinator.statusCode).toBe(403);
    expect(unconfirmed.statusCode).toBe(400);
    expect(published.statusCode).toBe(303);
    expect(published.headers?.location).toContain('&done=publish');
    expect(final.status).toBe('SUCCEEDED');
    expect(await store.campaigns.getMeta(id)).toMatchObject({ status: 'published', signedOffBy: 'organizer' });
    expect((await summaries()).map((e) => e.destination.to[0]).sort()).toEqual(
      definition.centers.map((c) => c.official.email).sort(),
    );
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('organizer 已于');
    const history = cloud.runner
      .history(executionArn)
      .filter((e) => e.type === 'StateEntered' && e.childExecution === undefined)
      .map((e) => e.stateName);
    expect(history.slice(history.indexOf('Score'))).toEqual([
      'Score',
      'OpenSignOff',
      'InSignOff',
      'SignOff',
      'OpenSignOff',
      'InSignOff',
      'PlanSummaries',
      'SendSummaries',
      'SendCitySummary',
      'Done',
    ]);
    expect((await store.audit.listAudit(id)).filter((a) => a.action === 'results.publish')).toEqual([
      expect.objectContaining({ target: id, actor: expect.objectContaining({ username: 'organizer' }) }),
    ]);
  });

  it('keeps a rejected response out of the scores, and refuses decisions once the campaign is scored', async () => {
    // Prepare
    const id = 'console-score';
    const { executionArn, xuanwu, qinhuai } = await launchAndAnswer(id);
    const reject = { decision: 'reject', comment: '监督员未到现场', version: '1', supervisor: xuanwu.supervisorId };
    expect(
      (await call(request('POST', decisionPath(id, xuanwu), { session: 'session-organizer', form: reject })))
        .statusCode,
    ).toBe(303);

    // Act
    await closeCampaign(store, id);
    await cloud.runner.waitForExecution(executionArn);
    const late = await call(
      request('POST', decisionPath(id, qinhuai), {
        session: 'session-organizer',
        form: { decision: 'approve', version: '1', supervisor: qinhuai.supervisorId },
      }),
    );

    const session = { session: 'session-organizer' };
    const results = await call(request('GET', `/console/campaigns/${id}/results`, session));
    const center = await call(
      request('GET', `/console/campaigns/${id}/centers/${qinhuai.centerId}`, { ...session, query: { lang: 'en' } }),
    );
    const csv = await call(request('GET', `/console/campaigns/${id}/results.csv`, session));
    const xlsx = await call(request('GET', `/console/campaigns/${id}/results.xlsx`, session));
    const districtCsv = await call(
      request('GET', `/console/campaigns/${id}/results.csv`, { session: 'session-xuanwu' }),
    );
    const otherCenter = await call(
      request('GET', `/console/campaigns/${id}/centers/${qinhuai.centerId}`, { session: 'session-xuanwu' }),
    );

    // Assess
    expect(results.statusCode).toBe(200);
    expect(results.body).toContain('<svg class="chart"');
    expect(results.body).toContain('秦淮区夫子庙街道便民服务中心');
    expect(center.statusCode).toBe(200);
    expect(center.body).toContain('Raters</dt><dd>1</dd>');
    expect(csv.headers?.['content-type']).toBe('text/csv; charset=utf-8');
    const csvText = Buffer.from(csv.body ?? '', 'base64').toString('utf8');
    expect(csvText.startsWith('\ufeff级别 level')).toBe(true);
    expect(csvText.split('\r\n').filter(Boolean)).toHaveLength(4);
    expect(
      Buffer.from(xlsx.body ?? '', 'base64')
        .subarray(0, 2)
        .toString('latin1'),
    ).toBe('PK');
    const districtRows = Buffer.from(districtCsv.body ?? '', 'base64')
      .toString('utf8')
      .split('\r\n')
      .filter(Boolean);
    expect(districtRows).toHaveLength(2);
    expect(districtRows[1]).toContain('玄武区');
    expect(otherCenter.statusCode).toBe(404);
    expect((await store.audit.listAudit(id)).filter((a) => a.action.startsWith('download.'))).toHaveLength(3);
    const scores = new Map((await store.scores.listScores(id)).map((s) => [s.centerId, s]));
    expect(scores.get(xuanwu.centerId)).toMatchObject({ raters: 0, score: null });
    expect(scores.get(qinhuai.centerId)?.raters).toBe(1);
    expect(scores.get(qinhuai.centerId)?.score).not.toBeNull();
    expect(late.statusCode).toBe(409);
  });
});

describe('the review queue at scale', () => {
  /** Queue entries for assignments nobody answered for real: what paging reads, without their responses. */
  const listSynthetic = async (id: string, n: number) => {
    const definition = threeCenterCampaign(id);
    const centers = definition.centers;
    await store.reviewQueue.indexResponses(
      definition.questionnaire,
      Array.from({ length: n }, (_, i) => {
        const center = centers[i % centers.length] ?? (centers[0] as (typeof centers)[number]);
        return {
          center,
          response: {
            campaignId: id,
            assignmentId: `Z${String(i).padStart(4, '0')}`,
            supervisorId: `SZ${i % 7}`,
            centerId: center.id,
            activity: 'experiential' as const,
            version: 1,
            submittedAt: '2026-12-01T02:00:00.000Z',
            answers: {},
          },
        };
      }),
    );
  };

  /** Every entry of the queue, page by page (what the counts must agree with). */
  const listEveryEntry = async (id: string) => {
    const plan = { index: 'all' as const, groupPrefix: '', conditions: [] };
    const all = [];
    for (let page = await store.reviewQueue.pageQueue(id, plan, { size: 50 }); ; ) {
      all.push(...page.entries);
      if (!page.next) return all;
      page = await store.reviewQueue.pageQueue(id, plan, { size: 50, after: page.next });
    }
  };

  it('keeps the review counts by key: a submission listed twice counts once, a decision sent twice moves its count once', async () => {
    // Prepare: 30 listed responses, over the three centers of two districts
    const id = 'console-counts';
    await listSynthetic(id, 30);
    const entry = await store.reviewQueue.getEntry(id, 'C-ST1', 'Z0000');
    const listedOnce = await store.reviewQueue.countQueue(id);

    // Act: the same submissions listed again; one decision applied twice
    await listSynthetic(id, 30);
    const listedTwice = await store.reviewQueue.countQueue(id);
    const review = {
      campaignId: id,
      assignmentId: 'Z0000',
      centerId: entry?.centerId ?? '',
      status: 'approved' as const,
      comment: '',
      version: 1,
      reviewer: { sub: 'sub-org', username: 'organizer' },
      at: '2026-12-02T02:00:00.000Z',
      revision: 1,
    };
    await store.reviewQueue.applyReview(review);
    await store.reviewQueue.applyReview(review);
    const decided = await store.reviewQueue.countQueue(id);
    const district = await store.reviewQueue.countQueue(id, entry?.district);

    // Assess: the counts are what the entries say
    expect(entry).toBeDefined();
    expect(listedOnce.pending + listedOnce.approved + listedOnce.returned + listedOnce.rejected).toBe(30);
    expect(listedTwice).toEqual(listedOnce);
    expect(decided.approved).toBe(1);
    expect(decided.pending).toBe(listedOnce.pending - 1);
    const inDistrict = (await listEveryEntry(id)).filter((e) => e.district === entry?.district);
    expect(district.pending + district.approved).toBe(inDistrict.length);
    expect(district.approved).toBe(1);
    expect(district.flagged).toBe(inDistrict.filter((e) => e.status === 'pending' && e.flags.length > 0).length);
  });

  it('pages the queue 50 at a time both ways, each read a Query with a limit, the filters kept in the links', async () => {
    // Prepare: two real responses and 110 listed ones
    const id = 'console-paging';
    await launchAndAnswer(id);
    await listSynthetic(id, 110);
    const plan = { index: 'all' as const, groupPrefix: '', conditions: [] };

    // Act
    const first = await store.reviewQueue.pageQueue(id, plan, { size: 50 });
    const second = await store.reviewQueue.pageQueue(id, plan, { size: 50, after: first.next });
    const third = await store.reviewQueue.pageQueue(id, plan, { size: 50, after: second.next });
    const back = await store.reviewQueue.pageQueue(id, plan, { size: 50, before: third.previous });
    const page = await call(
      request('GET', `/console/campaigns/${id}/review`, {
        session: 'session-organizer',
        query: { status: 'all', level: 'street' },
      }),
    );
    const next = /rel="next" href="([^"]+)"/
      .exec(page.body ?? '')?.[1]
      ?.replaceAll('&#61;', '=')
      .replaceAll('&#38;', '&');
    const url = new URL(next ?? '/', 'https://console.example.gov.cn');
    const nextPage = await call(
      request('GET', url.pathname, { session: 'session-organizer', query: Object.fromEntries(url.searchParams) }),
    );

    // Assess
    expect([first.entries.length, second.entries.length, third.entries.length]).toEqual([50, 50, 12]);
    expect(third.next).toBeUndefined();
    expect(first.previous).toBeUndefined();
    const all = [...first.entries, ...second.entries, ...third.entries].map((e) => e.assignmentId);
    expect(new Set(all).size).toBe(112);
    expect(back.entries.map((e) => e.assignmentId)).toEqual(second.entries.map((e) => e.assignmentId));
    expect(page.statusCode).toBe(200);
    expect(url.searchParams.get('status')).toBe('all');
    expect(url.searchParams.get('level')).toBe('street');
    expect(url.searchParams.get('after')).toBeTruthy();
    expect(nextPage.statusCode).toBe(200);
    expect(nextPage.body).toContain('rel="prev"');
  });

  it('filters by district, level, flag, status and supervisor together, and answers a bad value with what to fix', async () => {
    // Prepare
    const id = 'console-filters';
    const { xuanwu, qinhuai } = await launchAndAnswer(id);
    const view = (query: Record<string, string>) =>
      call(request('GET', `/console/campaigns/${id}/review`, { session: 'session-organizer', query }));

    // Act
    const qinhuaiOnly = await view({ district: '秦淮区', status: 'pending' });
    const bySupervisor = await view({ supervisor: xuanwu.supervisorId, status: 'all', flag: 'none' });
    const nothing = await view({ district: '秦淮区', level: 'municipal' });
    const coordinatorElsewhere = await call(
      request('GET', `/console/campaigns/${id}/review`, { session: 'session-xuanwu', query: { district: '秦淮区' } }),
    );
    const bad = await view({ level: 'province', status: 'done', lang: 'en' });

    // Assess
    expect(qinhuaiOnly.body).toContain(`id="r-${qinhuai.id}"`);
    expect(qinhuaiOnly.body).not.toContain(`id="r-${xuanwu.id}"`);
    expect(bySupervisor.body).toContain(`id="r-${xuanwu.id}"`);
    expect(bySupervisor.body).not.toContain(`id="r-${qinhuai.id}"`);
    expect(nothing.body).toContain('没有符合条件的答卷。');
    expect(coordinatorElsewhere.body).not.toContain(`id="r-${qinhuai.id}"`);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Level must be municipal, district, street or community.');
    expect(bad.body).toContain('Status must be pending, approved, returned, rejected or all.');
    expect(bad.body).toContain('aria-invalid="true" aria-describedby="f-level-error"');
  });

  it('approves the unflagged pending responses of a page at once, audited each, never a flagged one, nothing twice', async () => {
    // Prepare: the 玄武区 response is given again within seconds of opening its page (flagged too fast)
    const id = 'console-bulk';
    const { xuanwu, qinhuai, links } = await launchAndAnswer(id);
    const view = (await (await fetch(links.xuanwu, { headers: { accept: 'application/json' } })).json()) as {
      answers: Record<string, unknown>;
    };
    await fetch(links.xuanwu, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        submissionId: 'bulk-fast-0001',
        openedAt: new Date(Date.now() - 5_000).toISOString(),
        ...view.answers,
      }),
    });
    const page = await call(request('GET', `/console/campaigns/${id}/review`, { session: 'session-organizer' }));
    // A forged form lists the flagged response too: the server's own view decides.
    const form = {
      items: `${qinhuai.id}:${qinhuai.supervisorId}:1 ${xuanwu.id}:${xuanwu.supervisorId}:2`,
      back: 'lang=zh&district=%E7%A7%A6%E6%B7%AE%E5%8C%BA',
    };

    // Act
    const first = await call(
      request('POST', `/console/campaigns/${id}/review/approve-page`, { session: 'session-organizer', form }),
    );
    const again = await call(
      request('POST', `/console/campaigns/${id}/review/approve-page`, { session: 'session-organizer', form }),
    );
    const leader = await call(
      request('POST', `/console/campaigns/${id}/review/approve-page`, { session: 'session-leader', form }),
    );

    // Assess
    expect(page.body).toContain(`name="items" value="${qinhuai.id}:${qinhuai.supervisorId}:1"`);
    expect(first.statusCode).toBe(303);
    expect(first.headers?.location).toBe(
      `/console/campaigns/${id}/review?lang=zh&district=%E7%A7%A6%E6%B7%AE%E5%8C%BA&done=bulk&approved=1&skipped=1`,
    );
    // The second time both are left alone: one is flagged, the other approved already.
    expect(again.headers?.location).toContain('&done=bulk&approved=0&skipped=2');
    expect(leader.statusCode).toBe(403);
    const reviews = await store.reviews.listReviews(id);
    expect(reviews.get(qinhuai.id)).toMatchObject({ status: 'approved', revision: 1 });
    expect(reviews.has(xuanwu.id)).toBe(false);
    expect((await store.audit.listAudit(id)).map((a) => `${a.action} ${a.target}`)).toEqual([
      `review.approved ${qinhuai.id}`,
    ]);
    const entry = await store.reviewQueue.getEntry(id, qinhuai.centerId, qinhuai.id);
    expect(entry?.status).toBe('approved');
  });

  it('shows a refused decision on the same queue view with what was typed kept beside the field, and the close unticked likewise', async () => {
    // Prepare
    const id = 'console-kept';
    const { qinhuai } = await launchAndAnswer(id);
    const back = `lang=zh&status=all&district=${encodeURIComponent('秦淮区')}`;

    // Act
    const tooLong = await call(
      request('POST', decisionPath(id, qinhuai), {
        session: 'session-organizer',
        form: { decision: 'return', comment: '长'.repeat(501), version: '1', supervisor: qinhuai.supervisorId, back },
      }),
    );
    const empty = await call(
      request('POST', decisionPath(id, qinhuai), {
        session: 'session-organizer',
        form: { decision: 'reject', comment: '  ', version: '1', supervisor: qinhuai.supervisorId, back },
      }),
    );
    const close = await call(
      request('POST', `/console/campaigns/${id}/close`, { session: 'session-organizer', form: {} }),
    );
    const missing = await call(
      request('POST', decisionPath(id, qinhuai), {
        session: 'session-organizer',
        form: { decision: 'approve', version: '1', supervisor: 'S-NOBODY', back },
      }),
    );

    // Assess
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain(`>${'长'.repeat(501)}</textarea>`);
    expect(tooLong.body).toContain(`id="comment-${qinhuai.id}-error"`);
    expect(tooLong.body).toContain('<option value="all" selected>全部</option>');
    expect(tooLong.body).toContain('name="district" maxlength="64" value="秦淮区"');
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('退回修改或作废时须填写意见');
    expect(close.statusCode).toBe(400);
    expect(close.body).toContain('<p class="field-error" id="confirm-error">请勾选确认后再截止。</p>');
    expect((await store.campaigns.getMeta(id)).status).toBe('open');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain(
      `href="/console/campaigns/${id}/review?lang&#61;zh&#38;status&#61;all&#38;district&#61;`,
    );
    expect((await store.reviews.listReviews(id)).size).toBe(0);
  });
});
