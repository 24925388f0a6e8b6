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
export const centerSk = (centerId: string): string => `CENTER#${centerId}`;
export const supervisorSk = (supervisorId: string): string => `SUPERVISOR#${supervisorId}`;
export const assignmentSk = (supervisorId: string, assignmentId: string): string =>
  `ASSIGNMENT#${supervisorId}#${assignmentId}`;
export const responseSk = (assignmentId: string): string => `RESPONSE#${assignmentId}`;
export const scoreSk = (centerId: string): string => `SCORE#${centerId}`;
export const mailSk = (kind: string, round: number, recipientId: string): string => `${kind}#${round}#${recipientId}`;
/** GSI1 finds the campaigns of one series (a city) month by month. */
export const seriesGsiPk = (series: string): string => `SERIES#${series}`;
/** Partition of a series' rectification items; sort key `<center>#<item>` groups them by center. */
export const rectificationPk = (series: string): string => `RECT#${series}`;
export const rectificationSk = (centerId: string, itemId: string): string => `${centerId}#${itemId}`;
/** Partition key of a rectification link's token hash (apart from survey tokens). */
export const rectificationTokenPk = (tokenHash: string): string => `RTOKEN#${tokenHash}`;
/** Sort key of one center's findings (anonymized comments) in a campaign. */
export const findingsSk = (centerId: string): string => `FINDINGS#${centerId}`;
/** The registry of every campaign, newest month last: what the console lists. */
export const CAMPAIGNS_PK = 'CAMPAIGNS';
export const campaignRegistrySk = (month: string, campaignId: string): string => `${month}#${campaignId}`;
/** A response's review decision, beside the campaign's own items. */
export const reviewSk = (assignmentId: string): string => `REVIEW#${assignmentId}`;
/** Partition of a campaign's audit log; sort key `<instant>#<id>` keeps it in time order. */
export const auditPk = (campaignId: string): string => `AUDIT#${campaignId}`;
/** A campaign's draft finding shown for fact-check, grouped by center. */
export const factCheckSk = (centerId: string, itemId: string): string => `FACTCHECK#${centerId}#${itemId}`;
/** An official's dispute of a draft finding, grouped by center. */
export const disputeSk = (centerId: string, itemId: string): string => `DISPUTE#${centerId}#${itemId}`;
/** Partition key of a console session, by the SHA-256 of its cookie's id (the id itself is never stored). */
export const consoleSessionPk = (idHash: string): string => `SESSION#${idHash}`;
/** Partition key of a console username's failed sign-ins, by the name as typed (lower case, URI-encoded). */
export const signInAttemptsPk = (username: string): string =>
  `SIGNIN#${encodeURIComponent(username.trim().toLowerCase())}`;
