import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { launchCampaign } from '../../cli/launch.ts';
import type { CampaignMeta } from '../../functions/core/campaign/lifecycle.ts';
import type { CampaignDefinition } from '../../functions/core/model.ts';
import { answerSurvey } from '../../local/demo/simulate.ts';
import type { FaultProxy, ProxiedRequest } from '../../local/fault-proxy.ts';
import { mailKindOf, readOutbox } from '../../local/ses-outbox.ts';
import { shortDemoCampaign } from '../fixtures/campaign.ts';
import { type CloudClients, startCloudAndClients } from './embedded-cloud.ts';
import { sleep } from './wait.ts';

/** One invocation of a workflow function, and how it ended. */
export interface TaskRun {
  name: string;
  campaignId: unknown;
  ended: Promise<'succeeded' | 'failed'>;
}

/** Every Task state of the workflow, each with a 100 ms pause between retries. */
const taskStatePauses = (): Record<string, number> => {
  const pauses: Record<string, number> = {};
  const visit = (states: Record<string, { Type: string; ItemProcessor?: { States: Record<string, never> } }>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') pauses[name] = 100;
      if (state.ItemProcessor) visit(state.ItemProcessor.States);
    }
  };
  visit(JSON.parse(readFileSync(new URL('../../workflows/campaign.asl.json', import.meta.url), 'utf8')).States);
  return pauses;
};

/** Score's reads of the campaign's latest responses (one Query per shard; counting queries excluded). */
export const isScoreRead = (campaignId: string) => (r: ProxiedRequest) =>
  r.operation === 'Query' &&
  r.body.includes(`"CAMPAIGN#${campaignId}#S`) &&
  r.body.includes('"RESPONSE#"') &&
  !r.body.includes('"COUNT"');

/**
 * Submits like a phone does: on 503 (or a request its own 15 s timer abandoned) it tries again after a
 * short pause (Retry-After, shortened here), until the answer is taken; the test's timeout is the limit.
 * The submission id is the same on every try, so a try the server had already taken is not counted twice.
 */
export const answerPatiently = async (url: string, seed: string): Promise<number> => {
  for (;;) {
    const status = await answerSurvey(url, seed).then(
      (r) => r.status,
      (error: unknown) => {
        if (error instanceof Error && error.name === 'TimeoutError') return 503;
        throw error;
      },
    );
    if (status !== 503) return status;
    await sleep(200);
  }
};

/** The embedded cloud with fault proxies, and what the failure tests wait on: the workflow's function runs. */
export interface FaultCloud extends CloudClients {
  faults: { dynamodb: FaultProxy; ses: FaultProxy };
  /** A small campaign (6 centers) with its deadline an hour away, so it closes when everyone answered. */
  smallCampaign: () => CampaignDefinition;
  /** The invocations of function `name` for the campaign so far, oldest first. */
  runsOf: (campaignId: string, name: string) => TaskRun[];
  /**
   * Resolves with the `nth` invocation (1-based) of function `name` for the campaign once it has started;
   * rejects if the campaign's workflow ends first. No deadline of its own: the test's timeout is the limit.
   */
  nthRun: (executionArn: string, campaignId: string, name: string, nth: number) => Promise<TaskRun>;
  /**
   * Launches the campaign and waits until its workflow sleeps in Collect: the Collect function has stored
   * the task token and returned, so every invitation is out and no function of the workflow is running.
   */
  launchAndInvite: (definition: CampaignDefinition) => Promise<{
    launch: { executionArn: string };
    invitations: Awaited<ReturnType<typeof readOutbox>>;
    meta: CampaignMeta;
  }>;
}

/**
 * Starts the embedded cloud with fault injection, the survey servers reading the campaign on every
 * request, and the workflow's retry pauses shortened (their number and order kept). `scoreTimeoutSeconds`
 * replaces the Score state's time limit.
 */
export const startFaultCloud = async (options: {
  seriesPrefix: string;
  scoreTimeoutSeconds?: number;
}): Promise<FaultCloud> => {
  const taskRuns: TaskRun[] = [];
  const taskStarted = new EventEmitter();
  const clients = await startCloudAndClients({
    faults: true,
    campaignCacheSeconds: 0,
    retryIntervalOverrides: taskStatePauses(),
    transformDefinition: (asl) => {
      if (options.scoreTimeoutSeconds === undefined) return asl;
      const definition = JSON.parse(asl) as { States: Record<string, { TimeoutSeconds?: number }> };
      const score = definition.States.Score;
      if (!score) throw new Error('the workflow has no Score state');
      score.TimeoutSeconds = options.scoreTimeoutSeconds;
      return JSON.stringify(definition);
    },
    onTaskInvoked: ({ name, event, outcome }) => {
      const campaignId =
        typeof event === 'object' && event !== null && 'campaignId' in event ? event.campaignId : undefined;
      taskRuns.push({
        name,
        campaignId,
        ended: outcome.then(
          () => 'succeeded' as const,
          () => 'failed' as const,
        ),
      });
      taskStarted.emit('run');
    },
  });
  const { cloud, store, sfn } = clients;
  if (!cloud.faults) throw new Error('the cloud was started without fault injection');
  let seq = 0;
  const runsOf = (campaignId: string, name: string) =>
    taskRuns.filter((r) => r.name === name && r.campaignId === campaignId);
  const nthRun = (executionArn: string, campaignId: string, name: string, nth: number): Promise<TaskRun> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const run = runsOf(campaignId, name)[nth - 1];
        if (!run) return false;
        taskStarted.off('run', check);
        resolve(run);
        return true;
      };
      if (check()) return;
      taskStarted.on('run', check);
      void cloud.runner.waitForExecution(executionArn).then((end) => {
        if (check()) return;
        taskStarted.off('run', check);
        reject(new Error(`the workflow ended (${end.status}) before ${name} ran ${nth} time(s)`));
      });
    });
  const untilSucceeded = async (executionArn: string, campaignId: string, name: string): Promise<void> => {
    for (let nth = 1; ; nth++) {
      const run = await nthRun(executionArn, campaignId, name, nth);
      if ((await run.ended) === 'succeeded') return;
    }
  };
  return {
    ...clients,
    faults: cloud.faults,
    smallCampaign: () => shortDemoCampaign(`${options.seriesPrefix}${++seq}`),
    runsOf,
    nthRun,
    launchAndInvite: async (definition) => {
      const launch = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, definition);
      await untilSucceeded(launch.executionArn, definition.campaign.id, 'await-responses');
      const meta = await store.campaigns.getMeta(definition.campaign.id);
      const invitations = (await readOutbox(cloud.urls.ses)).filter((e) => mailKindOf(e) === 'invitation');
      return { launch, invitations, meta };
    },
  };
};
