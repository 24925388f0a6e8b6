/** The error a piece of work rejects with; fails the test when it resolves instead. */
export const failure = async (work: Promise<unknown>): Promise<Error> => {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the work to fail');
};
