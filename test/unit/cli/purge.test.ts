import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../cli/command.ts';
import { cliOperator } from '../../../cli/control.ts';
import { purgeFromCli } from '../../../cli/evidence.ts';
import { main } from '../../../cli/main.ts';
import type { Target } from '../../../cli/target.ts';
import type { AuditEntry } from '../../../functions/adapters/table/audit.ts';
import type { PurgeRecord } from '../../../functions/adapters/table/evidence-exports.ts';
import type { Tables } from '../../../functions/adapters/table/tables.ts';
import type { CampaignMeta } from '../../../functions/core/campaign/lifecycle.ts';
import { CampaignNotFound } from '../../../functions/core/errors.ts';
import { newPhotoId, type PhotoRecord } from '../../../functions/core/evidence/photos.ts';
import { campaignMetaOf, smallCampaign } from '../../fixtures/campaign.ts';

const def = smallCampaign();
const ID = def.campaign.id;

const run = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), cwd: '/nonexistent' };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
};

/** A target over one campaign, its photos and the bucket's keys, in memory. */
const fakeTarget = (meta: CampaignMeta) => {
  const keys = new Set([
    `evidence/${ID}/C1/p.jpg`,
    `evidence/${ID}/C1/thumb/p.jpg`,
    `exports/${ID}/x.zip`,
    'evidence/other/C1/q.jpg',
  ]);
  const photo: PhotoRecord = {
    photoId: newPhotoId('A1', 2, 'nonce000000000001'),
    campaignId: ID,
    assignmentId: 'A1',
    centerId: 'C1',
    supervisorId: 'S1',
    problem: '0',
    state: 'ready',
    createdAt: '2026-12-03T08:00:00Z',
    slotExpiresAt: '2026-12-03T08:10:00Z',
    updatedAt: '2026-12-03T08:00:00Z',
  };
  const audit: AuditEntry[] = [];
  const purges: PurgeRecord[] = [];
  const store = {
    campaigns: {
      getMeta: async (id: string) => {
        if (id !== ID) throw new CampaignNotFound(`no campaign with id ${id}`);
        return meta;
      },
    },
    evidence: {
      listCampaignPhotos: async () => [photo],
      markPhotoPurged: async (p: PhotoRecord) => {
        p.state = 'purged';
        return true;
      },
      recordPurge: async (r: PurgeRecord) => void purges.push(r),
      getPurge: async () => purges.at(-1),
    },
    audit: { appendAudit: async (entry: AuditEntry) => void audit.push(entry) },
  } as unknown as Tables;
  const target: Target = {
    where: 'the test cloud',
    store,
    sfn: {} as Target['sfn'],
    stateMachineArn: 'arn:aws:states:r:1:stateMachine:m',
    wake: async () => 'woken',
  };
  const archive = {
    deletePrefix: async (prefix: string) => {
      const gone = [...keys].filter((k) => k.startsWith(prefix));
      for (const k of gone) keys.delete(k);
      return gone.length;
    },
  };
  return { target, archive, keys, photo, audit, purges };
};

describe('supervision purge', () => {
  it('refuses without --yes, saying what it would delete and that nothing was', async () => {
    const { code, err } = await run('purge', ID, '--local');
    expect(code).toBe(1);
    expect(err).toContain(`deletes every evidence photo and ZIP export of campaign ${ID}`);
    expect(err).toContain('nothing was deleted');
    expect(err).toContain('--yes');
  });

  it('refuses a campaign id that is not one', async () => {
    const { code, err } = await run('purge', 'no/such', '--yes');
    expect(code).toBe(2);
    expect(err).toContain('is not a campaign id');
  });

  it("removes the campaign's photos and exports, marks its photos removed and audits it as the operator", async () => {
    const w = fakeTarget(campaignMetaOf(def, { status: 'published' }));
    const record = await purgeFromCli(w.target, ID, { archive: w.archive }, cliOperator());
    expect([...w.keys]).toEqual(['evidence/other/C1/q.jpg']);
    expect(w.photo.state).toBe('purged');
    expect(record).toMatchObject({ objects: 3, photos: 1, why: 'request' });
    expect(w.audit).toHaveLength(1);
    expect(w.audit[0]).toMatchObject({
      action: 'evidence-purge',
      target: ID,
      actor: { sub: 'cli', role: 'organizer' },
    });
  });

  it('refuses while the campaign still collects answers, deleting nothing', async () => {
    const w = fakeTarget(campaignMetaOf(def, { status: 'open' }));
    await expect(purgeFromCli(w.target, ID, { archive: w.archive }, cliOperator())).rejects.toThrow(
      `Close it first (supervision close ${ID})`,
    );
    expect(w.keys.size).toBe(4);
  });

  it('names an unknown campaign in one sentence', async () => {
    const w = fakeTarget(campaignMetaOf(def, { status: 'published' }));
    await expect(purgeFromCli(w.target, 'other-2026-12', { archive: w.archive }, cliOperator())).rejects.toThrow(
      'there is no campaign "other-2026-12"',
    );
  });
});
