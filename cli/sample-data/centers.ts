import * as z from 'zod';
import { Center, type CenterLevel, Supervisor } from '../../functions/core/model.ts';

export { demoQuestionnaire } from './questionnaire.ts';

/** The municipal center sits above the districts; nobody's home district is '市级', so anyone may rate it. */
export const MUNICIPAL_DISTRICT = '市级';

/** Nanjing's eleven districts: id code, Chinese name (used as the district string), English name. */
export const NANJING_DISTRICTS = [
  { code: 'XW', zh: '玄武区', en: 'Xuanwu' },
  { code: 'QH', zh: '秦淮区', en: 'Qinhuai' },
  { code: 'JY', zh: '建邺区', en: 'Jianye' },
  { code: 'GL', zh: '鼓楼区', en: 'Gulou' },
  { code: 'PK', zh: '浦口区', en: 'Pukou' },
  { code: 'QX', zh: '栖霞区', en: 'Qixia' },
  { code: 'YHT', zh: '雨花台区', en: 'Yuhuatai' },
  { code: 'JN', zh: '江宁区', en: 'Jiangning' },
  { code: 'LH', zh: '六合区', en: 'Liuhe' },
  { code: 'LS', zh: '溧水区', en: 'Lishui' },
  { code: 'GC', zh: '高淳区', en: 'Gaochun' },
] as const;

type DistrictCode = (typeof NANJING_DISTRICTS)[number]['code'];

/** One row per center: id, Chinese name, English name, level, district code, address, responsible official. */
type CenterRow = [string, string, string, CenterLevel, DistrictCode | 'MUN', string, string];

// biome-ignore format: one center per line keeps the roster readable as a table
const CENTERS: CenterRow[] = [
  ['C-MUN', '南京市政务服务中心', 'Nanjing Municipal Government Service Center', 'municipal', 'MUN', '建邺区江东中路265号', '周立群'],

  ['C-XW', '玄武区政务服务中心', 'Xuanwu District Government Service Center', 'district', 'XW', '玄武区北京东路41号', '沈国华'],
  ['C-QH', '秦淮区政务服务中心', 'Qinhuai District Government Service Center', 'district', 'QH', '秦淮区中山南路401号', '顾佩玲'],
  ['C-JY', '建邺区政务服务中心', 'Jianye District Government Service Center', 'district', 'JY', '建邺区庐山路158号', '陆俊峰'],
  ['C-GL', '鼓楼区政务服务中心', 'Gulou District Government Service Center', 'district', 'GL', '鼓楼区中山北路283号', '钱文静'],
  ['C-PK', '浦口区政务服务中心', 'Pukou District Government Service Center', 'district', 'PK', '浦口区文德路21号', '孔德明'],
  ['C-QX', '栖霞区政务服务中心', 'Qixia District Government Service Center', 'district', 'QX', '栖霞区仙林大道99号', '严晓梅'],
  ['C-YHT', '雨花台区政务服务中心', 'Yuhuatai District Government Service Center', 'district', 'YHT', '雨花台区软件大道118号', '金志伟'],
  ['C-JN', '江宁区政务服务中心', 'Jiangning District Government Service Center', 'district', 'JN', '江宁区上元大街369号', '汪晨'],
  ['C-LH', '六合区政务服务中心', 'Liuhe District Government Service Center', 'district', 'LH', '六合区龙津路56号', '施永康'],
  ['C-LS', '溧水区政务服务中心', 'Lishui District Government Service Center', 'district', 'LS', '溧水区珍珠南路88号', '姚素芬'],
  ['C-GC', '高淳区政务服务中心', 'Gaochun District Government Service Center', 'district', 'GC', '高淳区宝塔路266号', '邢建军'],

  ['C-XW-XJK', '新街口街道便民服务中心', 'Xinjiekou Street Convenience Service Center', 'street', 'XW', '玄武区新街口街道洪武北路55号', '唐海蓉'],
  ['C-XW-MYXC', '梅园新村街道便民服务中心', 'Meiyuan Xincun Street Convenience Service Center', 'street', 'XW', '玄武区梅园新村街道长江东街8号', '范子健'],
  ['C-XW-XWM', '玄武门街道便民服务中心', 'Xuanwumen Street Convenience Service Center', 'street', 'XW', '玄武区玄武门街道湖南路12号', '吕晓燕'],
  ['C-QH-FZM', '夫子庙街道便民服务中心', 'Fuzimiao Street Convenience Service Center', 'street', 'QH', '秦淮区夫子庙街道平江府路3号', '贺明远'],
  ['C-QH-QHO', '秦虹街道便民服务中心', 'Qinhong Street Convenience Service Center', 'street', 'QH', '秦淮区秦虹街道秦虹路86号', '毛红霞'],
  ['C-QH-YYH', '月牙湖街道便民服务中心', 'Yueyahu Street Convenience Service Center', 'street', 'QH', '秦淮区月牙湖街道石门坎12号', '武振东'],
  ['C-JY-SZ', '沙洲街道便民服务中心', 'Shazhou Street Convenience Service Center', 'street', 'JY', '建邺区沙洲街道云锦路60号', '石玉兰'],
  ['C-JY-XL', '兴隆街道便民服务中心', 'Xinglong Street Convenience Service Center', 'street', 'JY', '建邺区兴隆街道楠溪江东街36号', '廖家豪'],
  ['C-JY-MCH', '莫愁湖街道便民服务中心', 'Mochouhu Street Convenience Service Center', 'street', 'JY', '建邺区莫愁湖街道水西门大街28号', '邹婉清'],
  ['C-GL-HNL', '湖南路街道便民服务中心', 'Hunan Road Street Convenience Service Center', 'street', 'GL', '鼓楼区湖南路街道高云岭18号', '熊志诚'],
  ['C-GL-NHL', '宁海路街道便民服务中心', 'Ninghai Road Street Convenience Service Center', 'street', 'GL', '鼓楼区宁海路街道宁海路77号', '任雅琴'],
  ['C-GL-JD', '江东街道便民服务中心', 'Jiangdong Street Convenience Service Center', 'street', 'GL', '鼓楼区江东街道江东北路295号', '常立军'],
  ['C-PK-JP', '江浦街道便民服务中心', 'Jiangpu Street Convenience Service Center', 'street', 'PK', '浦口区江浦街道凤凰路9号', '段秀梅'],
  ['C-PK-TS', '泰山街道便民服务中心', 'Taishan Street Convenience Service Center', 'street', 'PK', '浦口区泰山街道大桥北路48号', '雷鸣'],
  ['C-PK-DS', '顶山街道便民服务中心', 'Dingshan Street Convenience Service Center', 'street', 'PK', '浦口区顶山街道浦珠北路20号', '方慧敏'],
  ['C-QX-XL', '仙林街道便民服务中心', 'Xianlin Street Convenience Service Center', 'street', 'QX', '栖霞区仙林街道学海路6号', '白宏伟'],
  ['C-QX-YH', '尧化街道便民服务中心', 'Yaohua Street Convenience Service Center', 'street', 'QX', '栖霞区尧化街道尧佳路15号', '崔丽娟'],
  ['C-QX-MGQ', '迈皋桥街道便民服务中心', 'Maigaoqiao Street Convenience Service Center', 'street', 'QX', '栖霞区迈皋桥街道和燕路380号', '康建平'],
  ['C-YHT-YH', '雨花街道便民服务中心', 'Yuhua Street Convenience Service Center', 'street', 'YHT', '雨花台区雨花街道雨花东路25号', '夏雨婷'],
  ['C-YHT-SHQ', '赛虹桥街道便民服务中心', 'Saihongqiao Street Convenience Service Center', 'street', 'YHT', '雨花台区赛虹桥街道应天大街618号', '秦守义'],
  ['C-YHT-XSQ', '西善桥街道便民服务中心', 'Xishanqiao Street Convenience Service Center', 'street', 'YHT', '雨花台区西善桥街道岱山路10号', '侯佳怡'],
  ['C-JN-DS', '东山街道便民服务中心', 'Dongshan Street Convenience Service Center', 'street', 'JN', '江宁区东山街道金箔路108号', '龚俊'],
  ['C-JN-ML', '秣陵街道便民服务中心', 'Moling Street Convenience Service Center', 'street', 'JN', '江宁区秣陵街道秣周东路12号', '邵敏华'],
  ['C-JN-TS', '汤山街道便民服务中心', 'Tangshan Street Convenience Service Center', 'street', 'JN', '江宁区汤山街道温泉路30号', '尹国强'],
  ['C-LH-XZ', '雄州街道便民服务中心', 'Xiongzhou Street Convenience Service Center', 'street', 'LH', '六合区雄州街道园林西路16号', '黎春燕'],
  ['C-LH-LC', '龙池街道便民服务中心', 'Longchi Street Convenience Service Center', 'street', 'LH', '六合区龙池街道龙池路58号', '易长林'],
  ['C-LS-YY', '永阳街道便民服务中心', 'Yongyang Street Convenience Service Center', 'street', 'LS', '溧水区永阳街道通济街39号', '潘红梅'],
  ['C-LS-BM', '白马镇便民服务中心', 'Baima Town Convenience Service Center', 'street', 'LS', '溧水区白马镇白马大道2号', '苏振兴'],
  ['C-GC-CX', '淳溪街道便民服务中心', 'Chunxi Street Convenience Service Center', 'street', 'GC', '高淳区淳溪街道镇兴路150号', '魏兰芳'],
  ['C-GC-GB', '古柏街道便民服务中心', 'Gubai Street Convenience Service Center', 'street', 'GC', '高淳区古柏街道古柏大道66号', '蒋德胜'],

  ['C-XW-XJK-DFJ', '丹凤街社区便民服务站', 'Danfengjie Community Service Station', 'community', 'XW', '玄武区新街口街道丹凤街27号', '章美玲'],
  ['C-XW-MYXC-CJXC', '长江新村社区便民服务站', 'Changjiang Xincun Community Service Station', 'community', 'XW', '玄武区梅园新村街道长江新村5号', '杜卫国'],
  ['C-QH-FZM-CKJ', '钞库街社区便民服务站', 'Chaokujie Community Service Station', 'community', 'QH', '秦淮区夫子庙街道钞库街40号', '俞桂英'],
  ['C-QH-YYH-YY', '月苑社区便民服务站', 'Yueyuan Community Service Station', 'community', 'QH', '秦淮区月牙湖街道月苑南路3号', '谭志明'],
  ['C-JY-SZ-XH', '新河社区便民服务站', 'Xinhe Community Service Station', 'community', 'JY', '建邺区沙洲街道新河路19号', '袁丽萍'],
  ['C-JY-XL-AT', '奥体社区便民服务站', 'Aoti Community Service Station', 'community', 'JY', '建邺区兴隆街道奥体大街70号', '田国栋'],
  ['C-GL-HNL-SXL', '山西路社区便民服务站', 'Shanxilu Community Service Station', 'community', 'GL', '鼓楼区湖南路街道山西路8号', '黄晓琳'],
  ['C-GL-NHL-XK', '西康社区便民服务站', 'Xikang Community Service Station', 'community', 'GL', '鼓楼区宁海路街道西康路21号', '程立伟'],
  ['C-PK-JP-WD', '文德社区便民服务站', 'Wende Community Service Station', 'community', 'PK', '浦口区江浦街道文德东路11号', '符春兰'],
  ['C-QX-XL-XLH', '仙林湖社区便民服务站', 'Xianlinhu Community Service Station', 'community', 'QX', '栖霞区仙林街道仙林湖路2号', '葛建明'],
  ['C-YHT-SHQ-HY', '虹苑社区便民服务站', 'Hongyuan Community Service Station', 'community', 'YHT', '雨花台区赛虹桥街道虹苑新寓9号', '牛淑华'],
  ['C-JN-DS-ZS', '竹山社区便民服务站', 'Zhushan Community Service Station', 'community', 'JN', '江宁区东山街道竹山路66号', '柴永红'],
  ['C-JN-ML-CP', '翠屏社区便民服务站', 'Cuiping Community Service Station', 'community', 'JN', '江宁区秣陵街道翠屏路5号', '包振宇'],
  ['C-GC-CX-BT', '宝塔社区便民服务站', 'Baota Community Service Station', 'community', 'GC', '高淳区淳溪街道宝塔路102号', '管秀琴'],
];

const SECTORS = {
  deputy: "人大代表 / people's congress deputy",
  cppcc: '政协委员 / CPPCC member',
  lawyer: '律师 / lawyer',
  principal: '校长 / school principal',
  entrepreneur: '企业家 / entrepreneur',
  community: '社区工作者 / community worker',
  media: '媒体 / journalist',
  lecturer: '高校教师 / university lecturer',
  retired: '退休干部 / retired civil servant',
  shop: '个体工商户 / shop owner',
} as const;

/** One row per supervisor: id, name, mailbox at example.com, sector, home district code. */
type SupervisorRow = [string, string, string, keyof typeof SECTORS, DistrictCode];

const SUPERVISORS: SupervisorRow[] = [
  ['S01', '王建国', 'wang.jianguo', 'deputy', 'XW'],
  ['S02', '李秀英', 'li.xiuying', 'cppcc', 'QH'],
  ['S03', '张伟', 'zhang.wei', 'lawyer', 'JY'],
  ['S04', '刘芳', 'liu.fang', 'principal', 'GL'],
  ['S05', '陈磊', 'chen.lei', 'entrepreneur', 'PK'],
  ['S06', '杨静', 'yang.jing', 'community', 'QX'],
  ['S07', '赵明', 'zhao.ming', 'media', 'YHT'],
  ['S08', '黄丽华', 'huang.lihua', 'deputy', 'JN'],
  ['S09', '周强', 'zhou.qiang', 'cppcc', 'LH'],
  ['S10', '吴敏', 'wu.min', 'lawyer', 'LS'],
  ['S11', '徐海燕', 'xu.haiyan', 'principal', 'GC'],
  ['S12', '孙志刚', 'sun.zhigang', 'entrepreneur', 'XW'],
  ['S13', '马丽', 'ma.li', 'community', 'QH'],
  ['S14', '朱文博', 'zhu.wenbo', 'media', 'JY'],
  ['S15', '胡晓东', 'hu.xiaodong', 'deputy', 'GL'],
  ['S16', '郭婷', 'guo.ting', 'cppcc', 'PK'],
  ['S17', '何俊', 'he.jun', 'lawyer', 'QX'],
  ['S18', '林雪梅', 'lin.xuemei', 'principal', 'YHT'],
  ['S19', '高峰', 'gao.feng', 'entrepreneur', 'JN'],
  ['S20', '罗佳', 'luo.jia', 'community', 'LH'],
  ['S21', '郑涛', 'zheng.tao', 'media', 'LS'],
  ['S22', '梁慧', 'liang.hui', 'deputy', 'GC'],
  ['S23', '谢宇', 'xie.yu', 'cppcc', 'XW'],
  ['S24', '宋丹', 'song.dan', 'lawyer', 'QH'],
  ['S25', '唐卫东', 'tang.weidong', 'principal', 'JY'],
  ['S26', '许晶', 'xu.jing', 'entrepreneur', 'GL'],
  ['S27', '韩冰', 'han.bing', 'community', 'PK'],
  ['S28', '冯志远', 'feng.zhiyuan', 'media', 'QX'],
  ['S29', '邓晓红', 'deng.xiaohong', 'lecturer', 'YHT'],
  ['S30', '曹阳', 'cao.yang', 'retired', 'JN'],
  ['S31', '彭立新', 'peng.lixin', 'shop', 'LH'],
  ['S32', '曾颖', 'zeng.ying', 'deputy', 'LS'],
  ['S33', '蒋文', 'jiang.wen', 'cppcc', 'GC'],
  ['S34', '蔡琳', 'cai.lin', 'lawyer', 'XW'],
  ['S35', '贾振华', 'jia.zhenhua', 'entrepreneur', 'QH'],
  ['S36', '丁悦', 'ding.yue', 'community', 'JY'],
  ['S37', '魏国庆', 'wei.guoqing', 'principal', 'GL'],
  ['S38', '薛梅', 'xue.mei', 'media', 'PK'],
  ['S39', '叶子轩', 'ye.zixuan', 'lecturer', 'QX'],
  ['S40', '余洁', 'yu.jie', 'shop', 'JN'],
];

function districtName(code: DistrictCode | 'MUN'): string {
  if (code === 'MUN') return MUNICIPAL_DISTRICT;
  const district = NANJING_DISTRICTS.find((d) => d.code === code);
  if (!district) throw new Error(`unknown district code ${code}`);
  return district.zh;
}

/**
 * Nanjing's centers for the 政务服务主题督查月 (municipal, 11 districts, streets and townships, community
 * stations) and 40 volunteer supervisors; every mailbox is at an example domain.
 */
export function demoCentersAndSupervisors(): { centers: Center[]; supervisors: Supervisor[] } {
  const centers = z.array(Center).parse(
    CENTERS.map(([id, zh, en, level, district, address, official]) => ({
      id,
      name: { zh, en },
      level,
      district: districtName(district),
      address: `南京市${address}`,
      official: { name: official, email: `${id.toLowerCase()}@example.gov.cn` },
    })),
  );
  const supervisors = z.array(Supervisor).parse(
    SUPERVISORS.map(([id, name, mailbox, sector, home]) => ({
      id,
      name,
      email: `${mailbox}@example.com`,
      sector: SECTORS[sector],
      homeDistrict: districtName(home),
    })),
  );
  return { centers, supervisors };
}
