import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { isValidCreditCode } from '../../platform/identifiers/credit-code.js';
import { seedDemoOrganisation } from '../directory/index.js';
import { DEMO_ITEM_COUNT, demoItems, seedDemoServices } from './demo-services.js';
import { ITEM_CODE_PATTERN, ITEM_TYPES } from './item.js';
import { listPublishedItems } from './item.service.js';
import { checkContent } from './item-content.js';
import { describeForm } from './item-form.js';

let test: TestDatabase;
const db = () => test.database.kysely;

beforeAll(async () => {
  test = await createTestDatabase();
  await seedDemoOrganisation(test.database);
});
afterAll(() => test.drop());

describe('the demo catalogue', () => {
  const items = demoItems();

  it('has 849 items with unique, well-formed codes whose type code matches the type', () => {
    expect(items).toHaveLength(DEMO_ITEM_COUNT);
    expect(new Set(items.map((item) => item.code)).size).toBe(DEMO_ITEM_COUNT);
    for (const { code, content } of items) {
      expect(code).toMatch(ITEM_CODE_PATTERN);
      expect(code.slice(19, 21)).toBe(ITEM_TYPES[content.type].typeCode);
      expect(isValidCreditCode(code.slice(0, 18))).toBe(true);
    }
  });

  it('passes every check an item written by staff passes, forms included', () => {
    const invalid = items
      .map(({ code, content }) => ({ code, errors: checkContent(content).errors }))
      .filter(({ errors }) => errors.length > 0);
    expect(invalid).toEqual([]);
  });

  it('has items in every demo department, with labelled form fields, and a few dozen in full detail', () => {
    const departments = new Set(items.map(({ content }) => content.departmentCode));
    expect([...departments].sort()).toEqual(Array.from({ length: 47 }, (_, i) => `D${String(i + 1).padStart(2, '0')}`));
    const detailed = items.filter(({ content }) => describeForm(content.form).some((field) => field.kind === 'group'));
    expect(detailed.length).toBeGreaterThanOrEqual(36);
    expect(detailed.every(({ content }) => content.materials.length >= 5)).toBe(true);
    for (const { content } of items) {
      for (const field of describeForm(content.form)) expect(field.titleZh).not.toBe(field.name);
    }
    const idCard = items.find(({ content }) => content.nameZh === '居民身份证丢失补领');
    expect(idCard?.content.fees).toEqual([expect.objectContaining({ amountFen: 4000 })]);
  });
});

describe('seeding', () => {
  it('publishes the 849 items once, and leaves them alone the second time', async () => {
    expect(await seedDemoServices(db())).toEqual({ created: DEMO_ITEM_COUNT, existing: 0 });
    expect(await seedDemoServices(db())).toEqual({ created: 0, existing: DEMO_ITEM_COUNT });
    const { rows } = await sql<{ status: string; n: string }>`
      select status, count(*) as n from services.item_version group by status`.execute(db());
    expect(rows.map((row) => [row.status, Number(row.n)])).toEqual([['published', DEMO_ITEM_COUNT]]);
    const page = await listPublishedItems(db(), { department: 'D07', q: '居民身份证' }, { limit: 10 });
    expect(page.items.map((item) => item.nameZh).sort()).toEqual(
      [
        '临时居民身份证申领',
        '居民身份证丢失补领',
        '居民身份证到期换领',
        '居民身份证损坏换领',
        '居民身份证首次申领',
      ].sort(),
    );
  });
});
