import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import type { Actor } from '../../platform/authorization.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { upsertOrgUnits } from '../directory/index.js';
import { createCodeList, getCodeList, replaceCodeListEntries } from './code-list.service.js';
import { createDataElement } from './data-element.service.js';
import { MAX_SCHEMA_BYTES } from './standard.js';
import {
  BreakingChangeError,
  compatibilityReport,
  createDraft,
  createStandard,
  deprecateVersion,
  getStandard,
  listStandards,
  publishVersion,
  updateDraft,
} from './standard.service.js';
import { payloadValidator, publishedStandard } from './standard-validator.js';

const policy = grantTablePolicy({
  admin: { 'exchange.manage': ['XX'], 'exchange.read': ['XX'] },
  d1: { 'exchange.manage': ['XD1'], 'exchange.read': ['XD1'] },
  reader: { 'exchange.read': ['XD2'] },
});
const deps = { policy };
const ADMIN: Actor = { type: 'user', id: 'admin' };
const D1: Actor = { type: 'user', id: 'd1' };
const READER: Actor = { type: 'user', id: 'reader' };
const NOBODY: Actor = { type: 'user', id: 'nobody' };
const MEMBER: Actor = { type: 'machine', id: 'hospital-his' };

let test: TestDatabase;
const db = () => test.database.kysely;

const auditCount = async (action: string) => {
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from platform.audit_log where action = ${action}`.execute(db());
  return Number(rows[0]!.n);
};
const countOf = async (table: string) => {
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db());
  return Number(rows[0]!.n);
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

const schemaV1 = {
  type: 'object',
  required: ['idNumber', 'sex'],
  properties: {
    idNumber: { type: 'string', pattern: '^[0-9]{17}[0-9X]$', 'x-data-element': 'DE00001' },
    sex: { type: 'string', 'x-code-list': 'gb-t-2261.1' },
    name: { type: 'string', maxLength: 50 },
  },
  additionalProperties: false,
};

beforeAll(async () => {
  test = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
  await createCodeList(
    db(),
    ADMIN,
    {
      source: 'GB/T 2261.1',
      nameZh: '人的性别代码',
      nameEn: 'Sex of human',
      entries: [
        { value: '1', labelZh: '男性', labelEn: 'Male', parentValue: null },
        { value: '2', labelZh: '女性', labelEn: 'Female', parentValue: null },
      ],
    },
    deps,
  );
  await createCodeList(
    db(),
    ADMIN,
    {
      source: 'GB/T 2260',
      nameZh: '行政区划代码',
      nameEn: 'Divisions',
      entries: [{ value: '110000', labelZh: '北京市', labelEn: null, parentValue: null }],
    },
    deps,
  );
  await createDataElement(
    db(),
    ADMIN,
    { id: 'DE00001', nameZh: '公民身份号码', nameEn: 'Resident identity number', dataType: 'string' },
    deps,
  );
  await createDataElement(
    db(),
    ADMIN,
    { id: 'DE00003', nameZh: '性别代码', nameEn: 'Sex code', dataType: 'string', codeListId: 'gb-t-2261.1' },
    deps,
  );
});
afterAll(() => test.drop());

describe('creating standards', () => {
  it('creates a standard owned by a unit the actor manages, and audits it', async () => {
    const standard = await createStandard(
      db(),
      D1,
      {
        code: 'student-basic',
        nameZh: ' 学生基本信息 ',
        nameEn: 'Student basic information',
        ownerOrgUnitCode: 'XD1',
        classification: 'sensitive',
      },
      deps,
    );
    expect(standard).toMatchObject({
      code: 'student-basic',
      nameZh: '学生基本信息',
      classification: 'sensitive',
      versions: [],
    });
    expect(await auditCount('exchange.standard.create')).toBe(1);
  });

  it('lists every bad field at once and writes nothing', async () => {
    const before = await countOf('exchange.standard');
    const error = await rejection(
      createStandard(
        db(),
        ADMIN,
        {
          code: 'Bad_Code',
          nameZh: '',
          nameEn: 'x'.repeat(201),
          ownerOrgUnitCode: 'NOPE',
          classification: 'secret' as never,
        },
        deps,
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(fieldsOf(error)).toEqual([
      '/classification one_of',
      '/code pattern',
      '/nameEn too_long',
      '/nameZh required',
      '/ownerOrgUnitCode not_found',
    ]);
    expect(await countOf('exchange.standard')).toBe(before);
  });

  it('refuses a taken code, another department’s unit, and someone who manages nothing', async () => {
    const input = {
      code: 'student-basic',
      nameZh: '学',
      nameEn: 'S',
      ownerOrgUnitCode: 'XD1',
      classification: 'public' as const,
    };
    expect(fieldsOf(await rejection(createStandard(db(), ADMIN, input, deps)))).toEqual(['/code taken']);
    expect(
      await rejection(createStandard(db(), D1, { ...input, code: 'x', ownerOrgUnitCode: 'XD2' }, deps)),
    ).toBeInstanceOf(ForbiddenError);
    expect(
      await rejection(createStandard(db(), NOBODY, { ...input, code: 'y', ownerOrgUnitCode: 'NOPE' }, deps)),
    ).toBeInstanceOf(ForbiddenError);
  });
});

describe('drafts', () => {
  beforeAll(async () => {
    await createStandard(
      db(),
      ADMIN,
      { code: 'resident', nameZh: '居民', nameEn: 'Resident', ownerOrgUnitCode: 'XD1', classification: 'sensitive' },
      deps,
    );
  });

  it('refuses a schema that fails the meta-schema, strict mode or our rules, naming each problem', async () => {
    const cases: Array<[unknown, string[]]> = [
      ['not a schema', ['/schema not_object']],
      [{ type: 'array' }, ['/schema/type root_not_object']],
      [{ type: 'object', properties: { a: { type: 'strin' } } }, ['/schema/properties/a/type meta_schema']],
      [{ type: 'object', properties: { a: { type: 'string', maxLenght: 3 } } }, ['/schema strict']],
      [
        { type: 'object', properties: { a: { $ref: 'https://example.com/person.json' } } },
        ['/schema/properties/a/$ref remote_ref'],
      ],
      [
        { type: 'object', properties: { a: { type: 'string', 'x-data-element': 'DE09999', 'x-code-list': 'nope' } } },
        [
          '/schema/properties/a/x-code-list unknown_code_list',
          '/schema/properties/a/x-data-element unknown_data_element',
        ],
      ],
      [{ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' }, ['/schema/$schema dialect']],
      [
        {
          type: 'object',
          properties: { a: { type: 'string', 'x-data-element': 'DE00003', 'x-code-list': 'gb-t-2260' } },
        },
        ['/schema/properties/a/x-code-list code_list_mismatch'],
      ],
      [
        { type: 'object', properties: { a: { type: 'string', 'x-data-element': 'DE09999', format: 'postcode' } } },
        ['/schema strict', '/schema/properties/a/x-data-element unknown_data_element'],
      ],
      [{ type: 'object', description: 'x'.repeat(MAX_SCHEMA_BYTES) }, ['/schema too_large']],
    ];
    for (const [schema, expected] of cases) {
      const error = await rejection(createDraft(db(), ADMIN, 'resident', { schema }, deps));
      expect(error, JSON.stringify(expected)).toBeInstanceOf(ValidationError);
      expect(fieldsOf(error)).toEqual(expected);
    }
    expect((await getStandard(db(), ADMIN, 'resident', deps)).versions).toEqual([]);
  });

  it('creates version 1 as a draft, one draft at a time, changeable until published', async () => {
    const draft = await createDraft(db(), D1, 'resident', { schema: { type: 'object' }, changeNote: '初稿' }, deps);
    expect(draft).toMatchObject({ version: 1, status: 'draft', publishedAt: null });
    const again = await rejection(createDraft(db(), ADMIN, 'resident', { schema: schemaV1 }, deps));
    expect(again).toBeInstanceOf(ConflictError);
    expect((again as ConflictError).code).toBe('exchange.draft_exists');
    const updated = await updateDraft(db(), D1, 'resident', 1, { schema: schemaV1 }, deps);
    expect(updated.schema).toEqual(schemaV1);
    expect(updated.changeNote).toBeNull();
    expect(await rejection(updateDraft(db(), READER, 'resident', 1, { schema: schemaV1 }, deps))).toBeInstanceOf(
      ForbiddenError,
    );
    expect(await rejection(updateDraft(db(), ADMIN, 'resident', 7, { schema: schemaV1 }, deps))).toBeInstanceOf(
      NotFoundError,
    );
  });

  it('publishes version 1, after which it never changes', async () => {
    expect(await publishedStandard(db(), 'resident', 1)).toBeUndefined();
    expect(await payloadValidator(db(), 'resident', 1)).toBeUndefined();
    const { version, report } = await publishVersion(db(), ADMIN, 'resident', 1, {}, deps);
    expect(version).toMatchObject({ status: 'published', breaking: false });
    expect(version.publishedAt).toBeInstanceOf(Date);
    expect(report).toEqual({
      standardCode: 'resident',
      version: 1,
      previousVersion: null,
      breaking: false,
      changes: [],
    });
    expect(await publishedStandard(db(), 'resident', 1)).toMatchObject({
      code: 'resident',
      version: 1,
      classification: 'sensitive',
      ownerOrgUnitCode: 'XD1',
      schema: schemaV1,
    });

    const changed = await rejection(updateDraft(db(), ADMIN, 'resident', 1, { schema: { type: 'object' } }, deps));
    expect((changed as ConflictError).code).toBe('exchange.version_immutable');
    const twice = await rejection(publishVersion(db(), ADMIN, 'resident', 1, {}, deps));
    expect((twice as ConflictError).code).toBe('exchange.version_immutable');
    // Whoever writes to the table directly is stopped too.
    await expect(
      sql`update exchange.standard_version set schema = '{"type":"object"}' where standard_code = 'resident'`.execute(
        db(),
      ),
    ).rejects.toThrow(/fixed/);
    expect(await auditCount('exchange.standard_version.publish')).toBe(1);
  });

  it('validates payloads with the code list, naming fields under /data and never their values', async () => {
    const validate = (await payloadValidator(db(), 'resident', 1))!;
    expect(validate({ idNumber: '11010519491231002X', sex: '2' })).toEqual([]);
    const errors = validate({ idNumber: 'ABC', sex: '3', unknown: 'x' });
    expect(errors.map((error) => `${error.pointer} ${error.reason}`).sort()).toEqual([
      '/data/idNumber pattern',
      '/data/sex not_in_code_list',
      '/data/unknown unknown_field',
    ]);
    expect(JSON.stringify(errors)).not.toContain('ABC');
    expect(validate({}).map((error) => error.pointer)).toEqual(['/data/idNumber', '/data/sex']);
  });

  it('compiles a validator once and keeps returning it, with code list changes seen at once', async () => {
    const first = await payloadValidator(db(), 'resident', 1);
    expect(await payloadValidator(db(), 'resident', 1)).toBe(first);
    expect(await publishedStandard(db(), 'resident', 1)).toBe(await publishedStandard(db(), 'resident', 1));
    expect(first!({ idNumber: '11010519491231002X', sex: '9' })).toHaveLength(1);
    await replaceCodeListEntries(
      db(),
      ADMIN,
      'gb-t-2261.1',
      [
        { value: '1', labelZh: '男性', labelEn: 'Male', parentValue: null },
        { value: '2', labelZh: '女性', labelEn: 'Female', parentValue: null },
        { value: '9', labelZh: '未说明的性别', labelEn: 'Not stated', parentValue: null },
      ],
      deps,
    );
    expect(await payloadValidator(db(), 'resident', 1)).toBe(first);
    expect(first!({ idNumber: '11010519491231002X', sex: '9' })).toEqual([]);
  });
});

describe('publishing the next version', () => {
  it('refuses a breaking version without acknowledgement, with the report, and changes nothing', async () => {
    const next = structuredClone(schemaV1) as typeof schemaV1 & { required: string[] };
    delete (next.properties as Record<string, unknown>).name;
    next.required = ['idNumber', 'sex', 'birthDate'];
    (next.properties as Record<string, unknown>).birthDate = { type: 'string', format: 'date' };
    await createDraft(db(), ADMIN, 'resident', { schema: next }, deps);

    const draftReport = await compatibilityReport(db(), READER, 'resident', 2, deps);
    expect(draftReport).toMatchObject({ previousVersion: 1, breaking: true });

    const error = await rejection(publishVersion(db(), ADMIN, 'resident', 2, {}, deps));
    expect(error).toBeInstanceOf(BreakingChangeError);
    const report = (error as BreakingChangeError).report;
    expect(report.changes.map((change) => `${change.breaking ? '!' : ' '} ${change.change} ${change.path}`)).toEqual([
      '! property_removed /name',
      '! property_required /birthDate',
      '  property_added /birthDate',
    ]);
    expect((await getStandard(db(), ADMIN, 'resident', deps)).versions.map((version) => version.status)).toEqual([
      'published',
      'draft',
    ]);
    expect(await auditCount('exchange.standard_version.publish')).toBe(1);

    const { version } = await publishVersion(db(), ADMIN, 'resident', 2, { acknowledgeBreaking: true }, deps);
    expect(version).toMatchObject({ status: 'published', breaking: true });
    expect(version.compatibility).toHaveLength(3);
    const { rows } = await sql<{ details: Record<string, unknown> }>`
      select details from platform.audit_log where action = 'exchange.standard_version.publish' order by seq desc limit 1`.execute(
      db(),
    );
    expect(rows[0]!.details).toMatchObject({ version: 2, breaking: true, acknowledgedBreaking: true });
    expect(await compatibilityReport(db(), MEMBER, 'resident', 2, deps)).toEqual({ ...report, breaking: true });
  });

  it('publishes a compatible version without asking', async () => {
    const v3 = await createDraft(
      db(),
      ADMIN,
      'resident',
      { schema: { ...schemaV1, additionalProperties: true } },
      deps,
    );
    expect(v3.version).toBe(3);
    // v3 against v2: name is back (added), birthDate gone (breaking): make v3 compatible with v2 instead.
    const v2 = (await publishedStandard(db(), 'resident', 2))!.schema as Record<string, unknown>;
    await updateDraft(db(), ADMIN, 'resident', 3, { schema: { ...structuredClone(v2), description: '说明' } }, deps);
    const { report } = await publishVersion(db(), ADMIN, 'resident', 3, {}, deps);
    expect(report).toMatchObject({ previousVersion: 2, breaking: false, changes: [] });
  });

  it('deprecates a published version, which stays valid', async () => {
    const version = await deprecateVersion(db(), ADMIN, 'resident', 1, deps);
    expect(version.status).toBe('deprecated');
    expect(((await rejection(deprecateVersion(db(), ADMIN, 'resident', 1, deps))) as ConflictError).code).toBe(
      'exchange.version_not_published',
    );
    expect(await publishedStandard(db(), 'resident', 1)).toBeDefined();
    expect(await auditCount('exchange.standard_version.deprecate')).toBe(1);
  });
});

describe('the catalogue', () => {
  it('is open to staff with exchange.read anywhere and to registered systems, closed to others', async () => {
    const codes = async (actor: Actor) => (await listStandards(db(), actor, {}, deps)).map((standard) => standard.code);
    expect(await codes(READER)).toEqual(['resident', 'student-basic']);
    expect(await codes(MEMBER)).toEqual(['resident', 'student-basic']);
    expect(await rejection(codes(NOBODY))).toBeInstanceOf(ForbiddenError);
    expect(
      (await listStandards(db(), READER, { classification: 'sensitive', ownerOrgUnitCode: 'XD1' }, deps)).length,
    ).toBe(2);
  });
});

describe('code lists', () => {
  it('lists every bad entry at once and writes nothing', async () => {
    const error = await rejection(
      replaceCodeListEntries(
        db(),
        ADMIN,
        'gb-t-2261.1',
        [
          { value: '1', labelZh: '男性', labelEn: null, parentValue: null },
          { value: '1', labelZh: '', labelEn: null, parentValue: null },
          { value: 'a', labelZh: 'A', labelEn: null, parentValue: 'b' },
          { value: 'b', labelZh: 'B', labelEn: null, parentValue: 'a' },
          { value: 'c', labelZh: 'C', labelEn: null, parentValue: 'zz' },
        ],
        deps,
      ),
    );
    expect(fieldsOf(error)).toEqual([
      '/entries/1/labelZh required',
      '/entries/1/value duplicate',
      '/entries/2/parentValue cycle',
      '/entries/3/parentValue cycle',
      '/entries/4/parentValue not_found',
    ]);
    expect((await getCodeList(db(), READER, 'gb-t-2261.1', deps)).entries).toHaveLength(3);
  });

  it('may be changed only by who manages the exchange at the root', async () => {
    const entries = [{ value: '1', labelZh: '男性', labelEn: null, parentValue: null }];
    expect(await rejection(replaceCodeListEntries(db(), D1, 'gb-t-2261.1', entries, deps))).toBeInstanceOf(
      ForbiddenError,
    );
    expect(
      await rejection(createCodeList(db(), D1, { source: 'GB/T 1', nameZh: '甲', nameEn: 'A', entries }, deps)),
    ).toBeInstanceOf(ForbiddenError);
    expect(await rejection(replaceCodeListEntries(db(), ADMIN, 'nope', entries, deps))).toBeInstanceOf(NotFoundError);
  });
});

describe('data elements', () => {
  it('refuses a bad id, an unknown code list and a taken id', async () => {
    const error = await rejection(
      createDataElement(
        db(),
        ADMIN,
        { id: 'E1', nameZh: '性别', nameEn: 'Sex', dataType: 'text' as never, codeListId: 'nope' },
        deps,
      ),
    );
    expect(fieldsOf(error)).toEqual(['/codeListId not_found', '/dataType one_of', '/id pattern']);
    const taken = await rejection(
      createDataElement(db(), ADMIN, { id: 'DE00001', nameZh: '号码', nameEn: 'Number', dataType: 'string' }, deps),
    );
    expect(fieldsOf(taken)).toEqual(['/id taken']);
  });
});
