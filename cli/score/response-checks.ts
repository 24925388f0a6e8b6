import type { CenterLevel } from '../../functions/core/model.ts';
import { formatLocation, type Problem } from '../roster/problems.ts';
import type { ReadResponse } from './answers.ts';

/**
 * Adds to `levels` the level each center's responses give it: a center's level must be the same
 * wherever it is given (in the centers file, or in each of its responses).
 */
export const collectLevels = (
  responses: readonly ReadResponse[],
  levels: Map<string, CenterLevel>,
  problems: Problem[],
): void => {
  const levelFrom = new Map<string, ReadResponse>();
  for (const r of responses) {
    if (!r.level) continue;
    const { centerId } = r.response;
    const given = levels.get(centerId);
    const before = levelFrom.get(centerId);
    const expected = given ?? before?.level;
    if (expected && expected !== r.level) {
      problems.push({
        severity: 'error',
        ...r.at,
        field: 'level',
        message: `center ${centerId} is ${r.level} here but ${expected} ${given ? 'in the centers file' : `at ${formatLocation(before?.at ?? r.at)}`}`,
      });
    } else if (!before) levelFrom.set(centerId, r);
  }
  for (const [id, r] of levelFrom) if (!levels.has(id) && r.level) levels.set(id, r.level);
};

/**
 * The responses that count, by center, supervisor and activity: as in the store, only the latest
 * version of a response counts; an unversioned repeat is a mistake.
 */
export const pickLatest = (responses: readonly ReadResponse[], problems: Problem[]): Map<string, ReadResponse> => {
  const latest = new Map<string, ReadResponse>();
  for (const r of responses) {
    const { centerId, supervisorId, activity } = r.response;
    const key = `${centerId}\u0000${supervisorId}\u0000${activity ?? ''}`;
    const before = latest.get(key);
    if (!before) latest.set(key, r);
    else if (before.version !== undefined && r.version !== undefined && before.version !== r.version) {
      if (r.version > before.version) latest.set(key, r);
    } else {
      problems.push({
        severity: 'error',
        ...r.at,
        message: `repeats supervisor ${supervisorId} at center ${centerId}${activity ? ` (${activity})` : ''} given at ${formatLocation(before.at)}`,
        hint: 'keep one of the two, or number them with a version column (the highest version counts)',
      });
    }
  }
  return latest;
};

/** A center without a level cannot be ranked among its peers: a problem at its first response. */
export const checkLevelsKnown = (
  responses: readonly ReadResponse[],
  levels: ReadonlyMap<string, CenterLevel>,
  shown: string,
  problems: Problem[],
): void => {
  const missing = [...new Set(responses.map((r) => r.response.centerId))].filter((id) => !levels.has(id));
  for (const id of missing) {
    const first = responses.find((r) => r.response.centerId === id);
    problems.push({
      severity: 'error',
      ...(first?.at ?? { file: shown }),
      field: 'level',
      message: `center ${id} has no level, so it cannot be ranked among its peers`,
      hint: 'add a level column to the responses, or pass --centers with the centers roster',
    });
  }
};
