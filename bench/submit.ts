import { Worker } from 'node:worker_threads';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { launchCampaign } from '../cli/launch.ts';
import { syntheticCampaign } from '../cli/sample-data/synthetic.ts';
import { responseSk, shardOf, shardPk } from '../functions/adapters/table/keys.ts';
import { deriveToken, surveyUrl } from '../functions/core/campaign/links.ts';
import { questionsFor } from '../functions/core/responses/answers.ts';
import type { AnswerValue } from '../functions/core/responses/response.ts';
import { startEmbeddedCloud } from '../local/cloud.ts';
import { startHttpApi } from '../local/http-api.ts';
import { combine, type Measured, measure } from './measure.ts';
import type { ClientRequest, ClientResult } from './submit-client.ts';
import type { BenchSuite } from './suite.ts';

const N = 3_000;
/** Rounds the kinds of work are interleaved in (see below). */
const ROUNDS = 6;
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
 * one write. First answers and edits are one write each in the request and are timed apart; each
 * assignment gets one of each. The counting of first answers (the table stream's counter: the
 * assignment's mark and the campaign's count) is timed alone, on the backlog the first answers left.
 */
export const suite: BenchSuite = {
  name: 'submit',
  summary: 'survey submissions: throughput, p50/p99, and the ratio to a raw PutItem',
  run: async (out) => {
    // No fault proxy in front of DynamoDB here: its own CPU per call would weigh on both sides.
    const cloud = await startEmbeddedCloud({ clientRateLimits: false });
    try {
      const { store } = await import('../functions/adapters/table.ts');
      const { documentClient } = await import('../functions/adapters/clients/dynamodb.ts');
      const definition = syntheticCampaign(
        { centers: 600, supervisors: 200, districts: 12, ratersPerCenter: 3 },
        { id: CAMPAIGN_ID, now: new Date(), deadlineAfterSeconds: 3600 },
      );
      await launchCampaign({ store, sfn: new SFNClient({}), stateMachineArn: cloud.stateMachineArn }, definition);
      // Measure only once the workflow is idle in Collect: the invitations are out and nothing else runs.
      for (;;) {
        const meta = await store.campaigns.getMeta(CAMPAIGN_ID);
        if (meta.status === 'open' && meta.total > 0 && meta.taskToken) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const assignments = [];
      for await (const a of store.assignments.streamAssignments(CAMPAIGN_ID)) assignments.push(a);
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
      const putOne = (key: string, item: (i: number) => Record<string, unknown>) => async (i: number) => {
        await documentClient.send(
          new PutCommand({
            TableName: cloud.tableName,
            Item: { ...item(i), PK: `BENCH#${key}#${i % 97}`, SK: `ITEM#${i}` },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
      };
      const putItem = putOne('item', () => storedItem);
      const putBody = putOne('body', (i) => ({ body: bodyOf(i).body }));
      // The least any submit path over HTTP can cost here: the same phones post the same bodies to a
      // route of the same local API Gateway that only puts the stored item (no link, no checks).
      const putFloor = putOne('floor', () => storedItem);
      const floorApi = await startHttpApi(() => [
        {
          method: 'POST',
          path: '/floor/{i}',
          handler: async (event) => {
            await putFloor(Number(event.pathParameters?.i));
            return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"saved":true}' };
          },
        },
      ]);
      const floorPosts = (count: number, from: number): ClientRequest[] =>
        Array.from({ length: count }, (_, i) => ({
          url: `${floorApi.url}/floor/${from + i}`,
          method: 'POST',
          body: bodyOf(from + i).body,
        }));
      // Untimed first, as the submissions are (their pages were served): timed runs start warm. The
      // warm-up items and routes are numbered after the timed ones.
      await measure(N / 5, CONCURRENCY, (i) => putItem(N + i));
      await measure(N / 5, CONCURRENCY, (i) => putBody(N + i));
      await fromPhones(floorPosts(N / 5, N));
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

      // Six kinds of work, each timed with the CPU each thread spent (handlers and HTTP on the main
      // thread, DynamoDB, phones) and the DynamoDB calls made:
      //  - puts of the stored item, and of the request body alone (the baselines);
      //  - the floor: the phones posting to an HTTP route that only puts the stored item;
      //  - first answers, one write each in the request, with the table stream's counter held;
      //  - the counter on that backlog alone (mark and count each; it runs as its own function on AWS);
      //  - edits, one write each.
      // This machine's speed drifts by tens of percent within minutes, so the kinds are not timed one
      // after the other but in rounds, each round a slice of each: every kind sees the same drift.
      type Kind = 'put' | 'putBody' | 'floor' | 'first' | 'count' | 'edit';
      const KINDS: readonly Kind[] = ['put', 'putBody', 'floor', 'first', 'count', 'edit'];
      const runs = Object.fromEntries(KINDS.map((k) => [k, [] as Measured[]])) as Record<Kind, Measured[]>;
      const cpuMs = Object.fromEntries(KINDS.map((k) => [k, { main: 0, dynamodb: 0, phones: 0 }])) as Record<
        Kind,
        { main: number; dynamodb: number; phones: number }
      >;
      const callsOf = Object.fromEntries(KINDS.map((k) => [k, {} as Record<string, number>])) as Record<
        Kind,
        Record<string, number>
      >;
      const statuses: Record<string, number> = {};
      const timed = async (
        kind: Kind,
        work: () => Promise<Measured & { busyMsEach?: number; statuses?: Record<string, number> }>,
      ) => {
        const calls = { ...counted };
        const main = performance.eventLoopUtilization().active;
        const dynamodb = cloud.dynamodbBusyMs();
        const result = await work();
        cpuMs[kind].main += performance.eventLoopUtilization().active - main;
        cpuMs[kind].dynamodb += cloud.dynamodbBusyMs() - dynamodb;
        cpuMs[kind].phones += (result.busyMsEach ?? 0) * result.n;
        for (const [op, count] of Object.entries(counted)) {
          callsOf[kind][op] = (callsOf[kind][op] ?? 0) + count - (calls[op] ?? 0);
        }
        for (const [status, count] of Object.entries(result.statuses ?? {}))
          statuses[status] = (statuses[status] ?? 0) + count;
        runs[kind].push(result);
      };
      const n = timedTargets.length;
      const slice = Math.ceil(n / ROUNDS);
      const putsEach = Math.ceil(N / ROUNDS);
      for (let round = 0; round < ROUNDS; round++) {
        const answering = timedTargets.slice(round * slice, (round + 1) * slice);
        const from = round * putsEach;
        await timed('put', () => measure(putsEach, CONCURRENCY, (i) => putItem(from + i)));
        await timed('putBody', () => measure(putsEach, CONCURRENCY, (i) => putBody(from + i)));
        await timed('floor', () => fromPhones(floorPosts(slice, round * slice)));
        cloud.answerStream.pause();
        await timed('first', () => fromPhones(posts(answering, 1 + round * slice)));
        await timed('count', async () => {
          const backlog = cloud.answerStream.backlog;
          const started = performance.now();
          cloud.answerStream.resume();
          await cloud.streamIdle();
          const seconds = (performance.now() - started) / 1000;
          return { perSecond: backlog / seconds, p50: Number.NaN, p99: Number.NaN, n: backlog, seconds, latencies: [] };
        });
        await timed('edit', () => fromPhones(posts(answering, 1 + n + round * slice)));
      }
      const answered = (await store.campaigns.getMeta(CAMPAIGN_ID)).answered;
      const m = Object.fromEntries(KINDS.map((k) => [k, combine(runs[k])])) as Record<Kind, Measured>;

      const f = (x: number) => x.toFixed(1);
      const timing = (r: Measured) => `per_s=${f(r.perSecond)} p50_ms=${f(r.p50)} p99_ms=${f(r.p99)}`;
      const each = (kind: Kind) => {
        const count = m[kind].n;
        const per = (x: number) => (x / count).toFixed(2);
        const calls = Object.entries(callsOf[kind])
          .filter(([, c]) => c > 0)
          .map(([op, c]) => `${op}=${per(c)}`)
          .join(' ');
        const { main, dynamodb, phones } = cpuMs[kind];
        return `dynamodb_calls_each: ${calls} cpu_ms_each: main=${per(main)} dynamodb=${per(dynamodb)}${phones > 0 ? ` phones=${per(phones)}` : ''}`;
      };
      const rounds = `rounds=${ROUNDS}`;
      out(
        `putitem: n=${m.put.n} ${rounds} concurrency=${CONCURRENCY} item_json_bytes=${itemBytes} (the response item a first answer stores) ${timing(m.put)} ${each('put')}`,
      );
      out(
        `putitem-body: n=${m.putBody.n} ${rounds} concurrency=${CONCURRENCY} item_json_bytes=${bodyBytes} (the request body alone, the baseline before) ${timing(m.putBody)} ${each('putBody')}`,
      );
      out(
        `http-put-floor: n=${m.floor.n} ${rounds} concurrency=${CONCURRENCY} ${timing(m.floor)} ${each('floor')} (the phones posting to a route of the same local API that only puts the stored item)`,
      );
      out(`submit-first: n=${m.first.n} ${rounds} concurrency=${CONCURRENCY} ${timing(m.first)} ${each('first')}`);
      out(
        `count-first-answers: n=${m.count.n} ${rounds} per_s=${f(m.count.perSecond)} ${each('count')} (the stream's counter alone on each round's backlog: mark and count each answer; batches of ≤ 100, one after the other)`,
      );
      // Each round's throughput per kind: how far this machine's speed moved while the bench ran.
      out(
        `submit-rounds-per-s: ${KINDS.map((k) => `${k}=[${runs[k].map((r) => r.perSecond.toFixed(0)).join(',')}]`).join(' ')}`,
      );
      out(`submit-edit: n=${m.edit.n} ${rounds} concurrency=${CONCURRENCY} ${timing(m.edit)} ${each('edit')}`);
      const failures = Object.entries(statuses)
        .filter(([status]) => status !== '200')
        .reduce((sum, [, count]) => sum + count, 0);
      // Throughput over equal numbers of first answers and edits.
      const mix = (a: number, b: number) => ({ perSecond: 2 / (1 / a + 1 / b) });
      const both = mix(m.first.perSecond, m.edit.perSecond);
      // A first answer and its counting done one after the other on these same cores.
      const counted1 = 1 / (1 / m.first.perSecond + 1 / m.count.perSecond);
      const bothCounted = mix(counted1, m.edit.perSecond);
      out(
        `submit: n=${m.first.n + m.edit.n} per_s=${f(both.perSecond)} non_2xx=${failures} answered=${answered} of ${n + 1} counted_exactly_once=${answered === n + 1}`,
      );
      const ratio = (base: { perSecond: number }, r: { perSecond: number }) =>
        (base.perSecond / r.perSecond).toFixed(2);
      out(
        `submit-vs-putitem: ${ratio(m.put, both)} (throughput ratio of the request path, first answers and edits alike; first ${ratio(m.put, m.first)}, edit ${ratio(m.put, m.edit)}; with each first answer's counting added on the same cores ${ratio(m.put, bothCounted)}; against the body-only put ${ratio(m.putBody, both)}; target ≤ 1.5)`,
      );
      out(
        `submit-floor-vs-putitem: ${ratio(m.put, m.floor)} (the HTTP route that only puts the item, against the put: the least a submit path over HTTP costs on these shared cores; the survey path against it ${ratio(m.floor, both)})`,
      );
      await floorApi.close();
    } finally {
      await cloud.close();
    }
  },
};
