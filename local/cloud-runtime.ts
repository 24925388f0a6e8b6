import type { LocalLambdaFunction } from './lambda-runtime.ts';

/**
 * What the parts of an embedded cloud share while it runs: its functions by name, the invocations
 * still in flight, and the closers of everything started, run in reverse order at close.
 */
export class CloudRuntime {
  /** The stack's functions by name. */
  readonly functions = new Map<string, LocalLambdaFunction>();
  private readonly closers: (() => Promise<void>)[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  /** Adds closers, run after those added later. */
  onClose(...closers: (() => Promise<void>)[]): void {
    this.closers.push(...closers);
  }

  /** Closes everything started, last started first; a closer's failure does not stop the rest. */
  readonly close = async (): Promise<void> => {
    for (const c of this.closers.reverse()) await c().catch(() => undefined);
  };

  /** Keeps `work` in flight until it settles: close waits for it before DynamoDB and SES go away. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    work.then(
      () => this.inFlight.delete(work),
      () => this.inFlight.delete(work),
    );
    return work;
  }

  /** Waits, for up to 30 s, for the invocations still running (a stopped execution's task, a late request). */
  async settleInFlight(): Promise<void> {
    const deadline = new Promise((resolve) => setTimeout(resolve, 30_000).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
  }

  /** The function of this name; throws when the stack has none. */
  functionNamed(name: string): LocalLambdaFunction {
    const fn = this.functions.get(name);
    if (!fn) throw new Error(`the stack has no function named ${name}`);
    return fn;
  }

  /** Invokes a function by name, tracked as in flight. */
  invoke(name: string, event: unknown, type: 'sync' | 'async' = 'sync'): Promise<unknown> {
    return this.track(this.functionNamed(name).invoke(event, type));
  }

  /** The function and campaign an access key belongs to, if any function issued it. */
  callerOf(accessKeyId: string): ReturnType<LocalLambdaFunction['callerOf']> {
    for (const fn of this.functions.values()) {
      const caller = fn.callerOf(accessKeyId);
      if (caller) return caller;
    }
    return undefined;
  }

  /** Shuts every function's execution environments down. */
  async closeFunctions(): Promise<void> {
    await Promise.all([...this.functions.values()].map((fn) => fn.close()));
  }
}
