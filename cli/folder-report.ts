import { resolve } from 'node:path';
import { LEVEL_LABELS } from '../functions/core/i18n.ts';
import { CENTER_LEVELS } from '../functions/core/model.ts';
import { CliFailure } from './errors.ts';
import { type CampaignFolder, FolderNotFound, loadCampaignFolder } from './roster/campaign-folder.ts';
import { formatProblem, sortProblems } from './roster/problems.ts';

/** What `validate` and `launch` show of a checked folder: every problem, then a summary or the count of problems. */
export interface FolderReport {
  lines: string[];
  errors: number;
  warnings: number;
}

const FORMAT_NAMES = { surveyjs: 'SurveyJS', xlsform: 'XLSForm' } as const;

const formatFolderReport = (folder: CampaignFolder, shownDir: string): FolderReport => {
  const problems = sortProblems(folder.problems);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const lines = problems.map(formatProblem);
  const encodings = Object.entries(folder.encodings).map(([file, enc]) => `${file}: ${enc}`);
  if (folder.definition && folder.summary) {
    const { campaign } = folder.definition;
    const s = folder.summary;
    const levels = CENTER_LEVELS.filter((l) => s.centersByLevel[l])
      .map((l) => `${s.centersByLevel[l]} ${LEVEL_LABELS[l].zh}`)
      .join(' · ');
    if (lines.length > 0) lines.push('');
    lines.push(
      `campaign ${campaign.id}: ${campaign.title.zh} / ${campaign.title.en} (${campaign.month})`,
      `  ${folder.files.centers}: ${folder.definition.centers.length} centers 服务中心 (${levels})`,
      `  ${folder.files.supervisors}: ${s.supervisors} supervisors 监督员`,
      `  ${folder.files.questionnaire}${folder.questionnaireFormat && folder.questionnaireFormat !== 'questionnaire' ? ` (${FORMAT_NAMES[folder.questionnaireFormat]})` : ''}: ${s.questions} questions in ${s.sections} sections 问卷`,
      `  plan 计划: ${s.assignments} assignments 监督任务, ${s.loadMin === s.loadMax ? s.loadMin : `${s.loadMin}–${s.loadMax}`} per supervisor, ${campaign.ratersPerCenter} per center`,
    );
    if (encodings.length > 0) lines.push(`  encodings 编码: ${encodings.join(', ')}`);
  }
  lines.push(
    errors > 0
      ? `✗ ${errors} problem${errors === 1 ? '' : 's'} 个问题${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'} 个提醒` : ''}: fix them and run \`supervision validate ${shownDir}\` again.`
      : `✓ ready to launch 可以发布${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'} 个提醒)` : ''}: supervision launch ${shownDir}`,
  );
  return { lines, errors, warnings };
};

/** Reads and checks the campaign folder `shown` (as the organizer typed it, from `cwd`); no such folder is a CliFailure. */
export const checkCampaignFolder = async (
  cwd: string,
  shown: string,
): Promise<{ folder: CampaignFolder; report: FolderReport }> => {
  const folder = await loadCampaignFolder(resolve(cwd, shown), new Date(), shown).catch((error: unknown) => {
    throw error instanceof FolderNotFound ? new CliFailure(error.message) : error;
  });
  return { folder, report: formatFolderReport(folder, shown) };
};
