import { describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from '../../../functions/adapters/table/audit.ts';
import { controlCampaign, finishPhase, signOffResults } from '../../../functions/app/campaign-control.ts';
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

describe('signing off the draft results', () => {
  const awaiting = () => campaignMetaOf(def, { status: 'awaiting-sign-off', taskToken: 'token-9' });
  const signOffPorts = (meta: CampaignMeta, refuse = false) => {
    const campaigns = {
      signOff: vi.fn(async (_id: string, by: string, at: string) => {
        if (refuse) throw new CampaignStateConflict(`campaign ${def.campaign.id} is ${meta.status}`);
        return { ...meta, signedOffAt: at, signedOffBy: by };
      }),
      getMeta: vi.fn(async () => meta),
    };
    const audit = { appendAudit: vi.fn(async (_entry: AuditEntry) => {}) };
    const wake = vi.fn(async (_token: string, _signal: WakeSignal) => 'woken' as const);
    return { campaigns, audit, wake };
  };

  it('records who signed off, audits it once per campaign and wakes the waiting SignOff task', async () => {
    // Prepare
    const ports = signOffPorts(awaiting());

    // Act
    const outcome = await signOffResults(ports, { campaignId: def.campaign.id, actor: ACTOR, at: NOW });

    // Assess
    expect(outcome).toMatchObject({ kind: 'signed-off', wake: 'woken' });
    expect(ports.campaigns.signOff).toHaveBeenCalledWith(def.campaign.id, 'organizer', NOW.toISOString());
    expect(ports.wake).toHaveBeenCalledWith('token-9', { reason: 'signed-off', at: NOW.toISOString() });
    expect(ports.audit.appendAudit.mock.calls.map(([e]) => [e.id, e.action, e.target, e.actor, e.at])).toEqual([
      [`publish-${def.campaign.id}`, 'results.publish', def.campaign.id, ACTOR, NOW.toISOString()],
    ]);
  });

  it('says who signed off before, and mends a sign-off whose wake-up was lost when its signer presses again', async () => {
    // Prepare: signed off by the same organizer a minute ago, the campaign still waiting
    const at = '2026-12-04T23:59:00.000Z';
    const ports = signOffPorts({ ...awaiting(), signedOffAt: at, signedOffBy: 'organizer' }, true);

    // Act
    const outcome = await signOffResults(ports, { campaignId: def.campaign.id, actor: ACTOR, at: NOW });

    // Assess: the same audit entry (same id and time, a no-op once written) and the wake-up again
    expect(outcome).toEqual({ kind: 'already', signedOffAt: at, signedOffBy: 'organizer' });
    expect(ports.audit.appendAudit.mock.calls.map(([e]) => [e.id, e.at])).toEqual([[`publish-${def.campaign.id}`, at]]);
    expect(ports.wake).toHaveBeenCalledWith('token-9', { reason: 'signed-off', at: NOW.toISOString() });
  });

  it('refuses a campaign with nothing awaiting sign-off, auditing and waking nothing', async () => {
    // Prepare: published on its own (autoPublish), or not scored yet
    for (const status of ['published', 'fact-checking'] as const) {
      const ports = signOffPorts(campaignMetaOf(def, { status, taskToken: 'token-9' }), true);

      // Act
      const outcome = await signOffResults(ports, { campaignId: def.campaign.id, actor: ACTOR, at: NOW });

      // Assess
      expect(outcome).toEqual({ kind: 'not-awaiting', status });
      expect(ports.audit.appendAudit).not.toHaveBeenCalled();
      expect(ports.wake).not.toHaveBeenCalled();
    }
  });
});
