import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PROVINCE, syntheticCampaign } from '../cli/sample-data/synthetic.ts';
import { createTables } from '../functions/adapters/table/tables.ts';
import { loadScoreRows } from '../functions/app/city-results.ts';
import { seededRandom } from '../functions/core/random.ts';
import { renderResultsPage } from '../functions/core/render/console/results-page.ts';
import type { CenterScore } from '../functions/core/scoring/records.ts';
import { createTable, startDynamoDbThread } from '../local/dynamodb-thread.ts';
import type { BenchSuite } from './suite.ts';

const TABLE = 'results-page-bench';
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/**
 * The console's results page at a province's scale (20,000 centers): what the page reads (one Query
 * of the scores, one of the centers, on dynalite) and what it renders (the overview and a page of the
 * per-center table), timed apart, with the page's size. dynalite answers a Query page far slower than
 * DynamoDB, so the read time is an upper bound of what the page waits for on AWS.
 */
export const suite: BenchSuite = {
  name: 'results-page',
  summary: 'the results page at 20,000 centers: read and render times, page bytes',
  run: async (out) => {
    const dynamo = await startDynamoDbThread({ host: '127.0.0.1', port: 0 }, () => {});
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: dynamo.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    try {
      await createTable(
        dynamo.url,
        {
          name: TABLE,
          arn: `arn:aws:dynamodb:us-east-1:000000000000:table/${TABLE}`,
          partitionKey: 'PK',
          sortKey: 'SK',
          indexes: [{ name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' }],
        },
        'us-east-1',
      );
      const store = createTables(client, TABLE);
      const definition = syntheticCampaign(PROVINCE, { id: 'province', now: new Date(), deadlineAfterSeconds: 86400 });
      await store.rosters.putDefinition(definition);
      const rnd = seededRandom('results-page');
      const scores: CenterScore[] = definition.centers.map((c) => {
        const score = rnd() < 0.02 ? null : Math.round((45 + rnd() * 55) * 10) / 10;
        return {
          campaignId: 'province',
          centerId: c.id,
          level: c.level,
          score,
          dimensions: { standardization: score, regulation: score, facilitation: score },
          raters: score === null ? 0 : 3,
          coverage: score === null ? 0 : 0.9,
          rank: null,
          rankOf: 0,
          grade:
            score === null ? null : score >= 90 ? 'excellent' : score >= 80 ? 'good' : score >= 60 ? 'pass' : 'rectify',
          methodology: 'median-v1',
          ci90: score === null ? null : { low: Math.max(0, score - 5), high: Math.min(100, score + 5) },
        };
      });
      await store.scores.putScores('province', scores);
      out(`results-centers: ${definition.centers.length}`);

      const reads: number[] = [];
      const renders: number[] = [];
      let bytes = 0;
      let filteredBytes = 0;
      for (let run = 0; run < RUNS; run++) {
        const t0 = performance.now();
        const rows = await loadScoreRows(store, 'province');
        const t1 = performance.now();
        const html = renderResultsPage(
          { lang: 'zh', path: '/console/campaigns/province/results' },
          { campaignId: 'province', title: definition.campaign.title, rows, filter: { page: 7 } },
        );
        const t2 = performance.now();
        const filtered = renderResultsPage(
          { lang: 'en', path: '/console/campaigns/province/results' },
          {
            campaignId: 'province',
            title: definition.campaign.title,
            rows,
            filter: { level: 'street', district: 'D007', page: 1 },
          },
        );
        reads.push(t1 - t0);
        renders.push(t2 - t1);
        bytes = Buffer.byteLength(html);
        filteredBytes = Buffer.byteLength(filtered);
      }
      out(
        `results-read-ms: median ${median(reads).toFixed(0)} of ${RUNS} (dynalite: a Query of 20,000 scores and one of 20,000 centers)`,
      );
      out(`results-render-ms: median ${median(renders).toFixed(0)} of ${RUNS} (overview and a page of 50 rows)`);
      out(
        `results-server-ms: first view ${(median(reads) + median(renders)).toFixed(0)}, later views and pages ${median(renders).toFixed(0)} (rows kept per container; target ≤ 1000)`,
      );
      out(
        `results-page-kb: ${(bytes / 1024).toFixed(1)} (filtered by level and district: ${(filteredBytes / 1024).toFixed(1)}; target ≤ 300)`,
      );
    } finally {
      client.destroy();
      await dynamo.close();
    }
  },
};
