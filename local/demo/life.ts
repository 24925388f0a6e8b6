import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import type { CampaignMeta } from '../../functions/core/campaign/lifecycle.ts';
import { formatBeijingTime } from '../../functions/core/i18n.ts';
import type { CampaignDefinition, CampaignStatus, Center } from '../../functions/core/model.ts';
import type { ConsoleAccount } from '../cognito.ts';
import { mailKindOf, type OutboxEmail, readOutbox, surveyLinks } from '../ses-outbox.ts';
import { type ConsoleSession, signInToConsole } from './console-client.ts';
import { disputeFirstFinding, fixPhotoStates, rectificationItems, rectificationLink, reportFixed } from './official.ts';
import { attachFixPhoto } from './photos.ts';
import { answerSurvey, assignPersonas, correctSurvey, type Persona } from './simulate.ts';
import { waitFor } from './wait.ts';

/** What the demo drives: the campaign just launched, and where its people reach it. */
export interface DemoWorld {
  store: Tables;
  sfn: SFNClient;
  /** The local SES (its outbox is every email sent) and the HTTP API (survey, /r/ links, console). */
  urls: { ses: string; api: string };
  consoleAccounts: readonly ConsoleAccount[];
  definition: CampaignDefinition;
  executionArn: string;
  /** Prints one line of progress. */
  say: (line: string) => void;
}

/** What each phase did, for the demo's closing summary and for its test. */
export interface DemoRecord {
  invitations: OutboxEmail[];
  personas: Map<string, Persona>;
  /** Each survey link answered, with when. */
  answered: Map<string, string>;
  reminded: string[];
  closed?: CampaignMeta;
  review?: {
    assignmentId: string;
    supervisorId: string;
    centerId: string;
    comment: string;
    /** How the console said the returned email went (`sent`, or why not). */
    mail: string;
    returnedEmail: OutboxEmail;
    correctedVersion: number;
  };
  factCheck?: { notices: number; centerId: string; itemId: string; reason: string; ruling: 'withdraw'; note: string };
  scored?: { centers: number; withScore: number };
  /** The organizer's sign-off: the summaries sent before it (none), who pressed Publish, when. */
  signOff?: { summariesBefore: number; by: string; at: string };
  published?: { summaries: number; citySummaries: number };
  rectification?: { centerId: string; itemId: string; description: string; note: string; fixPhoto: string };
}

const RETURN_COMMENT = '请在“发现的问题和改进建议”中写明问题的具体情况（时间、窗口），以便整改。';
const CORRECTION = '补充：上午 10 时许 3 号窗口，取号后等候约 50 分钟，高峰期仅开放两个窗口。';
const DISPUTE_REASON = '当天为系统升级临时停办，已提前在大厅和网站公告，并非日常服务问题。';
const RULING_NOTE = '经核实，当天确有系统升级公告，撤销该问题。';
const FIX_NOTE = '已增设高峰期弹性窗口，并在大厅公示等候时间，群众平均等候降至 15 分钟以内。';

const LATER: readonly CampaignStatus[] = [
  'closed',
  'reviewing',
  'fact-checking',
  'scored',
  'awaiting-sign-off',
  'published',
];

/**
 * The life of the demo campaign after its launch, one phase at a time, as its people live it: the
 * supervisors through their survey links, the organizer through the console's forms, the centers'
 * officials through their `/r/` links. Each phase prints one line and records what it did.
 */
export class DemoLife {
  readonly record: DemoRecord;
  private readonly world: DemoWorld;
  private organizer: ConsoleSession | undefined;

  constructor(world: DemoWorld) {
    this.world = world;
    this.record = { invitations: [], personas: new Map(), answered: new Map(), reminded: [] };
  }

  private get campaignId() {
    return this.world.definition.campaign.id;
  }

  private get consolePath() {
    return `/console/campaigns/${encodeURIComponent(this.campaignId)}`;
  }

  private emails = async (kind: ReturnType<typeof mailKindOf>) =>
    (await readOutbox(this.world.urls.ses)).filter((e) => mailKindOf(e) === kind);

  /** Fails at once, with the workflow's own error, if the campaign's workflow ended other than by succeeding. */
  private running = async (): Promise<string> => {
    const out = await this.world.sfn.send(new DescribeExecutionCommand({ executionArn: this.world.executionArn }));
    if (out.status !== 'RUNNING' && out.status !== 'SUCCEEDED')
      throw new Error(`the campaign workflow ended ${out.status}: ${out.error ?? ''} ${out.cause ?? ''}`);
    return out.status;
  };

  private untilStatus = (what: string, statuses: readonly CampaignStatus[], timeoutMs = 60_000) =>
    waitFor(
      what,
      async () => {
        await this.running();
        const meta = await this.world.store.campaigns.getMeta(this.campaignId);
        return statuses.includes(meta.status) ? meta : undefined;
      },
      timeoutMs,
    );

  private centerOfOfficial = (email: string): Center | undefined =>
    this.world.definition.centers.find((c) => c.official.email === email);

  private centerName = (id: string) => this.world.definition.centers.find((c) => c.id === id)?.name.zh ?? id;

  /** The organizer's console session, signed in once with the demo account. */
  private console = async (): Promise<ConsoleSession> => {
    if (this.organizer) return this.organizer;
    const account = this.world.consoleAccounts.find((a) => a.role === 'organizer');
    if (!account) throw new Error('the embedded cloud has no organizer account: start it with console: true');
    this.organizer = await signInToConsole(this.world.urls.api, account);
    return this.organizer;
  };

  /** Answers every survey link of the emails, eight at a time; counts the answers by HTTP status. */
  private answerAll = async (emails: readonly OutboxEmail[]) => {
    // Each supervisor rates every center they visit with their own severity.
    const links = emails.flatMap((e) => surveyLinks(e).map((url) => ({ url, rater: e.destination.to[0] ?? url })));
    const statuses = new Map<number, number>();
    for (let i = 0; i < links.length; i += 8) {
      await Promise.all(
        links.slice(i, i + 8).map(async ({ url, rater }) => {
          const { status } = await answerSurvey(url, this.campaignId, rater);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status === 200) this.record.answered.set(url, new Date().toISOString());
        }),
      );
    }
    return { links: links.length, statuses };
  };

  /** Invitations: one email per supervisor, listing all their assignments. */
  async invitations(): Promise<void> {
    const { store } = this.world;
    const sent = await waitFor('the invitations', async () => {
      await this.running();
      const meta = await store.campaigns.getMeta(this.campaignId).catch(() => undefined);
      const invitations = await this.emails('invitation');
      return meta && meta.supervisors > 0 && invitations.length >= meta.supervisors ? { meta, invitations } : undefined;
    });
    this.record.invitations = sent.invitations;
    this.record.personas = assignPersonas(
      sent.invitations.flatMap((e) => e.destination.to),
      this.campaignId,
    );
    this.world.say(
      `invitations: ${sent.invitations.length} emails, one per supervisor, for ${sent.meta.total} assignments`,
    );
  }

  /** Answers: most supervisors answer every assignment at once. */
  async answers(): Promise<void> {
    const prompt = this.record.invitations.filter((e) => this.personaOf(e) === 'prompt');
    const { links, statuses } = await this.answerAll(prompt);
    this.world.say(
      `answers: ${prompt.length} supervisors answered at once: ${links} questionnaires (HTTP ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')})`,
    );
  }

  private personaOf = (email: OutboxEmail) => this.record.personas.get(email.destination.to[0] ?? '');

  /**
   * Reminder: once the answers given at once are in, the organizer sends a reminder round from the
   * console (Remind now); everyone with an unanswered assignment gets one, and the late supervisors
   * answer then.
   */
  async reminder(): Promise<void> {
    const { store, say } = this.world;
    // The Collect task holds its token once the invitations are out: the console's actions wake it.
    await waitFor('the campaign to collect answers', async () => {
      await this.running();
      const meta = await store.campaigns.getMeta(this.campaignId);
      return meta.status === 'open' && meta.taskToken ? true : undefined;
    });
    const organizer = await this.console();
    await organizer.submit(`${this.consolePath}/remind?lang=zh`, {});
    const waiting = [...this.record.personas].filter(([, p]) => p !== 'prompt').map(([email]) => email);
    const handled = new Set<string>();
    let late = { supervisors: 0, links: 0 };
    await waitFor('the reminders', async () => {
      await this.running();
      for (const reminder of await this.emails('reminder')) {
        if (handled.has(reminder.messageId)) continue;
        handled.add(reminder.messageId);
        this.record.reminded.push(reminder.destination.to[0] ?? '');
        if (this.personaOf(reminder) !== 'late') continue;
        const { statuses } = await this.answerAll([reminder]);
        late = { supervisors: late.supervisors + 1, links: late.links + (statuses.get(200) ?? 0) };
      }
      return waiting.every((email) => this.record.reminded.includes(email)) ? true : undefined;
    });
    const never = this.record.reminded.filter((email) => this.record.personas.get(email) === 'never').length;
    say(
      `reminder: the organizer reminded ${this.record.reminded.length} supervisors from the console; ${late.supervisors} of them answered ${late.links} questionnaires after it, ${never} never answer`,
    );
  }

  /** Close: the organizer closes the campaign now from the console (ticking the confirmation); answers stop. */
  async close(): Promise<void> {
    const organizer = await this.console();
    await organizer.submit(`${this.consolePath}/close?lang=zh`, { confirm: 'yes' });
    const meta = await this.untilStatus('the close', LATER);
    this.record.closed = meta;
    this.world.say(
      `close: closed by the organizer in the console, ${meta.answered}/${meta.total} assignments answered (deadline was ${formatBeijingTime(meta.deadline)})`,
    );
  }

  /**
   * Review: the organizer returns one response in the console with a comment; its supervisor, emailed
   * the comment and the link, corrects it; the organizer finishes review early, as the console offers.
   */
  async review(): Promise<void> {
    const { definition, say } = this.world;
    const meta = await this.untilStatus('the review window', ['reviewing']);
    const organizer = await this.console();
    const queue = await organizer.page(`${this.consolePath}/review?lang=zh`);
    const form = queue.forms.find((f) => f.action.includes('/review/') && f.hidden.supervisor && f.hidden.version);
    if (!form) throw new Error('the review queue offers no response to decide on');
    const assignmentId = decodeURIComponent(/\/review\/([^/?]+)/.exec(form.action)?.[1] ?? '');
    const supervisor = definition.supervisors.find((s) => s.id === form.hidden.supervisor);
    if (!supervisor) throw new Error(`the review queue names an unknown supervisor ${form.hidden.supervisor}`);
    const done = await organizer.submit(form.action, { ...form.hidden, decision: 'return', comment: RETURN_COMMENT });
    const mail = new URLSearchParams(done.split('?')[1] ?? '').get('mail') ?? 'none';
    const returnedEmail = await waitFor('the returned-response email', async () =>
      (await this.emails('returned')).find((e) => e.destination.to[0] === supervisor.email),
    );
    const [link] = surveyLinks(returnedEmail);
    if (!link) throw new Error('the returned-response email carries no survey link');
    const corrected = await correctSurvey(link, `demo-correction-${assignmentId}`, CORRECTION);
    if (corrected.status !== 200 || corrected.version === undefined)
      throw new Error(`the supervisor's correction was answered ${corrected.status}`);
    await organizer.submit(`${this.consolePath}/finish-review?lang=zh`, {});
    const response = await this.world.store.responses.getResponse(this.campaignId, supervisor.id, assignmentId);
    const centerId = response?.centerId ?? '';
    this.record.review = {
      assignmentId,
      supervisorId: supervisor.id,
      centerId,
      comment: RETURN_COMMENT,
      mail,
      returnedEmail,
      correctedVersion: corrected.version,
    };
    say(
      `review: the organizer returned ${supervisor.name}'s response on ${this.centerName(centerId)} in the console (【退回修改】 email ${mail}); corrected through the survey link as version ${corrected.version}; review finished early (its window ran to ${meta.reviewUntil ? formatBeijingTime(meta.reviewUntil) : '?'})`,
    );
  }

  /**
   * Fact-check: the officials get the draft findings; one disputes a finding through their `/r/` link;
   * the organizer withdraws it in the console and ends fact-check.
   */
  async factCheck(): Promise<void> {
    const { store, say } = this.world;
    await this.untilStatus('the fact-check window', ['fact-checking']);
    const items = await store.factCheck.listFactCheckItems(this.campaignId);
    const centers = new Set(items.map((i) => i.centerId));
    const notices = await waitFor('the fact-check notices', async () => {
      await this.running();
      const sent = await this.emails('fact-check');
      return sent.length >= centers.size ? sent : undefined;
    });
    const notice = [...notices].sort((a, b) => (a.destination.to[0] ?? '').localeCompare(b.destination.to[0] ?? ''))[0];
    const link = notice && rectificationLink(notice);
    const center = notice && this.centerOfOfficial(notice.destination.to[0] ?? '');
    if (!link || !center) throw new Error('the fact-check notice carries no /r/ link of a center');
    const itemId = await disputeFirstFinding(link, DISPUTE_REASON);
    if (!itemId) throw new Error(`the fact-check page of ${center.id} offers no finding to dispute`);
    const finding = items.find((i) => i.id === itemId);
    const organizer = await this.console();
    const disputes = await organizer.page(`${this.consolePath}/disputes?lang=zh`);
    const form = disputes.forms.find((f) => f.action.includes(`/disputes/${encodeURIComponent(itemId)}`));
    if (!form) throw new Error(`the disputes page offers no ruling on ${itemId}`);
    await organizer.submit(form.action, { ...form.hidden, ruling: 'withdraw', note: RULING_NOTE });
    await organizer.submit(`${this.consolePath}/finish-fact-check?lang=zh`, {});
    this.record.factCheck = {
      notices: notices.length,
      centerId: center.id,
      itemId,
      reason: DISPUTE_REASON,
      ruling: 'withdraw',
      note: RULING_NOTE,
    };
    say(
      `fact-check: draft findings to ${notices.length} officials; ${center.name.zh} disputed “${finding?.description ?? itemId}” through its /r/ link; the organizer withdrew it in the console and ended fact-check`,
    );
  }

  /** Scoring: every center scored from the responses that count. */
  async scoring(): Promise<void> {
    await this.untilStatus('the scores', ['scored', 'awaiting-sign-off', 'published']);
    const scores = await this.world.store.scores.listScores(this.campaignId);
    const withScore = scores.filter((s) => s.score !== null).length;
    this.record.scored = { centers: scores.length, withScore };
    this.world.say(
      `scoring: ${scores.length} centers scored (${withScore} with a score, ${scores.length - withScore} with too few answers)`,
    );
  }

  /**
   * Sign-off: the scored results wait as a draft (the campaign says autoPublish: false) and no official
   * has been emailed; the organizer opens the results page, which says so, and presses 发布 / Publish.
   */
  async signOff(): Promise<void> {
    const { say } = this.world;
    await this.untilStatus('the draft results to await sign-off', ['awaiting-sign-off']);
    const summariesBefore = (await this.emails('summary')).length;
    const organizer = await this.console();
    const results = await organizer.page(`${this.consolePath}/results?lang=zh`);
    const form = results.forms.find((f) => f.action.includes('/publish'));
    if (!results.html.includes('待签发') || !form)
      throw new Error('the results page does not show the draft awaiting sign-off with its Publish form');
    await organizer.submit(form.action, { ...form.hidden, confirm: 'yes' });
    const meta = await this.world.store.campaigns.getMeta(this.campaignId);
    if (!meta.signedOffAt) throw new Error(`Publish left the campaign ${meta.status} without a sign-off`);
    this.record.signOff = { summariesBefore, by: meta.signedOffBy ?? '', at: meta.signedOffAt };
    say(
      `sign-off: the scores waited as a draft (待签发, autoPublish: false) with ${summariesBefore} summaries sent; ${meta.signedOffBy ?? ''} checked the results page and pressed 发布 / Publish in the console`,
    );
  }

  /** Publication: each official gets their center's summary, the organizers the city summary. */
  async publication(): Promise<void> {
    await waitFor('the publication', async () => ((await this.running()) === 'SUCCEEDED' ? true : undefined), 90_000);
    const meta = await this.world.store.campaigns.getMeta(this.campaignId);
    if (meta.status !== 'published') throw new Error(`the workflow succeeded with the campaign ${meta.status}`);
    const summaries = (await this.emails('summary')).length;
    const citySummaries = (await this.emails('city-summary')).length;
    this.record.published = { summaries, citySummaries };
    this.world.say(
      `publication: ${summaries} score summaries to the centers' officials, the city summary to ${citySummaries} organizers`,
    );
  }

  /**
   * Evidence: the organizer asks the console for the campaign's photo ZIP, which another function builds
   * in the background (invoked asynchronously), and downloads it through a short-lived link. After the
   * rectification report, it holds the official's photo of the fix beside the problem's photos.
   */
  async evidenceZip(): Promise<void> {
    const organizer = await this.console();
    const page = await organizer.page(`${this.consolePath}?lang=zh`);
    const form = page.forms.find((f) => f.action.includes('/evidence-export'));
    if (!form) throw new Error('the campaign page offers no evidence ZIP');
    await organizer.submit(form.action, form.hidden);
    const link = await waitFor(
      'the evidence ZIP',
      async () => {
        const to = await organizer.follow(`${this.consolePath}/evidence-export`);
        return to && !to.startsWith('/console') ? to : undefined;
      },
      90_000,
    );
    const zip = Buffer.from(await (await fetch(link, { signal: AbortSignal.timeout(30_000) })).arrayBuffer());
    // Each central directory header: its name's length at 28, the name at 46 (here after the signature).
    const names = zip
      .toString('latin1')
      .split('PK\u0001\u0002')
      .slice(1)
      .map((header) => {
        const bytes = Buffer.from(header, 'latin1');
        return bytes.toString('latin1', 42, 42 + bytes.readUInt16LE(24));
      });
    const entries = names.length;
    const fixes = names.filter((name) => /\/fix-\d+\.jpg$/.test(name)).length;
    if (zip.readUInt32LE(0) !== 0x04034b50 || entries < 2)
      throw new Error(`the evidence ZIP is not a ZIP of photos (${zip.length} bytes, ${entries} entries)`);
    if (this.record.rectification && fixes === 0)
      throw new Error(`the evidence ZIP holds no photo of the fix reported (${names.join(', ')})`);
    this.world.say(
      `evidence: the organizer built the campaign's photo ZIP in the background (${entries - 1 - fixes} photos as found, ${fixes} of fixes and index.csv, ${Math.round(zip.length / 1024)} KB) and downloaded it through a 15-minute link`,
    );
  }

  /** Rectification report: an official reports an item fixed through the link in their summary. */
  async rectification(): Promise<void> {
    const summaries = (await this.emails('summary')).sort((a, b) =>
      (a.destination.to[0] ?? '').localeCompare(b.destination.to[0] ?? ''),
    );
    for (const summary of summaries) {
      const link = rectificationLink(summary);
      const center = this.centerOfOfficial(summary.destination.to[0] ?? '');
      if (!link || !center) continue;
      const item = (await rectificationItems(link)).find((i) => i.state === 'open');
      if (!item) continue;
      await reportFixed(link, item.id, FIX_NOTE);
      const after = (await rectificationItems(link)).find((i) => i.id === item.id);
      if (after?.state !== 'reported-fixed') throw new Error(`item ${item.id} is ${after?.state} after its report`);
      // With a photo of what was done, checked like a supervisor's.
      const posted = await attachFixPhoto(link, item.id);
      if (posted.status !== 204) throw new Error(`the photo of the fix of ${item.id} was answered ${posted.status}`);
      const fixPhoto = await waitFor('the photo of the fix checked', async () => {
        const [state] = await fixPhotoStates(link, item.id);
        return state === 'ready' || state === 'refused' ? state : undefined;
      });
      if (fixPhoto !== 'ready') throw new Error(`the photo of the fix of ${item.id} was ${fixPhoto}`);
      this.record.rectification = {
        centerId: center.id,
        itemId: item.id,
        description: item.description,
        note: FIX_NOTE,
        fixPhoto,
      };
      this.world.say(
        `rectification report: ${center.name.zh} reported “${item.description}” fixed through its /r/ link (due ${item.dueDate}), with a photo of the fix`,
      );
      return;
    }
    throw new Error('no center has a rectification item to report fixed');
  }

  /** Every phase after the answers given at once, to the rectification report. */
  async toRectification(): Promise<void> {
    await this.reminder();
    await this.close();
    await this.review();
    await this.factCheck();
    await this.scoring();
    await this.signOff();
    await this.publication();
    await this.rectification();
    await this.evidenceZip();
  }
}
