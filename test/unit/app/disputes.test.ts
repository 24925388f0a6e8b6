import { describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from '../../../functions/adapters/table/audit.ts';
import { raiseDispute, ruleOnDispute } from '../../../functions/app/disputes.ts';
import { DisputeExists } from '../../../functions/core/errors.ts';
import type { Dispute, FactCheckItem } from '../../../functions/core/findings/fact-check.ts';
import { campaignMetaOf, smallCampaign } from '../../fixtures/campaign.ts';

/** An official's dispute and the organizers' ruling, each audited, on in-memory ports. */

const def = smallCampaign();
const NOW = new Date('2026-12-20T00:00:00Z');
const inWindow = campaignMetaOf(def, { status: 'fact-checking', factCheckUntil: '2026-12-25T00:00:00Z' });
const ITEM: FactCheckItem = {
  campaignId: def.campaign.id,
  centerId: 'C1',
  id: 'item-1',
  category: 'item-list',
  severity: 'minor',
  description: 'the queue numbers were not called',
  foundAt: '2026-12-10T00:00:00Z',
};
const DISPUTE: Dispute = {
  campaignId: def.campaign.id,
  centerId: 'C1',
  itemId: 'item-1',
  reason: 'the caller system was being repaired',
  at: '2026-12-19T00:00:00Z',
  state: 'open',
  revision: 1,
};

const portsWith = (disputes: Dispute[] = []) => ({
  factCheck: {
    listFactCheckItems: vi.fn(async () => [ITEM]),
    putDispute: vi.fn(async (_dispute: Dispute) => {}),
    listDisputes: vi.fn(async () => disputes),
    saveDispute: vi.fn(async (_dispute: Dispute) => {}),
  },
  audit: { appendAudit: vi.fn(async (_entry: AuditEntry) => {}) },
  wake: vi.fn(async () => 'woken' as const),
});

describe("an official's dispute", () => {
  it('is stored once and audited as the official of the center', async () => {
    // Prepare
    const ports = portsWith();

    // Act
    const outcome = await raiseDispute(ports, {
      meta: inWindow,
      centerId: 'C1',
      input: { intent: 'dispute', item: 'item-1', reason: DISPUTE.reason },
      at: NOW,
    });

    // Assess
    expect(outcome).toEqual({ kind: 'opened', item: ITEM, at: NOW.toISOString() });
    expect(ports.factCheck.putDispute).toHaveBeenCalledWith(
      expect.objectContaining({ itemId: 'item-1', state: 'open' }),
    );
    expect(ports.audit.appendAudit.mock.calls[0]?.[0]).toEqual({
      campaignId: def.campaign.id,
      id: 'dispute-item-1',
      at: NOW.toISOString(),
      actor: { sub: 'official:C1', username: 'official of C1', role: 'official' },
      action: 'dispute.open',
      target: 'item-1',
      detail: { center: 'C1' },
    });
  });

  it('is refused after the window and a second time, auditing nothing', async () => {
    // Prepare
    const ports = portsWith();
    ports.factCheck.putDispute.mockRejectedValue(new DisputeExists('disputed already'));
    const input = { intent: 'dispute' as const, item: 'item-1', reason: DISPUTE.reason };

    // Act
    const late = await raiseDispute(ports, { meta: inWindow, centerId: 'C1', input, at: new Date('2026-12-26') });
    const again = await raiseDispute(ports, { meta: inWindow, centerId: 'C1', input, at: NOW });

    // Assess
    expect([late.kind, again.kind]).toEqual(['window-closed', 'already-disputed']);
    expect(ports.audit.appendAudit).not.toHaveBeenCalled();
  });
});

describe("the organizers' ruling", () => {
  const ACTOR = { sub: 'sub-org', username: 'organizer', role: 'organizer' };

  it('wakes the waiting workflow when the last dispute is ruled after the window, and audits the ruling', async () => {
    // Prepare
    const ports = portsWith([DISPUTE]);
    const meta = { ...inWindow, taskToken: 'token-1' };
    const after = new Date('2026-12-26T00:00:00Z');

    // Act
    const outcome = await ruleOnDispute(ports, {
      meta,
      itemId: 'item-1',
      input: { ruling: 'withdraw', note: 'confirmed by the hotline log', center: 'C1' },
      actor: ACTOR,
      at: after,
    });

    // Assess
    expect(outcome).toEqual({ kind: 'ruled' });
    expect(ports.factCheck.saveDispute).toHaveBeenCalledWith(expect.objectContaining({ state: 'withdrawn' }));
    expect(ports.audit.appendAudit.mock.calls[0]?.[0]).toMatchObject({
      id: 'ruling-item-1',
      action: 'dispute.withdrawn',
      detail: { center: 'C1', note: 'confirmed by the hotline log' },
    });
    expect(ports.wake).toHaveBeenCalledWith('token-1', { reason: 'fact-check-finished', at: after.toISOString() });
  });

  it('records the same ruling once and says what was not disputed', async () => {
    // Prepare
    const ports = portsWith([{ ...DISPUTE, state: 'upheld' }]);
    const input = { ruling: 'uphold' as const, note: '', center: 'C1' };

    // Act
    const same = await ruleOnDispute(ports, { meta: inWindow, itemId: 'item-1', input, actor: ACTOR, at: NOW });
    const none = await ruleOnDispute(ports, { meta: inWindow, itemId: 'item-2', input, actor: ACTOR, at: NOW });

    // Assess
    expect([same.kind, none.kind]).toEqual(['unchanged', 'not-disputed']);
    expect(ports.factCheck.saveDispute).not.toHaveBeenCalled();
    expect(ports.audit.appendAudit).not.toHaveBeenCalled();
  });
});
