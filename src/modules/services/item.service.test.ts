import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import type { Actor } from '../../platform/authorization.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { upsertOrgUnits } from '../directory/index.js';
import { itemCode, makeItemContent } from './item.fixtures.js';
import {
  createDraft,
  createItem,
  getItemVersion,
  getPublishedItem,
  listItemVersions,
  listPublishedItems,
  publishItemVersion,
  updateDraft,
  withdrawItem,
} from './item.service.js';

const policy = grantTablePolicy({
  admin: { 'services.manage': ['XX'] },
  d1: { 'services.manage': ['XD1'] },
  d2: { 'services.manage': ['XD2'] },
});
const deps = { policy };
const ADMIN: Actor = { type: 'user', id: 'admin' };
const D1: Actor = { type: 'user', id: 'd1' };
const D2: Actor = { type: 'user', id: 'd2' };
const NOBODY: Actor = { type: 'user', id: 'nobody' };

let test: TestDatabase;
const db = () => test.database.kysely;
const counts = async () => {
  const { rows } = await sql<{ items: string; versions: string; audits: string }>`
    select (select count(*) from services.item) as items, (select count(*) from services.item_version) as versions,
           (select count(*) from platform.audit_log where action like 'services.%') as audits`.execute(db());
  return rows[0]!;
};
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error,
  );
}
const fieldsOf = (error: unknown) =>
  (error as ValidationError).fields.map((field) => `${field.pointer} ${field.reason}`).sort();

beforeAll(async () => {
  test = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
});
afterAll(() => test.drop());

describe('creating an item', () => {
  it('creates version 1 as a draft, audited, not on the public list', async () => {
    const draft = await createItem(db(), D1, { code: itemCode(1), ...makeItemContent() }, deps);
    expect(draft).toMatchObject({ code: itemCode(1), version: 1, status: 'draft', departmentCode: 'XD1' });
    expect(draft.form).toEqual(makeItemContent().form);
    // The form's fields keep their order: it is the order people fill them in.
    expect(Object.keys(draft.form.properties as object)).toEqual(
      Object.keys(makeItemContent().form.properties as object),
    );
    expect((await listPublishedItems(db(), {})).total).toBe(0);
    await expect(getPublishedItem(db(), itemCode(1))).rejects.toBeInstanceOf(NotFoundError);
    const { rows } = await sql<{ actor_id: string }>`
      select actor_id from platform.audit_log where action = 'services.item.create'`.execute(db());
    expect(rows).toEqual([{ actor_id: 'd1' }]);
  });

  it('reports every bad field at once and writes nothing', async () => {
    const before = await counts();
    const error = await rejection(
      createItem(
        db(),
        ADMIN,
        {
          code: itemCode(2, 'public_service'),
          ...makeItemContent({
            nameZh: ' ',
            departmentCode: 'XC1',
            statutoryLimitDays: 5,
            promisedLimitDays: 9,
            legalBasis: [],
            channels: { online: false, anyCentre: true, centreCodes: ['XD2'] },
            materials: [{ ...makeItemContent().materials[0]!, form: 'scan' as never, sampleSha256: 'abc' }],
            fees: [{ nameZh: '工本费', nameEn: 'Fee', amountFen: -1, basis: '' }],
            form: { type: 'object', properties: { photo: { type: 'array', title: '照片' }, age: { type: 'integer' } } },
          }),
        },
        deps,
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(fieldsOf(error)).toEqual([
      '/channels/centreCodes with_any_centre',
      '/channels/centreCodes/0 not_found',
      '/code type_mismatch',
      '/departmentCode kind',
      '/fees/0/amountFen range',
      '/fees/0/basis required',
      '/form/properties/age/title required',
      '/form/properties/photo/type unsupported',
      '/legalBasis required',
      '/materials/0/form one_of',
      '/materials/0/sampleSha256 pattern',
      '/nameZh required',
      '/promisedLimitDays above_statutory',
    ]);
    expect(await counts()).toEqual(before);
  });

  it('refuses a form that is not a valid JSON Schema, and a taken or malformed code', async () => {
    const badSchema = await rejection(
      createItem(
        db(),
        D1,
        {
          code: itemCode(3),
          ...makeItemContent({
            form: { type: 'object', properties: { n: { type: 'string', title: '名', maxLength: -1 } } },
          }),
        },
        deps,
      ),
    );
    expect(fieldsOf(badSchema)).toEqual(['/form schema']);
    const taken = await rejection(createItem(db(), D1, { code: itemCode(1), ...makeItemContent() }, deps));
    expect(fieldsOf(taken)).toEqual(['/code taken']);
    const malformed = await rejection(createItem(db(), D1, { code: 'FOOD-1', ...makeItemContent() }, deps));
    expect(fieldsOf(malformed)).toEqual(['/code pattern']);
    expect(fieldsOf(await rejection(createItem(db(), D1, 'nonsense', deps)))).toContain(' type');
  });

  it('refuses another department’s administrator, and anyone without the permission', async () => {
    const before = await counts();
    const other = await rejection(createItem(db(), D2, { code: itemCode(4), ...makeItemContent() }, deps));
    expect(other).toBeInstanceOf(ForbiddenError);
    expect(other).toMatchObject({ params: { permission: 'services.manage', orgUnitCode: 'XD1' } });
    const unknownUnit = await rejection(
      createItem(db(), NOBODY, { code: itemCode(4), ...makeItemContent({ departmentCode: 'NOPE' }) }, deps),
    );
    expect(unknownUnit).toBeInstanceOf(ForbiddenError);
    expect(await counts()).toEqual(before);
  });
});

describe('versions', () => {
  const code = itemCode(10);

  it('publishes a draft, and the next publication supersedes it while it stays readable', async () => {
    await createItem(db(), D1, { code, ...makeItemContent({ nameZh: '小餐饮店登记' }) }, deps);
    const v1 = await publishItemVersion(db(), D1, code, 1, deps);
    expect(v1).toMatchObject({ status: 'published', version: 1 });
    expect(v1.publishedAt).toBeInstanceOf(Date);
    expect((await getPublishedItem(db(), code)).nameZh).toBe('小餐饮店登记');

    const v2 = await createDraft(db(), D1, code, undefined, deps);
    expect(v2).toMatchObject({ version: 2, status: 'draft', nameZh: '小餐饮店登记' });
    await expect(createDraft(db(), D1, code, undefined, deps)).rejects.toMatchObject({ code: 'services.draft_exists' });
    await updateDraft(
      db(),
      D1,
      code,
      2,
      makeItemContent({ nameZh: '小餐饮店登记（新办）', promisedLimitDays: 5 }),
      deps,
    );
    // The portal still shows version 1 until version 2 is published.
    expect((await getPublishedItem(db(), code)).version).toBe(1);
    await publishItemVersion(db(), D1, code, 2, deps);
    expect(await getPublishedItem(db(), code)).toMatchObject({ version: 2, promisedLimitDays: 5 });
    expect(await getItemVersion(db(), null, code, 1, deps)).toMatchObject({
      status: 'superseded',
      nameZh: '小餐饮店登记',
    });
    expect((await listItemVersions(db(), D1, code, deps)).map((v) => `${v.version} ${v.status}`)).toEqual([
      '1 superseded',
      '2 published',
    ]);
  });

  it('never changes a version that was published, not even by SQL', async () => {
    const error = await rejection(updateDraft(db(), D1, code, 1, makeItemContent(), deps));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'services.version_immutable' });
    await expect(publishItemVersion(db(), D1, code, 2, deps)).rejects.toMatchObject({
      code: 'services.version_immutable',
    });
    await expect(
      sql`update services.item_version set name_zh = 'x' where item_code = ${code} and version = 1`.execute(db()),
    ).rejects.toThrow(/content is fixed/);
  });

  it('withdraws an item from the portal, and a new version puts it back', async () => {
    const withdrawn = await withdrawItem(db(), D1, code, deps);
    expect(withdrawn).toMatchObject({ version: 2, status: 'withdrawn' });
    await expect(getPublishedItem(db(), code)).rejects.toBeInstanceOf(NotFoundError);
    expect((await getItemVersion(db(), null, code, 2, deps)).status).toBe('withdrawn');
    await expect(withdrawItem(db(), D1, code, deps)).rejects.toMatchObject({ code: 'services.not_published' });
    await createDraft(db(), D1, code, makeItemContent({ nameZh: '小餐饮店登记（新办）' }), deps);
    await publishItemVersion(db(), D1, code, 3, deps);
    expect((await getPublishedItem(db(), code)).version).toBe(3);
  });

  it('shows drafts only to those who manage the item', async () => {
    await createDraft(db(), D1, code, undefined, deps);
    expect((await getItemVersion(db(), ADMIN, code, 4, deps)).status).toBe('draft');
    await expect(getItemVersion(db(), null, code, 4, deps)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getItemVersion(db(), D2, code, 4, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listItemVersions(db(), D2, code, deps)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses another department’s administrator every write, and changes nothing', async () => {
    const before = await counts();
    // One at a time: started together, a refusal could come before its promise is awaited.
    for (const attempt of [
      () => updateDraft(db(), D2, code, 4, makeItemContent(), deps),
      () => publishItemVersion(db(), D2, code, 4, deps),
      () => withdrawItem(db(), D2, code, deps),
    ]) {
      expect(await rejection(attempt())).toBeInstanceOf(ForbiddenError);
    }
    expect(await counts()).toEqual(before);
  });

  it('moves an item to another department only for whoever manages both', async () => {
    const moved = makeItemContent({ departmentCode: 'XD2' });
    await expect(updateDraft(db(), D1, code, 4, moved, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await updateDraft(db(), ADMIN, code, 4, moved, deps);
    await publishItemVersion(db(), ADMIN, code, 4, deps);
    expect((await getPublishedItem(db(), code)).departmentCode).toBe('XD2');
    // From now on the item is XD2's.
    await expect(withdrawItem(db(), D1, code, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await withdrawItem(db(), D2, code, deps);
  });
});

describe('the public list', () => {
  beforeAll(async () => {
    const items = [
      {
        n: 20,
        nameZh: '食品经营许可（新办）',
        nameEn: 'Food business licence (new)',
        departmentCode: 'XD1',
        online: true,
        anyCentre: false,
        centreCodes: ['XC1'],
      },
      {
        n: 21,
        nameZh: '食品经营许可（变更）',
        nameEn: 'Food business licence (change)',
        departmentCode: 'XD1',
        online: false,
        anyCentre: true,
        centreCodes: [],
      },
      {
        n: 22,
        nameZh: '最低生活保障',
        nameEn: 'Minimum living allowance',
        departmentCode: 'XD2',
        online: true,
        anyCentre: false,
        centreCodes: ['XC0'],
      },
      {
        n: 23,
        nameZh: '临时救助 100%_',
        nameEn: 'Temporary assistance',
        departmentCode: 'XD2',
        online: false,
        anyCentre: false,
        centreCodes: ['XC2'],
      },
    ];
    for (const { n, nameZh, nameEn, departmentCode, ...channels } of items) {
      const type = departmentCode === 'XD2' ? 'administrative_payment' : 'administrative_licence';
      const code = itemCode(n, type);
      await createItem(
        db(),
        ADMIN,
        { code, ...makeItemContent({ nameZh, nameEn, departmentCode, type, channels }) },
        deps,
      );
      await publishItemVersion(db(), ADMIN, code, 1, deps);
    }
  });

  it('pages by department and name, with the total', async () => {
    const first = await listPublishedItems(db(), {}, { limit: 3, offset: 0 });
    expect(first.total).toBe(4);
    expect(first.items.map((item) => item.nameZh)).toEqual([
      '食品经营许可（变更）',
      '食品经营许可（新办）',
      '临时救助 100%_',
    ]);
    const second = await listPublishedItems(db(), {}, { limit: 3, offset: 3 });
    expect(second).toMatchObject({ total: 4, limit: 3, offset: 3 });
    expect(second.items.map((item) => item.nameZh)).toEqual(['最低生活保障']);
  });

  it('filters by name, department, type, online and centre', async () => {
    const names = async (filter: Parameters<typeof listPublishedItems>[1]) =>
      (await listPublishedItems(db(), filter)).items.map((item) => item.nameZh).sort();
    expect(await names({ q: '食品' })).toEqual(['食品经营许可（变更）', '食品经营许可（新办）']);
    expect(await names({ q: 'food BUSINESS' })).toHaveLength(2);
    // LIKE's wildcards are searched for as text.
    expect(await names({ q: '%_' })).toEqual(['临时救助 100%_']);
    expect(await names({ department: 'XD2' })).toEqual(['临时救助 100%_', '最低生活保障']);
    expect(await names({ type: 'administrative_payment', online: true })).toEqual(['最低生活保障']);
    expect(await names({ online: false })).toEqual(['临时救助 100%_', '食品经营许可（变更）']);
    expect(await names({ centre: 'XC1' })).toEqual(['食品经营许可（变更）', '食品经营许可（新办）']);
    expect(await names({ centre: 'XC2' })).toEqual(['临时救助 100%_', '食品经营许可（变更）']);
  });

  it('refuses a page out of range', async () => {
    const error = await rejection(listPublishedItems(db(), {}, { limit: 0, offset: -1 }));
    expect(fieldsOf(error)).toEqual(['/limit range', '/offset range']);
  });
});
