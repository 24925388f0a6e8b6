import { describe, expect, it, vi } from 'vitest';
import { closeCampaignNow, extendCampaign } from '../../../cli/control.ts';
import type { Target } from '../../../cli/target.ts';
import type { AuditEntry } from '../../../functions/adapters/table/audit.ts';
import type { Tables } from '../../../functions/adapters/table/tables.ts';
import type { CampaignMeta } from '../../../functions/core/campaign/lifecycle.ts';
import type { WakeSignal } from '../../../functions/core/campaign/workflow-contract.ts';
import { CampaignNotFound, CampaignStateConflict } from '../../../functions/core/errors.ts';
import { campaignMetaOf, smallCampaign } from '../../fixtures/campaign.ts';

const NOW = new Date('2026-12-05T00:00:00Z');
const def = smallCampaign({ deadline: '2026-12-20T00:00:00Z' });

const metaOf = (over: Partial<CampaignMeta> = {}): CampaignMeta =>
  campaignMetaOf(def, { total: 8, answered: 3, taskToken: 'token-1', ...over });

/** A target whose store keeps one campaign record in memory, like the conditional updates of the real one. */
const fakeTarget = (initial: CampaignMeta | undefined) => {
  let meta = initial;
  const wake = vi.fn(async (_token: string, _signal: WakeSignal) => 'woken' as const);
  const appendAudit = vi.fn(async (_entry: AuditEntry) => {});
  const getMeta = async (id: string) => {
    if (!meta || meta.campaign.id !== id) throw new CampaignNotFound(`no campaign with id ${id}`);
    return meta;
  };
  const updateOpen = async (id: string, change: Partial<CampaignMeta>) => {
    const current = await getMeta(id);
    if (current.status !== 'open') throw new CampaignStateConflict(`campaign ${id} is ${current.status}, not open`);
    meta = { ...current, ...change };
    return meta;
  };
  const store = {
    campaigns: {
      getMeta,
      extendDeadline: (id: string, deadline: string) => updateOpen(id, { deadline }),
      requestClose: (id: string) => updateOpen(id, { closeRequested: true }),
    },
    audit: { appendAudit },
  } as unknown as Tables;
  const target: Target = {
    where: 'the test cloud',
    store,
    sfn: {} as Target['sfn'],
    stateMachineArn: 'arn:aws:states:r:1:stateMachine:m',
    wake,
  };
  return { target, wake, appendAudit, meta: () => meta };
};

describe('closing a campaign early', () => {
  it('records the request and wakes the waiting workflow with the Collect task token', async () => {
    // Prepare
    const { target, wake, meta } = fakeTarget(metaOf());

    // Act
    const outcome = await closeCampaignNow(target, def.campaign.id, NOW);

    // Assess
    expect(outcome).toEqual({ answered: 3, total: 8, wake: 'woken', alreadyRequested: false });
    expect(meta()?.closeRequested).toBe(true);
    expect(wake).toHaveBeenCalledWith('token-1', { reason: 'closed-by-organizer', at: NOW.toISOString() });
  });

  it('writes the close to the audit log as the operator, as the console writes its own', async () => {
    // Prepare
    const { target, appendAudit } = fakeTarget(metaOf());
    const operator = { sub: 'cli', username: 'wang', role: 'organizer' };

    // Act
    await closeCampaignNow(target, def.campaign.id, NOW, operator);

    // Assess
    expect(appendAudit).toHaveBeenCalledTimes(1);
    expect(appendAudit.mock.calls[0]?.[0]).toEqual({
      campaignId: def.campaign.id,
      id: expect.any(String),
      at: NOW.toISOString(),
      actor: operator,
      action: 'campaign.close',
      target: def.campaign.id,
      detail: {},
    });
  });

  it('names the login of the operator in the audit log by default', async () => {
    // Prepare
    const { target, appendAudit } = fakeTarget(metaOf());

    // Act
    await closeCampaignNow(target, def.campaign.id, NOW);

    // Assess
    expect(appendAudit.mock.calls[0]?.[0].actor).toEqual({
      sub: 'cli',
      username: expect.stringMatching(/\S/),
      role: 'organizer',
    });
  });

  it('leaves the wake-up to the workflow when no task is waiting', async () => {
    // Prepare
    const { target, wake } = fakeTarget(metaOf({ taskToken: undefined }));

    // Act
    const outcome = await closeCampaignNow(target, def.campaign.id, NOW);

    // Assess
    expect(outcome.wake).toBe('no-token');
    expect(wake).not.toHaveBeenCalled();
  });

  it('refuses cleanly when the campaign is already closed, and changes nothing', async () => {
    // Prepare
    const { target, wake, appendAudit, meta } = fakeTarget(
      metaOf({ status: 'published', closedAt: '2026-12-04T10:00:00Z', closedReason: 'deadline' }),
    );

    // Act
    const attempt = closeCampaignNow(target, def.campaign.id, NOW);

    // Assess
    await expect(attempt).rejects.toThrow(/already closed on 2026-12-04 18:00 \(UTC\+8\).*nothing was changed/);
    expect(wake).not.toHaveBeenCalled();
    expect(appendAudit).not.toHaveBeenCalled();
    expect(meta()?.closeRequested).toBeUndefined();
  });

  it('refuses in the same sentence when the workflow closed the campaign in the meantime, auditing nothing', async () => {
    // Prepare: the campaign is read open, and the deadline closes it before the close request is written
    const { target, appendAudit } = fakeTarget(metaOf());
    const closedMeanwhile = metaOf({ status: 'closed', closedAt: '2026-12-05T00:00:00Z', closedReason: 'deadline' });
    const campaigns = target.store.campaigns as unknown as Record<string, unknown>;
    const readOpen = campaigns.getMeta as (id: string) => Promise<CampaignMeta>;
    let reads = 0;
    campaigns.getMeta = async (id: string) => (reads++ === 0 ? readOpen(id) : closedMeanwhile);
    campaigns.requestClose = async (id: string) => {
      throw new CampaignStateConflict(`campaign ${id} is closed, not open`);
    };

    // Act & Assess
    await expect(closeCampaignNow(target, def.campaign.id, NOW)).rejects.toThrow(
      /already closed on 2026-12-05 08:00 \(UTC\+8\).*it cannot be closed again; nothing was changed/,
    );
    expect(appendAudit).not.toHaveBeenCalled();
  });

  it('asks to wait while the campaign is still being prepared', async () => {
    // Prepare
    const { target } = fakeTarget(metaOf({ status: 'draft' }));

    // Act & Assess
    await expect(closeCampaignNow(target, def.campaign.id, NOW)).rejects.toThrow(/still being prepared/);
  });

  it('names the target when the campaign does not exist', async () => {
    // Prepare
    const { target } = fakeTarget(undefined);

    // Act & Assess
    await expect(closeCampaignNow(target, 'nope', NOW)).rejects.toThrow(
      'there is no campaign "nope" in the test cloud',
    );
  });
});

describe('extending a campaign', () => {
  it('moves the deadline and wakes the workflow so that it re-plans at once', async () => {
    // Prepare
    const { target, wake, appendAudit, meta } = fakeTarget(metaOf());

    // Act
    const outcome = await extendCampaign(target, def.campaign.id, '2026-12-31T18:00:00+08:00', NOW);

    // Assess
    expect(outcome).toEqual({
      from: def.campaign.schedule.deadline,
      to: '2026-12-31T18:00:00+08:00',
      wake: 'woken',
      droppedReminders: [],
    });
    expect(meta()?.deadline).toBe('2026-12-31T18:00:00+08:00');
    expect(wake).toHaveBeenCalledWith('token-1', { reason: 'extended', at: NOW.toISOString() });
    expect(appendAudit.mock.calls.map(([entry]) => [entry.action, entry.detail])).toEqual([
      ['campaign.extend', { from: def.campaign.schedule.deadline, to: '2026-12-31T18:00:00+08:00' }],
    ]);
  });

  it('says which unsent reminders fall after an earlier deadline', async () => {
    // Prepare
    const { target } = fakeTarget(
      metaOf({
        campaign: {
          ...def.campaign,
          schedule: { ...def.campaign.schedule, reminders: ['2026-12-10T00:00:00Z', '2026-12-15T00:00:00Z'] },
        },
      }),
    );

    // Act
    const outcome = await extendCampaign(target, def.campaign.id, '2026-12-12T00:00:00Z', NOW);

    // Assess
    expect(outcome.droppedReminders).toEqual(['2026-12-15T00:00:00Z']);
  });

  it('refuses a deadline in the past and a closed campaign, without touching the record', async () => {
    // Prepare
    const open = fakeTarget(metaOf());
    const closed = fakeTarget(metaOf({ status: 'closed', closedAt: '2026-12-04T00:00:00Z' }));

    // Act & Assess
    await expect(extendCampaign(open.target, def.campaign.id, '2026-12-01T00:00:00Z', NOW)).rejects.toThrow(
      /not in the future/,
    );
    await expect(extendCampaign(closed.target, def.campaign.id, '2026-12-31T00:00:00Z', NOW)).rejects.toThrow(
      /already closed/,
    );
    expect(open.meta()?.deadline).toBe(def.campaign.schedule.deadline);
    expect(closed.wake).not.toHaveBeenCalled();
    expect([...open.appendAudit.mock.calls, ...closed.appendAudit.mock.calls]).toEqual([]);
  });

  it('refuses to move the deadline of a campaign that is closing', async () => {
    // Prepare
    const { target } = fakeTarget(metaOf({ closeRequested: true }));

    // Act & Assess
    await expect(extendCampaign(target, def.campaign.id, '2026-12-31T00:00:00Z', NOW)).rejects.toThrow(/is closing/);
  });
});
