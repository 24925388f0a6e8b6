import { synthesizeLocalStacks } from '../local/cloud.ts';

/**
 * Synthesizes the stack every embedded cloud of the suite runs, once, before the test files start: they
 * then read it from the cache instead of each synthesizing it at the same time on the same cores.
 */
export const setup = async (): Promise<void> => {
  await synthesizeLocalStacks();
};
