import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AssignmentTable } from './assignments.ts';
import { AuditTable } from './audit.ts';
import { CampaignTable } from './campaigns.ts';
import { EvidenceTable } from './evidence-exports.ts';
import { FactCheckTable } from './fact-check.ts';
import { FindingTable } from './findings.ts';
import { FixPhotoTable } from './fix-photos.ts';
import { MailLedgerTable } from './mail-ledger.ts';
import { PhotoTable } from './photos.ts';
import { RectificationTable } from './rectification.ts';
import { ResponseTable } from './responses.ts';
import { ReviewQueueTable } from './review-queue.ts';
import { ReviewTable } from './reviews.ts';
import { RosterTable } from './rosters.ts';
import { ScoreTable } from './scores.ts';
import { SuppressionTable } from './suppressions.ts';

/** The product's one table, as one persistence class per aggregate, each owning its key space (keys.ts). */
export interface Tables {
  readonly campaigns: CampaignTable;
  readonly rosters: RosterTable;
  readonly assignments: AssignmentTable;
  readonly responses: ResponseTable;
  readonly photos: PhotoTable;
  /** Photos officials post of their fixes. */
  readonly fixPhotos: FixPhotoTable;
  /** Evidence exports and purges. */
  readonly evidence: EvidenceTable;
  readonly reviews: ReviewTable;
  readonly reviewQueue: ReviewQueueTable;
  readonly factCheck: FactCheckTable;
  readonly findings: FindingTable;
  readonly scores: ScoreTable;
  readonly rectification: RectificationTable;
  readonly mail: MailLedgerTable;
  readonly suppressions: SuppressionTable;
  readonly audit: AuditTable;
}

/** Every aggregate's persistence class over one client and table. */
export const createTables = (db: DynamoDBDocumentClient, tableName: string): Tables => {
  const rosters = new RosterTable(db, tableName);
  const reviews = new ReviewTable(db, tableName);
  return {
    campaigns: new CampaignTable(db, tableName, rosters),
    rosters,
    assignments: new AssignmentTable(db, tableName),
    responses: new ResponseTable(db, tableName, reviews),
    photos: new PhotoTable(db, tableName),
    fixPhotos: new FixPhotoTable(db, tableName),
    evidence: new EvidenceTable(db, tableName),
    reviews,
    reviewQueue: new ReviewQueueTable(db, tableName),
    factCheck: new FactCheckTable(db, tableName),
    findings: new FindingTable(db, tableName),
    scores: new ScoreTable(db, tableName),
    rectification: new RectificationTable(db, tableName),
    mail: new MailLedgerTable(db, tableName),
    suppressions: new SuppressionTable(db, tableName),
    audit: new AuditTable(db, tableName),
  };
};
