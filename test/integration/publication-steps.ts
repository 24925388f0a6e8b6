import type { SFNClient } from '@aws-sdk/client-sfn';
import { launchCampaign } from '../../cli/launch.ts';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import { CampaignDefinition, type Questionnaire } from '../../functions/core/model.ts';
import type { Problem } from '../../functions/core/responses/response.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { mailKindOf, type OutboxEmail, readOutbox, surveyLinks } from '../../local/ses-outbox.ts';
import { smallCampaign } from '../fixtures/campaign.ts';
import { waitFor } from '../support/wait.ts';

/** Shared steps of the publication tests on the embedded cloud: small campaigns, answers, summaries. */

/**
 * A campaign of two street-level centers (hall activities only, so re-check questions are always
 * asked) and two supervisors, one center each, open for a week.
 */
export const streetCampaign = (
  series: string,
  month: string,
  options: { now?: Date; officials?: [string, string]; organizers?: string[] } = {},
): CampaignDefinition => {
  const base = smallCampaign();
  const now = options.now ?? new Date();
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
  const [first, second] = base.centers as [
    CampaignDefinition['centers'][number],
    CampaignDefinition['centers'][number],
  ];
  return CampaignDefinition.parse({
    ...base,
    campaign: {
      ...base.campaign,
      id: `${series}-${month}`,
      series,
      month,
      schedule: { opens: at(-3600), reminders: [at(3 * 86400)], deadline: at(7 * 86400) },
      organizers: options.organizers ?? [`organizer-${series}@example.gov.cn`],
      ratersPerCenter: 1,
    },
    centers: [
      {
        ...first,
        level: 'street',
        official: { ...first.official, email: options.officials?.[0] ?? first.official.email },
      },
      {
        ...second,
        level: 'street',
        official: { ...second.official, email: options.officials?.[1] ?? second.official.email },
      },
    ],
  });
};

/** What one survey link shows a supervisor, as JSON. */
export interface SurveyView {
  url: string;
  centerId: string;
  questionnaire: Questionnaire;
}

/** Launches a campaign as organizers do; returns each invitation link with the center and questions it shows. */
export const launchAndOpenLinks = async (
  deps: { cloud: EmbeddedCloud; store: Tables; sfn: SFNClient },
  definition: CampaignDefinition,
  seen: Set<string>,
): Promise<{ executionArn: string; links: SurveyView[] }> => {
  const launch = await launchCampaign(
    { store: deps.store, sfn: deps.sfn, stateMachineArn: deps.cloud.stateMachineArn },
    definition,
  );
  const invitations = await waitFor('the invitations', async () => {
    const fresh = (await readOutbox(deps.cloud.urls.ses)).filter(
      (e) => !seen.has(e.messageId) && mailKindOf(e) === 'invitation',
    );
    return fresh.length === definition.supervisors.length ? fresh : undefined;
  });
  for (const e of invitations) seen.add(e.messageId);
  const links = await Promise.all(
    invitations.flatMap(surveyLinks).map(async (url) => {
      const res = await fetch(url, { headers: { accept: 'application/json' } });
      const view = (await res.json()) as { center: { id: string }; questionnaire: Questionnaire };
      return { url, centerId: view.center.id, questionnaire: view.questionnaire };
    }),
  );
  return { executionArn: launch.executionArn, links };
};

/** Submits answers (and problems found) through the survey API, as a supervisor's phone does. */
export const submit = async (
  url: string,
  answers: Record<string, string | number | boolean | null>,
  problems: Problem[] = [],
): Promise<number> => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ ...answers, problems }),
  });
  await res.arrayBuffer();
  return res.status;
};

/** Waits for the campaign's workflow to finish and returns the emails sent since `seen`, marking them seen. */
export const waitForPublication = async (
  deps: { cloud: EmbeddedCloud },
  executionArn: string,
  seen: Set<string>,
): Promise<{ status: string; emails: OutboxEmail[] }> => {
  const out = await waitFor('the workflow to finish', async () => {
    const d = deps.cloud.runner.describeExecution(executionArn);
    return d.status === 'RUNNING' ? undefined : d;
  });
  const emails = (await readOutbox(deps.cloud.urls.ses)).filter((e) => !seen.has(e.messageId));
  for (const e of emails) seen.add(e.messageId);
  return { status: out.status, emails };
};

/** The rectification link in an official's summary. */
export const rectificationLinkOf = (email: OutboxEmail): string | undefined =>
  /https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/.exec(email.body.text ?? '')?.[0];
