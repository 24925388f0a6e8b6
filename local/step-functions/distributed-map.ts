import type { JsonObject } from './json-values.ts';

/**
 * On AWS a Distributed Map runs each item as a child execution, and a failed child fails the Map Run
 * (tolerated failures: none) with `States.ExceedToleratedFailureThreshold`, not with the child's own
 * error: Catch and Retry on the Map state see that name. The interpreter runs items inline and lets the
 * child's error through, so the child's states run inside a Parallel whose Catch ends in a Fail state
 * with AWS's error; both stay out of the history (their names are added to `mapRunStates`), where the
 * child's own failure is still recorded.
 */
export function failMapRunAsAws(mapName: string, processor: JsonObject, mapRunStates: Set<string>): void {
  const run = `${mapName} MapRun`;
  const failed = `${mapName} MapRunFailed`;
  const child: JsonObject = { StartAt: processor.StartAt ?? null, States: processor.States ?? {} };
  processor.StartAt = run;
  processor.States = {
    [run]: {
      Type: 'Parallel',
      Branches: [child],
      OutputPath: '$[0]',
      End: true,
      Catch: [{ ErrorEquals: ['States.ALL'], Next: failed }],
    },
    [failed]: {
      Type: 'Fail',
      Error: 'States.ExceedToleratedFailureThreshold',
      Cause: 'The specified tolerated failure threshold was exceeded',
    },
  };
  mapRunStates.add(run);
  mapRunStates.add(failed);
}
