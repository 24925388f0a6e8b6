import middy from '@middy/core';
import { centersOf, summaryOf } from './adapters/campaign-cache.ts';
import { loadSesClient } from './adapters/clients/ses.ts';
import { withLambdaContext } from './adapters/logger.ts';
import { Mailer } from './adapters/mail/mailer.ts';
import { composeMime } from './adapters/mail/mime.ts';
import { mailerOptions } from './adapters/mail/outbox.ts';
import { store } from './adapters/table.ts';
import { loadCityResults } from './app/city-results.ts';
import { deliverAll, type Outgoing } from './app/delivery.ts';
import type { CampaignMeta } from './core/campaign/lifecycle.ts';
import { SendMailInput, type SendMailResult } from './core/campaign/workflow-contract.ts';
import { renderCitySummary } from './core/render/mail/city-summary.ts';
import type { MailAttachment, RenderedMail } from './core/render/mail/layout.ts';
import { resultsCsv } from './core/scoring/report.ts';
import { buildResultsWorkbook, XLSX_TYPE } from './core/scoring/results-workbook.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/** Room for attachments, leaving the HTML and text parts and MIME overhead well inside SES's 10 MB. */
const ATTACHMENT_BUDGET_BYTES = 7 * 1024 * 1024;

// Only this function attaches files: the MIME builder and the workbook stay out of the other bundles.
const rawMailer = new Mailer(loadSesClient, { ...mailerOptions, compose: composeMime });

const composeCitySummary = async (input: SendMailInput, meta: CampaignMeta): Promise<Map<string, Outgoing>> => {
  const { campaign } = meta;
  const now = new Date();
  const [{ rows, items, centers, standings, today }, summary, ledger, suppressions] = await Promise.all([
    loadCityResults(store, meta, now, centersOf),
    summaryOf(input.campaignId),
    store.mail.listMail(input.campaignId),
    store.suppressions.listSuppressed(),
  ]);
  const reasons = new Map(suppressions.map((s) => [s.email, s]));
  const skipped = new Map<string, Set<string>>();
  for (const entry of ledger) {
    if (entry.state !== 'suppressed') continue;
    for (const to of entry.to ?? []) {
      const set = skipped.get(to.toLowerCase()) ?? new Set<string>();
      set.add(entry.kind);
      skipped.set(to.toLowerCase(), set);
    }
  }
  const suppressed = [...skipped].sort().map(([email, kinds]) => {
    const why = reasons.get(email);
    return {
      email,
      reason: why?.reason ?? 'bounce',
      detail: why?.detail ?? '',
      at: why?.at ?? '',
      skipped: [...kinds],
    };
  });
  const base = `results-${campaign.id}`;
  const xlsx = buildResultsWorkbook({
    campaign,
    rows,
    items,
    centersById: centers,
    standings,
    answered: meta.answered,
    total: meta.total,
    today,
    generatedAt: now.toISOString(),
  });
  const csv = new TextEncoder().encode(resultsCsv(rows));
  const attachments: MailAttachment[] = [{ filename: `${base}.xlsx`, contentType: XLSX_TYPE, content: xlsx }];
  // Base64 grows attachments by a third; a province's CSV beside its workbook would pass SES's 10 MB,
  // so the CSV travels only while both fit (the same table is in the workbook and in `supervision results`).
  if (((xlsx.byteLength + csv.byteLength) * 4) / 3 <= ATTACHMENT_BUDGET_BYTES) {
    attachments.push({ filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', content: csv });
  }
  const mail: RenderedMail = {
    ...renderCitySummary({
      campaign,
      rows,
      stats: { answered: meta.answered, total: meta.total },
      summary,
      items,
      centersById: centers,
      standings,
      suppressed,
      today,
      attachments: attachments.map((a) => a.filename),
    }),
    attachments,
  };
  // One message per organizer: each has its own ledger entry, bounce and suppression.
  return new Map(meta.campaign.organizers.map((to, i) => [`organizer-${i + 1}`, { to: [to], mail }]));
};

/** SendCitySummary: the organizers' city summary with the results attached; the campaign is then published. */
export const publishCitySummary = async (input: SendMailInput): Promise<SendMailResult> => {
  const meta = await store.campaigns.getMeta(input.campaignId);
  const result = await deliverAll(
    { mail: store.mail, suppressions: store.suppressions, mailer: rawMailer },
    input,
    await composeCitySummary(input, meta),
  );
  // The first publication counts: a retried send does not push the links' expiry later.
  await store.campaigns.setStatus(
    input.campaignId,
    'published',
    meta.publishedAt ? {} : { publishedAt: new Date().toISOString() },
  );
  return result;
};

/** Lambda entry point of the SendCitySummary state. */
export const handler = middy<SendMailInput, SendMailResult>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(SendMailInput))
  .handler((event) => publishCitySummary(event));
