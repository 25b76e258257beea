/**
 * The demo district: 汇通区 (Huitong District), fictional, with the departments a Chinese district
 * government really has, 23 fictional towns and streets, and the "1+23" service centres (the district
 * administrative service centre and one community affairs acceptance service centre per town or
 * street). Deliberately no real administrative division code (GB/T 2260): the root's code `HT` is
 * plainly not one, so the demo is never mistaken for a real place.
 *
 * Codes (stable: tests, bookmarks and other modules' demo data rely on them):
 * - `HT`        the district, the root
 * - `D01`–`D47` departments, in the order a district lists its organs
 * - `T01`–`T23` streets (街道) `T01`–`T15`, then towns (镇) `T16`–`T23`
 * - `C00`       the district administrative service centre (the "1")
 * - `C01`–`C23` the community affairs acceptance service centre of town/street `Tnn` (the "23")
 */
import type { OrgUnitInput } from './org-unit.js';

export const DEMO_DISTRICT_CODE = 'HT';
const DEMO_DISTRICT_CENTRE_CODE = 'C00';

/** The demo's units all date from the (fictional) district's founding day. */
const FOUNDED = '2019-01-01';

const DISTRICT: OrgUnitInput = {
  code: DEMO_DISTRICT_CODE,
  parentCode: null,
  kind: 'district',
  nameZh: '汇通区',
  nameEn: 'Huitong District',
  shortNameZh: '汇通',
  sortOrder: 0,
  validFrom: FOUNDED,
};

/** [short Chinese name, full Chinese name, English name], in the order a district lists its organs. */
const DEPARTMENTS: ReadonlyArray<readonly [string, string, string]> = [
  ['区政府办', '汇通区人民政府办公室', 'General Office of the Huitong District People’s Government'],
  ['区发展改革委', '汇通区发展和改革委员会', 'Huitong District Development and Reform Commission'],
  ['区教育局', '汇通区教育局', 'Huitong District Education Bureau'],
  ['区科委', '汇通区科学技术委员会', 'Huitong District Science and Technology Commission'],
  ['区工信局', '汇通区工业和信息化局', 'Huitong District Bureau of Industry and Information Technology'],
  ['区民宗办', '汇通区民族宗教事务办公室', 'Huitong District Ethnic and Religious Affairs Office'],
  ['区公安分局', '汇通区公安分局', 'Huitong District Public Security Sub-bureau'],
  ['区民政局', '汇通区民政局', 'Huitong District Civil Affairs Bureau'],
  ['区司法局', '汇通区司法局', 'Huitong District Justice Bureau'],
  ['区财政局', '汇通区财政局', 'Huitong District Finance Bureau'],
  ['区人社局', '汇通区人力资源和社会保障局', 'Huitong District Human Resources and Social Security Bureau'],
  ['区规划资源局', '汇通区规划和自然资源局', 'Huitong District Planning and Natural Resources Bureau'],
  ['区生态环境局', '汇通区生态环境局', 'Huitong District Ecology and Environment Bureau'],
  ['区住建委', '汇通区住房和城乡建设管理委员会', 'Huitong District Housing and Urban-Rural Development Commission'],
  ['区交通委', '汇通区交通委员会', 'Huitong District Transportation Commission'],
  ['区农业农村委', '汇通区农业农村委员会', 'Huitong District Agriculture and Rural Affairs Commission'],
  ['区商务委', '汇通区商务委员会', 'Huitong District Commerce Commission'],
  ['区文化旅游局', '汇通区文化和旅游局', 'Huitong District Culture and Tourism Bureau'],
  ['区卫生健康委', '汇通区卫生健康委员会', 'Huitong District Health Commission'],
  ['区退役军人局', '汇通区退役军人事务局', 'Huitong District Veterans Affairs Bureau'],
  ['区应急局', '汇通区应急管理局', 'Huitong District Emergency Management Bureau'],
  ['区审计局', '汇通区审计局', 'Huitong District Audit Bureau'],
  [
    '区国资委',
    '汇通区国有资产监督管理委员会',
    'Huitong District State-owned Assets Supervision and Administration Commission',
  ],
  ['区市场监管局', '汇通区市场监督管理局', 'Huitong District Administration for Market Regulation'],
  ['区体育局', '汇通区体育局', 'Huitong District Sports Bureau'],
  ['区统计局', '汇通区统计局', 'Huitong District Statistics Bureau'],
  ['区医保局', '汇通区医疗保障局', 'Huitong District Healthcare Security Bureau'],
  ['区绿化市容局', '汇通区绿化和市容管理局', 'Huitong District Landscaping and City Appearance Administration Bureau'],
  ['区水务局', '汇通区水务局', 'Huitong District Water Affairs Bureau'],
  ['区城管执法局', '汇通区城市管理行政执法局', 'Huitong District Urban Management and Law Enforcement Bureau'],
  ['区机管局', '汇通区机关事务管理局', 'Huitong District Government Offices Administration'],
  ['区信访办', '汇通区人民政府信访办公室', 'Huitong District Letters and Visits Office'],
  ['区外办', '汇通区人民政府外事办公室', 'Huitong District Foreign Affairs Office'],
  ['区金融局', '汇通区地方金融监督管理局', 'Huitong District Local Financial Supervision and Administration Bureau'],
  ['区政务服务数据局', '汇通区政务服务和数据管理局', 'Huitong District Government Services and Data Administration'],
  ['区投促中心', '汇通区投资促进中心', 'Huitong District Investment Promotion Centre'],
  ['区档案局', '汇通区档案局', 'Huitong District Archives Bureau'],
  ['区人防办', '汇通区人民防空办公室', 'Huitong District Civil Air Defence Office'],
  ['区粮储局', '汇通区粮食和物资储备局', 'Huitong District Grain and Material Reserves Bureau'],
  ['区税务局', '国家税务总局汇通区税务局', 'Huitong District Taxation Bureau, State Taxation Administration'],
  ['区消防救援支队', '汇通区消防救援支队', 'Huitong District Fire and Rescue Detachment'],
  ['区总工会', '汇通区总工会', 'Huitong District Federation of Trade Unions'],
  ['团区委', '共青团汇通区委员会', 'Huitong District Committee of the Communist Youth League of China'],
  ['区妇联', '汇通区妇女联合会', 'Huitong District Women’s Federation'],
  ['区科协', '汇通区科学技术协会', 'Huitong District Association for Science and Technology'],
  ['区残联', '汇通区残疾人联合会', 'Huitong District Disabled Persons’ Federation'],
  ['区红十字会', '汇通区红十字会', 'Red Cross Society of Huitong District'],
];

/** [Chinese place name, pinyin]: fifteen streets (街道), then eight towns (镇). */
const STREETS: ReadonlyArray<readonly [string, string]> = [
  ['通衢', 'Tongqu'],
  ['汇泉', 'Huiquan'],
  ['明德', 'Mingde'],
  ['锦绣', 'Jinxiu'],
  ['云帆', 'Yunfan'],
  ['星河', 'Xinghe'],
  ['和畅', 'Hechang'],
  ['清源', 'Qingyuan'],
  ['望江', 'Wangjiang'],
  ['书院', 'Shuyuan'],
  ['晓月', 'Xiaoyue'],
  ['临波', 'Linbo'],
  ['翠屏', 'Cuiping'],
  ['丰乐', 'Fengle'],
  ['启明', 'Qiming'],
];
const TOWNS: ReadonlyArray<readonly [string, string]> = [
  ['桃源', 'Taoyuan'],
  ['柳岸', 'Liu’an'],
  ['芦荡', 'Ludang'],
  ['稻香', 'Daoxiang'],
  ['鹤鸣', 'Heming'],
  ['青溪', 'Qingxi'],
  ['荷塘', 'Hetang'],
  ['松涛', 'Songtao'],
];

const number = (n: number) => String(n).padStart(2, '0');

const departments: OrgUnitInput[] = DEPARTMENTS.map(([shortNameZh, nameZh, nameEn], index) => ({
  code: `D${number(index + 1)}`,
  parentCode: DEMO_DISTRICT_CODE,
  kind: 'department',
  nameZh,
  nameEn,
  shortNameZh,
  sortOrder: index + 1,
  validFrom: FOUNDED,
}));

const townsAndStreets: OrgUnitInput[] = [
  ...STREETS.map(([zh, pinyin]) => ({
    kind: 'street' as const,
    nameZh: `${zh}街道`,
    nameEn: `${pinyin} Subdistrict`,
    shortNameZh: zh,
  })),
  ...TOWNS.map(([zh, pinyin]) => ({
    kind: 'town' as const,
    nameZh: `${zh}镇`,
    nameEn: `${pinyin} Town`,
    shortNameZh: zh,
  })),
].map((unit, index) => ({
  ...unit,
  code: `T${number(index + 1)}`,
  parentCode: DEMO_DISTRICT_CODE,
  sortOrder: index + 1,
  validFrom: FOUNDED,
}));

const districtCentre: OrgUnitInput = {
  code: DEMO_DISTRICT_CENTRE_CODE,
  parentCode: DEMO_DISTRICT_CODE,
  kind: 'service_centre',
  nameZh: '汇通区行政服务中心',
  nameEn: 'Huitong District Administrative Service Centre',
  shortNameZh: '区行政服务中心',
  sortOrder: 0,
  validFrom: FOUNDED,
};

const communityCentres: OrgUnitInput[] = townsAndStreets.map((place, index) => ({
  code: `C${number(index + 1)}`,
  parentCode: place.code,
  kind: 'service_centre',
  nameZh: `${place.nameZh}社区事务受理服务中心`,
  nameEn: `${place.nameEn} Community Affairs Acceptance Service Centre`,
  shortNameZh: `${place.shortNameZh}受理中心`,
  sortOrder: 0,
  validFrom: FOUNDED,
}));

/**
 * Every unit of the demo district, parents before children: 1 district, 47 departments, 23 towns and
 * streets, 1 + 23 service centres.
 * @example DEMO_ORGANISATION.filter((unit) => unit.kind === 'department').length; // 47
 */
export const DEMO_ORGANISATION: readonly OrgUnitInput[] = [
  DISTRICT,
  ...departments,
  ...townsAndStreets,
  districtCentre,
  ...communityCentres,
];
