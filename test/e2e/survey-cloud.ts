import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { launchCampaign } from '../../cli/launch.ts';
import { demoQuestionnaire } from '../../cli/sample-data/centers.ts';
import type { TokenRecord } from '../../functions/adapters/table/assignments.ts';
import { USAGE } from '../../functions/adapters/table/keys.ts';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import { hashToken } from '../../functions/core/campaign/links.ts';
import { CampaignDefinition } from '../../functions/core/model.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { answerSurvey } from '../../local/demo/simulate.ts';
import { readOutbox, surveyLinks } from '../../local/ses-outbox.ts';
import { waitFor } from '../support/wait.ts';

/** Shared steps of the survey tests on the embedded cloud: a small campaign, its links, closing it. */

/**
 * A campaign of two street-level centers (hall activities only, so the Nanjing questionnaire's hall
 * questions are asked) and two supervisors, one center each: answering one assignment leaves the
 * other open, so the campaign stays open until closed on purpose.
 */
export const surveyCampaign = (id: string, now = new Date()): CampaignDefinition => {
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
  return CampaignDefinition.parse({
    campaign: {
      id,
      series: id,
      title: { zh: '政务服务主题督查月', en: 'Government Service Theme Supervision Month' },
      month: '2026-12',
      schedule: { opens: at(-3600), reminders: [], deadline: at(7 * 86400) },
      organizers: [`organizer-${id}@example.gov.cn`],
      ratersPerCenter: 1,
      // No review or fact-check window and no sign-off unless a test asks (threeCenterCampaign).
      review: { workingDays: 0 },
      factCheck: { workingDays: 0 },
      autoPublish: true,
    },
    centers: [
      {
        id: 'C-ST1',
        name: { zh: '玄武区玄武门街道便民服务中心', en: 'Xuanwumen Street Service Center, Xuanwu' },
        level: 'street',
        district: '玄武区',
        address: '玄武区北京东路41号',
        official: { name: '沈国华', email: `official1-${id}@example.gov.cn` },
      },
      {
        id: 'C-ST2',
        name: { zh: '秦淮区夫子庙街道便民服务中心', en: 'Fuzimiao Street Service Center, Qinhuai' },
        level: 'street',
        district: '秦淮区',
        address: '秦淮区中山南路401号',
        official: { name: '顾佩玲', email: `official2-${id}@example.gov.cn` },
      },
    ],
    supervisors: [
      { id: 'S1', name: '张明', email: `s1-${id}@example.com`, sector: '律师', homeDistrict: '鼓楼区' },
      { id: 'S2', name: '李华', email: `s2-${id}@example.com`, sector: '校长', homeDistrict: '建邺区' },
    ],
    questionnaire: demoQuestionnaire(),
  });
};

/** Launches a campaign as organizers do and returns the survey links its invitation emails carry. */
export const launchWithLinks = async (
  deps: { cloud: EmbeddedCloud; store: Tables; sfn: SFNClient },
  definition: CampaignDefinition,
): Promise<{ executionArn: string; links: string[] }> => {
  const launch = await launchCampaign(
    { store: deps.store, sfn: deps.sfn, stateMachineArn: deps.cloud.stateMachineArn },
    definition,
  );
  const recipients = new Set(definition.supervisors.map((s) => s.email));
  const links = await waitFor('the invitations', async () => {
    const mine = (await readOutbox(deps.cloud.urls.ses)).filter((e) => recipients.has(e.destination.to[0] ?? ''));
    return mine.length === recipients.size ? mine.flatMap(surveyLinks) : undefined;
  });
  // The Collect task holds its token once invitations are out; closing needs it.
  await waitFor('the Collect task', async () =>
    (await deps.store.campaigns.getMeta(definition.campaign.id)).taskToken ? true : undefined,
  );
  return { executionArn: launch.executionArn, links };
};

/** Closes a campaign the way the organizer's command does: request, wake the workflow, wait for it. */
export const closeCampaign = async (store: Tables, campaignId: string): Promise<void> => {
  const { wakeCollect } = await import('../../functions/adapters/workflow.ts');
  const meta = await store.campaigns.requestClose(campaignId);
  if (!meta.taskToken) throw new Error(`campaign ${campaignId} has no Collect task to wake`);
  await wakeCollect(meta.taskToken, { reason: 'closed-by-organizer', at: new Date().toISOString() });
  await waitFor('the campaign to close', async () =>
    (await store.campaigns.getMeta(campaignId)).status !== 'open' ? true : undefined,
  );
};

/**
 * Every item the product wrote to the table, read raw (tests only: the product itself never scans).
 * The embedded cloud's own usage snapshots (`SK = USAGE`, rewritten as the meter counts) are left out:
 * they are the emulator's bookkeeping, not the product's data.
 */
export const scanTable = async (cloud: EmbeddedCloud): Promise<Record<string, unknown>[]> => {
  const client = new DynamoDBClient({
    endpoint: cloud.urls.dynamodb,
    region: cloud.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, never> | undefined;
    do {
      const out = await client.send(new ScanCommand({ TableName: cloud.tableName, ExclusiveStartKey: start }));
      items.push(...(out.Items ?? []).filter((item) => item.SK?.S !== USAGE));
      start = out.LastEvaluatedKey as typeof start;
    } while (start);
    return items;
  } finally {
    client.destroy();
  }
};

/**
 * Three street centers (one in 玄武区, two in 秦淮区), one supervisor each, with the review and
 * fact-check days given (none by default) and published once scored unless `autoPublish` is false:
 * the console's and fact-check's tests answer two and leave one open.
 */
export const threeCenterCampaign = (
  id: string,
  days: { review?: number; factCheck?: number; autoPublish?: boolean } = {},
): CampaignDefinition => {
  const base = surveyCampaign(id);
  const [, qinhuai] = base.centers;
  if (!qinhuai) throw new Error('the survey campaign has two centers');
  return CampaignDefinition.parse({
    ...base,
    campaign: {
      ...base.campaign,
      review: { workingDays: days.review ?? 0 },
      factCheck: { workingDays: days.factCheck ?? 0 },
      autoPublish: days.autoPublish ?? true,
    },
    centers: [
      ...base.centers,
      {
        ...qinhuai,
        id: 'C-ST3',
        name: { zh: '秦淮区中华门街道便民服务中心', en: 'Zhonghuamen Street Center, Qinhuai' },
      },
    ],
    supervisors: [
      ...base.supervisors,
      { id: 'S3', name: '王芳', email: `s3-${id}@example.com`, sector: '记者', homeDistrict: '鼓楼区' },
    ],
  });
};

/** A launched three-center campaign with one 玄武区 and one 秦淮区 assignment answered, one 秦淮区 one open. */
export interface TwoAnswered {
  definition: CampaignDefinition;
  executionArn: string;
  xuanwu: TokenRecord;
  qinhuai: TokenRecord;
  links: { xuanwu: string; qinhuai: string };
  /** The name of the supervisor left to answer. */
  late: string;
}

/** Launches the campaign and answers one 玄武区 and one 秦淮区 assignment, counted once this resolves. */
export const launchAndAnswerTwo = async (
  deps: { cloud: EmbeddedCloud; store: Tables; sfn: SFNClient },
  definition: CampaignDefinition,
): Promise<TwoAnswered> => {
  const { executionArn, links } = await launchWithLinks(deps, definition);
  const tokens = await Promise.all(
    links.map(async (link) => ({
      link,
      token: await deps.store.assignments.getToken(hashToken(link.split('/s/')[1] ?? '')),
    })),
  );
  const district = (t: TokenRecord | undefined) => definition.centers.find((c) => c.id === t?.centerId)?.district;
  const xuanwu = tokens.find((t) => district(t.token) === '玄武区');
  const qinhuai = tokens.find((t) => district(t.token) === '秦淮区');
  if (!xuanwu?.token || !qinhuai?.token) throw new Error('assignments not found');
  for (const { link } of [xuanwu, qinhuai]) {
    const { status } = await answerSurvey(link, definition.campaign.id);
    if (status !== 200) throw new Error(`answering ${link} was refused with ${status}`);
  }
  // The answer counter marks assignments answered from the table's stream.
  await deps.cloud.streamIdle();
  const open = tokens.find((t) => t !== xuanwu && t !== qinhuai)?.token;
  return {
    definition,
    executionArn,
    xuanwu: xuanwu.token,
    qinhuai: qinhuai.token,
    links: { xuanwu: xuanwu.link, qinhuai: qinhuai.link },
    late: definition.supervisors.find((p) => p.id === open?.supervisorId)?.name ?? '',
  };
};

/** Answers a survey link again with the problems the supervisor found; a refusal throws with the server's words. */
export const answerWithProblems = async (
  link: string,
  submissionId: string,
  problems: { category: string; severity: string; description: string }[],
): Promise<void> => {
  const view = (await (await fetch(link, { headers: { accept: 'application/json' } })).json()) as {
    answers: Record<string, unknown>;
  };
  const res = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ submissionId, ...view.answers, problems }),
  });
  if (res.status !== 200)
    throw new Error(`the answers with problems were refused with ${res.status}: ${await res.text()}`);
};
