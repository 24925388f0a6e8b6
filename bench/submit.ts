import { Worker } from 'node:worker_threads';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { launchCampaign } from '../cli/launch.ts';
import { responseSk, shardOf, shardPk } from '../functions/adapters/keys.ts';
import { questionsFor } from '../functions/core/answers.ts';
import { deriveToken, surveyUrl } from '../functions/core/links.ts';
import type { AnswerValue } from '../functions/core/model.ts';
import { startEmbeddedCloud } from '../local/cloud.ts';
import { syntheticCampaign } from '../local/demo/synthetic.ts';
import { type Measured, measure } from './measure.ts';
import type { ClientRequest, ClientResult } from './submit-client.ts';
import type { BenchSuite } from './suite.ts';

const N = 3_000;
const CONCURRENCY = 20;
const CAMPAIGN_ID = 'bench-submit';

/** Sends the requests from a thread of their own (see `submit-client.ts`). */
const fromPhones = (requests: ClientRequest[]): Promise<ClientResult> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./submit-client.ts', import.meta.url), {
      workerData: { requests, concurrency: CONCURRENCY },
      execArgv: [],
    });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the client thread exited with code ${code}`)));
  });

/**
 * The survey submit path on the embedded cloud against a raw PutItem of the same size on the same
 * dynalite, both at the same concurrency: what the handler's reads, checks and writes cost beyond
 * one write. First answers (the answer, the assignment's answered mark, the campaign's counter) and
 * edits (the answer only) are timed apart; each assignment gets one of each.
 */
export const suite: BenchSuite = {
  name: 'submit',
  summary: 'survey submissions: throughput, p50/p99, and the ratio to a raw PutItem',
  run: async (out) => {
    // No fault proxy in front of DynamoDB here: its own CPU per call would weigh on both sides.
    const cloud = await startEmbeddedCloud();
    try {
      const { store } = await import('../functions/adapters/table.ts');
      const { documentClient } = await import('../functions/adapters/dynamodb.ts');
      const definition = syntheticCampaign(
        { centers: 600, supervisors: 200, districts: 12, ratersPerCenter: 3 },
        { id: CAMPAIGN_ID, now: new Date(), deadlineAfterSeconds: 3600 },
      );
      await launchCampaign({ store, sfn: new SFNClient({}), stateMachineArn: cloud.stateMachineArn }, definition);
      // Measure only once the workflow is idle in Collect: the invitations are out and nothing else runs.
      for (;;) {
        const meta = await store.getMeta(CAMPAIGN_ID);
        if (meta.status === 'open' && meta.total > 0 && meta.taskToken) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const assignments = [];
      for await (const a of store.streamAssignments(CAMPAIGN_ID)) assignments.push(a);
      const secret = process.env.LINK_SECRET ?? '';
      // One assignment stays unanswered so the campaign stays open.
      const targets = assignments.slice(0, -1).map((a) => {
        const answers: Record<string, AnswerValue> = {};
        for (const q of questionsFor(definition.questionnaire, a.activity)) {
          if (q.kind === 'rating') answers[q.id] = 4;
          else if (q.kind === 'yesno') answers[q.id] = true;
          else if (q.kind === 'number') answers[q.id] = q.best;
          else if (q.kind === 'choice') answers[q.id] = q.options[0]?.value ?? null;
        }
        return { url: surveyUrl(cloud.urls.api, deriveToken(secret, CAMPAIGN_ID, a.id)), answers };
      });
      const bodyOf = (i: number) => {
        const t = targets[i % targets.length];
        if (!t) throw new Error('no target');
        return {
          url: t.url,
          body: JSON.stringify({ ...t.answers, submissionId: `bench-${String(i).padStart(7, '0')}` }),
        };
      };
      const posts = (answering: readonly unknown[], from: number) =>
        answering.map((_, i): ClientRequest => ({ ...bodyOf(from + i), method: 'POST' }));

      // CPU per request on each thread: handlers and HTTP (main), DynamoDB, phones.
      const cpu = () => ({ main: performance.eventLoopUtilization().active, dynamodb: cloud.dynamodbBusyMs() });
      const cpuEach = (before: ReturnType<typeof cpu>, n: number, phonesMs?: number) => {
        const now = cpu();
        const each = (ms: number) => (ms / n).toFixed(2);
        return `cpu_ms_each: main=${each(now.main - before.main)} dynamodb=${each(now.dynamodb - before.dynamodb)}${phonesMs === undefined ? '' : ` phones=${phonesMs.toFixed(2)}`}`;
      };

      // The item a first answer stores, read back from one answered before timing: the baseline puts
      // items of that very shape and size. The request body alone (the baseline of earlier runs) is
      // put too, for comparison.
      const [warmUp, ...timedTargets] = targets;
      if (!warmUp || !assignments[0]) throw new Error('no assignment to answer');
      await fromPhones(posts([warmUp], 0));
      const stored = await documentClient.send(
        new GetCommand({
          TableName: cloud.tableName,
          Key: { PK: shardPk(CAMPAIGN_ID, shardOf(assignments[0].supervisorId)), SK: responseSk(assignments[0].id) },
        }),
      );
      if (!stored.Item) throw new Error('the warm-up answer was not stored');
      const storedItem = stored.Item;
      const itemBytes = Buffer.byteLength(JSON.stringify(storedItem));
      const bodyBytes = Buffer.byteLength(bodyOf(0).body);
      const putAll = async (label: string, item: (i: number) => Record<string, unknown>) => {
        const putOne = (key: string) => async (i: number) => {
          await documentClient.send(
            new PutCommand({
              TableName: cloud.tableName,
              Item: { ...item(i), PK: `BENCH#${key}#${i % 97}`, SK: `ITEM#${i}` },
              ConditionExpression: 'attribute_not_exists(PK)',
            }),
          );
        };
        // Untimed first, as the submissions are (their pages were served): timed runs start warm.
        await measure(N / 5, CONCURRENCY, putOne(`${label}-warm-up`));
        const before = cpu();
        const put = await measure(N, CONCURRENCY, putOne(label));
        return { ...put, cpu: cpuEach(before, N) };
      };
      const put = await putAll('item', () => storedItem);
      const putBody = await putAll('body', (i) => ({ body: bodyOf(i).body }));

      // A supervisor opens the questionnaire before answering it: the page is served first (not timed).
      await fromPhones(timedTargets.map((t) => ({ url: t.url, method: 'GET' })));
      // DynamoDB calls counted in the SDK, by command (the handlers share this client in-process).
      const counted: Record<string, number> = {};
      documentClient.middlewareStack.add(
        (next, context) => (args) => {
          const name = (context.commandName ?? 'unknown').replace(/Command$/, '');
          counted[name] = (counted[name] ?? 0) + 1;
          return next(args);
        },
        { step: 'initialize', name: 'benchCallCounter' },
      );
      const calls = () => ({ ...counted });
      const perSubmission = (before: Record<string, number>, n: number) =>
        Object.entries(calls())
          .map(([op, count]) => [op, (count - (before[op] ?? 0)) / n] as const)
          .filter(([, count]) => count > 0)
          .map(([op, count]) => `${op}=${count.toFixed(2)}`)
          .join(' ');
      // Each assignment is answered once, then corrected once: the two kinds of submission, timed apart.
      const n = timedTargets.length;
      const timedPhase = async (from: number) => {
        const beforeCalls = calls();
        const beforeCpu = cpu();
        const result = await fromPhones(posts(timedTargets, from));
        return { ...result, calls: perSubmission(beforeCalls, n), cpu: cpuEach(beforeCpu, n, result.busyMsEach) };
      };
      const first = await timedPhase(1);
      const edit = await timedPhase(1 + n);
      const failures = [first, edit]
        .flatMap((r) => Object.entries(r.statuses))
        .filter(([status]) => status !== '200')
        .reduce((sum, [, count]) => sum + count, 0);
      const both = { perSecond: (2 * n) / (n / first.perSecond + n / edit.perSecond) };
      const f = (x: number) => x.toFixed(1);
      const timing = (m: Measured) => `per_s=${f(m.perSecond)} p50_ms=${f(m.p50)} p99_ms=${f(m.p99)}`;
      out(
        `putitem: n=${N} concurrency=${CONCURRENCY} item_json_bytes=${itemBytes} (the response item a first answer stores) ${timing(put)} ${put.cpu}`,
      );
      out(
        `putitem-body: n=${N} concurrency=${CONCURRENCY} item_json_bytes=${bodyBytes} (the request body alone, the baseline before) ${timing(putBody)} ${putBody.cpu}`,
      );
      out(
        `submit-first: n=${n} concurrency=${CONCURRENCY} ${timing(first)} dynamodb_calls_each: ${first.calls} ${first.cpu}`,
      );
      out(
        `submit-edit: n=${n} concurrency=${CONCURRENCY} ${timing(edit)} dynamodb_calls_each: ${edit.calls} ${edit.cpu}`,
      );
      out(`submit: n=${2 * n} per_s=${f(both.perSecond)} non_2xx=${failures}`);
      const ratio = (base: { perSecond: number }, m: { perSecond: number }) =>
        (base.perSecond / m.perSecond).toFixed(2);
      out(
        `submit-vs-putitem: ${ratio(put, both)} (throughput ratio, first answers and edits alike; first ${ratio(put, first)}, edit ${ratio(put, edit)}; against the body-only put ${ratio(putBody, both)}; target ≤ 1.5)`,
      );
    } finally {
      await cloud.close();
    }
  },
};
