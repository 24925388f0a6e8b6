import { activitiesFor } from '../../functions/core/campaign/assignment.ts';
import { ACTIVITY_LABELS } from '../../functions/core/i18n.ts';
import type { Activity, Campaign, Center, Supervisor } from '../../functions/core/model.ts';
import { questionsFor } from '../../functions/core/responses/answers.ts';
import { checkDistricts } from './districts.ts';
import type { Problem } from './problems.ts';
import type { ReadQuestionnaire } from './questionnaire-file.ts';
import { rosterColumn, type Sourced } from './rosters.ts';
import type { Sheet } from './table.ts';

/** A questionnaire as read, with the name of its file in the folder. */
export type FolderQuestionnaire = ReadQuestionnaire & { file: string };

/** What the checks across files look at: the campaign, the rosters as read, and the questionnaire. */
export interface FolderContents {
  campaign: Campaign | undefined;
  centers: readonly Sourced<Center>[];
  supervisors: readonly Sourced<Supervisor>[];
  sheets: { centers: Sheet[]; supervisors: Sheet[] };
  files: { centers?: string; supervisors?: string };
  questionnaire: FolderQuestionnaire | undefined;
}

/** Checks that only make sense across files: eligibility, district spellings, questions per activity. */
export const crossCheck = (contents: FolderContents, problems: Problem[]): void => {
  const { centers, supervisors, files, questionnaire } = contents;
  checkDistricts({ listed: contents.campaign?.districts, ...contents }, problems);
  if (centers.length > 0 && supervisors.length > 0 && files.supervisors && files.centers) {
    checkHomeDistricts(contents, files.supervisors, problems);
    checkRaterSupply(contents, { centers: files.centers, supervisors: files.supervisors }, problems);
  }
  if (questionnaire && centers.length > 0) {
    checkQuestionScopes(questionnaire, centers, files.centers, problems);
    checkActivities(questionnaire, centers, problems);
  }
};

/** A supervisor with no center outside their home district. */
const checkHomeDistricts = (contents: FolderContents, supervisorsFile: string, problems: Problem[]): void => {
  const { centers, supervisors, sheets } = contents;
  const home = rosterColumn('supervisors', sheets.supervisors, 'home_district');
  for (const { value: s, row } of supervisors) {
    if (centers.every((c) => c.value.district === s.homeDistrict)) {
      problems.push({
        severity: 'error',
        file: supervisorsFile,
        row,
        ...home,
        message: `supervisor ${s.id} has no eligible center: every center is in ${s.homeDistrict}`,
        hint: 'supervisors never visit centers in their home district; check the district or add centers elsewhere',
      });
    }
  }
};

/** A center fewer supervisors from other districts can rate than `ratersPerCenter` asks for. */
const checkRaterSupply = (
  contents: FolderContents,
  files: { centers: string; supervisors: string },
  problems: Problem[],
): void => {
  const { centers, supervisors, sheets } = contents;
  const raters = contents.campaign?.ratersPerCenter ?? 3;
  const fromDistrict = new Map<string, number>();
  for (const { value } of supervisors)
    fromDistrict.set(value.homeDistrict, (fromDistrict.get(value.homeDistrict) ?? 0) + 1);
  const district = rosterColumn('centers', sheets.centers, 'district');
  for (const { value: c, row } of centers) {
    const eligible = supervisors.length - (fromDistrict.get(c.district) ?? 0);
    if (eligible < raters && !problems.some((p) => p.severity === 'error' && p.file === files.supervisors)) {
      problems.push({
        severity: 'warning',
        file: files.centers,
        row,
        ...district,
        message: `only ${eligible} supervisor${eligible === 1 ? '' : 's'} from outside ${c.district} can rate ${c.id}, fewer than ratersPerCenter ${raters}`,
        hint: 'add supervisors from other districts or lower ratersPerCenter in campaign.yaml',
      });
    }
  }
};

/** A question scoped to a center the roster does not have. */
const checkQuestionScopes = (
  questionnaire: FolderQuestionnaire,
  centers: readonly Sourced<Center>[],
  centersFile: string | undefined,
  problems: Problem[],
): void => {
  const known = new Set(centers.map((c) => c.value.id));
  questionnaire.questionnaire.sections.forEach((section, si) => {
    section.questions.forEach((question, qi) => {
      question.centers?.forEach((centerId, ci) => {
        if (known.has(centerId)) return;
        const path = ['sections', si, 'questions', qi, 'centers', ci];
        problems.push({
          severity: 'error',
          file: questionnaire.file,
          ...(questionnaire.sheet ? { sheet: questionnaire.sheet } : {}),
          ...questionnaire.locate(path),
          field: `sections[${si}].questions[${qi}].centers[${ci}]`,
          message: `question "${question.id}" is scoped to center "${centerId}", which is not in ${centersFile}`,
          hint: 'use the id of a center in the roster, or remove it from centers',
        });
      });
    });
  });
};

/** An activity the centers offer in which no question, or no scored question, is asked. */
const checkActivities = (
  questionnaire: FolderQuestionnaire,
  centers: readonly Sourced<Center>[],
  problems: Problem[],
): void => {
  const offered = new Set<Activity>(centers.flatMap((c) => [...activitiesFor(c.value)]));
  for (const activity of offered) {
    const asked = questionsFor(questionnaire.questionnaire, activity);
    if (asked.length === 0) {
      problems.push({
        severity: 'error',
        file: questionnaire.file,
        ...(questionnaire.sheet ? { sheet: questionnaire.sheet } : {}),
        ...questionnaire.locate(['sections']),
        field: 'sections',
        message: `no question is asked in the ${activity} activity (${ACTIVITY_LABELS[activity].zh})`,
        hint: `add "${activity}" to the activities of some questions, or leave activities out to ask a question in every activity`,
      });
    } else if (!asked.some((q) => q.indicator && q.weight > 0)) {
      problems.push({
        severity: 'warning',
        file: questionnaire.file,
        ...(questionnaire.sheet ? { sheet: questionnaire.sheet } : {}),
        ...questionnaire.locate(['sections']),
        field: 'sections',
        message: `the ${activity} activity (${ACTIVITY_LABELS[activity].zh}) has no scored question`,
        hint: 'its answers will not count towards any score',
      });
    }
  }
};
