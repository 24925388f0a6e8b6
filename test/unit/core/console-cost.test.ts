import { describe, expect, it } from 'vitest';
import type { ConsoleUser } from '../../../functions/core/access/console-access.ts';
import { type CloudUsage, emptyUsage, estimateCost, PRICES_AS_OF } from '../../../functions/core/campaign/aws-cost.ts';
import { type CampaignPageModel, renderCampaignPage } from '../../../functions/core/render/console/campaign-page.ts';

const usage: CloudUsage = {
  ...emptyUsage(),
  lambda: { 'survey-api': { invocations: 1000, gbSeconds: 120 } },
  dynamodb: { readRequestUnits: 50_000, writeRequestUnits: 20_000, calls: {} },
  stepFunctions: { stateTransitions: 60 },
  ses: { messages: 400, attachmentBytes: 0 },
};

const model = (over: Partial<CampaignPageModel> = {}): CampaignPageModel => ({
  id: 'nj-2026-12',
  title: { zh: '十二月督查', en: 'December supervision' },
  status: 'open',
  deadline: '2026-12-20T10:00:00Z',
  answered: 3,
  total: 4,
  byDistrict: [],
  byLevel: [],
  nonResponders: [],
  review: { pending: 0, approved: 0, returned: 0, rejected: 0, flagged: 0 },
  ...over,
});

const user: ConsoleUser = { sub: 'sub-organizer', username: 'organizer', role: 'organizer' };

describe('the campaign page', () => {
  it('shows the AWS cost estimate with its breakdown in Chinese', () => {
    // Prepare
    const cost = estimateCost(usage, 'ap-northeast-1', { assignments: 4 });

    // Act
    const html = renderCampaignPage({ lang: 'zh', path: '/console/campaigns/nj-2026-12', user }, model({ cost }));

    // Assess
    expect(html).toContain('<h2 id="h-cost">AWS 费用估算</h2>');
    expect(html).toContain(`AWS 费用估算（ap-northeast-1，${PRICES_AS_OF} 价格）：$`);
    expect(html).toMatch(/<td>DynamoDB 数据表<\/td><td class="num">\$0\.\d{4}<\/td>/);
    expect(html).toMatch(/<td>SES 邮件<\/td><td class="num">\$0\.0400<\/td>/);
    expect(html).toContain('每项监督任务');
    expect(html).toContain('在嵌入式云上计量');
  });

  it('shows it in English on the English page', () => {
    const cost = estimateCost(usage, 'us-east-1', { assignments: 4 });
    const html = renderCampaignPage({ lang: 'en', path: '/console/campaigns/nj-2026-12', user }, model({ cost }));
    expect(html).toContain(`AWS cost estimate (us-east-1, prices of ${PRICES_AS_OF}): $`);
    expect(html).toMatch(/<td>Step Functions workflow<\/td><td class="num">\$0\.0015<\/td>/);
    expect(html).toContain('excl. free tier');
  });

  it('shows no cost where nothing counted the usage, as on AWS', () => {
    const html = renderCampaignPage({ lang: 'en', path: '/console/campaigns/nj-2026-12', user }, model());
    expect(html).not.toContain('h-cost');
    expect(html).not.toContain('cost estimate');
  });
});
