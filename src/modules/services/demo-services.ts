/**
 * The demo district's service catalogue: 849 published items across the demo departments (D01–D47),
 * built from demo-catalogue.ts, one item per kind of service and business variant, as a national
 * implementation list has them. The first variant of each department's first kind carries the full
 * detail (several materials, a fieldset-rich application form); the others carry the essentials.
 *
 * Fast because it is written in two multi-row inserts: it runs on every fresh embedded start. The
 * directory's demo (src/modules/directory/demo-organisation.ts) must be seeded first. Idempotent:
 * items that exist are left as they are, whatever their state.
 *
 * Implementation codes are fictitious: each department gets a credit code with valid GB 11714 and
 * GB 32100 check characters on the division code the platform's examples use (110105), and its items
 * `<credit code>-<type code><department number (2)><kind number (3)><variant (3)>`.
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import { creditCodeCheckCharacter, organisationCodeCheckCharacter } from '../../platform/identifiers/credit-code.js';
import { listOrgUnits } from '../directory/index.js';
import { DEMO_CATALOGUE } from './demo-catalogue.js';
import { ITEM_TYPES, type ItemContent, type ItemType, type Material } from './item.js';
import { insertItems, selectAllCodes } from './item.repository.js';

export const DEMO_ITEM_COUNT = 849;

const TYPE_OF: Record<string, ItemType> = {
  L: 'administrative_licence',
  P: 'administrative_payment',
  C: 'administrative_confirmation',
  V: 'administrative_levy',
  R: 'administrative_ruling',
  W: 'administrative_reward',
  O: 'other_administrative_power',
  S: 'public_service',
};

interface Variant {
  key: string;
  zh: string;
  en: string;
}

const VARIANTS: Record<string, Variant[]> = {
  one: [{ key: 'one', zh: '', en: '' }],
  lic5: [
    { key: 'new', zh: '（新办）', en: ' (new application)' },
    { key: 'change', zh: '（变更）', en: ' (change)' },
    { key: 'renew', zh: '（延续）', en: ' (renewal)' },
    { key: 'cancel', zh: '（注销）', en: ' (cancellation)' },
    { key: 'reissue', zh: '（补证）', en: ' (reissue)' },
  ],
  lic4: [
    { key: 'new', zh: '（新办）', en: ' (new application)' },
    { key: 'change', zh: '（变更）', en: ' (change)' },
    { key: 'cancel', zh: '（注销）', en: ' (cancellation)' },
    { key: 'reissue', zh: '（补证）', en: ' (reissue)' },
  ],
  cert3: [
    { key: 'new', zh: '首次申领', en: ': first issue' },
    { key: 'renew', zh: '换领', en: ': exchange' },
    { key: 'reissue', zh: '补领', en: ': replacement of a lost one' },
  ],
  cert4: [
    { key: 'new', zh: '首次申领', en: ': first issue' },
    { key: 'renew', zh: '到期换领', en: ': renewal on expiry' },
    { key: 'damaged', zh: '损坏换领', en: ': exchange of a damaged one' },
    { key: 'reissue', zh: '丢失补领', en: ': replacement of a lost one' },
  ],
  reg3: [
    { key: 'new', zh: '设立登记', en: ': registration' },
    { key: 'change', zh: '变更登记', en: ': change of registration' },
    { key: 'cancel', zh: '注销登记', en: ': deregistration' },
  ],
};

/** Kinds a citizen deals with near home: any centre takes them (全区通办). */
const NEAR_HOME_DEPARTMENTS = new Set(['D07', 'D08', 'D11', 'D19', 'D20', 'D27', 'D40', 'D46', 'D47']);
/** Farming is done in the towns: their centres (C16–C23, of towns T16–T23) and the district's take them. */
const TOWN_CENTRES = ['C00', 'C16', 'C17', 'C18', 'C19', 'C20', 'C21', 'C22', 'C23'];

/**
 * Creates the demo items that do not exist yet, published, in one transaction with one audit entry.
 * @example const { created } = await seedDemoServices(database.kysely); // 849 on a fresh database
 */
export async function seedDemoServices(executor: Executor): Promise<{ created: number; existing: number }> {
  const items = demoItems();
  return inTransaction(executor, async (tx) => {
    const { items: units } = await listOrgUnits(tx, { kinds: ['department', 'service_centre'] });
    const known = new Set(units.map((unit) => unit.code));
    const missing = [
      ...new Set(items.flatMap(({ content }) => [content.departmentCode, ...content.channels.centreCodes])),
    ].filter((code) => !known.has(code));
    if (missing.length > 0) {
      throw new Error(
        `seedDemoServices needs the demo directory first; missing units: ${missing.slice(0, 5).join(', ')}`,
      );
    }
    const existing = await selectAllCodes(tx);
    const fresh = items.filter((item) => !existing.has(item.code));
    const kept = items.length - fresh.length;
    const publishedAt = new Date();
    await insertItems(
      tx,
      fresh.map(({ code, content }) => ({ code, content, publishedAt })),
    );
    if (fresh.length > 0) {
      await recordAudit(tx, {
        actor: SYSTEM_ACTOR,
        action: 'services.demo_seed',
        target: { type: 'services_catalogue', id: 'demo' },
        outcome: 'success',
        details: { created: fresh.length, existing: kept },
      });
    }
    return { created: fresh.length, existing: kept };
  });
}

/**
 * The demo items, in a stable order: taken in turn from each department until there are 849, so
 * every department has items and the small ones keep all of theirs.
 * @example demoItems().length // 849
 */
export function demoItems(): Array<{ code: string; content: ItemContent }> {
  const perDepartment = DEMO_CATALOGUE.map((department) => itemsOf(department.code, department.laws, department.kinds));
  const chosen: Array<{ code: string; content: ItemContent }> = [];
  for (let round = 0; chosen.length < DEMO_ITEM_COUNT; round++) {
    let took = false;
    for (const list of perDepartment) {
      const item = list[round];
      if (item && chosen.length < DEMO_ITEM_COUNT) {
        chosen.push(item);
        took = true;
      }
    }
    if (!took) throw new Error(`the demo catalogue has fewer than ${DEMO_ITEM_COUNT} items`);
  }
  return chosen;
}

function itemsOf(
  departmentCode: string,
  laws: readonly string[],
  kinds: readonly string[],
): Array<{ code: string; content: ItemContent }> {
  const departmentNumber = departmentCode.slice(1);
  const creditCode = creditCodeOf(Number(departmentNumber));
  return kinds.flatMap((line, kindIndex) => {
    const [nameZh, nameEn, typeLetter, applicant, resultKind, resultZh, resultEn, days, variantSet] = line.split(
      '|',
    ) as [string, string, string, string, string, string, string, string, string];
    const type = TYPE_OF[typeLetter]!;
    const variants = VARIANTS[variantSet]!;
    return variants.map((variant, variantIndex) => {
      const sub = variantSet === 'one' ? 0 : variantIndex + 1;
      const code = `${creditCode}-${ITEM_TYPES[type].typeCode}${departmentNumber}${pad(kindIndex + 1, 3)}${pad(sub, 3)}`;
      const statutory = Number(days);
      const seed = hash(code);
      const detailed = kindIndex === 0 && variantIndex === 0;
      const names = variantNames(nameZh, nameEn, variant, variantSet);
      const person = applicant === 'p';
      const cancels = variant.key === 'cancel';
      const content: ItemContent = {
        nameZh: names.zh,
        nameEn: names.en,
        type,
        departmentCode,
        legalBasis: laws.length > 1 && seed % 2 === 0 ? [laws[0]!, laws[1 + (seed % (laws.length - 1))]!] : [laws[0]!],
        conditions: conditionsOf(type, person, laws[0]!, variant.key),
        materials: materialsOf(person, type, variant.key, names.zh, detailed),
        statutoryLimitDays: statutory,
        promisedLimitDays: statutory === 0 ? 0 : Math.max(1, Math.floor(statutory * [0.3, 0.5, 0.5, 1][seed % 4]!)),
        fees: feesOf(nameZh, variant.key),
        channels: channelsOf(departmentCode, type, person, seed),
        result: cancels
          ? { kind: 'decision', nameZh: '准予注销通知书', nameEn: 'Notice of approved cancellation' }
          : { kind: resultKind === 'c' ? 'certificate' : 'decision', nameZh: resultZh, nameEn: resultEn },
        form: detailed ? detailedForm(person) : basicForm(person),
      };
      return { code, content };
    });
  });
}

function variantNames(nameZh: string, nameEn: string, variant: Variant, set: string): { zh: string; en: string } {
  if (set !== 'reg3') return { zh: `${nameZh}${variant.zh}`, en: `${nameEn}${variant.en}` };
  // 犬只登记 → 犬只登记 / 犬只变更登记 / 犬只注销登记; 养老机构备案 → …备案 / …变更备案 / …注销备案;
  // 有限责任公司 → 有限责任公司设立登记 / 变更登记 / 注销登记.
  for (const suffix of ['登记', '备案']) {
    if (nameZh.endsWith(suffix)) {
      const stem = nameZh.slice(0, -suffix.length);
      const zh = variant.key === 'new' ? nameZh : `${stem}${variant.key === 'change' ? '变更' : '注销'}${suffix}`;
      const en =
        variant.key === 'new' ? nameEn : `${nameEn}${variant.key === 'change' ? ': change' : ': cancellation'}`;
      return { zh, en };
    }
  }
  return { zh: `${nameZh}${variant.zh}`, en: `${nameEn}${variant.en}` };
}

function conditionsOf(type: ItemType, person: boolean, law: string, variant: string): string {
  if (variant === 'cancel')
    return `持有有效的许可或登记证件，申请终止相关活动，且无未办结的${person ? '事项' : '债权债务和行政处罚'}。`;
  if (variant === 'reissue' || variant === 'damaged') return '原证件遗失或损坏，且仍在有效期内。';
  if (variant === 'change') return '原证件在有效期内，登记或许可事项发生变化。';
  if (variant === 'renew') return '原证件有效期届满前，持证人仍符合原许可或登记条件，需要继续从事相关活动。';
  switch (type) {
    case 'administrative_payment':
      return `申请人为本区户籍居民或符合规定的常住人员，家庭收入、财产等情况符合${law}和本区公布的标准。`;
    case 'administrative_licence':
      return person
        ? `申请人具有完全民事行为能力，具备${law}规定的条件。`
        : `申请人为依法设立的企业或其他组织，具有与申请事项相适应的场所、设施、设备和专业人员，符合${law}规定的条件。`;
    case 'administrative_levy':
      return `依照${law}负有缴纳义务的${person ? '个人' : '单位'}。`;
    default:
      return person
        ? `申请人为本区户籍居民或持有本区居住证的人员，符合${law}规定的条件。`
        : `申请人为在本区登记的企业、事业单位或社会组织，符合${law}规定的条件。`;
  }
}

function material(nameZh: string, nameEn: string, form: 'original' | 'copy', extra: Partial<Material> = {}): Material {
  return {
    nameZh,
    nameEn,
    form,
    copies: 1,
    electronicAccepted: true,
    required: true,
    sampleSha256: null,
    note: null,
    ...extra,
  };
}

function materialsOf(person: boolean, type: ItemType, variant: string, nameZh: string, detailed: boolean): Material[] {
  const materials: Material[] = [
    material(`${nameZh}申请表`, 'Application form', 'original', { note: '可在线填写 / can be filled in online' }),
  ];
  if (person) {
    materials.push(
      material('居民身份证', 'Resident identity card', 'original', {
        copies: 0,
        electronicAccepted: false,
        note: '窗口核验原件，不收取 / checked at the window, not kept',
      }),
    );
  } else {
    materials.push(
      material('营业执照或统一社会信用代码证书', 'Business licence or credit code certificate', 'copy', {
        note: '已共享的可免于提交 / not needed when shared electronically',
      }),
      material('法定代表人（负责人）身份证明', 'Identity of the legal representative', 'copy'),
    );
  }
  materials.push(
    material('授权委托书及受托人身份证件', 'Power of attorney and the agent’s identity document', 'original', {
      required: false,
      note: '委托他人办理时提交 / when an agent applies',
    }),
  );
  if (variant === 'renew' || variant === 'change' || variant === 'cancel' || variant === 'damaged') {
    materials.push(material('原证件', 'The current certificate', 'original', { electronicAccepted: false }));
  }
  if (variant === 'reissue') materials.push(material('遗失情况说明', 'Statement of loss', 'original'));
  if (variant === 'change') materials.push(material('变更事项的证明材料', 'Evidence of the change', 'copy'));
  if (detailed) {
    if (type === 'administrative_licence' && !person) {
      materials.push(
        material('经营场所使用证明（产权证明或租赁合同）', 'Proof of the right to use the premises', 'copy'),
        material('主要设施设备清单', 'List of main facilities and equipment', 'original'),
        material('专业技术人员名单及资格证明', 'Professional staff and their qualifications', 'copy', { copies: 2 }),
        material('管理制度文本', 'Management rules', 'original', { required: false }),
      );
    } else if (type === 'administrative_payment') {
      materials.push(
        material('家庭成员收入证明', 'Proof of the household’s income', 'original'),
        material('家庭经济状况核对授权书', 'Authorisation to check the household’s finances', 'original', {
          electronicAccepted: false,
        }),
        material('银行账户信息', 'Bank account details', 'copy'),
      );
    } else {
      materials.push(
        material('户口簿或居住证', 'Household register or residence permit', 'copy', { required: person }),
        material('相关证明材料', 'Supporting evidence', 'copy', { copies: 2, required: false }),
      );
    }
  }
  return materials;
}

/** The fees set by national documents for the demo's kinds; everything else is free (empty). */
function feesOf(nameZh: string, variant: string): ItemContent['fees'] {
  if (nameZh === '居民身份证') {
    return [
      {
        nameZh: '居民身份证工本费',
        nameEn: 'Identity card production fee',
        amountFen: variant === 'reissue' ? 4000 : 2000,
        basis: '《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）',
      },
    ];
  }
  if (nameZh === '临时居民身份证申领') {
    return [
      {
        nameZh: '临时居民身份证工本费',
        nameEn: 'Temporary identity card production fee',
        amountFen: 1000,
        basis: '《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）',
      },
    ];
  }
  if (nameZh === '普通护照') {
    return [
      {
        nameZh: '普通护照工本费',
        nameEn: 'Ordinary passport fee',
        amountFen: 12000,
        basis: '《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格〔2019〕914号）',
      },
    ];
  }
  if (nameZh.startsWith('国有建设用地使用权及房屋所有权') || nameZh.startsWith('不动产抵押权')) {
    return [
      {
        nameZh: '不动产登记费（住宅）',
        nameEn: 'Real estate registration fee (housing)',
        amountFen: 8000,
        basis: '《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）',
      },
    ];
  }
  return [];
}

function channelsOf(departmentCode: string, type: ItemType, person: boolean, seed: number): ItemContent['channels'] {
  // Licences and rulings need the file read and, often, the site seen: online application, then
  // the district centre. Most else for people can be done online, at any centre.
  const online = type === 'administrative_ruling' ? false : seed % 5 !== 0;
  if (departmentCode === 'D16' && person) return { online, anyCentre: false, centreCodes: TOWN_CENTRES };
  if (person && NEAR_HOME_DEPARTMENTS.has(departmentCode)) return { online, anyCentre: true, centreCodes: [] };
  if (person) return { online, anyCentre: seed % 3 !== 0, centreCodes: seed % 3 !== 0 ? [] : ['C00'] };
  return { online: online || type === 'administrative_levy', anyCentre: false, centreCodes: ['C00'] };
}

const APPLICANT_PERSON = {
  name: { type: 'string', title: '申请人姓名', 'x-title-en': 'Applicant’s name', maxLength: 50 },
  idNumber: {
    type: 'string',
    title: '公民身份号码',
    'x-title-en': 'Resident identity number',
    description: '18 位，末位可为 X',
    'x-description-en': '18 characters; the last may be X',
    pattern: '^[0-9]{17}[0-9X]$',
  },
  phone: {
    type: 'string',
    title: '联系电话',
    'x-title-en': 'Phone',
    description: '11 位手机号码',
    'x-description-en': 'An 11-digit mobile number',
    pattern: '^1[3-9][0-9]{9}$',
  },
};

const APPLICANT_ORGANISATION = {
  organisationName: { type: 'string', title: '单位名称', 'x-title-en': 'Organisation name', maxLength: 100 },
  creditCode: {
    type: 'string',
    title: '统一社会信用代码',
    'x-title-en': 'Unified social credit code',
    description: '18 位',
    'x-description-en': '18 characters',
    pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$',
  },
  contactName: { type: 'string', title: '联系人', 'x-title-en': 'Contact person', maxLength: 50 },
  phone: APPLICANT_PERSON.phone,
};

const SCHEMA = 'https://json-schema.org/draft/2020-12/schema';
const DELIVERY = {
  type: 'string',
  title: '结果领取方式',
  'x-title-en': 'How to receive the result',
  enum: ['窗口领取', '邮寄送达', '电子证照'],
};

function basicForm(person: boolean): Record<string, unknown> {
  return person
    ? { $schema: SCHEMA, type: 'object', required: ['name', 'idNumber', 'phone'], properties: APPLICANT_PERSON }
    : {
        $schema: SCHEMA,
        type: 'object',
        required: ['organisationName', 'creditCode', 'contactName', 'phone'],
        properties: APPLICANT_ORGANISATION,
      };
}

function detailedForm(person: boolean): Record<string, unknown> {
  if (person) {
    return {
      $schema: SCHEMA,
      type: 'object',
      required: ['applicant', 'delivery'],
      properties: {
        applicant: {
          type: 'object',
          title: '申请人信息',
          'x-title-en': 'Applicant',
          required: ['name', 'idNumber', 'phone'],
          properties: {
            ...APPLICANT_PERSON,
            sex: { type: 'string', title: '性别', 'x-title-en': 'Sex', enum: ['男', '女'] },
            birthDate: { type: 'string', format: 'date', title: '出生日期', 'x-title-en': 'Date of birth' },
            address: { type: 'string', title: '现住址', 'x-title-en': 'Current address', maxLength: 200 },
          },
        },
        householdSize: {
          type: 'integer',
          title: '家庭人口数',
          'x-title-en': 'People in the household',
          minimum: 1,
          maximum: 20,
        },
        byAgent: { type: 'boolean', title: '委托他人代办', 'x-title-en': 'An agent applies for me' },
        agent: {
          type: 'object',
          title: '代办人信息',
          'x-title-en': 'Agent',
          description: '委托他人代办时填写',
          'x-description-en': 'Only when an agent applies',
          properties: {
            name: { type: 'string', title: '代办人姓名', 'x-title-en': 'Agent’s name', maxLength: 50 },
            idNumber: {
              ...APPLICANT_PERSON.idNumber,
              title: '代办人公民身份号码',
              'x-title-en': 'Agent’s identity number',
            },
          },
        },
        delivery: DELIVERY,
        remarks: { type: 'string', title: '备注', 'x-title-en': 'Remarks', maxLength: 500 },
      },
    };
  }
  return {
    $schema: SCHEMA,
    type: 'object',
    required: ['organisation', 'contact', 'delivery'],
    properties: {
      organisation: {
        type: 'object',
        title: '申请单位',
        'x-title-en': 'Applying organisation',
        required: ['organisationName', 'creditCode', 'legalRepresentative'],
        properties: {
          organisationName: APPLICANT_ORGANISATION.organisationName,
          creditCode: APPLICANT_ORGANISATION.creditCode,
          legalRepresentative: {
            type: 'string',
            title: '法定代表人（负责人）',
            'x-title-en': 'Legal representative',
            maxLength: 50,
          },
          address: { type: 'string', title: '住所（经营场所）', 'x-title-en': 'Registered address', maxLength: 200 },
          registeredCapital: {
            type: 'number',
            title: '注册资本（万元）',
            'x-title-en': 'Registered capital (10,000 yuan)',
            minimum: 0,
          },
          employees: { type: 'integer', title: '从业人员数', 'x-title-en': 'Employees', minimum: 0 },
        },
      },
      contact: {
        type: 'object',
        title: '联系人',
        'x-title-en': 'Contact',
        required: ['contactName', 'phone'],
        properties: {
          contactName: APPLICANT_ORGANISATION.contactName,
          phone: APPLICANT_ORGANISATION.phone,
          email: { type: 'string', format: 'email', title: '电子邮箱', 'x-title-en': 'Email' },
        },
      },
      startDate: { type: 'string', format: 'date', title: '拟开展活动日期', 'x-title-en': 'Planned start date' },
      delivery: DELIVERY,
    },
  };
}

/** A fictitious but well-formed credit code for demo department `n`: 机关 (1, 1), division 110105. */
function creditCodeOf(n: number): string {
  const organisation = `MB${pad(n, 6)}`;
  const first17 = `11110105${organisation}${organisationCodeCheckCharacter(organisation)}`;
  return `${first17}${creditCodeCheckCharacter(first17)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A small stable hash, so the demo varies (online or not, promised limits) the same way every time. */
function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
