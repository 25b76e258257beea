/**
 * The demo's data standards: the four a district exchanges most (人口基本信息, 法人基本信息, 地理要素,
 * 办件信息), each published as version 1 over a small data-element dictionary and two national code
 * lists. Owned by the demo district's departments (src/modules/directory/demo-organisation.ts), so
 * the directory's demo must be seeded first. Idempotent: what exists is left as it is.
 */
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { SYSTEM_ONLY_POLICY } from '../directory/index.js';
import { selectCodeLists } from './code-list.repository.js';
import { createCodeList } from './code-list.service.js';
import { selectDataElements } from './data-element.repository.js';
import { createDataElement } from './data-element.service.js';
import type { CodeListInput, DataElementInput, StandardInput } from './standard.js';
import { selectLatestVersion, selectStandard } from './standard.repository.js';
import { createDraft, createStandard, publishVersion } from './standard.service.js';

const deps = { policy: SYSTEM_ONLY_POLICY };
const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

export const SEX_CODE_LIST = 'gb-t-2261.1';
export const DIVISION_CODE_LIST = 'gb-t-2260';

export const DEMO_CODE_LISTS: readonly CodeListInput[] = [
  {
    id: SEX_CODE_LIST,
    source: 'GB/T 2261.1-2003',
    nameZh: '人的性别代码',
    nameEn: 'Codes for the sexes of human',
    entries: [
      { value: '0', labelZh: '未知的性别', labelEn: 'Not known', parentValue: null },
      { value: '1', labelZh: '男性', labelEn: 'Male', parentValue: null },
      { value: '2', labelZh: '女性', labelEn: 'Female', parentValue: null },
      { value: '9', labelZh: '未说明的性别', labelEn: 'Not stated', parentValue: null },
    ],
  },
  {
    id: DIVISION_CODE_LIST,
    source: 'GB/T 2260',
    nameZh: '中华人民共和国行政区划代码（演示子集）',
    nameEn: 'Administrative division codes of the PRC (demo subset)',
    // The demo district (汇通区, code HT) is fictional and has no division code of its own; these are
    // the real codes the platform's examples use (110105 in resident numbers, 440300 in credit codes)
    // and their neighbours. Load the full table with PUT …/code-lists/gb-t-2260/entries in production.
    description:
      '演示子集：仅含平台示例所用的北京市、广东省深圳市部分区县。生产环境请导入完整的行政区划代码表。 / Demo subset: a few districts of Beijing and Shenzhen used in the platform’s examples. Load the full table in production.',
    entries: [
      { value: '110000', labelZh: '北京市', labelEn: 'Beijing', parentValue: null },
      { value: '110100', labelZh: '市辖区', labelEn: 'Districts of Beijing', parentValue: '110000' },
      { value: '110101', labelZh: '东城区', labelEn: 'Dongcheng District', parentValue: '110100' },
      { value: '110102', labelZh: '西城区', labelEn: 'Xicheng District', parentValue: '110100' },
      { value: '110105', labelZh: '朝阳区', labelEn: 'Chaoyang District', parentValue: '110100' },
      { value: '110106', labelZh: '丰台区', labelEn: 'Fengtai District', parentValue: '110100' },
      { value: '110108', labelZh: '海淀区', labelEn: 'Haidian District', parentValue: '110100' },
      { value: '440000', labelZh: '广东省', labelEn: 'Guangdong Province', parentValue: null },
      { value: '440300', labelZh: '深圳市', labelEn: 'Shenzhen', parentValue: '440000' },
      { value: '440303', labelZh: '罗湖区', labelEn: 'Luohu District', parentValue: '440300' },
      { value: '440304', labelZh: '福田区', labelEn: 'Futian District', parentValue: '440300' },
      { value: '440305', labelZh: '南山区', labelEn: 'Nanshan District', parentValue: '440300' },
    ],
  },
];

const element = (
  id: string,
  nameZh: string,
  nameEn: string,
  dataType: DataElementInput['dataType'],
  more: Partial<DataElementInput> = {},
): DataElementInput => ({ id, nameZh, nameEn, dataType, ...more });

export const DEMO_DATA_ELEMENTS: readonly DataElementInput[] = [
  element('DE00001', '公民身份号码', 'Resident identity number', 'string', {
    format: 'resident-id',
    definitionZh: 'GB 11643 规定的 18 位公民身份号码，末位为校验码（0–9 或 X）。',
    definitionEn:
      'The 18-character resident identity number of GB 11643; the last character is a check digit (0–9 or X).',
  }),
  element('DE00002', '姓名', 'Name', 'string', {
    definitionZh: '身份证件上登记的姓名。',
    definitionEn: 'The name as registered on the identity document.',
  }),
  element('DE00003', '性别代码', 'Sex code', 'string', { codeListId: SEX_CODE_LIST }),
  element('DE00004', '出生日期', 'Date of birth', 'string', { format: 'date' }),
  element('DE00005', '行政区划代码', 'Administrative division code', 'string', { codeListId: DIVISION_CODE_LIST }),
  element('DE00006', '地址', 'Address', 'string'),
  element('DE00007', '移动电话号码', 'Mobile phone number', 'string'),
  element('DE00008', '统一社会信用代码', 'Unified social credit code', 'string', {
    format: 'credit-code',
    definitionZh: 'GB 32100 规定的 18 位统一社会信用代码。',
    definitionEn: 'The 18-character unified social credit code of GB 32100.',
  }),
  element('DE00009', '单位名称', 'Organisation name', 'string'),
  element('DE00010', '法定代表人姓名', 'Legal representative’s name', 'string'),
  element('DE00011', '成立日期', 'Date of establishment', 'string', { format: 'date' }),
  element('DE00012', '注册资本（万元）', 'Registered capital (10,000 CNY)', 'number'),
  element('DE00013', '登记状态', 'Registration status', 'string'),
  element('DE00014', '要素标识', 'Feature identifier', 'string'),
  element('DE00015', '要素名称', 'Feature name', 'string'),
  element('DE00016', '要素类别', 'Feature class', 'string'),
  element('DE00017', '办件编号', 'Case number', 'string'),
  element('DE00018', '事项编码', 'Service item code', 'string'),
  element('DE00019', '事项名称', 'Service item name', 'string'),
  element('DE00020', '受理时间', 'Time of acceptance', 'string', { format: 'date-time' }),
  element('DE00021', '办结时间', 'Time of completion', 'string', { format: 'date-time' }),
  element('DE00022', '办件状态', 'Case status', 'string'),
  element('DE00023', '受理部门', 'Accepting unit', 'string'),
];

// Longitude and latitude only: the platform normalises geodata to CGCS2000/WGS84 lon-lat
// (ARCHITECTURE.md), and strict mode wants a tuple's length fixed.
const position = {
  description: '经度、纬度（CGCS2000/WGS84） / Longitude, latitude (CGCS2000/WGS84)',
  type: 'array',
  prefixItems: [
    { type: 'number', minimum: -180, maximum: 180 },
    { type: 'number', minimum: -90, maximum: 90 },
  ],
  minItems: 2,
  maxItems: 2,
};

export interface DemoStandard extends StandardInput {
  schema: Record<string, unknown>;
}

export const DEMO_STANDARDS: readonly DemoStandard[] = [
  {
    code: 'population-basic',
    nameZh: '人口基本信息',
    nameEn: 'Population basic information',
    description:
      '常住人口的身份与户籍基本信息，属个人信息。 / Identity and household registration of residents: personal data.',
    ownerOrgUnitCode: 'D07',
    classification: 'sensitive',
    schema: {
      $schema: SCHEMA_DIALECT,
      title: '人口基本信息 Population basic information',
      type: 'object',
      required: ['idNumber', 'name', 'sex', 'birthDate', 'domicileDivision'],
      properties: {
        idNumber: {
          type: 'string',
          pattern: '^[0-9]{17}[0-9X]$',
          format: 'resident-id',
          'x-data-element': 'DE00001',
        },
        name: { type: 'string', minLength: 1, maxLength: 50, 'x-data-element': 'DE00002' },
        sex: { type: 'string', 'x-code-list': SEX_CODE_LIST, 'x-data-element': 'DE00003' },
        birthDate: { type: 'string', format: 'date', 'x-data-element': 'DE00004' },
        domicileDivision: {
          type: 'string',
          pattern: '^[0-9]{6}$',
          'x-code-list': DIVISION_CODE_LIST,
          'x-data-element': 'DE00005',
        },
        address: { type: 'string', maxLength: 200, 'x-data-element': 'DE00006' },
        mobile: { type: 'string', pattern: '^1[3-9][0-9]{9}$', 'x-data-element': 'DE00007' },
      },
      additionalProperties: false,
    },
  },
  {
    code: 'legal-person-basic',
    nameZh: '法人基本信息',
    nameEn: 'Legal person basic information',
    description:
      '企业等法人的登记信息，依法公示。 / Registration of enterprises and other legal persons, public by law.',
    ownerOrgUnitCode: 'D24',
    classification: 'public',
    schema: {
      $schema: SCHEMA_DIALECT,
      title: '法人基本信息 Legal person basic information',
      type: 'object',
      required: ['creditCode', 'name', 'legalRepresentative', 'establishedOn', 'status'],
      properties: {
        creditCode: {
          type: 'string',
          pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$',
          format: 'credit-code',
          'x-data-element': 'DE00008',
        },
        name: { type: 'string', minLength: 1, maxLength: 200, 'x-data-element': 'DE00009' },
        legalRepresentative: { type: 'string', minLength: 1, maxLength: 50, 'x-data-element': 'DE00010' },
        establishedOn: { type: 'string', format: 'date', 'x-data-element': 'DE00011' },
        registeredCapital: { type: 'number', minimum: 0, 'x-data-element': 'DE00012' },
        status: {
          type: 'string',
          enum: ['active', 'revoked', 'deregistered', 'moved_out'],
          description: '存续、吊销、注销、迁出 / active, revoked, deregistered, moved out',
          'x-data-element': 'DE00013',
        },
        registeredDivision: { type: 'string', 'x-code-list': DIVISION_CODE_LIST, 'x-data-element': 'DE00005' },
        address: { type: 'string', maxLength: 200, 'x-data-element': 'DE00006' },
      },
      additionalProperties: false,
    },
  },
  {
    code: 'geo-feature',
    nameZh: '地理要素',
    nameEn: 'Geographic feature',
    description: 'GeoJSON 要素（RFC 7946），点或面。 / A GeoJSON Feature (RFC 7946), point or polygon.',
    ownerOrgUnitCode: 'D12',
    classification: 'public',
    schema: {
      $schema: SCHEMA_DIALECT,
      title: '地理要素 Geographic feature (GeoJSON)',
      type: 'object',
      required: ['type', 'id', 'geometry', 'properties'],
      properties: {
        type: { type: 'string', const: 'Feature' },
        id: { type: 'string', minLength: 1, maxLength: 64, 'x-data-element': 'DE00014' },
        geometry: {
          type: 'object',
          oneOf: [{ $ref: '#/$defs/point' }, { $ref: '#/$defs/polygon' }],
        },
        properties: {
          type: 'object',
          required: ['name', 'featureClass'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200, 'x-data-element': 'DE00015' },
            featureClass: {
              type: 'string',
              enum: ['building', 'parcel', 'road', 'water', 'green_space', 'facility'],
              'x-data-element': 'DE00016',
            },
            division: { type: 'string', 'x-code-list': DIVISION_CODE_LIST, 'x-data-element': 'DE00005' },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
      $defs: {
        position,
        point: {
          type: 'object',
          required: ['type', 'coordinates'],
          properties: {
            type: { type: 'string', const: 'Point' },
            coordinates: { $ref: '#/$defs/position' },
          },
          additionalProperties: false,
        },
        polygon: {
          type: 'object',
          required: ['type', 'coordinates'],
          properties: {
            type: { type: 'string', const: 'Polygon' },
            coordinates: {
              description: '外环在前，其后为内环；每环首尾相同 / Exterior ring first, then holes; each ring closed',
              type: 'array',
              minItems: 1,
              items: { type: 'array', minItems: 4, items: { $ref: '#/$defs/position' } },
            },
          },
          additionalProperties: false,
        },
      },
    },
  },
  {
    code: 'case-record',
    nameZh: '办件信息',
    nameEn: 'Case record',
    description:
      '政务服务事项的受理与办结信息，含申请人个人信息。 / Acceptance and completion of service cases, with applicants’ personal data.',
    ownerOrgUnitCode: 'D35',
    classification: 'sensitive',
    schema: {
      $schema: SCHEMA_DIALECT,
      title: '办件信息 Case record',
      type: 'object',
      required: [
        'caseNumber',
        'serviceItemCode',
        'serviceItemName',
        'applicant',
        'acceptedAt',
        'status',
        'acceptingUnit',
      ],
      properties: {
        caseNumber: { type: 'string', pattern: '^[0-9A-Z-]{8,40}$', 'x-data-element': 'DE00017' },
        serviceItemCode: { type: 'string', pattern: '^[0-9A-Za-z-]{1,64}$', 'x-data-element': 'DE00018' },
        serviceItemName: { type: 'string', minLength: 1, maxLength: 200, 'x-data-element': 'DE00019' },
        applicant: {
          type: 'object',
          required: ['kind', 'name', 'identifier'],
          properties: {
            kind: { type: 'string', enum: ['citizen', 'enterprise'] },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            identifier: {
              description: '公民身份号码或统一社会信用代码 / Resident identity number or unified social credit code',
              type: 'string',
              pattern: '^[0-9A-Z]{18}$',
            },
            mobile: { type: 'string', pattern: '^1[3-9][0-9]{9}$', 'x-data-element': 'DE00007' },
          },
          additionalProperties: false,
        },
        acceptedAt: { type: 'string', format: 'date-time', 'x-data-element': 'DE00020' },
        completedAt: { type: 'string', format: 'date-time', 'x-data-element': 'DE00021' },
        status: {
          type: 'string',
          enum: ['accepted', 'in_progress', 'completed', 'rejected', 'withdrawn'],
          'x-data-element': 'DE00022',
        },
        acceptingUnit: { type: 'string', pattern: '^[A-Z][A-Z0-9-]{1,31}$', 'x-data-element': 'DE00023' },
      },
      additionalProperties: false,
    },
  },
];

export interface DemoStandardsReport {
  codeLists: number;
  dataElements: number;
  standards: number;
  published: number;
}

/**
 * Seeds the demo's code lists, data elements and standards (each with a published version 1). A
 * second run changes nothing and reports zeros.
 * @example await seedDemoOrganisation(db); const report = await seedDemoStandards(db);
 */
export async function seedDemoStandards(executor: Executor): Promise<DemoStandardsReport> {
  const report: DemoStandardsReport = { codeLists: 0, dataElements: 0, standards: 0, published: 0 };
  const lists = new Set((await selectCodeLists(executor)).map((list) => list.id));
  for (const list of DEMO_CODE_LISTS) {
    if (lists.has(list.id!)) continue;
    await createCodeList(executor, SYSTEM_ACTOR, list, deps);
    report.codeLists++;
  }
  const elements = new Set((await selectDataElements(executor)).map((element) => element.id));
  for (const dataElement of DEMO_DATA_ELEMENTS) {
    if (elements.has(dataElement.id)) continue;
    await createDataElement(executor, SYSTEM_ACTOR, dataElement, deps);
    report.dataElements++;
  }
  for (const { schema, ...standard } of DEMO_STANDARDS) {
    if (!(await selectStandard(executor, standard.code))) {
      await createStandard(executor, SYSTEM_ACTOR, standard, deps);
      report.standards++;
    }
    const latest = await selectLatestVersion(executor, standard.code);
    if (latest && latest.status !== 'draft') continue;
    const draft =
      latest ??
      (await createDraft(executor, SYSTEM_ACTOR, standard.code, { schema, changeNote: '初版 / First version' }, deps));
    await publishVersion(executor, SYSTEM_ACTOR, standard.code, draft.version, {}, deps);
    report.published++;
  }
  return report;
}
