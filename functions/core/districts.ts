/**
 * District names compared as people misspell them: an edit distance over characters and the nearest
 * known district, for the roster checks and the campaign definition alike.
 */

/** Edit distance (insertions, deletions, substitutions) between two strings, counted in characters, not UTF-16 units. */
export const editDistance = (a: string, b: string): number => {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = (previous[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1);
    }
    previous = current;
  }
  return previous[y.length] as number;
};

/**
 * The known district nearest in spelling to `name`, or undefined when none is near: at most one edit for
 * names up to 7 characters (玄五区 → 玄武区, 秦淮 → 秦淮区; 火星区 is two edits from any Nanjing district),
 * two beyond. Ties go to the district listed first.
 */
export const nearestDistrict = (name: string, known: readonly string[]): string | undefined => {
  let best: { district: string; distance: number } | undefined;
  for (const district of known) {
    if (district === name) return district;
    const distance = editDistance(name.toLowerCase(), district.toLowerCase());
    const allowed = Math.max([...name].length, [...district].length) >= 8 ? 2 : 1;
    if (distance <= allowed && (!best || distance < best.distance)) best = { district, distance };
  }
  return best?.district;
};
