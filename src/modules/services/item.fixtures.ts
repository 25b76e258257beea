/** Service items for tests: valid content with sensible defaults over the test district (test/support/org-units.ts). */
import { ITEM_TYPES, type ItemContent, type ItemType } from './item.js';

/** The test district's handling body's credit code (fictitious, well-formed). */
const TEST_CREDIT_CODE = '11110105MB0000000X';

/**
 * An implementation code for the `n`th test item of a type.
 * @example itemCode(1) // '11110105MB0000000X-0100001000'
 */
export function itemCode(n: number, type: ItemType = 'administrative_licence'): string {
  return `${TEST_CREDIT_CODE}-${ITEM_TYPES[type].typeCode}${String(n).padStart(5, '0')}000`;
}

export const TEST_FORM = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['applicant', 'openingDate'],
  properties: {
    applicant: {
      type: 'object',
      title: '申请人',
      'x-title-en': 'Applicant',
      required: ['name'],
      properties: {
        name: { type: 'string', title: '姓名', 'x-title-en': 'Name', maxLength: 50 },
        phone: { type: 'string', title: '联系电话', description: '11 位手机号码', pattern: '^1[3-9][0-9]{9}$' },
      },
    },
    openingDate: { type: 'string', format: 'date', title: '开业日期', 'x-title-en': 'Opening date' },
    seats: { type: 'integer', title: '座位数', 'x-title-en': 'Seats', minimum: 0 },
    area: { type: 'number', title: '经营面积（平方米）', 'x-title-en': 'Floor area (m²)', minimum: 0 },
    category: { type: 'string', title: '经营类别', 'x-title-en': 'Category', enum: ['餐饮服务', '食品销售'] },
    chain: { type: 'boolean', title: '连锁经营', 'x-title-en': 'Part of a chain' },
  },
};

/**
 * A valid item content for department XD1; override what a test is about.
 * @example makeItemContent({ nameZh: '食品经营许可（变更）' })
 */
export function makeItemContent(overrides: Partial<ItemContent> = {}): ItemContent {
  return {
    nameZh: '食品经营许可（新办）',
    nameEn: 'Food business licence (new application)',
    type: 'administrative_licence',
    departmentCode: 'XD1',
    legalBasis: ['《中华人民共和国食品安全法》第三十五条'],
    conditions: '具有与经营的食品品种、数量相适应的经营场所。',
    materials: [
      {
        nameZh: '食品经营许可申请书',
        nameEn: 'Application',
        form: 'original',
        copies: 1,
        electronicAccepted: true,
        required: true,
        sampleSha256: null,
        note: null,
      },
    ],
    statutoryLimitDays: 20,
    promisedLimitDays: 10,
    fees: [],
    channels: { online: true, anyCentre: false, centreCodes: ['XC0'] },
    result: { kind: 'certificate', nameZh: '食品经营许可证', nameEn: 'Food business licence' },
    form: TEST_FORM,
    ...overrides,
  };
}
