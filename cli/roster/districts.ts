import { nearestDistrict } from '../../functions/core/districts.ts';
import type { Center, Supervisor } from '../../functions/core/model.ts';
import { CAMPAIGN_FILE } from './campaign-file.ts';
import type { Problem } from './problems.ts';
import { rosterColumn, type Sourced } from './rosters.ts';
import type { Sheet } from './table.ts';

export { editDistance, nearestDistrict } from '../../functions/core/districts.ts';

/** What the district check reads: the campaign's district list, the rosters as read and their files. */
export interface DistrictSources {
  /** The city's districts from campaign.yaml, when it lists them. */
  listed: readonly string[] | undefined;
  centers: readonly Sourced<Center>[];
  supervisors: readonly Sourced<Supervisor>[];
  sheets: { centers: Sheet[]; supervisors: Sheet[] };
  files: { centers?: string; supervisors?: string };
}

const suggestion = (name: string, known: readonly string[], where: string): string => {
  const near = nearestDistrict(name, known);
  return near
    ? `did you mean "${near}"? write it as ${where} does`
    : `no district is spelled like it; write one of ${known
        .slice(0, 12)
        .map((d) => `"${d}"`)
        .join(', ')}${known.length > 12 ? ' …' : ''}, or add it to districts: in ${CAMPAIGN_FILE} if the city has it`;
};

/**
 * Every district named in the rosters checked against the known ones: the campaign's `districts:` list
 * when given (centers' and supervisors' districts alike), else the centers' districts (for supervisors'
 * home districts, which keep them away from centers there). A district not known is an error with the
 * nearest spelling; without a list, two centers' districts one edit apart are a warning.
 */
export const checkDistricts = (sources: DistrictSources, problems: Problem[]): void => {
  const { listed, centers, supervisors, sheets, files } = sources;
  const centerDistricts = [...new Set(centers.map((c) => c.value.district))];
  if (listed && files.centers) {
    const known = new Set(listed);
    const column = rosterColumn('centers', sheets.centers, 'district');
    for (const { value: c, row } of centers) {
      // The municipal center sits above the districts (its district is often written 市级).
      if (known.has(c.district) || c.level === 'municipal') continue;
      problems.push({
        severity: 'error',
        file: files.centers,
        row,
        ...column,
        message: `district "${c.district}" of center ${c.id} is not one of the city's districts in ${CAMPAIGN_FILE} (区名不在区划名单中)`,
        hint: suggestion(c.district, listed, CAMPAIGN_FILE),
      });
    }
  } else if (files.centers) {
    warnNearCenterDistricts(sources, centerDistricts, problems);
  }
  const known = listed ?? centerDistricts;
  // Without a list, the centers are the reference: centers left out for errors would make false alarms.
  const centersIncomplete = problems.some((p) => p.severity === 'error' && p.file === files.centers);
  if (!files.supervisors || known.length === 0 || (!listed && centersIncomplete)) return;
  const home = rosterColumn('supervisors', sheets.supervisors, 'home_district');
  for (const { value: s, row } of supervisors) {
    if (known.includes(s.homeDistrict)) continue;
    problems.push({
      severity: 'error',
      file: files.supervisors,
      row,
      ...home,
      message: `home district "${s.homeDistrict}" of supervisor ${s.id} is not ${listed ? `one of the city's districts in ${CAMPAIGN_FILE}` : 'a district of any center'} (所在区名称有误), so the rule that supervisors never visit centers of their own district cannot hold`,
      hint: suggestion(s.homeDistrict, known, listed ? CAMPAIGN_FILE : 'the centers roster'),
    });
  }
};

/** Without a district list: a center's district one edit from a more common one is probably a misspelling. */
const warnNearCenterDistricts = (sources: DistrictSources, districts: readonly string[], problems: Problem[]) => {
  const { centers, sheets, files } = sources;
  if (!files.centers) return;
  const count = new Map<string, number>();
  for (const { value } of centers) count.set(value.district, (count.get(value.district) ?? 0) + 1);
  const column = rosterColumn('centers', sheets.centers, 'district');
  for (const { value: c, row } of centers) {
    const mine = count.get(c.district) ?? 0;
    const more = districts.filter((d) => d !== c.district && (count.get(d) ?? 0) > mine);
    const near = nearestDistrict(c.district, more);
    if (!near) continue;
    problems.push({
      severity: 'warning',
      file: files.centers,
      row,
      ...column,
      message: `district "${c.district}" of center ${c.id} is one letter away from "${near}", which other centers use`,
      hint: `write "${near}" if it is the same district, or list the city's districts under districts: in ${CAMPAIGN_FILE}`,
    });
  }
};
