import { CampaignDefinition, type Center, type CenterLevel, type Supervisor } from '../../functions/core/model.ts';
import { seededRandom } from '../../functions/core/random.ts';
import { demoQuestionnaire } from './centers.ts';

/** Size of a generated campaign. */
export interface SyntheticSize {
  centers: number;
  supervisors: number;
  districts: number;
  ratersPerCenter: number;
}

/** A province: 20,000 centers, 2,000 supervisors, 3 raters each → 60,000 assignments. */
export const PROVINCE: SyntheticSize = { centers: 20_000, supervisors: 2_000, districts: 120, ratersPerCenter: 3 };

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '高',
  '罗',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '建国',
  '海燕',
];
const SECTORS = [
  '人大代表 / NPC deputy',
  '政协委员 / CPPCC member',
  '律师 / lawyer',
  '校长 / principal',
  '企业家 / entrepreneur',
  '社区工作者 / community worker',
];

/**
 * Generates a province-like campaign with a fixed seed: municipal, district, street and community
 * centers spread over `districts` districts (levels roughly 1 : 10 : 30 : 60 below the municipal
 * centers), supervisors spread over the same districts, the demo questionnaire. Everything is
 * invented; emails use example domains only.
 */
export const syntheticCampaign = (
  size: SyntheticSize,
  options: { id: string; now: Date; deadlineAfterSeconds: number; seed?: string },
) => {
  const rnd = seededRandom(options.seed ?? options.id);
  const district = (i: number) => `D${String(i % size.districts).padStart(3, '0')}`;
  const levelOf = (i: number): CenterLevel => {
    if (i < Math.max(1, Math.round(size.districts / 10))) return 'municipal';
    const r = rnd();
    return r < 0.1 ? 'district' : r < 0.4 ? 'street' : 'community';
  };
  const name = () => `${SURNAMES[Math.floor(rnd() * SURNAMES.length)]}${GIVEN[Math.floor(rnd() * GIVEN.length)]}`;
  const centers: Center[] = Array.from({ length: size.centers }, (_, i) => {
    const id = `C${String(i).padStart(6, '0')}`;
    return {
      id,
      name: { zh: `第${i + 1}政务服务场所`, en: `Service center ${i + 1}` },
      level: levelOf(i),
      district: district(Math.floor(rnd() * size.districts)),
      official: { name: name(), email: `${id.toLowerCase()}@example.gov.cn` },
    };
  });
  const supervisors: Supervisor[] = Array.from({ length: size.supervisors }, (_, i) => ({
    id: `S${String(i).padStart(5, '0')}`,
    name: name(),
    email: `s${String(i).padStart(5, '0')}@example.com`,
    sector: SECTORS[i % SECTORS.length] ?? '律师 / lawyer',
    homeDistrict: district(i),
  }));
  const at = (seconds: number) => new Date(options.now.getTime() + seconds * 1000).toISOString();
  return CampaignDefinition.parse({
    campaign: {
      id: options.id,
      series: 'synthetic',
      title: { zh: '全省政务服务督查', en: 'Province-wide government service supervision' },
      month: options.now.toISOString().slice(0, 7),
      schedule: { opens: at(0), reminders: [], deadline: at(options.deadlineAfterSeconds) },
      organizers: ['organizer@example.gov.cn'],
      ratersPerCenter: size.ratersPerCenter,
      // A load to measure collection and scoring with: no review or fact-check window, no sign-off.
      review: { workingDays: 0 },
      factCheck: { workingDays: 0 },
      autoPublish: true,
    },
    centers,
    supervisors,
    questionnaire: demoQuestionnaire(),
  });
};
