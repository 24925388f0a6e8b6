import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdate } from '../../core/errors.ts';
import { Review } from '../../core/findings/review.ts';
import { campaignPk, REVIEW_PREFIX, reviewSk } from './keys.ts';
import { TableAccess } from './table-access.ts';

/** Review decisions on responses: accepted, flagged or rejected, each revision conditional on the one read. */
export class ReviewTable extends TableAccess {
  /** Every review decision of a campaign, by assignment id. */
  async listReviews(campaignId: string): Promise<Map<string, Review>> {
    const reviews = await this.listCampaignItems(campaignId, REVIEW_PREFIX, Review);
    return new Map(reviews.map((review) => [review.assignmentId, review]));
  }

  /** The review decision on one response, if any. */
  async getReview(campaignId: string, assignmentId: string): Promise<Review | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: campaignPk(campaignId), SK: reviewSk(assignmentId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? Review.parse(out.Item) : undefined;
  }

  /** The assignment ids of a campaign's rejected responses: they never count in scores. */
  async rejectedResponses(campaignId: string): Promise<Set<string>> {
    const out = new Set<string>();
    for (const review of (await this.listReviews(campaignId)).values()) {
      if (review.status === 'rejected') out.add(review.assignmentId);
    }
    return out;
  }

  /**
   * Stores a review decision, provided nobody decided on the response since the reviewer read it
   * (revision - 1 is the revision they saw; ConcurrentUpdate otherwise).
   */
  async saveReview(review: Review): Promise<void> {
    await this.putConditional(
      { PK: campaignPk(review.campaignId), SK: reviewSk(review.assignmentId), ...review },
      review.revision === 1
        ? { ConditionExpression: 'attribute_not_exists(PK)' }
        : { ConditionExpression: 'revision = :r', ExpressionAttributeValues: { ':r': review.revision - 1 } },
      (cause) => new ConcurrentUpdate(`the review of ${review.assignmentId} changed meanwhile`, { cause }),
    );
  }
}
