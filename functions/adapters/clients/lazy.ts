/**
 * A loader that runs `load` at its first call and gives every caller the same promise; a load that
 * failed is forgotten, so the next call tries again. For what a cold start should not pay for before
 * a request needs it, such as an AWS SDK client whose package is imported (`await import(…)`) only then.
 */
export const lazy = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending === undefined) {
      const loading = load();
      pending = loading;
      loading.catch(() => {
        if (pending === loading) pending = undefined;
      });
    }
    return pending;
  };
};

/** A client given as itself, or as a loader of it (see {@link lazy}). */
export type Loadable<T extends object> = T | (() => Promise<T>);

/** The client a {@link Loadable} gives: itself, or what its loader loads. */
export const loadClient = <T extends object>(source: Loadable<T>): Promise<T> =>
  typeof source === 'function' ? (source as () => Promise<T>)() : Promise.resolve(source);
