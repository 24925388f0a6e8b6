import middy from '@middy/core';
import { getLinkSecret } from './adapters/link-secret.ts';
import { withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { assignSupervisors } from './core/campaign/assignment.ts';
import { deriveToken, hashToken } from './core/campaign/links.ts';
import { CampaignTaskInput } from './core/campaign/workflow-contract.ts';
import { withRecheckQuestions } from './core/findings/recheck.ts';
import { deriveFindingKey, itemsToRecheck } from './core/findings/rectification.ts';
import { CampaignDefinition, Questionnaire } from './core/model.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/** The campaign's rosters or questionnaire cannot be used; the organizers are told why. */
export class CampaignInvalid extends Error {
  override name = 'CampaignInvalid';
}

/** Summary of what Prepare froze and computed. */
export interface PrepareResult {
  assignments: number;
  supervisors: number;
  centers: number;
  warnings: number;
  /** Rectification items of earlier campaigns re-checked by this one. */
  rechecks: number;
}

/**
 * Prepare: re-validates the stored definition, computes assignments (supervisor × center × activity)
 * and stores each with the hash of its link token, then opens the campaign. Safe to retry: every
 * write is keyed deterministically.
 */
export const prepareCampaign = async ({ campaignId }: CampaignTaskInput): Promise<PrepareResult> => {
  const { meta, definition } = await store.campaigns.loadDefinition(campaignId);
  if (meta.status !== 'draft' && meta.status !== 'open') {
    throw new CampaignInvalid(`campaign ${campaignId} is ${meta.status}; only a draft can be prepared`);
  }
  if (!meta.loaded) throw new CampaignInvalid(`campaign ${campaignId} was not completely uploaded; launch it again`);
  const checked = CampaignDefinition.safeParse(definition);
  if (!checked.success) {
    throw new CampaignInvalid(checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  // Problems found by earlier campaigns of the series and not yet confirmed fixed are re-checked now.
  const rechecks = itemsToRecheck(
    await store.rectification.listRectificationItems(definition.campaign.series),
    campaignId,
    new Set(definition.centers.map((c) => c.id)),
  );
  const questionnaire = Questionnaire.safeParse(withRecheckQuestions(definition.questionnaire, rechecks));
  if (!questionnaire.success) {
    throw new CampaignInvalid(`re-check questions: ${questionnaire.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (JSON.stringify(questionnaire.data) !== JSON.stringify(definition.questionnaire)) {
    await store.rosters.putQuestionnaire(campaignId, questionnaire.data);
  }
  let plan: ReturnType<typeof assignSupervisors>;
  try {
    plan = assignSupervisors(definition.centers, definition.supervisors, {
      campaignId,
      ratersPerCenter: definition.campaign.ratersPerCenter,
      seed: campaignId,
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'RosterInvalid')
      throw new CampaignInvalid(error.message, { cause: error });
    throw error;
  }
  if (plan.assignments.length === 0)
    throw new CampaignInvalid(`campaign ${campaignId}: no supervisor can be assigned to any center`);
  const secret = await getLinkSecret();
  const centers = new Map(definition.centers.map((c) => [c.id, c]));
  const placed = plan.assignments.flatMap((assignment) => {
    const center = centers.get(assignment.centerId);
    return center ? [{ assignment, center }] : [];
  });
  await store.assignments.putAssignments(
    campaignId,
    placed.map(({ assignment, center }) => ({
      assignment,
      center,
      tokenHash: hashToken(deriveToken(secret, campaignId, assignment.id)),
    })),
  );
  // The counts start at none answered: written while no answer can be counted yet (the campaign not open).
  if (meta.status === 'draft')
    await store.assignments.putProgressTotals(
      campaignId,
      placed.map(({ assignment, center }) => ({
        supervisorId: assignment.supervisorId,
        district: center.district,
        level: center.level,
      })),
    );
  const supervisors = new Set(plan.assignments.map((a) => a.supervisorId)).size;
  // Finding ids keyed per campaign: officials cannot work back from an id to the assignment.
  await store.campaigns.openCampaign(
    campaignId,
    { total: plan.assignments.length, supervisors, centers: definition.centers.length },
    deriveFindingKey(secret, campaignId),
  );
  return {
    assignments: plan.assignments.length,
    supervisors,
    centers: definition.centers.length,
    warnings: plan.warnings.length,
    rechecks: rechecks.length,
  };
};

/** Lambda entry point of the Prepare state. */
export const handler = middy<CampaignTaskInput, PrepareResult>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(CampaignTaskInput))
  .handler((event) => prepareCampaign(event));
