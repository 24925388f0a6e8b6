import { describe, expect, it } from 'vitest';
import { lazyHandler } from '../../../functions/edge/http/lazy-handler.ts';

describe('a lazy handler', () => {
  it('loads its handler at the first call only, and hands every call its own arguments', async () => {
    // Prepare
    let loads = 0;
    const greet = lazyHandler(async () => {
      loads += 1;
      return (name: string, punctuation: string) => `hello ${name}${punctuation}`;
    });
    // Act
    const before = loads;
    const answers = await Promise.all([greet('a', '!'), greet('b', '?')]);
    const later = await greet('c', '.');
    // Assess
    expect(before).toBe(0);
    expect(loads).toBe(1);
    expect(answers).toEqual(['hello a!', 'hello b?']);
    expect(later).toBe('hello c.');
  });

  it('passes on what the handler throws or rejects with, and keeps the handler', async () => {
    // Prepare
    let loads = 0;
    const refuse = lazyHandler(async () => {
      loads += 1;
      return async (why: string): Promise<string> => {
        throw new Error(why);
      };
    });
    // Act
    const first = refuse('closed');
    const second = refuse('gone');
    // Assess
    await expect(first).rejects.toThrow('closed');
    await expect(second).rejects.toThrow('gone');
    expect(loads).toBe(1);
  });

  it('tries a load that failed again at the next call', async () => {
    // Prepare
    let loads = 0;
    const flaky = lazyHandler(async () => {
      loads += 1;
      if (loads === 1) throw new Error('chunk not readable');
      return (n: number) => n * 2;
    });
    // Act
    const failed = flaky(1);
    await expect(failed).rejects.toThrow('chunk not readable');
    const answered = await flaky(21);
    // Assess
    expect(answered).toBe(42);
    expect(loads).toBe(2);
  });
});
