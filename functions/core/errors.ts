/**
 * The domain's named errors: what a rule or a conditional write refuses, named so that an edge maps
 * it to a response (the console's error registry, the workflow's `Catch` by name) without knowing
 * which adapter raised it.
 */

/** The campaign already exists (a second launch is a no-op). */
export class CampaignExists extends Error {
  override name = 'CampaignExists';
}

/** No campaign with that id. */
export class CampaignNotFound extends Error {
  override name = 'CampaignNotFound';
}

/** The campaign is not in a state that allows the operation. */
export class CampaignStateConflict extends Error {
  override name = 'CampaignStateConflict';
}

/** Another writer changed the item first; the caller may re-read and retry. */
export class ConcurrentUpdate extends Error {
  override name = 'ConcurrentUpdate';
}

/** The finding was disputed already: one dispute per finding. */
export class DisputeExists extends Error {
  override name = 'DisputeExists';
}

/** The response already holds as many versions as it may. */
export class ResponseHistoryFull extends Error {
  override name = 'ResponseHistoryFull';
}
