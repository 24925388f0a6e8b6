import {
  auditPk,
  CAMPAIGNS_PK,
  campaignPk,
  consoleSessionPk,
  fixPhotosPk,
  mailPk,
  progressPk,
  queuePk,
  rectificationPk,
  rectificationTokenPk,
  SUPPRESSED_PK,
  seriesGsiPk,
  signInAttemptsPk,
  tokenPk,
} from '../functions/adapters/table/keys.ts';

/**
 * What each function may do on the table, derived from the store calls it makes
 * (functions/adapters/table/, reached from its entry file and the adapters it uses). The stack
 * builds every function's table policy from this module and nothing else; the embedded cloud
 * enforces the same policies, and its call-recording test checks them against what each function
 * really does. Importing it has no side effects.
 */

/** The one secondary index: campaigns of a series, keyed by `GSI1PK` = `SERIES#<series>`. */
export const TABLE_INDEX = 'GSI1';

/** A DynamoDB item action a function may be granted. None scans: every read is by key or Query. */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem';

/**
 * One statement of a function's table policy: `actions` on the table (or, with `index`, on
 * {@link TABLE_INDEX}), allowed only while every partition key touched matches one of `leadingKeys`
 * (`ForAllValues:StringLike` on `dynamodb:LeadingKeys`: `PK` on the table, `GSI1PK` on the index).
 */
export interface TableGrant {
  readonly actions: readonly TableAction[];
  readonly leadingKeys: readonly string[];
  readonly index?: boolean;
}

/**
 * The partition key spaces, as IAM `StringLike` patterns built with the keys module's own builders.
 * Ids hold no `#` (core/model.ts `Id`), so a pattern names one key space, except that IAM's `*`
 * also matches `#`: `CAMPAIGN#*` covers a campaign's sub-partitions (shards, outbox, raters,
 * explanations) too. A function that touches only a sub-partition is granted that one alone, and an
 * action granted on `CAMPAIGN#*` is never granted again on a sub-partition: every (action, key) pair of
 * a function is needed by some call, the test of the embedded cloud's grant coverage holds it to that.
 */
export const KEY_SPACES = {
  /** `CAMPAIGN#<id>`: META, questionnaire, rosters, scores, findings, reviews, draft findings, disputes. */
  campaign: campaignPk('*'),
  /** `CAMPAIGN#<id>#S<nn>`: assignments, responses and drafts, sharded by supervisor. */
  shards: `${campaignPk('*')}#S*`,
  /** `CAMPAIGN#<id>#QUEUE`: the review queue's entries, each response under four sort keys. */
  reviewQueue: queuePk('*'),
  /** `CAMPAIGN#<id>#FIX`: officials' photos of their fixes and each item's count of them. */
  fixPhotos: fixPhotosPk('*'),
  /** `CAMPAIGN#<id>#PROGRESS`: answered of assigned, by district and level and by supervisor. */
  progress: progressPk('*'),
  /** `CAMPAIGN#<id>#MAIL`: the outbox ledger, one item per email. */
  outbox: mailPk('*'),
  /** `TOKEN#<hash>`: a survey link's token hash and its assignment. */
  surveyTokens: tokenPk('*'),
  /** `RTOKEN#<hash>`: an official's rectification link and what it opens. */
  rectificationTokens: rectificationTokenPk('*'),
  /** `RECT#<series>`: a series' rectification items. */
  rectification: rectificationPk('*'),
  /** `AUDIT#<id>`: a campaign's audit log. */
  audit: auditPk('*'),
  /** `CAMPAIGNS`: the registry of every campaign, which the console lists. */
  registry: CAMPAIGNS_PK,
  /** `SUPPRESSED`: bounced and complaining addresses. */
  suppressed: SUPPRESSED_PK,
  /** `SESSION#<hash>`: a console session, by the hash of its cookie's id. */
  consoleSessions: consoleSessionPk('*'),
  /** `SIGNIN#<username>`: a console username's recent failed sign-ins. */
  signInAttempts: signInAttemptsPk('*'),
  /** `SERIES#<series>` on GSI1: the campaigns of a series, month by month. */
  series: seriesGsiPk('*'),
} as const;

const K = KEY_SPACES;

/** A function of the stack, by its handler file name under `functions/`. */
export type TableHandlerName =
  | 'prepare'
  | 'plan-mail'
  | 'send-mail'
  | 'publish-city-summary'
  | 'check-progress'
  | 'await-responses'
  | 'open-review'
  | 'await-review'
  | 'open-fact-check'
  | 'await-fact-check'
  | 'check-fact-check'
  | 'open-sign-off'
  | 'await-sign-off'
  | 'close-campaign'
  | 'score-campaign'
  | 'fail-campaign'
  | 'survey-api'
  | 'check-photo'
  | 'export-evidence'
  | 'expire-evidence'
  | 'count-answers'
  | 'rectification-api'
  | 'console-api'
  | 'ses-events';

/** The table grants of every function, by handler file name: all it may do on the table. */
export const TABLE_GRANTS: Readonly<Record<TableHandlerName, readonly TableGrant[]>> = {
  prepare: [
    /** `loadDefinition` (META by key, rosters and questionnaire by Query). */
    { actions: ['dynamodb:GetItem', 'dynamodb:Query'], leadingKeys: [K.campaign] },
    /** The series' rectification items still open, to re-check. */
    { actions: ['dynamodb:Query'], leadingKeys: [K.rectification] },
    /** `putQuestionnaire` with the re-check questions; `openCampaign`. */
    { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], leadingKeys: [K.campaign] },
    /**
     * `putAssignments`: each assignment in its supervisor's shard and its link's token hash;
     * `putProgressTotals`: the progress counts, none answered.
     */
    { actions: ['dynamodb:BatchWriteItem'], leadingKeys: [K.shards, K.surveyTokens, K.progress] },
  ],
  'plan-mail': [
    /**
     * Recipients and publication: the campaign, centers, reviews, disputes and draft findings,
     * first answers and assignments in the shards; `markAnswered` (shard, META and progress counts),
     * `recordReminderRound`; `putFindings`.
     */
    {
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
      leadingKeys: [K.campaign],
    },
    /**
     * `putRectificationItems` (conditional put) and each re-check's read and conditional put; the
     * re-checked centers' items (Query), to count an answer for every item of the same problem.
     */
    { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], leadingKeys: [K.rectification] },
  ],
  'send-mail': [
    /**
     * The campaign, centers, supervisors in the batch and their assignments, scores (BatchGet), summary,
     * findings, draft findings; `recordMailFailure` on META, and `settleMail` in the outbox (`CAMPAIGN#*`
     * covers `CAMPAIGN#<id>#MAIL`).
     */
    {
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      leadingKeys: [K.campaign],
    },
    /** Each center's rectification items, for its summary. */
    { actions: ['dynamodb:Query'], leadingKeys: [K.rectification] },
    /** `putRectificationLinks`: the officials' link tokens, stored before the emails carrying them. */
    { actions: ['dynamodb:BatchWriteItem'], leadingKeys: [K.rectificationTokens] },
    /** `deliverAll`: `suppressedAmong`, which recipients bounced or complained before. */
    { actions: ['dynamodb:GetItem'], leadingKeys: [K.suppressed] },
    /** `deliverAll`: `claimMail` (conditional put), and `releaseMail` when SES took nothing. */
    { actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], leadingKeys: [K.outbox] },
  ],
  'publish-city-summary': [
    /**
     * The campaign, centers, scores, raters, assignments, supervisors, summary and ledger; `setStatus`
     * published, and `settleMail` in the outbox.
     */
    { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], leadingKeys: [K.campaign] },
    /** The series' rectification items, for the results. */
    { actions: ['dynamodb:Query'], leadingKeys: [K.rectification] },
    /** `suppressedAmong` before sending; `listSuppressed`, why an address was skipped, in the city summary. */
    { actions: ['dynamodb:GetItem', 'dynamodb:Query'], leadingKeys: [K.suppressed] },
    /** `claimMail`, and `releaseMail` when SES took nothing. */
    { actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], leadingKeys: [K.outbox] },
  ],
  'check-progress': [
    /** `getMeta`. */
    { actions: ['dynamodb:GetItem'], leadingKeys: [K.campaign] },
  ],
  'await-responses': [
    /** `setTaskToken`, then `getMeta`. */
    { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: [K.campaign] },
  ],
  'open-review': [
    /** `getMeta`, `openReview`. */
    { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: [K.campaign] },
  ],
  'await-review': [
    /** `setTaskToken`, then `getMeta`. */
    { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: [K.campaign] },
  ],
  'open-fact-check': [
    /** `getMeta`, the counted responses (reviews, shards), `putFactCheckItems`, `openFactCheck`. */
    {
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
      leadingKeys: [K.campaign],
    },
  ],
  'await-fact-check': [
    /** `setTaskToken`, then `getMeta` and `listDisputes`. */
    { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], leadingKeys: [K.campaign] },
  ],
  'check-fact-check': [
    /** `getMeta`, `listDisputes`. */
    { actions: ['dynamodb:GetItem', 'dynamodb:Query'], leadingKeys: [K.campaign] },
  ],
  'open-sign-off': [
    /** `getMeta`, `awaitSignOff`; the notice's `settleMail` in the outbox. */
    { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: [K.campaign] },
    /** `deliverAll`: `suppressedAmong`, which organizers bounced or complained before. */
    { actions: ['dynamodb:GetItem'], leadingKeys: [K.suppressed] },
    /** `deliverAll`: the notice's `claimMail`, and `releaseMail` when SES took nothing. */
    { actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], leadingKeys: [K.outbox] },
  ],
  'await-sign-off': [
    /** `setTaskToken`, then `getMeta`. */
    { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: [K.campaign] },
  ],
  'close-campaign': [
    /** `getMeta`, `closeCampaign`. */
    { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: [K.campaign] },
  ],
  'score-campaign': [
    /**
     * This and earlier campaigns' META, questionnaire, centers and scores; the counted responses;
     * `putScores`, `putExplanations`, `putRaterSeverities` (batches), `putScoringSummary`, `setStatus`.
     */
    {
      actions: [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:BatchWriteItem',
      ],
      leadingKeys: [K.campaign],
    },
    /** `listSeries`: earlier campaigns of the series, for trends. */
    { actions: ['dynamodb:Query'], leadingKeys: [K.series], index: true },
  ],
  'fail-campaign': [
    /** `getMeta`, `setStatus` failed; the notice's `settleMail` in the outbox. */
    { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: [K.campaign] },
    /** `deliverAll`: `suppressedAmong`, which organizers bounced or complained before. */
    { actions: ['dynamodb:GetItem'], leadingKeys: [K.suppressed] },
    /** `deliverAll`: the notice's `claimMail`, and `releaseMail` when SES took nothing. */
    { actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], leadingKeys: [K.outbox] },
  ],
  'survey-api': [
    /** `getToken`; the campaign, questionnaire, center and review; the response, its versions and the draft. */
    { actions: ['dynamodb:GetItem'], leadingKeys: [K.surveyTokens, K.campaign] },
    /** A re-check's context: what the center reported on the items re-checked at it (its items, by Query). */
    { actions: ['dynamodb:Query'], leadingKeys: [K.rectification] },
    /** `saveDraft` (put) and `saveResponse` (one conditional update), in the supervisor's shard only. */
    { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], leadingKeys: [K.shards] },
    /**
     * `indexResponse`: the center's queue entries read, the response's (and its center's re-flagged ones)
     * written; each city key put only where there was none or deleted, and the counts moved by it (ADD).
     */
    {
      actions: [
        'dynamodb:Query',
        'dynamodb:BatchWriteItem',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:UpdateItem',
      ],
      leadingKeys: [K.reviewQueue],
    },
    /** `listPhotos` of the link's response, in the supervisor's shard only. */
    { actions: ['dynamodb:Query'], leadingKeys: [K.shards] },
    /** A re-check's photos of the fix (`listFixPhotos` of the center, on the finding's campaign). */
    { actions: ['dynamodb:Query'], leadingKeys: [K.fixPhotos] },
  ],
  'check-photo': [
    /** `getPhoto`, then its conditional state changes (`startCheck`, `finishCheck`), in its shard only. */
    { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: [K.shards] },
    /** The same for a photo of a fix (`getFixPhoto`, state changes, a refusal's place given back). */
    { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: [K.fixPhotos] },
  ],
  'export-evidence': [
    /**
     * `getExport`, `getPurge`, the centers (Query) and each response with photos (GetItem, in its shard);
     * every photo of the campaign (Query, shard by shard); the export's state and progress (UpdateItem);
     * the officials' photos of fixes (`listFixPhotos`, `listCampaignFixPhotos`: Query on `CAMPAIGN#<id>#FIX`,
     * which `CAMPAIGN#*` covers) and the campaign's META (its series).
     */
    { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], leadingKeys: [K.campaign] },
    /** The rectification item each fix photo answers (`getRectificationItem`): its finding. */
    { actions: ['dynamodb:GetItem'], leadingKeys: [K.rectification] },
  ],
  'expire-evidence': [
    /** `listCampaigns`: the registry. */
    { actions: ['dynamodb:Query'], leadingKeys: [K.registry] },
    /** Each campaign's META and `getPurge`; `recordPurge`. */
    { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], leadingKeys: [K.campaign] },
    /** The campaign's photos (Query) and `markPhotoPurged` (conditional update), in the shards only. */
    { actions: ['dynamodb:Query', 'dynamodb:UpdateItem'], leadingKeys: [K.shards] },
    /** The officials' photos of fixes of the campaign's findings (Query) and `markFixPhotoPurged`. */
    { actions: ['dynamodb:Query', 'dynamodb:UpdateItem'], leadingKeys: [K.fixPhotos] },
    /** `appendAudit` of the purge. */
    { actions: ['dynamodb:PutItem'], leadingKeys: [K.audit] },
  ],
  'count-answers': [
    /** `markAnswered` (the assignment in its shard, the counts on META and in PROGRESS), then `getMeta`. */
    { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: [K.campaign] },
  ],
  'rectification-api': [
    /** `getRectificationLink`. */
    { actions: ['dynamodb:GetItem'], leadingKeys: [K.rectificationTokens] },
    /** The campaign, the center, its draft findings and disputes; `putDispute` (conditional put). */
    { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], leadingKeys: [K.campaign] },
    /** The center's rectification items; `saveRectificationItem` (conditional put) when one is reported fixed. */
    { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], leadingKeys: [K.rectification] },
    /** `appendAudit` of a dispute. */
    { actions: ['dynamodb:PutItem'], leadingKeys: [K.audit] },
    /**
     * A fix photo's place claimed or given back and a lapsed slot refused (UpdateItem); its record put, the
     * photos listed and the findings' photos in the shards are read under `CAMPAIGN#*` above.
     */
    { actions: ['dynamodb:UpdateItem'], leadingKeys: [K.fixPhotos] },
  ],
  'console-api': [
    /**
     * Pages and actions on a campaign: META, rosters, assignments and responses, reviews, scores,
     * raters, findings, disputes, usage; `saveReview`, `saveDispute`; deadline, close, reminders,
     * finish; a returned response's email: `claimMail` and `settleMail` in the outbox; a center's
     * score by key (`getScores`, BatchGetItem).
     */
    {
      actions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ],
      leadingKeys: [K.campaign],
    },
    /**
     * `applyReview`: a decided response's queue entries moved to its status; its old city key deleted (the
     * put and the counts' ADD are under `CAMPAIGN#*` above).
     */
    { actions: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'], leadingKeys: [K.reviewQueue] },
    /** `listCampaigns`. */
    { actions: ['dynamodb:Query'], leadingKeys: [K.registry] },
    /** The series' rectification items, for the results. */
    { actions: ['dynamodb:Query'], leadingKeys: [K.rectification] },
    /** A center's score over its series: the series' campaigns (`listSeries`), its score in each (`getScores`). */
    { actions: ['dynamodb:Query'], leadingKeys: [K.series], index: true },
    { actions: ['dynamodb:BatchGetItem'], leadingKeys: [K.campaign] },
    /** `appendAudit` of every action, `listAudit`. */
    { actions: ['dynamodb:PutItem', 'dynamodb:Query'], leadingKeys: [K.audit] },
    /** A returned response's email: `suppressedAmong`. */
    { actions: ['dynamodb:GetItem'], leadingKeys: [K.suppressed] },
    /** A returned response's email: `releaseMail` when SES took nothing. */
    { actions: ['dynamodb:DeleteItem'], leadingKeys: [K.outbox] },
    /** Sessions: begun at sign-in, read on every request, deleted at sign-out or when the role was taken away. */
    { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], leadingKeys: [K.consoleSessions] },
    /** Failed sign-ins: read before each sign-in, counted (restarted once forgotten), cleared by a success. */
    {
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      leadingKeys: [K.signInAttempts],
    },
  ],
  'ses-events': [
    /** `suppress`: a bounced or complaining address, once (conditional put). */
    { actions: ['dynamodb:PutItem'], leadingKeys: [K.suppressed] },
  ],
};
