import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { idsInBatch, planBatches } from '../../functions/core/campaign/batches.ts';
import {
  AwaitResponsesInput,
  CampaignTaskInput,
  FailCampaignInput,
  MailPlan,
  PlanMailInput,
  ProgressDecision,
  SendMailInput,
  SendMailResult,
  WakeSignal,
  WORKFLOW_FUNCTIONS,
} from '../../functions/core/campaign/workflow-contract.ts';
import { ExecutionAlreadyExists, TaskTimedOut, WorkflowDefinitionRefused } from '../../local/step-functions/errors.ts';
import type { LocalExecutionEvent, TaskFunction } from '../../local/step-functions/execution-types.ts';
import { LocalStepFunctions } from '../../local/step-functions/runner.ts';

const WORKFLOW = readFileSync(new URL('../../workflows/campaign.asl.json', import.meta.url), 'utf8');
/** A `${Name}` placeholder of an ASL definition. */
const placeholder = (name: string) => `\${${name}}`;
const functionArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const SUBSTITUTIONS = Object.fromEntries(
  Object.entries(WORKFLOW_FUNCTIONS).map(([placeholder, name]) => [placeholder, functionArn(name)]),
);
type FunctionName = (typeof WORKFLOW_FUNCTIONS)[keyof typeof WORKFLOW_FUNCTIONS];
const FUNCTION_NAMES: FunctionName[] = Object.values(WORKFLOW_FUNCTIONS);
const RETRY_NOW = { Prepare: 10, SendInvitationBatch: 10 };

const START = Date.parse('2025-06-02T01:00:00.000Z');
const DAY = 86_400_000;
const CENTERS = ['center-1', 'center-2', 'center-3'];

class TransientError extends Error {
  override name = 'TransientError';
}

class DailyQuotaExceeded extends Error {
  override name = 'DailyQuotaExceeded';
}

class CampaignInvalid extends Error {
  override name = 'CampaignInvalid';
}

/** How Lambda ends an invocation that outlives its function's timeout. */
class SandboxTimedout extends Error {
  override name = 'Sandbox.Timedout';
}

/** The errors every Task must retry: Lambda's own transient failures and its timeouts. */
const LAMBDA_TRANSIENT_ERRORS = [
  'Sandbox.Timedout',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** How the simulated supervisors behave, and which task calls fail. */
interface CampaignScript {
  supervisors: string[];
  answerOnInvitation?: string[];
  answerOnReminder?: string[];
  /** They answer while the first Collect waits; the last answer wakes it, as the submit handler does. */
  answerWhileWaiting?: string[];
  /** Real seconds each Collect waits before its timeout. */
  waitSeconds?: number;
  failures?: Partial<Record<FunctionName, Error[]>>;
  /** How many send-mail invocations run short of time and leave one email of their batch for the next. */
  shortSends?: number;
  /** A review window after the close: its timeout in real seconds, and whether the organizers finish it early. */
  review?: { waitSeconds: number; finishAfterMs?: number };
  /**
   * A fact-check window: its timeout in real seconds, and what each CheckFactCheck finds (true: done;
   * false: a dispute still awaits a ruling), in order.
   */
  factCheck?: { waitSeconds: number; checks: boolean[] };
  /**
   * Sign-off (autoPublish false): SignOff's timeout in real seconds, and during which of its waits
   * (1 for the first) the organizer presses Publish, that many ms after it starts. Absent: autoPublish.
   */
  signOff?: { waitSeconds: number; publishDuringWait: number; publishAfterMs: number };
}

/**
 * Task handlers for one campaign on a simulated calendar: the reminder is due 7 days after launch,
 * the deadline 14 days. A Collect that times out moves the calendar to its `wakeAt`, as real time would.
 */
class FakeCampaign {
  readonly campaignId = 'june-2025';
  readonly calls: FunctionName[] = [];
  readonly mail: SendMailInput[] = [];
  readonly decisions: ProgressDecision[] = [];
  readonly failureReports: FailCampaignInput[] = [];
  readonly waits: AwaitResponsesInput[] = [];
  readonly reviewWaits: AwaitResponsesInput[] = [];
  readonly factCheckWaits: AwaitResponsesInput[] = [];
  readonly signOffWaits: AwaitResponsesInput[] = [];
  /** Whether the results were signed off when each summary batch went out. */
  readonly summariesSentSignedOff: boolean[] = [];
  private signedOff = false;
  private readonly answered = new Set<string>();
  private readonly reminderAt = START + 7 * DAY;
  private readonly deadline = START + 14 * DAY;
  private now = START;
  private round = 0;
  private sleeping: { wakeAt: number; woken: boolean } | undefined;
  private waitListeners: ((wait: AwaitResponsesInput) => void)[] = [];
  private runner: LocalStepFunctions | undefined;

  private readonly script: CampaignScript;

  constructor(script: CampaignScript) {
    this.script = script;
  }

  attach(runner: LocalStepFunctions): void {
    this.runner = runner;
  }

  /** Resolves when the workflow next starts waiting in Collect. */
  nextWait(): Promise<AwaitResponsesInput> {
    return new Promise((resolve) => this.waitListeners.push(resolve));
  }

  functions(): Record<string, TaskFunction> {
    const handlers: Record<FunctionName, (event: unknown) => unknown> = {
      prepare: (event) => ({ ...CampaignTaskInput.parse(event), supervisors: this.script.supervisors.length }),
      'plan-mail': (event) => this.planMail(PlanMailInput.parse(event)),
      'send-mail': (event) => this.sendMail(SendMailInput.parse(event)),
      'publish-city-summary': (event) => this.sendMail(SendMailInput.parse(event)),
      'check-progress': (event) => {
        CampaignTaskInput.parse(event);
        return this.checkProgress();
      },
      'await-responses': (event) => this.awaitResponses(AwaitResponsesInput.parse(event)),
      'close-campaign': (event) => ({
        ...CampaignTaskInput.parse(event),
        closedAt: new Date(this.now).toISOString(),
        scoreAfter: new Date(this.now).toISOString(),
      }),
      'score-campaign': (event) => ({
        ...CampaignTaskInput.parse(event),
        centers: CENTERS.length,
        responses: this.answered.size,
      }),
      'open-review': (event) => {
        CampaignTaskInput.parse(event);
        const review = this.script.review;
        return {
          window: review !== undefined,
          waitSeconds: review?.waitSeconds ?? 1,
          wakeAt: new Date(this.now).toISOString(),
        };
      },
      'await-review': (event) => {
        const input = AwaitResponsesInput.parse(event);
        this.reviewWaits.push(input);
        const finish = this.script.review?.finishAfterMs;
        if (finish !== undefined) {
          setTimeout(() => {
            const signal = WakeSignal.parse({ reason: 'review-finished', at: new Date(this.now).toISOString() });
            this.runner?.sendTaskSuccess(input.taskToken, JSON.stringify(signal));
          }, finish);
        }
        return { stored: true };
      },
      'open-fact-check': (event) => {
        CampaignTaskInput.parse(event);
        const factCheck = this.script.factCheck;
        return {
          window: factCheck !== undefined,
          waitSeconds: factCheck?.waitSeconds ?? 1,
          wakeAt: new Date(this.now).toISOString(),
        };
      },
      'await-fact-check': (event) => ({ stored: this.factCheckWaits.push(AwaitResponsesInput.parse(event)) > 0 }),
      'check-fact-check': (event) => {
        CampaignTaskInput.parse(event);
        const done = this.script.factCheck?.checks.shift() ?? true;
        return { done, open: done ? 0 : 1, waitSeconds: 1, wakeAt: new Date(this.now).toISOString() };
      },
      'open-sign-off': (event) => {
        CampaignTaskInput.parse(event);
        const signOff = this.script.signOff;
        return {
          window: signOff !== undefined && !this.signedOff,
          waitSeconds: signOff?.waitSeconds ?? 1,
          wakeAt: new Date(this.now).toISOString(),
        };
      },
      'await-sign-off': (event) => this.awaitSignOff(AwaitResponsesInput.parse(event)),
      'fail-campaign': (event) => {
        this.failureReports.push(FailCampaignInput.parse(event));
        return { notified: true };
      },
    };
    const functions: Record<string, TaskFunction> = {};
    for (const name of FUNCTION_NAMES) {
      functions[functionArn(name)] = async (event) => {
        this.calls.push(name);
        const failure = this.script.failures?.[name]?.shift();
        if (failure) throw failure;
        return handlers[name](event);
      };
    }
    return functions;
  }

  private planMail(input: PlanMailInput): MailPlan {
    const supervisors = this.script.supervisors;
    const ids =
      input.kind === 'invitation'
        ? supervisors
        : input.kind === 'reminder'
          ? supervisors.filter((id) => !this.answered.has(id))
          : input.kind === 'summary' || input.kind === 'fact-check'
            ? CENTERS
            : ['organizers'];
    return MailPlan.parse({
      kind: input.kind,
      round: input.round,
      recipients: ids.length,
      batches: planBatches(ids, 1, 2),
    });
  }

  /** The ids a batch's range covers among this campaign's supervisors, centers and organizers. */
  batchIds(batch: SendMailInput['batch']): string[] {
    return idsInBatch([...this.script.supervisors, ...CENTERS, 'organizers'].sort(), batch);
  }

  /** The organizer presses Publish during the scripted wait, as the console sends the token back. */
  private awaitSignOff(input: AwaitResponsesInput): { stored: true } {
    this.signOffWaits.push(input);
    const signOff = this.script.signOff;
    if (signOff && this.signOffWaits.length === signOff.publishDuringWait) {
      setTimeout(() => {
        this.signedOff = true;
        const signal = WakeSignal.parse({ reason: 'signed-off', at: new Date(this.now).toISOString() });
        this.runner?.sendTaskSuccess(input.taskToken, JSON.stringify(signal));
      }, signOff.publishAfterMs);
    }
    return { stored: true };
  }

  private sendMail(input: SendMailInput): SendMailResult {
    this.mail.push(input);
    if (input.kind === 'summary') this.summariesSentSignedOff.push(this.signedOff);
    const answering =
      input.kind === 'invitation'
        ? this.script.answerOnInvitation
        : input.kind === 'reminder'
          ? this.script.answerOnReminder
          : undefined;
    for (const id of this.batchIds(input.batch)) if (answering?.includes(id)) this.answered.add(id);
    if ((this.script.shortSends ?? 0) > 0 && input.batch.count > 1) {
      this.script.shortSends = (this.script.shortSends ?? 0) - 1;
      return SendMailResult.parse({ sent: input.batch.count - 1, skipped: 0, suppressed: 0, failed: 0, remaining: 1 });
    }
    return SendMailResult.parse({ sent: input.batch.count, skipped: 0, suppressed: 0, failed: 0, remaining: 0 });
  }

  private checkProgress(): ProgressDecision {
    if (this.sleeping && !this.sleeping.woken) this.now = Math.max(this.now, this.sleeping.wakeAt);
    this.sleeping = undefined;
    const total = this.script.supervisors.length;
    const answered = this.answered.size;
    let decision: ProgressDecision;
    if (answered === total) {
      decision = { action: 'close', reason: 'complete', answered, total };
    } else if (this.now >= this.deadline) {
      decision = { action: 'close', reason: 'deadline', answered, total };
    } else if (this.now >= this.reminderAt && this.round === 0) {
      this.round = 1;
      decision = { action: 'remind', round: this.round, answered, total };
    } else {
      const wakeAt = this.round === 0 ? this.reminderAt : this.deadline;
      this.sleeping = { wakeAt, woken: false };
      const waitSeconds = this.script.waitSeconds ?? 1;
      decision = { action: 'wait', waitSeconds, wakeAt: new Date(wakeAt).toISOString(), answered, total };
    }
    this.decisions.push(ProgressDecision.parse(decision));
    return decision;
  }

  private awaitResponses(input: AwaitResponsesInput): { stored: boolean } {
    this.waits.push(input);
    for (const listener of this.waitListeners.splice(0)) listener(input);
    const answering = this.waits.length === 1 ? (this.script.answerWhileWaiting ?? []) : [];
    // Answers arrive later, through the survey API, not inside this invocation.
    if (answering.length > 0) setTimeout(() => this.answer(answering, input.taskToken), 20);
    return { stored: true };
  }

  private answer(ids: string[], taskToken: string): void {
    for (const id of ids) this.answered.add(id);
    if (this.answered.size < this.script.supervisors.length || !this.sleeping || !this.runner) return;
    this.sleeping.woken = true;
    const signal = WakeSignal.parse({ reason: 'complete', at: new Date(this.now).toISOString() });
    this.runner.sendTaskSuccess(taskToken, JSON.stringify(signal));
  }
}

const runners: LocalStepFunctions[] = [];

function createRunner(campaign: FakeCampaign): LocalStepFunctions {
  const runner = new LocalStepFunctions({
    definition: WORKFLOW,
    substitutions: SUBSTITUTIONS,
    functions: campaign.functions(),
    retryIntervalOverrides: RETRY_NOW,
  });
  campaign.attach(runner);
  runners.push(runner);
  return runner;
}

function launch(runner: LocalStepFunctions, campaign: FakeCampaign): string {
  const input = JSON.stringify({ campaignId: campaign.campaignId });
  return runner.startExecution({ name: campaign.campaignId, input }).executionArn;
}

/** States entered by the execution itself, not by Map iterations. */
function pathOf(events: LocalExecutionEvent[]): (string | undefined)[] {
  return events.filter((e) => e.type === 'StateEntered' && e.mapIndex === undefined).map((e) => e.stateName);
}

function eventsOf(events: LocalExecutionEvent[], type: LocalExecutionEvent['type'], stateName: string) {
  return events.filter((e) => e.type === type && e.stateName === stateName);
}

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

const FinalState = z.object({
  campaignId: z.string(),
  next: ProgressDecision,
  close: z.object({ closedAt: z.string(), scoreAfter: z.string() }),
  score: z.object({ centers: z.number(), responses: z.number() }),
  publish: SendMailResult,
});

const TIMED_OUT_COLLECT = ['Collect', 'CheckProgress', 'Route'];
const REMINDER_ROUND = ['PlanReminders', 'SendReminders', 'CheckProgress', 'Route'];
const LAUNCH = ['Prepare', 'PlanInvitations', 'SendInvitations', 'CheckProgress', 'Route'];
const PUBLICATION = ['PlanSummaries', 'SendSummaries', 'SendCitySummary', 'Done'];
/** Scoring, then publication at once: the path of a campaign with autoPublish. */
const SCORE_AND_PUBLISH = ['Score', 'OpenSignOff', 'InSignOff', ...PUBLICATION];
const PUBLISH = [
  'Close',
  'SettleSubmissions',
  'OpenReview',
  'InReview',
  'OpenFactCheck',
  'InFactCheck',
  ...SCORE_AND_PUBLISH,
];

afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()));
});

describe('campaign workflow', () => {
  it('invites, waits, reminds the supervisors who have not answered, closes at the deadline and publishes', async () => {
    // Prepare
    const campaign = new FakeCampaign({
      supervisors: ['sup-1', 'sup-2', 'sup-3', 'sup-4'],
      answerOnInvitation: ['sup-1'],
      answerOnReminder: ['sup-2'],
    });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    const history = runner.history(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(pathOf(history)).toEqual([
      ...LAUNCH,
      ...TIMED_OUT_COLLECT,
      ...REMINDER_ROUND,
      ...TIMED_OUT_COLLECT,
      ...PUBLISH,
    ]);
    expect(eventsOf(history, 'StateCaught', 'Collect')).toMatchObject([
      { errorEquals: ['States.Timeout'], next: 'CheckProgress' },
      { errorEquals: ['States.Timeout'], next: 'CheckProgress' },
    ]);
    const reminded = campaign.mail.filter((m) => m.kind === 'reminder').flatMap((m) => campaign.batchIds(m.batch));
    expect(reminded.sort()).toEqual(['sup-2', 'sup-3', 'sup-4']);
    expect(
      campaign.mail
        .filter((m) => m.kind === 'summary')
        .flatMap((m) => campaign.batchIds(m.batch))
        .sort(),
    ).toEqual(CENTERS);
    const output = FinalState.parse(JSON.parse(execution.output ?? 'null'));
    expect(output.next).toMatchObject({ action: 'close', reason: 'deadline', answered: 2, total: 4 });
    expect(output.publish).toEqual({ sent: 1, skipped: 0, suppressed: 0, failed: 0, remaining: 0 });
  });

  it('waits in Review after the close until the organizers finish it, then scores', async () => {
    // Prepare: everyone answers on invitation; the review window is far longer than the test
    const campaign = new FakeCampaign({
      supervisors: ['sup-1', 'sup-2'],
      answerOnInvitation: ['sup-1', 'sup-2'],
      review: { waitSeconds: 3600, finishAfterMs: 50 },
    });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    const history = runner.history(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(pathOf(history).slice(-12)).toEqual([
      'OpenReview',
      'InReview',
      'Review',
      'OpenFactCheck',
      'InFactCheck',
      ...SCORE_AND_PUBLISH,
    ]);
    expect(campaign.reviewWaits).toHaveLength(1);
    expect(eventsOf(history, 'StateCaught', 'Review')).toEqual([]);
    expect(JSON.parse(execution.output ?? 'null').reviewSignal).toMatchObject({ reason: 'review-finished' });
  });

  it('scores when the review window ends without the organizers finishing it', async () => {
    // Prepare
    const campaign = new FakeCampaign({
      supervisors: ['sup-1'],
      answerOnInvitation: ['sup-1'],
      review: { waitSeconds: 1 },
    });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    const history = runner.history(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(eventsOf(history, 'StateCaught', 'Review')).toMatchObject([
      { errorEquals: ['States.Timeout'], next: 'OpenFactCheck' },
    ]);
    expect(pathOf(history)).toContain('Score');
  });

  it('sends the draft findings to the officials, waits in FactCheck until every dispute is ruled, then scores', async () => {
    // Prepare: the window times out at once; the first check finds a dispute awaiting a ruling
    const campaign = new FakeCampaign({
      supervisors: ['sup-1'],
      answerOnInvitation: ['sup-1'],
      factCheck: { waitSeconds: 1, checks: [false, true] },
    });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    const history = runner.history(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    const path = pathOf(history);
    expect(path.slice(path.indexOf('OpenFactCheck'))).toEqual([
      'OpenFactCheck',
      'InFactCheck',
      'PlanFactCheckNotices',
      'SendFactCheckNotices',
      'FactCheck',
      'CheckFactCheck',
      'FactCheckDone',
      'FactCheck',
      'CheckFactCheck',
      'FactCheckDone',
      ...SCORE_AND_PUBLISH,
    ]);
    expect(campaign.factCheckWaits).toHaveLength(2);
    const notices = campaign.mail.filter((m) => m.kind === 'fact-check').flatMap((m) => campaign.batchIds(m.batch));
    expect(notices.sort()).toEqual(CENTERS);
  });

  it('publishes at once after scoring when the campaign says autoPublish, without waiting in SignOff', async () => {
    // Prepare: no sign-off script is a campaign with autoPublish: true
    const campaign = new FakeCampaign({ supervisors: ['sup-1'], answerOnInvitation: ['sup-1'] });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    const path = pathOf(runner.history(executionArn));
    expect(execution.status).toBe('SUCCEEDED');
    expect(path.slice(path.indexOf('Score'))).toEqual(SCORE_AND_PUBLISH);
    expect(campaign.signOffWaits).toEqual([]);
    expect(JSON.parse(execution.output ?? 'null').signOff).toMatchObject({ window: false });
  });

  it('holds the scored results in SignOff until an organizer publishes, then emails the summaries', async () => {
    // Prepare: the sign-off wait is far longer than the test; the organizer presses Publish 50 ms into it
    const campaign = new FakeCampaign({
      supervisors: ['sup-1'],
      answerOnInvitation: ['sup-1'],
      signOff: { waitSeconds: 3600, publishDuringWait: 1, publishAfterMs: 50 },
    });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    const history = runner.history(executionArn);
    const path = pathOf(history);
    expect(execution.status).toBe('SUCCEEDED');
    expect(path.slice(path.indexOf('Score'))).toEqual([
      'Score',
      'OpenSignOff',
      'InSignOff',
      'SignOff',
      'OpenSignOff',
      'InSignOff',
      ...PUBLICATION,
    ]);
    expect(campaign.signOffWaits).toHaveLength(1);
    expect(eventsOf(history, 'StateCaught', 'SignOff')).toEqual([]);
    expect(campaign.summariesSentSignedOff.length).toBeGreaterThan(0);
    expect(campaign.summariesSentSignedOff.every((signed) => signed)).toBe(true);
    expect(JSON.parse(execution.output ?? 'null').signOffSignal).toMatchObject({ reason: 'signed-off' });
  });

  it('checks again and keeps waiting when SignOff times out unsigned: nothing is published without an organizer', async () => {
    // Prepare: each wait times out after 1 s; the organizer presses Publish only during the third
    const campaign = new FakeCampaign({
      supervisors: ['sup-1'],
      answerOnInvitation: ['sup-1'],
      signOff: { waitSeconds: 1, publishDuringWait: 3, publishAfterMs: 50 },
    });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    const history = runner.history(executionArn);
    const path = pathOf(history);
    expect(execution.status).toBe('SUCCEEDED');
    const signOffWait = ['SignOff', 'OpenSignOff', 'InSignOff'];
    expect(path.slice(path.indexOf('Score'))).toEqual([
      'Score',
      'OpenSignOff',
      'InSignOff',
      ...signOffWait,
      ...signOffWait,
      ...signOffWait,
      ...PUBLICATION,
    ]);
    expect(eventsOf(history, 'StateCaught', 'SignOff')).toMatchObject([
      { errorEquals: ['States.Timeout'], next: 'OpenSignOff' },
      { errorEquals: ['States.Timeout'], next: 'OpenSignOff' },
    ]);
    expect(campaign.summariesSentSignedOff.every((signed) => signed)).toBe(true);
  });

  it('runs each Distributed Map iteration as a child execution with its own history', async () => {
    // Prepare
    const supervisors = ['sup-1', 'sup-2', 'sup-3'];
    const campaign = new FakeCampaign({ supervisors, answerOnInvitation: supervisors });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    await runner.waitForExecution(executionArn);

    // Assess
    const iterations = runner
      .history(executionArn)
      .filter((e) => e.type === 'MapIterationStarted' && e.parentState === 'SendInvitations');
    expect(iterations.map((e) => e.childExecution).sort()).toEqual(['SendInvitations#1/0', 'SendInvitations#1/1']);
    const statistics = runner.statistics(executionArn);
    expect(statistics.childExecutions.map((c) => c.executionId)).toContain('SendInvitations#1/1');
    // Each child sends its batch, finds nothing remaining and succeeds.
    expect(statistics.childExecutions.every((c) => c.stateTransitions === 3)).toBe(true);
    expect(statistics.stateTransitions).toBe(pathOf(runner.history(executionArn)).length);
    const childTransitions = statistics.childExecutions.reduce((sum, c) => sum + c.stateTransitions, 0);
    expect(runner.stateTransitions).toBe(statistics.stateTransitions + childTransitions);
  });

  it('closes as soon as the last supervisor answers, without waiting for the timeout', async () => {
    // Prepare
    const supervisors = ['sup-1', 'sup-2', 'sup-3'];
    const campaign = new FakeCampaign({ supervisors, answerWhileWaiting: supervisors, waitSeconds: 3600 });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    const history = runner.history(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(pathOf(history)).toEqual([...LAUNCH, ...TIMED_OUT_COLLECT, ...PUBLISH]);
    expect(eventsOf(history, 'StateFailed', 'Collect')).toEqual([]);
    expect(eventsOf(history, 'TaskTokenSucceeded', 'Collect')).toHaveLength(1);
    expect(campaign.mail.some((m) => m.kind === 'reminder')).toBe(false);
    const output = z
      .object({ signal: WakeSignal, next: ProgressDecision })
      .parse(JSON.parse(execution.output ?? 'null'));
    expect(output.signal.reason).toBe('complete');
    expect(output.next).toMatchObject({ action: 'close', reason: 'complete', answered: 3, total: 3 });
  });

  it('reminds everyone when nobody answers, then closes at the deadline', async () => {
    // Prepare
    const supervisors = ['sup-1', 'sup-2', 'sup-3'];
    const campaign = new FakeCampaign({ supervisors });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(pathOf(runner.history(executionArn))).toEqual([
      ...LAUNCH,
      ...TIMED_OUT_COLLECT,
      ...REMINDER_ROUND,
      ...TIMED_OUT_COLLECT,
      ...PUBLISH,
    ]);
    const reminded = campaign.mail.filter((m) => m.kind === 'reminder').flatMap((m) => campaign.batchIds(m.batch));
    expect(reminded.sort()).toEqual(supervisors);
    expect(campaign.decisions.map((d) => d.action)).toEqual(['wait', 'remind', 'wait', 'close']);
    expect(campaign.decisions.at(-1)).toMatchObject({ reason: 'deadline', answered: 0, total: 3 });
  });

  it('retries a task that fails transiently and carries on', async () => {
    // Prepare
    const supervisors = ['sup-1', 'sup-2'];
    const campaign = new FakeCampaign({
      supervisors,
      answerOnInvitation: supervisors,
      failures: { prepare: [new TransientError('DynamoDB throttled the snapshot')] },
    });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    const history = runner.history(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(eventsOf(history, 'StateFailed', 'Prepare')).toMatchObject([{ error: 'TransientError' }]);
    expect(eventsOf(history, 'StateRetried', 'Prepare')).toMatchObject([{ retryAttempt: 1 }]);
    expect(eventsOf(history, 'StateRetried', 'Prepare')[0]?.errorEquals).toContain('TransientError');
    expect(campaign.calls.filter((name) => name === 'prepare')).toHaveLength(2);
    expect(pathOf(history)).toEqual([...LAUNCH, ...PUBLISH]);
  });

  it('retries a mail batch that fails transiently inside the Map, within its child execution', async () => {
    // Prepare
    const supervisors = ['sup-1', 'sup-2', 'sup-3'];
    const campaign = new FakeCampaign({
      supervisors,
      answerOnInvitation: supervisors,
      failures: { 'send-mail': [new TransientError('SES throttled the batch')] },
    });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    const retries = eventsOf(runner.history(executionArn), 'StateRetried', 'SendInvitationBatch');
    expect(retries).toHaveLength(1);
    expect(retries[0]?.childExecution).toMatch(/^SendInvitations#1\/[01]$/);
    const invited = campaign.mail.filter((m) => m.kind === 'invitation').flatMap((m) => campaign.batchIds(m.batch));
    expect(invited.sort()).toEqual(supervisors);
  });

  it('retries a task that Lambda ended with Sandbox.Timedout and carries on', async () => {
    // Prepare
    const supervisors = ['sup-1', 'sup-2'];
    const campaign = new FakeCampaign({
      supervisors,
      answerOnInvitation: supervisors,
      failures: {
        prepare: [new SandboxTimedout('Task timed out after 900.00 seconds')],
        'send-mail': [new SandboxTimedout('Task timed out after 240.00 seconds')],
      },
    });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    const history = runner.history(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(pathOf(history)).toEqual([...LAUNCH, ...PUBLISH]);
    for (const state of ['Prepare', 'SendInvitationBatch']) {
      expect(eventsOf(history, 'StateFailed', state)).toMatchObject([{ error: 'Sandbox.Timedout' }]);
      expect(eventsOf(history, 'StateRetried', state)).toHaveLength(1);
      expect(eventsOf(history, 'StateRetried', state)[0]?.errorEquals).toContain('Sandbox.Timedout');
    }
    expect(campaign.failureReports).toEqual([]);
    const invited = campaign.mail.filter((m) => m.kind === 'invitation').flatMap((m) => campaign.batchIds(m.batch));
    expect(invited.sort()).toEqual(supervisors);
  });

  it('sends the rest of a batch in a new invocation when send-mail stops short of its timeout', async () => {
    // Prepare: the first invocation of a two-supervisor batch sends one and leaves one
    const supervisors = ['sup-1', 'sup-2', 'sup-3', 'sup-4'];
    const campaign = new FakeCampaign({ supervisors, answerOnInvitation: supervisors, shortSends: 1 });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    const history = runner.history(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    const invitations = campaign.mail.filter((m) => m.kind === 'invitation');
    expect(invitations).toHaveLength(3);
    const entered = eventsOf(history, 'StateEntered', 'SendInvitationBatch');
    const perChild = new Map<string | undefined, number>();
    for (const e of entered) perChild.set(e.childExecution, (perChild.get(e.childExecution) ?? 0) + 1);
    expect([...perChild.values()].sort()).toEqual([1, 2]);
    expect(eventsOf(history, 'StateEntered', 'InvitationBatchDone')).toHaveLength(3);
    expect(eventsOf(history, 'StateEntered', 'InvitationBatchSent')).toHaveLength(2);
    expect(pathOf(history)).toEqual([...LAUNCH, ...PUBLISH]);
  });

  it('notifies the organizers and fails the execution when a task fails for good', async () => {
    // Prepare
    const campaign = new FakeCampaign({
      supervisors: ['sup-1'],
      failures: { prepare: [new CampaignInvalid('the supervisor roster is empty')] },
    });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    const history = runner.history(executionArn);
    expect(pathOf(history)).toEqual(['Prepare', 'NotifyFailure', 'Failed']);
    expect(eventsOf(history, 'StateRetried', 'Prepare')).toEqual([]);
    expect(eventsOf(history, 'StateCaught', 'Prepare')).toMatchObject([{ next: 'NotifyFailure' }]);
    expect(campaign.failureReports).toHaveLength(1);
    expect(campaign.failureReports[0]?.error.Error).toBe('CampaignInvalid');
    expect(campaign.failureReports[0]?.error.Cause).toContain('the supervisor roster is empty');
    expect(execution).toMatchObject({ status: 'FAILED', error: 'CampaignFailed' });
  });

  it("fails a Distributed Map whose batch failed for good as AWS does, with the batch's own error in its history", async () => {
    // Prepare
    const campaign = new FakeCampaign({
      supervisors: ['sup-1', 'sup-2'],
      failures: { 'send-mail': [new DailyQuotaExceeded('24-hour quota: 200 sent of 200, 2 to go')] },
    });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    await runner.waitForExecution(executionArn);

    // Assess
    const history = runner.history(executionArn);
    expect(eventsOf(history, 'StateFailed', 'SendInvitationBatch')).toMatchObject([{ error: 'DailyQuotaExceeded' }]);
    expect(eventsOf(history, 'StateCaught', 'SendInvitations')).toMatchObject([{ next: 'NotifyFailure' }]);
    expect(campaign.failureReports[0]?.error.Error).toBe('States.ExceedToleratedFailureThreshold');
    expect(history.some((e) => e.stateName?.includes('MapRun') || e.parentState?.includes('MapRun'))).toBe(false);
  });

  it('returns the running execution when the same campaign is launched again with the same input', async () => {
    // Prepare
    const campaign = new FakeCampaign({ supervisors: ['sup-1', 'sup-2'], waitSeconds: 3600 });
    const runner = createRunner(campaign);
    const waiting = campaign.nextWait();
    const first = runner.startExecution({ name: campaign.campaignId, input: '{"campaignId":"june-2025"}' });
    await waiting;

    // Act
    const second = runner.startExecution({ name: campaign.campaignId, input: '{"campaignId":"june-2025"}' });

    // Assess
    expect(second).toEqual(first);
    expect(() => runner.startExecution({ name: campaign.campaignId, input: '{"campaignId":"july-2025"}' })).toThrow(
      ExecutionAlreadyExists,
    );
    expect(campaign.calls.filter((name) => name === 'prepare')).toHaveLength(1);
    expect(runner.describeExecution(first.executionArn).status).toBe('RUNNING');
  });

  it('refuses a wake-up for a Collect that has already timed out', async () => {
    // Prepare
    const campaign = new FakeCampaign({ supervisors: ['sup-1'], waitSeconds: 1 });
    const runner = createRunner(campaign);
    const waiting = campaign.nextWait();
    const executionArn = launch(runner, campaign);
    const { taskToken } = await waiting;
    const secondWait = campaign.nextWait();
    await secondWait;

    // Act
    const refusal = errorOf(() =>
      runner.sendTaskSuccess(taskToken, JSON.stringify({ reason: 'complete', at: 'late' })),
    );

    // Assess
    expect(refusal).toBeInstanceOf(TaskTimedOut);
    expect(eventsOf(runner.history(executionArn), 'TaskTokenTimedOut', 'Collect').length).toBeGreaterThanOrEqual(1);
  });

  it('keeps waiting through a Collect longer than the 24.8 days a Node timer can hold', async () => {
    // Prepare
    const supervisors = ['sup-1'];
    const campaign = new FakeCampaign({ supervisors, answerWhileWaiting: supervisors, waitSeconds: 30 * 86_400 });
    const runner = createRunner(campaign);

    // Act
    const executionArn = launch(runner, campaign);
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    const history = runner.history(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(eventsOf(history, 'StateFailed', 'Collect')).toEqual([]);
    expect(eventsOf(history, 'TaskTimeoutShortened', 'Collect')).toHaveLength(1);
  });
});

describe('local runner', () => {
  const task = (extra: Record<string, unknown> = {}) => ({
    Type: 'Task',
    Resource: placeholder('NotifyFunctionArn'),
    TimeoutSeconds: 30,
    End: true,
    ...extra,
  });
  const refusalOf = (states: Record<string, unknown>, top: Record<string, unknown> = {}) => {
    const definition = JSON.stringify({ StartAt: Object.keys(states)[0], States: states, ...top });
    const notify = functionArn('notify');
    return errorOf(
      () =>
        new LocalStepFunctions({
          definition,
          substitutions: { NotifyFunctionArn: notify },
          functions: { [notify]: async () => ({}) },
        }),
    );
  };
  const mapOver = (extra: Record<string, unknown>) => ({
    Type: 'Map',
    ItemsPath: '$.batches',
    ItemProcessor: {
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
      StartAt: 'SendBatch',
      States: { SendBatch: task() },
    },
    End: true,
    ...extra,
  });

  it.each([
    {
      feature: 'ItemBatcher',
      where: 'States.Fanout',
      build: () => ({ Fanout: mapOver({ ItemBatcher: { MaxItemsPerBatch: 100 } }) }),
    },
    {
      feature: 'JSONata',
      where: 'States.Notify',
      build: () => ({ Notify: task({ QueryLanguage: 'JSONata', Arguments: { campaign: '{% $states.input.id %}' } }) }),
    },
    {
      feature: 'ToleratedFailurePercentage',
      where: 'States.Fanout',
      build: () => ({ Fanout: mapOver({ ToleratedFailurePercentage: 5 }) }),
    },
    {
      feature: 'TimeoutSeconds',
      where: 'States.Notify',
      build: () => ({ Notify: task({ TimeoutSeconds: undefined }) }),
    },
  ])('refuses a definition that relies on $feature, naming the state', ({ feature, where, build }) => {
    // Prepare
    const states = build();

    // Act
    const refusal = refusalOf(states);

    // Assess
    expect(refusal).toBeInstanceOf(WorkflowDefinitionRefused);
    const problems = refusal instanceof WorkflowDefinitionRefused ? refusal.problems : [];
    expect(problems.filter((problem) => problem.startsWith(`${where}: `)).join('\n')).toContain(feature);
  });

  it('lists every offending state, nested ones included', () => {
    // Prepare
    const states = {
      Fanout: mapOver({
        Next: 'Notify',
        End: undefined,
        ItemProcessor: {
          StartAt: 'SendBatch',
          States: { SendBatch: task({ TimeoutSeconds: undefined, Assign: { n: 1 } }) },
        },
      }),
      Notify: task(),
    };

    // Act
    const refusal = refusalOf(states, { QueryLanguage: 'JSONata' });

    // Assess
    expect(refusal).toBeInstanceOf(WorkflowDefinitionRefused);
    const problems = refusal instanceof WorkflowDefinitionRefused ? refusal.problems : [];
    expect(problems).toEqual([
      expect.stringContaining('(top level): QueryLanguage JSONata'),
      expect.stringContaining('States.Fanout.ItemProcessor.States.SendBatch: Assign'),
      expect.stringContaining('States.Fanout.ItemProcessor.States.SendBatch: Task without TimeoutSeconds'),
    ]);
  });

  it('refuses a Task whose function is not registered', () => {
    // Prepare
    const states = { Notify: task({ Resource: functionArn('nobody') }) };

    // Act
    const refusal = refusalOf(states);

    // Assess
    expect(String(refusal)).toContain(`States.Notify: no function is registered for ${functionArn('nobody')}`);
  });

  it('refuses a placeholder without a substitution, naming it', () => {
    // Prepare
    const states = { Notify: task({ Resource: placeholder('MissingFunctionArn') }) };

    // Act
    const refusal = refusalOf(states);

    // Assess
    expect(String(refusal)).toContain(placeholder('MissingFunctionArn'));
  });

  it('times out a Lambda task that runs longer than its TimeoutSeconds, and the Catch sees States.Timeout', async () => {
    // Prepare
    const notify = functionArn('notify');
    let release: () => void = () => undefined;
    const runner = new LocalStepFunctions({
      definition: JSON.stringify({
        StartAt: 'Notify',
        States: {
          Notify: task({
            TimeoutSeconds: 1,
            End: undefined,
            Next: 'Done',
            Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Done' }],
          }),
          Done: { Type: 'Succeed' },
        },
      }),
      substitutions: { NotifyFunctionArn: notify },
      functions: {
        [notify]: () =>
          new Promise<void>((resolve) => {
            release = resolve;
          }),
      },
    });
    runners.push(runner);

    // Act
    const { executionArn } = runner.startExecution({ name: 'slow-notify', input: '{}' });
    const execution = await runner.waitForExecution(executionArn).finally(() => release());

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? 'null')).toMatchObject({ timeout: { Error: 'States.Timeout' } });
    expect(eventsOf(runner.history(executionArn), 'StateCaught', 'Notify')).toMatchObject([{ next: 'Done' }]);
  });

  it('fails a task whose result is over 256 KiB with States.DataLimitExceeded, which no Retry or Catch takes', async () => {
    // Prepare
    const notify = functionArn('notify');
    const runner = new LocalStepFunctions({
      definition: JSON.stringify({
        StartAt: 'Notify',
        States: {
          Notify: task({
            End: undefined,
            Next: 'Done',
            Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2, IntervalSeconds: 1 }],
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }],
          }),
          Done: { Type: 'Succeed' },
        },
      }),
      substitutions: { NotifyFunctionArn: notify },
      functions: { [notify]: async () => ({ padding: 'x'.repeat(256 * 1024) }) },
    });
    runners.push(runner);

    // Act
    const { executionArn } = runner.startExecution({ name: 'large-result', input: '{}' });
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(eventsOf(runner.history(executionArn), 'StateRetried', 'Notify')).toEqual([]);
  });

  it('reads TimeoutSecondsPath from the state input, as AWS does, and keeps it out of the task payload', async () => {
    // Prepare
    const notify = functionArn('notify');
    const received: unknown[] = [];
    const runner = new LocalStepFunctions({
      definition: JSON.stringify({
        StartAt: 'Notify',
        States: {
          Notify: task({
            TimeoutSeconds: undefined,
            TimeoutSecondsPath: '$.limits.notify',
            Parameters: { 'campaignId.$': '$.campaignId' },
            Next: 'Confirm',
            End: undefined,
          }),
          Confirm: task({
            Resource: notify,
            TimeoutSeconds: undefined,
            TimeoutSecondsPath: '$.limits.notify',
            ResultPath: '$.confirmed',
          }),
        },
      }),
      substitutions: { NotifyFunctionArn: notify },
      functions: {
        [notify]: async (event) => {
          received.push(event);
          return { campaignId: 'june-2025', limits: { notify: 5 } };
        },
      },
    });
    runners.push(runner);

    // Act
    const input = JSON.stringify({ campaignId: 'june-2025', limits: { notify: 5 } });
    const { executionArn } = runner.startExecution({ name: 'timeout-path', input });
    const execution = await runner.waitForExecution(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(received).toEqual([{ campaignId: 'june-2025' }, { campaignId: 'june-2025', limits: { notify: 5 } }]);
  });
});

describe('workflow definition', () => {
  type RetrySpec = { ErrorEquals: string[]; JitterStrategy?: string };
  type StateSpec = { Type: string; Retry?: RetrySpec[]; ItemProcessor?: { States: Record<string, StateSpec> } };
  /** Every Task state of the definition, Map iterations' included, by name. */
  const taskStates = (): [string, StateSpec][] => {
    const tasks: [string, StateSpec][] = [];
    const visit = (states: Record<string, StateSpec>) => {
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === 'Task') tasks.push([name, state]);
        if (state.ItemProcessor) visit(state.ItemProcessor.States);
      }
    };
    visit(JSON.parse(WORKFLOW).States);
    return tasks;
  };

  it("retries Lambda's timeouts and transient failures with jittered backoff in every Task", () => {
    // Act
    const tasks = taskStates();

    // Assess
    expect(tasks.length).toBeGreaterThan(10);
    for (const [name, state] of tasks) {
      const retry = state.Retry?.find((r) => r.ErrorEquals.includes('Sandbox.Timedout'));
      expect(retry?.ErrorEquals, name).toEqual(expect.arrayContaining(LAMBDA_TRANSIENT_ERRORS));
      expect(retry, name).toMatchObject({ BackoffRate: expect.any(Number), MaxDelaySeconds: expect.any(Number) });
      expect(retry?.JitterStrategy, name).toBe('FULL');
    }
  });
});
