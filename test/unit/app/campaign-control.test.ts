import { describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from '../../../functions/adapters/table/audit.ts';
import { controlCampaign, finishPhase } from '../../../functions/app/campaign-control.ts';
import type { CampaignMeta } from '../../../functions/core/campaign/lifecycle.ts';
import type { WakeSignal } from '../../../functions/core/campaign/workflow-contract.ts';
import { CampaignStateConflict } from '../../../functions/core/errors.ts';
import type { Dispute } from '../../../functions/core/findings/fact-check.ts';
import { campaignMetaOf, smallCampaign } from '../../fixtures/campaign.ts';

/** Campaign control, the same use case for the console and the CLI, on in-memory ports. */

const NOW = new Date('2026-12-05T00:00:00Z');
const def = smallCampaign({ deadline: '2026-12-20T00:00:00Z' });
const ACTOR = { sub: 'sub-org', username: 'organizer', role: 'organizer' };

const portsFor = (meta: CampaignMeta, disputes: Pick<Dispute, 'state'>[] = []) => {
  const updated = { ...meta, taskToken: 'token-1' };
  const campaigns = {
    extendDeadline: vi.fn(async (_id: string, deadline: string) => ({ ...updated, deadline })),
    requestClose: vi.fn(async () => ({ ...updated, closeRequested: true })),
    setReminders: vi.fn(async (_id: string, _reminders: readonly string[], _sent: number) => updated),
    finishReview: vi.fn(async () => updated),
    finishFactCheck: vi.fn(async () => updated),
  };
  const audit = { appendAudit: vi.fn(async (_entry: AuditEntry) => {}) };
  const wake = vi.fn(async (_token: string, _signal: WakeSignal) => 'woken' as const);
  const factCheck = { listDisputes: vi.fn(async () => disputes as Dispute[]) };
  return { campaigns, audit, wake, factCheck };
};

describe('controlling a running campaign', () => {
  it('adds a reminder now, wakes the workflow and audits the request', async () => {
    // Prepare
    const meta = campaignMetaOf(def);
    const ports = portsFor(meta);

    // Act
    const outcome = await controlCampaign(ports, { meta, action: 'remind', actor: ACTOR, at: NOW });

    // Assess
    expect(outcome).toMatchObject({ kind: 'done', wake: 'woken' });
    expect(ports.campaigns.setReminders).toHaveBeenCalledWith(
      def.campaign.id,
      [NOW.toISOString(), '2026-12-10T00:00:00Z'],
      0,
    );
    expect(ports.wake).toHaveBeenCalledWith('token-1', { reason: 'reminder-requested', at: NOW.toISOString() });
    expect(ports.audit.appendAudit.mock.calls.map(([e]) => [e.action, e.target, e.actor, e.detail])).toEqual([
      ['campaign.remind', def.campaign.id, ACTOR, {}],
    ]);
  });

  it('refuses what the shared rules refuse, and writes, wakes and audits nothing', async () => {
    // Prepare: every assignment answered
    const meta = campaignMetaOf(def, { answered: 4, total: 4 });
    const ports = portsFor(meta);

    // Act
    const outcome = await controlCampaign(ports, { meta, action: 'remind', actor: ACTOR, at: NOW });

    // Assess
    expect(outcome).toEqual({ kind: 'refused', refusal: { kind: 'everyone-answered' } });
    expect(ports.campaigns.setReminders).not.toHaveBeenCalled();
    expect(ports.wake).not.toHaveBeenCalled();
    expect(ports.audit.appendAudit).not.toHaveBeenCalled();
  });

  it('audits an extension with the deadline it moved from and to', async () => {
    // Prepare
    const meta = campaignMetaOf(def);
    const ports = portsFor(meta);

    // Act
    await controlCampaign(ports, { meta, action: 'extend', deadline: '2026-12-31T10:00:00Z', actor: ACTOR, at: NOW });

    // Assess
    expect(ports.audit.appendAudit.mock.calls[0]?.[0].detail).toEqual({
      from: '2026-12-20T00:00:00Z',
      to: '2026-12-31T10:00:00Z',
    });
  });
});

describe('ending a phase early', () => {
  it('ends review, wakes the workflow and audits it once per campaign', async () => {
    // Prepare
    const ports = portsFor(campaignMetaOf(def, { status: 'reviewing' }));

    // Act
    const outcome = await finishPhase(ports, { campaignId: def.campaign.id, phase: 'review', actor: ACTOR, at: NOW });

    // Assess
    expect(outcome.kind).toBe('finished');
    expect(ports.wake).toHaveBeenCalledWith('token-1', { reason: 'review-finished', at: NOW.toISOString() });
    expect(ports.audit.appendAudit.mock.calls[0]?.[0]).toMatchObject({
      id: `finish-review-${def.campaign.id}`,
      action: 'review.finish',
      target: def.campaign.id,
    });
  });

  it('keeps fact-check open while disputes await a ruling', async () => {
    // Prepare
    const ports = portsFor(campaignMetaOf(def, { status: 'fact-checking' }), [{ state: 'open' }, { state: 'upheld' }]);

    // Act
    const outcome = await finishPhase(ports, {
      campaignId: def.campaign.id,
      phase: 'fact-check',
      actor: ACTOR,
      at: NOW,
    });

    // Assess
    expect(outcome).toEqual({ kind: 'disputes-open', open: 1 });
    expect(ports.campaigns.finishFactCheck).not.toHaveBeenCalled();
    expect(ports.audit.appendAudit).not.toHaveBeenCalled();
  });

  it('says so when the campaign is not in the phase, auditing nothing', async () => {
    // Prepare
    const ports = portsFor(campaignMetaOf(def, { status: 'scored' }));
    ports.campaigns.finishReview.mockRejectedValue(new CampaignStateConflict('campaign is scored'));

    // Act
    const outcome = await finishPhase(ports, { campaignId: def.campaign.id, phase: 'review', actor: ACTOR, at: NOW });

    // Assess
    expect(outcome).toEqual({ kind: 'not-in-phase' });
    expect(ports.wake).not.toHaveBeenCalled();
    expect(ports.audit.appendAudit).not.toHaveBeenCalled();
  });
});
