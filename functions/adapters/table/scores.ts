import { BatchGetCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableFilter } from '../../core/scoring/overview.ts';
import { CampaignScoringSummary, CenterExplanation, CenterScore, RaterSeverity } from '../../core/scoring/records.ts';
import {
  pageWithin,
  ResultsOverview,
  ResultsRow,
  type ResultsViews,
  type TablePage,
  tableViewKey,
} from '../../core/scoring/results-views.ts';
import {
  campaignPk,
  centerSk,
  explanationPk,
  ratersPk,
  resultsOverviewSk,
  resultsPageSk,
  resultsPk,
  SCORE_PREFIX,
  SCORING,
  scoreSk,
  supervisorSk,
} from './keys.ts';
import { sleep, TableAccess } from './table-access.ts';

/** What scoring wrote: center scores, the campaign's scoring summary, raters' severities and centers' explanations. */
export class ScoreTable extends TableAccess {
  /** Writes center scores (re-scoring overwrites with identical results). */
  async putScores(campaignId: string, scores: readonly CenterScore[]): Promise<void> {
    await this.batchPut(scores.map((s) => ({ PK: campaignPk(campaignId), SK: scoreSk(s.centerId), score: s })));
  }

  /** Center scores by id, read by key (a batch of summaries needs only its own centers). */
  async getScores(campaignId: string, centerIds: readonly string[]): Promise<Map<string, CenterScore>> {
    const found = new Map<string, CenterScore>();
    // BatchGetItem reads up to 100 keys per call; unprocessed keys are asked for again with backoff.
    for (let i = 0; i < centerIds.length; i += 100) {
      let keys: Record<string, unknown>[] = centerIds
        .slice(i, i + 100)
        .map((id) => ({ PK: campaignPk(campaignId), SK: scoreSk(id) }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 10) throw new Error(`DynamoDB left ${keys.length} score keys unprocessed after 10 retries`);
        if (attempt > 0) await sleep(Math.random() * Math.min(5_000, 50 * 2 ** attempt));
        const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
        for (const item of out.Responses?.[this.tableName] ?? []) {
          const score = CenterScore.parse(item.score);
          found.set(score.centerId, score);
        }
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  /** The campaign's center scores. */
  async listScores(campaignId: string): Promise<CenterScore[]> {
    const out: CenterScore[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': campaignPk(campaignId), ':p': SCORE_PREFIX },
    })) {
      out.push(CenterScore.parse(item.score));
    }
    return out;
  }

  /** Writes the campaign-level result of scoring (re-scoring overwrites it with an identical one). */
  async putScoringSummary(summary: CampaignScoringSummary): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { PK: campaignPk(summary.campaignId), SK: SCORING, summary },
      }),
    );
  }

  /** The campaign-level result of scoring, once scored. */
  async getScoringSummary(campaignId: string): Promise<CampaignScoringSummary | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: campaignPk(campaignId), SK: SCORING },
        ConsistentRead: true,
      }),
    );
    return out.Item ? CampaignScoringSummary.parse(out.Item.summary) : undefined;
  }

  /** Writes each rater's severity, in their own partition: for organizers, never in officials' summaries. */
  async putRaterSeverities(campaignId: string, raters: readonly RaterSeverity[]): Promise<void> {
    const pk = ratersPk(campaignId);
    await this.batchPut(raters.map((rater) => ({ PK: pk, SK: supervisorSk(rater.supervisorId), rater })));
  }

  /** Every rater's severity from the campaign's scoring. */
  async listRaterSeverities(campaignId: string): Promise<RaterSeverity[]> {
    const out: RaterSeverity[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': ratersPk(campaignId) },
    })) {
      out.push(RaterSeverity.parse(item.rater));
    }
    return out;
  }

  /**
   * Writes center explanations, spread over the campaign's shards by center id so that 20,000 of
   * them neither crowd one partition nor slow down queries of the campaign's own items.
   */
  async putExplanations(campaignId: string, explanations: readonly CenterExplanation[]): Promise<void> {
    await this.batchPut(
      explanations.map((explanation) => ({
        PK: explanationPk(campaignId, explanation.centerId),
        SK: centerSk(explanation.centerId),
        explanation,
      })),
    );
  }

  /** How one center's score was computed, if the campaign was scored. */
  async getExplanation(campaignId: string, centerId: string): Promise<CenterExplanation | undefined> {
    const pk = explanationPk(campaignId, centerId);
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: pk, SK: centerSk(centerId) } }),
    );
    return out.Item ? CenterExplanation.parse(out.Item.explanation) : undefined;
  }

  /** Writes the results page's views (core/scoring/results-views.ts); re-scoring writes the same. */
  async putResultsViews(campaignId: string, views: ResultsViews): Promise<void> {
    const pk = resultsPk(campaignId);
    await this.batchPut([
      ...views.pages.map((p) => ({ PK: pk, SK: resultsPageSk(p, p.page), rows: p.rows })),
      // The overviews last: a scope's overview is there only once every page it counts is.
      ...views.overviews.map((o) => ({ PK: pk, SK: resultsOverviewSk(o.district), overview: o.overview })),
    ]);
  }

  /**
   * The overview of the city (no district) or a district's, and the page of the table a filter asks for:
   * two reads by key. Undefined when scoring made no views (a campaign scored before they were kept).
   */
  async getResultsView(
    campaignId: string,
    district: string | undefined,
    filter: TableFilter,
  ): Promise<{ overview: ResultsOverview; table: TablePage<ResultsRow> } | undefined> {
    const pk = resultsPk(campaignId);
    const found = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: pk, SK: resultsOverviewSk(district) } }),
    );
    if (!found.Item) return undefined;
    const overview = ResultsOverview.parse(found.Item.overview);
    // A district's overview counts its own views only: another district's is empty to it.
    const total = overview.views[tableViewKey(filter)] ?? 0;
    const { page, pages } = pageWithin(filter.page, total);
    if (total === 0) return { overview, table: { rows: [], page, pages, total } };
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: pk, SK: resultsPageSk(filter, page) } }),
    );
    const rows = ResultsRow.array().parse(out.Item?.rows ?? []);
    return { overview, table: { rows, page, pages, total } };
  }
}
