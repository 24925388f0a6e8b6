import { SFNClient } from '@aws-sdk/client-sfn';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { launchCampaign } from '../cli/launch.ts';
import { PROVINCE, syntheticCampaign } from '../cli/sample-data/synthetic.ts';
import { responseSk, shardOf, shardPk } from '../functions/adapters/table/keys.ts';
import { loadScoreRows } from '../functions/app/city-results.ts';
import { estimateCost, pricingRegion } from '../functions/core/campaign/aws-cost.ts';
import { seededRandom } from '../functions/core/random.ts';
import { renderResultsPage } from '../functions/core/render/console/results-page.ts';
import { questionsFor } from '../functions/core/responses/answers.ts';
import type { AnswerValue, Response } from '../functions/core/responses/response.ts';
import { PROBLEM_CATEGORIES, PROBLEM_SEVERITIES } from '../functions/core/responses/response.ts';
import { type EmbeddedCloud, startEmbeddedCloud } from '../local/cloud.ts';
import type { BenchSuite } from './suite.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ANSWER_RATE = 0.95;
/** Share of answers reporting a problem: what becomes the centers' findings and rectification items. */
const PROBLEM_RATE = 0.05;

/**
 * A province-size campaign end to end on the embedded cloud: 20,000 centers, 2,000 supervisors,
 * 60,000 assignments. Answers are loaded in bulk (the submit path has its own suite); everything
 * else — Prepare, invitations, close, Score, summaries, the city report — runs the real workflow.
 */
export const suite: BenchSuite = {
  name: 'province',
  summary: 'a province-size campaign end to end: phases, transitions, history, payloads, DynamoDB calls, emails',
  run: (out) => runProvince(out),
};

/** What a suite run on the published province campaign is given: the cloud and the campaign's id. */
export type ProvinceInspection = (cloud: EmbeddedCloud, campaignId: string) => Promise<void>;

/**
 * Runs the province campaign to publication and reports it; `inspect`, when given, runs on the
 * published campaign before the cloud stops (what the console's pages are measured on).
 */
export const runProvince = async (out: (line: string) => void, inspect?: ProvinceInspection): Promise<void> => {
  {
    const started = performance.now();
    const cloud = await startEmbeddedCloud({ faults: true, maxSendRate: 1000, clientRateLimits: false });
    const phases: [string, number][] = [];
    let mark = performance.now();
    const phase = (name: string) => {
      const now = performance.now();
      phases.push([name, now - mark]);
      out(`phase-${name}-s: ${((now - mark) / 1000).toFixed(1)}`);
      mark = now;
    };
    try {
      const { store } = await import('../functions/adapters/table.ts');
      const { documentClient } = await import('../functions/adapters/clients/dynamodb.ts');
      const { wakeCollect } = await import('../functions/adapters/workflow.ts');
      const id = 'province';
      const definition = syntheticCampaign(PROVINCE, { id, now: new Date(), deadlineAfterSeconds: 7 * 86400 });
      phase('generate');

      const launch = await launchCampaign(
        { store, sfn: new SFNClient({}), stateMachineArn: cloud.stateMachineArn },
        definition,
      );
      phase('launch');

      let meta = await store.campaigns.getMeta(id);
      for (; meta.status !== 'open' || meta.total === 0; meta = await store.campaigns.getMeta(id)) await sleep(1000);
      phase('prepare');
      for (;;) {
        const mail = (await store.mail.listMail(id)).filter((m) => m.kind === 'invitation' && m.state !== 'sending');
        if (mail.length >= meta.supervisors) break;
        await sleep(1000);
      }
      phase('invitations');

      // Simulated answers: 95% of assignments, written as the submit path stores them (the response item
      // only); the table stream's counter then marks and counts them, as it does after real submissions.
      const rnd = seededRandom('province-answers');
      const items: Record<string, unknown>[] = [];
      const listed: { response: Response; center: (typeof definition.centers)[number] }[] = [];
      const centersById = new Map(definition.centers.map((c) => [c.id, c]));
      let answeredCount = 0;
      for await (const a of store.assignments.streamAssignments(id)) {
        if (rnd() > ANSWER_RATE) continue;
        const answers: Record<string, AnswerValue> = {};
        const quality = 0.4 + 0.55 * seededRandom(`q:${a.centerId}`)();
        for (const q of questionsFor(definition.questionnaire, a.activity)) {
          const x = Math.min(1, Math.max(0, quality + (rnd() - 0.5) * 0.4));
          if (q.kind === 'rating') answers[q.id] = Math.round(1 + 4 * x);
          else if (q.kind === 'yesno') answers[q.id] = rnd() < x === (q.good === 'yes');
          else if (q.kind === 'number') answers[q.id] = Math.round(q.worst + (q.best - q.worst) * x);
          else if (q.kind === 'choice') answers[q.id] = q.options[Math.floor(rnd() * q.options.length)]?.value ?? null;
        }
        answeredCount++;
        const submissionId = `bulk-${a.id}`;
        const submittedAt = new Date().toISOString();
        const problems =
          rnd() < PROBLEM_RATE
            ? [
                {
                  category: PROBLEM_CATEGORIES[Math.floor(rnd() * PROBLEM_CATEGORIES.length)] ?? 'other',
                  severity: PROBLEM_SEVERITIES[Math.floor(rnd() * PROBLEM_SEVERITIES.length)] ?? 'minor',
                  description: '窗口未公示办事指南，群众需反复询问。',
                },
              ]
            : undefined;
        const response: Response = {
          campaignId: id,
          assignmentId: a.id,
          supervisorId: a.supervisorId,
          centerId: a.centerId,
          activity: a.activity,
          version: 1,
          submittedAt,
          answers,
          ...(problems ? { problems } : {}),
        };
        const center = centersById.get(a.centerId);
        if (center) listed.push({ response, center });
        items.push({
          PK: shardPk(id, shardOf(a.supervisorId)),
          SK: responseSk(a.id),
          campaignId: id,
          assignmentId: a.id,
          supervisorId: a.supervisorId,
          centerId: a.centerId,
          activity: a.activity,
          version: 1,
          submittedAt,
          answers,
          submissionId,
          ...(problems ? { problems } : {}),
          history: [{ submittedAt, answers, ...(problems ? { problems } : {}), submissionId }],
          submissionIds: new Set([submissionId]),
        });
      }
      for (let i = 0; i < items.length; i += 25 * 8) {
        await Promise.all(
          Array.from({ length: 8 }, (_, j) => items.slice(i + j * 25, i + (j + 1) * 25))
            .filter((b) => b.length > 0)
            .map(async (batch) => {
              let requests = batch.map((Item) => ({ PutRequest: { Item } }));
              while (requests.length > 0) {
                const res = await documentClient.send(
                  new BatchWriteCommand({ RequestItems: { [cloud.tableName]: requests } }),
                );
                requests = (res.UnprocessedItems?.[cloud.tableName] ?? []).flatMap((r) =>
                  r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
                );
              }
            }),
        );
      }
      // The review queue's entries (what the submit path writes after each response), loaded in bulk.
      await store.reviewQueue.loadResponses(definition.questionnaire, listed);
      phase('answers');
      await cloud.streamIdle();
      phase('counting');
      const counted = (await store.campaigns.getMeta(id)).answered;
      out(`province-counted: ${counted} of ${answeredCount} answers (exactly once: ${counted === answeredCount})`);

      // The organizer closes the campaign; the running workflow wakes at once.
      meta = await store.campaigns.requestClose(id);
      if (meta.taskToken)
        await wakeCollect(meta.taskToken, { reason: 'closed-by-organizer', at: new Date().toISOString() });
      for (meta = await store.campaigns.getMeta(id); meta.status === 'open'; meta = await store.campaigns.getMeta(id))
        await sleep(500);
      phase('close');
      for (; meta.status === 'closed'; meta = await store.campaigns.getMeta(id)) await sleep(1000);
      phase('score');
      let description = cloud.runner.describeExecution(launch.executionArn);
      for (; description.status === 'RUNNING'; description = cloud.runner.describeExecution(launch.executionArn))
        await sleep(1000);
      phase('publish');
      if (description.status !== 'SUCCEEDED')
        throw new Error(`the workflow ended ${description.status}: ${description.error} ${description.cause}`);

      const history = cloud.runner.history(launch.executionArn);
      const stats = cloud.runner.statistics(launch.executionArn);
      const transitions = cloud.runner.stateTransitions;
      const maxHistory = Math.max(stats.awsHistoryEvents, ...stats.childExecutions.map((c) => c.awsHistoryEvents));
      const payloadBytes = Math.max(
        0,
        ...history.flatMap((e) =>
          [e.input, e.output].filter((x) => x !== undefined).map((x) => Buffer.byteLength(JSON.stringify(x))),
        ),
      );
      const ledger = await store.mail.listMail(id);
      const byKind = new Map<string, number>();
      for (const m of ledger) byKind.set(`${m.kind}/${m.state}`, (byKind.get(`${m.kind}/${m.state}`) ?? 0) + 1);
      const ops = cloud.faults?.dynamodb.stats().byOperation ?? {};

      out(`province-centers: ${definition.centers.length}`);
      out(`province-supervisors: ${definition.supervisors.length}`);
      out(`province-assignments: ${meta.total}`);
      out(`province-responses: ${answeredCount}`);
      out(`state-transitions: ${transitions}`);
      out(`transitions-per-assignment: ${(transitions / meta.total).toFixed(5)} (target ≤ 0.005)`);
      out(`max-history-events: ${maxHistory} (target ≤ 2000; child executions ${stats.childExecutions.length})`);
      out(`max-state-payload-bytes: ${payloadBytes} (target ≤ 65536)`);
      out(
        `dynamodb-calls: ${Object.entries(ops)
          .sort()
          .map(([op, n]) => `${op}=${n}`)
          .join(' ')}`,
      );
      out(`emails-sent: ${[...byKind].map(([k, n]) => `${k}=${n}`).join(' ')}`);
      for (const m of ledger.filter((e) => e.state === 'failed')) out(`email-failed: ${m.kind} ${m.error ?? ''}`);
      if (cloud.meter) {
        // The total, not the campaign's share: the run holds this one campaign, and calls the meter
        // could not tie to it (a console page, a stream batch) are still its cost.
        const cost = estimateCost(cloud.meter.snapshot(), pricingRegion(cloud.region), { assignments: meta.total });
        out(
          `province-aws-usd: ${cost.total.toFixed(4)} per-assignment=${(cost.perAssignment ?? 0).toFixed(7)} (excl. ses=${(cost.perAssignmentExcludingSes ?? 0).toFixed(7)})`,
        );
      } else out('province-aws-usd: unavailable (no meter)');
      // The console's results page as its handler builds it: one Query of scores, one of centers, the render.
      const pageStarted = performance.now();
      const rows = await loadScoreRows(store, id);
      const page = renderResultsPage(
        { lang: 'zh', path: `/console/campaigns/${id}/results` },
        { campaignId: id, title: definition.campaign.title, rows, filter: { page: 1 } },
      );
      out(
        `results-page: ${(performance.now() - pageStarted).toFixed(0)} ms, ${(Buffer.byteLength(page) / 1024).toFixed(1)} KB (targets ≤ 1000 ms, ≤ 300 KB)`,
      );
      out(`peak-rss-mb: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}`);
      out(`province-total-s: ${((performance.now() - started) / 1000).toFixed(1)} (target ≤ 600)`);
      if (inspect) await inspect(cloud, id);
    } finally {
      await cloud.close();
    }
  }
};
