import { describe, expect, it } from 'vitest';
import { lazy, loadClient } from '../../../functions/adapters/clients/lazy.ts';

/** What a cold start leaves for later: loaded at the first call, once, again only after a failure. */

describe('lazy', () => {
  it('loads nothing until it is first called, then once for every caller', async () => {
    // Prepare
    let loads = 0;
    const load = lazy(async () => ({ n: ++loads }));
    // Act
    const before = loads;
    const [a, b] = await Promise.all([load(), load()]);
    const c = await load();
    // Assess
    expect(before).toBe(0);
    expect(loads).toBe(1);
    expect(a).toBe(b);
    expect(c).toBe(a);
  });

  it('forgets a load that failed, so the next call tries again', async () => {
    // Prepare
    let calls = 0;
    const load = lazy(async () => {
      calls++;
      if (calls === 1) throw new Error('unreachable');
      return 'loaded';
    });
    // Act
    const first = await load().catch((error: Error) => error.message);
    const second = await load();
    // Assess
    expect(first).toBe('unreachable');
    expect(second).toBe('loaded');
    expect(calls).toBe(2);
  });
});

describe('loadClient', () => {
  it('gives a client itself, or what its loader loads', async () => {
    // Prepare
    const client = { send: () => 'sent' };
    // Act
    const given = await loadClient(client);
    const loaded = await loadClient(async () => client);
    // Assess
    expect(given).toBe(client);
    expect(loaded).toBe(client);
  });
});
