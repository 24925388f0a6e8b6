import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { launchCampaign } from '../cli/launch.ts';
import { questionsFor } from '../functions/core/answers.ts';
import { deriveToken, surveyUrl } from '../functions/core/links.ts';
import type { AnswerValue } from '../functions/core/model.ts';
import { startEmbeddedCloud } from '../local/cloud.ts';
import { syntheticCampaign } from '../local/demo/synthetic.ts';
import type { BenchSuite } from './suite.ts';

const N = 3_000;
const CONCURRENCY = 20;

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

/** Runs `n` calls of `call` with `concurrency` workers; returns throughput and latency percentiles. */
const measure = async (n: number, concurrency: number, call: (i: number) => Promise<void>) => {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) {
        const t = performance.now();
        await call(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: n / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
};

/**
 * The survey submit path on the embedded cloud against a raw PutItem of the same size on the same
 * dynalite, both at the same concurrency: what the handler's reads, checks and writes cost beyond
 * one write.
 */
export const suite: BenchSuite = {
  name: 'submit',
  summary: 'survey submissions: throughput, p50/p99, and the ratio to a raw PutItem',
  run: async (out) => {
    const cloud = await startEmbeddedCloud({ faults: true });
    try {
      const { store } = await import('../functions/adapters/table.ts');
      const { documentClient } = await import('../functions/adapters/dynamodb.ts');
      const definition = syntheticCampaign(
        { centers: 600, supervisors: 200, districts: 12, ratersPerCenter: 3 },
        { id: 'bench-submit', now: new Date(), deadlineAfterSeconds: 3600 },
      );
      await launchCampaign({ store, sfn: new SFNClient({}), stateMachineArn: cloud.stateMachineArn }, definition);
      for (;;) {
        const meta = await store.getMeta('bench-submit');
        if (meta.status === 'open' && meta.total > 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const assignments = [];
      for await (const a of store.streamAssignments('bench-submit')) assignments.push(a);
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
        return { url: surveyUrl(cloud.urls.api, deriveToken(secret, 'bench-submit', a.id)), answers };
      });
      const bodyOf = (i: number) => {
        const t = targets[i % targets.length];
        if (!t) throw new Error('no target');
        return {
          url: t.url,
          body: JSON.stringify({ ...t.answers, submissionId: `bench-${String(i).padStart(7, '0')}` }),
        };
      };
      const itemBytes = Buffer.byteLength(bodyOf(0).body);

      const raw = DynamoDBDocumentClient.from(documentClient);
      const put = await measure(N, CONCURRENCY, async (i) => {
        await raw.send(
          new PutCommand({
            TableName: cloud.tableName,
            Item: { PK: `BENCH#${i % 97}`, SK: `ITEM#${i}`, body: bodyOf(i).body },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
      });
      let failures = 0;
      const before = cloud.faults?.dynamodb.stats().byOperation ?? {};
      const submit = await measure(N, CONCURRENCY, async (i) => {
        const { url, body } = bodyOf(i);
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body,
        });
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
      });
      const after = cloud.faults?.dynamodb.stats().byOperation ?? {};
      const perSubmit = Object.entries(after)
        .map(([op, n]) => [op, (n - (before[op] ?? 0)) / N] as const)
        .filter(([, n]) => n > 0)
        .map(([op, n]) => `${op}=${n.toFixed(2)}`)
        .join(' ');
      const f = (x: number) => x.toFixed(1);
      out(`submit-dynamodb-calls-per-submission: ${perSubmit}`);
      out(
        `putitem: n=${N} concurrency=${CONCURRENCY} item_bytes=${itemBytes} per_s=${f(put.perSecond)} p50_ms=${f(put.p50)} p99_ms=${f(put.p99)}`,
      );
      out(
        `submit: n=${N} concurrency=${CONCURRENCY} per_s=${f(submit.perSecond)} p50_ms=${f(submit.p50)} p99_ms=${f(submit.p99)} non_2xx=${failures}`,
      );
      out(
        `submit-vs-putitem: ${(put.perSecond / submit.perSecond).toFixed(2)} (throughput ratio; p50 ratio ${(submit.p50 / put.p50).toFixed(2)}; target ≤ 1.5)`,
      );
    } finally {
      await cloud.close();
    }
  },
};
