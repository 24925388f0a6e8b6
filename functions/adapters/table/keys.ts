/**
 * Key layout of the single table. Campaign-wide items live under `CAMPAIGN#<id>`; assignments and
 * responses are spread over shards `CAMPAIGN#<id>#S<nn>` by supervisor so that 60,000 of them do not
 * share one partition, and one supervisor's items stay together.
 */
export const SHARD_COUNT = 16;

/** FNV-1a over the supervisor id: stable, cheap, well spread. */
export const shardOf = (supervisorId: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < supervisorId.length; i++) {
    h ^= supervisorId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % SHARD_COUNT;
};

/** Partition key of the campaign's own items. */
export const campaignPk = (campaignId: string): string => `CAMPAIGN#${campaignId}`;
/** Partition key of one shard of a campaign's assignments and responses. */
export const shardPk = (campaignId: string, shard: number): string =>
  `CAMPAIGN#${campaignId}#S${String(shard).padStart(2, '0')}`;
/** Partition key of a campaign's outbox ledger. */
export const mailPk = (campaignId: string): string => `CAMPAIGN#${campaignId}#MAIL`;
/** Partition key of a token hash. */
export const tokenPk = (tokenHash: string): string => `TOKEN#${tokenHash}`;

export const META = 'META';
export const QUESTIONNAIRE = 'QUESTIONNAIRE';
/** A campaign's counted cloud usage: written by the embedded cloud's usage meter only, absent on AWS. */
export const USAGE = 'USAGE';
/** Sort-key prefixes of the campaign's own items and of its shards' items, for begins_with Queries. */
export const CENTER_PREFIX = 'CENTER#';
export const SUPERVISOR_PREFIX = 'SUPERVISOR#';
export const ASSIGNMENT_PREFIX = 'ASSIGNMENT#';
export const RESPONSE_PREFIX = 'RESPONSE#';
export const SCORE_PREFIX = 'SCORE#';
export const REVIEW_PREFIX = 'REVIEW#';
export const FACTCHECK_PREFIX = 'FACTCHECK#';
export const DISPUTE_PREFIX = 'DISPUTE#';
export const centerSk = (centerId: string): string => `${CENTER_PREFIX}${centerId}`;
export const supervisorSk = (supervisorId: string): string => `${SUPERVISOR_PREFIX}${supervisorId}`;
/** Prefix of one supervisor's assignments in their shard. */
export const supervisorAssignmentsPrefix = (supervisorId: string): string => `${ASSIGNMENT_PREFIX}${supervisorId}#`;
export const assignmentSk = (supervisorId: string, assignmentId: string): string =>
  `${supervisorAssignmentsPrefix(supervisorId)}${assignmentId}`;
export const responseSk = (assignmentId: string): string => `${RESPONSE_PREFIX}${assignmentId}`;
/** Sort key of an assignment's draft, beside its responses in the supervisor's shard. */
export const draftSk = (assignmentId: string): string => `DRAFT#${assignmentId}`;
export const scoreSk = (centerId: string): string => `${SCORE_PREFIX}${centerId}`;
/** Sort key of a survey token's item. */
export const TOKEN_SK = 'TOKEN';
/** Sort key of a rectification token's item. */
export const RTOKEN_SK = 'RTOKEN';
/** Sort key of a campaign's scoring summary. */
export const SCORING = 'SCORING';
/** Partition of a campaign's raters' severities: for organizers, apart from what officials read. */
export const ratersPk = (campaignId: string): string => `${campaignPk(campaignId)}#RATERS`;
/** Partition of a center's explanation: the campaign's explanations spread over shards by center id. */
export const explanationPk = (campaignId: string, centerId: string): string =>
  `${campaignPk(campaignId)}#X${String(shardOf(centerId)).padStart(2, '0')}`;
/** Partition of the suppression list (account-wide, like SES's own). */
export const SUPPRESSED_PK = 'SUPPRESSED';
/** Sort key of a suppressed address: the address in lower case. */
export const suppressedSk = (email: string): string => email.toLowerCase();
export const mailSk = (kind: string, round: number, recipientId: string): string => `${kind}#${round}#${recipientId}`;
/** GSI1 finds the campaigns of one series (a city) month by month. */
export const seriesGsiPk = (series: string): string => `SERIES#${series}`;
/** GSI1 sort key: the month, then the campaign id. */
export const seriesGsiSk = (month: string, campaignId: string): string => `${month}#${campaignId}`;
/** The month and campaign id a GSI1 sort key holds. */
export const parseSeriesGsiSk = (sk: string): { month: string; campaignId: string } => {
  const [month = '', ...rest] = sk.split('#');
  return { month, campaignId: rest.join('#') };
};
/** Partition of a series' rectification items; sort key `<center>#<item>` groups them by center. */
export const rectificationPk = (series: string): string => `RECT#${series}`;
export const rectificationSk = (centerId: string, itemId: string): string => `${centerId}#${itemId}`;
/** Prefix of one center's rectification items in its series. */
export const rectificationCenterPrefix = (centerId: string): string => `${centerId}#`;
/** Partition key of a rectification link's token hash (apart from survey tokens). */
export const rectificationTokenPk = (tokenHash: string): string => `RTOKEN#${tokenHash}`;
/** Sort key of one center's findings (anonymized comments) in a campaign. */
export const findingsSk = (centerId: string): string => `FINDINGS#${centerId}`;
/** The registry of every campaign, newest month last: what the console lists. */
export const CAMPAIGNS_PK = 'CAMPAIGNS';
export const campaignRegistrySk = (month: string, campaignId: string): string => `${month}#${campaignId}`;
/** A response's review decision, beside the campaign's own items. */
export const reviewSk = (assignmentId: string): string => `${REVIEW_PREFIX}${assignmentId}`;
/** Partition of a campaign's audit log; sort key `<instant>#<id>` keeps it in time order. */
export const auditPk = (campaignId: string): string => `AUDIT#${campaignId}`;
/** Sort key of one audit entry: its instant, then its id. */
export const auditSk = (at: string, id: string): string => `${at}#${id}`;
/** A campaign's draft finding shown for fact-check, grouped by center. */
export const factCheckSk = (centerId: string, itemId: string): string => `${FACTCHECK_PREFIX}${centerId}#${itemId}`;
/** An official's dispute of a draft finding, grouped by center. */
export const disputeSk = (centerId: string, itemId: string): string => `${DISPUTE_PREFIX}${centerId}#${itemId}`;
/** Partition key of a console session, by the SHA-256 of its cookie's id (the id itself is never stored). */
export const consoleSessionPk = (idHash: string): string => `SESSION#${idHash}`;
/** Partition key of a console username's failed sign-ins, by the name as typed (lower case, URI-encoded). */
export const signInAttemptsPk = (username: string): string =>
  `SIGNIN#${encodeURIComponent(username.trim().toLowerCase())}`;
/** Prefix of one response's photos, in its supervisor's shard. */
export const photosPrefix = (assignmentId: string): string => `PHOTO#${assignmentId}#`;
/** Sort key of one photo of a response. */
export const photoSk = (assignmentId: string, photoId: string): string => `${photosPrefix(assignmentId)}${photoId}`;
/** Sort key of a response's photo counts (per problem and in all), beside its photos. */
export const photoCountSk = (assignmentId: string): string => `PHOTOCOUNT#${assignmentId}`;
/** Prefix of every photo in a shard, whatever its response (a campaign's photos, shard by shard). */
export const PHOTO_PREFIX = 'PHOTO#';
/** Sort key of a campaign's (no center) or one center's evidence export, on the campaign's partition. */
export const exportSk = (centerId?: string): string => (centerId ? `EXPORT#CENTER#${centerId}` : 'EXPORT#CAMPAIGN');
/** Sort key of the record that a campaign's evidence was purged, on the campaign's partition. */
export const EVIDENCE_PURGE = 'EVIDENCEPURGE';
/**
 * Partition of a campaign's review queue: small entries, one set per response, each response listed
 * under four sort keys (the city's order, its district's, its supervisor's, its center's) so that every
 * filter of the queue reads by key prefix. Beside the campaign's items (`CAMPAIGN#<id>#…`).
 */
export const queuePk = (campaignId: string): string => `${campaignPk(campaignId)}#QUEUE`;
/** Districts are free text: kept apart from the key's separators. */
const keyPart = (value: string): string => encodeURIComponent(value);
/** The city's order: `A#<group>#<center>#<assignment>` (group: status, then flagged first). */
export const queueAllPrefix = (group: string): string => `A#${group}`;
export const queueAllSk = (group: string, centerId: string, assignmentId: string): string =>
  `${queueAllPrefix(group)}#${centerId}#${assignmentId}`;
/** A district's order: `D#<district>#<group>#<center>#<assignment>`. */
export const queueDistrictPrefix = (district: string, group: string): string => `D#${keyPart(district)}#${group}`;
export const queueDistrictSk = (district: string, group: string, centerId: string, assignmentId: string): string =>
  `${queueDistrictPrefix(district, group)}#${centerId}#${assignmentId}`;
/** One supervisor's responses: `P#<supervisor>#<assignment>`. */
export const queueSupervisorPrefix = (supervisorId: string): string => `P#${supervisorId}#`;
export const queueSupervisorSk = (supervisorId: string, assignmentId: string): string =>
  `${queueSupervisorPrefix(supervisorId)}${assignmentId}`;
/** One center's responses: `C#<center>#<assignment>` (what a center's page and the outlier flag read). */
export const queueCenterPrefix = (centerId: string): string => `C#${centerId}#`;
export const queueCenterSk = (centerId: string, assignmentId: string): string =>
  `${queueCenterPrefix(centerId)}${assignmentId}`;
/** Partition of the photos officials post of their fixes, on the finding's campaign (`CAMPAIGN#<id>#FIX`). */
export const fixPhotosPk = (campaignId: string): string => `${campaignPk(campaignId)}#FIX`;
/** Prefix of every fix photo of a campaign's findings. */
export const FIX_PHOTO_PREFIX = 'FIX#';
/** Prefix of one center's fix photos, or of one item's. */
export const fixPhotosPrefix = (centerId: string, itemId?: string): string =>
  `${FIX_PHOTO_PREFIX}${centerId}#${itemId === undefined ? '' : `${itemId}.`}`;
/** Sort key of one fix photo (its id begins with its item's). */
export const fixPhotoSk = (centerId: string, photoId: string): string => `${FIX_PHOTO_PREFIX}${centerId}#${photoId}`;
/** Sort key of an item's count of fix photos. */
export const fixCountSk = (centerId: string, itemId: string): string => `FIXCOUNT#${centerId}#${itemId}`;
/** Partition of a campaign's results views, made at scoring: overviews and the table's pages. */
export const resultsPk = (campaignId: string): string => `${campaignPk(campaignId)}#RESULTS`;
/** The overview of the city (no district) or of one district. */
export const resultsOverviewSk = (district?: string): string =>
  district === undefined ? 'O#*' : `O#=${keyPart(district)}`;
/** One page of a view of the per-center table: its level and district (`*` for any), the page number. */
export const resultsPageSk = (view: { level?: string | undefined; district?: string | undefined }, page: number) =>
  `T#${view.level ?? '*'}#${view.district === undefined ? '*' : `=${keyPart(view.district)}`}#${String(page).padStart(6, '0')}`;
/** A scope's count of the queue's entries in one group: `N#<district>#<group>`, beside the entries. */
export const queueCountSk = (district: string, group: string): string => `N#${keyPart(district)}#${group}`;
/** Prefix of the counts of the city (every district), or of one district. */
export const queueCountPrefix = (district?: string): string =>
  district === undefined ? 'N#' : `N#${keyPart(district)}#`;
/** Partition of a campaign's progress counts: written at Prepare, moved by each assignment's first answer. */
export const progressPk = (campaignId: string): string => `${campaignPk(campaignId)}#PROGRESS`;
/** Answered of assigned in one district and level: `G#<district>#<level>`. */
export const progressCellSk = (district: string, level: string): string => `G#${keyPart(district)}#${level}`;
/** Prefix of the city's cells, or of one district's. */
export const progressCellPrefix = (district?: string): string =>
  district === undefined ? 'G#' : `G#${keyPart(district)}#`;
/** Answered of assigned of one supervisor, in the city: `S#<supervisor>`. */
export const progressSupervisorSk = (supervisorId: string): string => `S#${supervisorId}`;
export const PROGRESS_SUPERVISOR_PREFIX = 'S#';
/** Answered of assigned of one supervisor at one district's centers: `L#<district>#<supervisor>`. */
export const progressDistrictSupervisorSk = (district: string, supervisorId: string): string =>
  `L#${keyPart(district)}#${supervisorId}`;
export const progressDistrictSupervisorPrefix = (district: string): string => `L#${keyPart(district)}#`;
