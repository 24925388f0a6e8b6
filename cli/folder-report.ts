import { LEVEL_LABELS } from '../functions/core/i18n.ts';
import { CENTER_LEVELS } from '../functions/core/model.ts';
import type { CampaignFolder } from './roster/campaign-folder.ts';
import { formatProblem, sortProblems } from './roster/problems.ts';

/** Lines describing a checked campaign folder: every problem, then a summary or the count of problems. */
export const formatFolderReport = (
  folder: CampaignFolder,
  shownDir: string,
): { lines: string[]; errors: number; warnings: number } => {
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
      `  ${folder.files.questionnaire}: ${s.questions} questions in ${s.sections} sections 问卷`,
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
