import type { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../cli/launch.ts';
import { syntheticCampaign } from '../../cli/sample-data/synthetic.ts';
import type { AssignmentRecord } from '../../functions/adapters/table/assignments.ts';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import { deriveToken, surveyUrl } from '../../functions/core/campaign/links.ts';
import type { Question } from '../../functions/core/model.ts';
import { questionsFor } from '../../functions/core/responses/answers.ts';
import type { AnswerValue } from '../../functions/core/responses/response.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import { sleep } from '../support/wait.ts';

const SUBMISSIONS = 10_000;
const CLIENTS = 200;

let cloud: EmbeddedCloud;
let store: Tables;
let sfn: SFNClient;

const validAnswer = (q: Question, i: number): AnswerValue | undefined => {
  switch (q.kind) {
    case 'rating':
      return 1 + (i % 5);
    case 'yesno':
      return i % 2 === 0;
    case 'number':
      return q.best;
    case 'choice':
      return q.options[i % q.options.length]?.value;
    case 'text':
      return undefined;
  }
};

beforeAll(async () => {
  ({ cloud, store, sfn } = await startCloudAndClients({ clientRateLimits: false }));
});

afterAll(async () => {
  await cloud?.close();
});

describe('load on the survey API', () => {
  it(`stores every accepted submission exactly once: ${SUBMISSIONS} submissions from ${CLIENTS} concurrent clients`, async () => {
    // Prepare: 300 centers × 3 raters, launched through the real workflow
    const definition = syntheticCampaign(
      { centers: 300, supervisors: 100, districts: 12, ratersPerCenter: 3 },
      { id: 'load-test', now: new Date(), deadlineAfterSeconds: 3600 },
    );
    const launch = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, definition);
    for (;;) {
      const meta = await store.campaigns.getMeta('load-test');
      if (meta.status === 'open' && meta.total > 0) break;
      await sleep(200);
    }
    const assignments: AssignmentRecord[] = [];
    for await (const a of store.assignments.streamAssignments('load-test')) assignments.push(a);
    const secret = process.env.LINK_SECRET ?? '';
    // One assignment stays unanswered so the campaign stays open: answering all would close it at once.
    const targets = assignments.slice(0, -1).map((a) => {
      const body: Record<string, AnswerValue> = {};
      for (const q of questionsFor(definition.questionnaire, a.activity)) {
        const value = validAnswer(q, a.id.length);
        if (value !== undefined) body[q.id] = value;
      }
      return { assignment: a, url: surveyUrl(cloud.urls.api, deriveToken(secret, 'load-test', a.id)), body };
    });

    // Act
    const accepted: { assignmentId: string; submissionId: string; version: number }[] = [];
    const refused = new Map<number, number>();
    let next = 0;
    const client = async () => {
      for (let i = next++; i < SUBMISSIONS; i = next++) {
        const target = targets[i % targets.length];
        if (!target) return;
        const submissionId = `load-${String(i).padStart(6, '0')}`;
        const res = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ ...target.body, submissionId }),
        });
        const payload = (await res.json()) as { version?: number };
        if (res.status >= 200 && res.status < 300 && payload.version !== undefined) {
          accepted.push({ assignmentId: target.assignment.id, submissionId, version: payload.version });
        } else refused.set(res.status, (refused.get(res.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));

    // Assess: every 2xx is one stored version with its own submission id; nothing else was stored
    let stored = 0;
    const storedIds = new Set<string>();
    const storedKeys = new Set<string>();
    for (const target of targets) {
      const token = await store.assignments.getToken(
        (await import('../../functions/core/campaign/links.ts')).hashToken(
          deriveToken(secret, 'load-test', target.assignment.id),
        ),
      );
      if (!token) throw new Error('token missing');
      const versions = await store.responses.listResponseVersions(token);
      stored += versions.length;
      for (const v of versions) {
        storedIds.add(v.submissionId);
        storedKeys.add(`${v.assignmentId}#${v.version}`);
      }
    }
    console.log(
      `load: ${accepted.length} accepted, refused ${JSON.stringify(Object.fromEntries(refused))}, stored ${stored}`,
    );
    expect(accepted.length + [...refused.values()].reduce((a, b) => a + b, 0)).toBe(SUBMISSIONS);
    expect(accepted.length).toBeGreaterThan(SUBMISSIONS * 0.95);
    expect(stored).toBe(accepted.length);
    expect(storedIds.size).toBe(accepted.length);
    for (const a of accepted) {
      expect(storedIds.has(a.submissionId)).toBe(true);
      expect(storedKeys.has(`${a.assignmentId}#${a.version}`)).toBe(true);
    }
    // Every assignment answered (all but one) counted once, by the table stream's counter.
    await cloud.streamIdle();
    const meta = await store.campaigns.getMeta('load-test');
    expect(meta).toMatchObject({ status: 'open', answered: targets.length });
    cloud.runner.stopExecution(launch.executionArn);
  }, 600_000);
});
