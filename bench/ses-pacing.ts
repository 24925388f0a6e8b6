import { SFNClient } from '@aws-sdk/client-sfn';
import { launchCampaign } from '../cli/launch.ts';
import { syntheticCampaign } from '../cli/sample-data/synthetic.ts';
import type { MailRecord } from '../functions/adapters/table/mail-ledger.ts';
import type { CampaignMeta } from '../functions/core/campaign/lifecycle.ts';
import { startEmbeddedCloud } from '../local/cloud.ts';
import { sesError } from '../local/fault-proxy.ts';
import { mailKindOf, readOutbox } from '../local/ses-outbox.ts';
import type { BenchSuite } from './suite.ts';

/** The send rate the local SES enforces (emails per second), as an account's quota would. */
const LIMIT = 20;

/**
 * Invitations through a local SES that throttles above LIMIT per second and rejects some addresses:
 * every invitation must be delivered exactly once or recorded as failed, at ≥ 90% of the limit.
 */
export const suite: BenchSuite = {
  name: 'ses-pacing',
  summary: `invitation sending against an SES limited to ${LIMIT}/s that rejects some addresses`,
  run: async (out) => {
    const cloud = await startEmbeddedCloud({ faults: true, maxSendRate: LIMIT });
    try {
      const ses = cloud.faults?.ses;
      if (!ses) throw new Error('fault injection is off');
      const accepted: number[] = [];
      const window: number[] = [];
      ses.add({
        name: 'rejected-address',
        // Addresses ending in 7 are refused for good, as SES does for a suppressed or invalid recipient.
        matches: (r) => r.operation === 'SendEmail' && /Destination\.ToAddresses\.member\.1=s\d{4}7%40/.test(r.body),
        respond: () => sesError('MessageRejected', 'Email address is not verified.'),
      });
      ses.add({
        name: 'throttled',
        matches: (r) => {
          if (r.operation !== 'SendEmail') return false;
          const now = Date.now();
          while (window.length > 0 && (window[0] ?? 0) <= now - 1000) window.shift();
          if (window.length >= LIMIT) return true;
          window.push(now);
          return false;
        },
        respond: () => sesError('Throttling', 'Maximum sending rate exceeded.'),
      });
      ses.onForwarded = (r, status) => {
        if (r.operation === 'SendEmail' && status === 200) accepted.push(Date.now());
      };
      const { store } = await import('../functions/adapters/table.ts');
      const definition = syntheticCampaign(
        { centers: 900, supervisors: 400, districts: 12, ratersPerCenter: 3 },
        { id: 'bench-ses', now: new Date(), deadlineAfterSeconds: 3600 },
      );
      await launchCampaign({ store, sfn: new SFNClient({}), stateMachineArn: cloud.stateMachineArn }, definition);
      let meta: CampaignMeta | undefined;
      let ledger: MailRecord[] = [];
      for (;;) {
        meta = await store.campaigns.getMeta('bench-ses').catch(() => undefined);
        ledger =
          meta && meta.supervisors > 0
            ? (await store.mail.listMail('bench-ses')).filter((m) => m.kind === 'invitation')
            : [];
        if (
          meta &&
          meta.supervisors > 0 &&
          ledger.length === meta.supervisors &&
          ledger.every((m) => m.state !== 'sending')
        )
          break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const delivered = (await readOutbox(cloud.urls.ses)).filter((e) => mailKindOf(e) === 'invitation');
      const perRecipient = new Map<string, number>();
      for (const e of delivered)
        perRecipient.set(e.destination.to[0] ?? '', (perRecipient.get(e.destination.to[0] ?? '') ?? 0) + 1);
      const duplicates = [...perRecipient.values()].filter((n) => n > 1).length;
      const failed = ledger.filter((m) => m.state === 'failed').length;
      const sent = ledger.filter((m) => m.state === 'sent').length;
      const first = accepted[0] ?? 0;
      const last = accepted.at(-1) ?? 0;
      // n accepted sends span n − 1 intervals.
      const rate = accepted.length > 1 ? (accepted.length - 1) / ((last - first) / 1000) : 0;
      const stats = ses.stats();
      out(
        `ses-pacing: limit=${LIMIT}/s achieved=${rate.toFixed(2)}/s (${((100 * rate) / LIMIT).toFixed(1)}% of limit, target ≥ 90%) ` +
          `invitations=${meta?.supervisors ?? 0} delivered=${delivered.length} failed=${failed} sent=${sent} duplicates=${duplicates} ` +
          `throttled=${stats.injected.throttled ?? 0} rejected=${stats.injected['rejected-address'] ?? 0} exactly_once=${duplicates === 0 && sent + failed === (meta?.supervisors ?? -1) && delivered.length === sent}`,
      );
    } finally {
      await cloud.close();
    }
  },
};
