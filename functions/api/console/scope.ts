import { store } from '../../adapters/table.ts';
import type { ConsoleUser } from '../../core/access/console-access.ts';
import { reviewQueue } from '../../core/findings/review.ts';
import type { Center } from '../../core/model.ts';

/** Whether a center is in the user's scope: a coordinator's district, or any for the others. */
export const inScope = (user: ConsoleUser, center: Center | undefined): boolean =>
  center !== undefined && (user.role !== 'coordinator' || center.district === user.district);

/** The district a coordinator's pages are limited to, to name on the page; nothing for the others. */
export const districtOf = (user: ConsoleUser): { district?: string } =>
  user.role === 'coordinator' && user.district ? { district: user.district } : {};

/** The review queue of the centers in the user's scope, with the questionnaire its answers belong to. */
export const loadQueue = async (campaignId: string, user: ConsoleUser, centers: ReadonlyMap<string, Center>) => {
  const [questionnaire, reviews] = await Promise.all([
    store.rosters.getQuestionnaire(campaignId),
    store.reviews.listReviews(campaignId),
  ]);
  const responses = [];
  for await (const pageOf of store.responses.streamResponses(campaignId)) {
    for (const response of pageOf) if (inScope(user, centers.get(response.centerId))) responses.push(response);
  }
  return { questionnaire, items: reviewQueue(questionnaire, responses, reviews) };
};
