import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import type { Actor } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { upsertOrgUnits } from '../directory/index.js';
import { expressionCompilations } from './jsonata-expression.js';
import {
  deleteMapping,
  dryRunMapping,
  inboundMapping,
  listMappings,
  type MappingKey,
  outboundMapping,
  saveMapping,
} from './mapping.service.js';

/** 人口基本信息 as a population system of the 公安 sends it. */
const RKXX = `<?xml version="1.0" encoding="UTF-8"?>
<RKXX>
  <XM>张三</XM>
  <GMSFHM>11010519491231002X</GMSFHM>
  <XB>1</XB>
  <CSRQ>19491231</CSRQ>
  <MZ>01</MZ>
  <HJDZ XZQHDM="110105">北京市朝阳区某街道一号</HJDZ>
  <LXDH>01012345678</LXDH>
  <LXDH>13800000000</LXDH>
</RKXX>`;

const INBOUND = `RKXX.{
  "name": XM,
  "idNumber": GMSFHM,
  "sex": XB,
  "birthDate": $substring(CSRQ, 0, 4) & "-" & $substring(CSRQ, 4, 2) & "-" & $substring(CSRQ, 6, 2),
  "ethnicity": MZ,
  "domicile": { "divisionCode": HJDZ.\`@_XZQHDM\`, "address": HJDZ.\`#text\` },
  "phones": [LXDH]
}`;

/** A 民政 system takes population records as CSV rows. */
const OUTBOUND = `{
  "SFZH": idNumber,
  "XM": name,
  "XB": sex = "1" ? "男" : sex = "2" ? "女" : "未知",
  "HJDZ": domicile.address,
  "LXDH": $join(phones, ";")
}`;

const POPULATION_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['name', 'idNumber', 'sex'],
  properties: {
    name: { type: 'string', minLength: 1 },
    idNumber: { type: 'string', pattern: '^[0-9]{17}[0-9X]$' },
    sex: { enum: ['0', '1', '2', '9'] },
    birthDate: { type: 'string', format: 'date' },
    ethnicity: { type: 'string' },
    domicile: { type: 'object' },
    phones: { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: false,
};

let testDb: TestDatabase;
const db = () => testDb.database.kysely;
const policy = grantTablePolicy({
  'admin-xd1': { 'exchange.manage': ['XD1'], 'exchange.read': ['XD1'] },
  'reader-xx': { 'exchange.read': ['XX'] },
  'admin-xd2': { 'exchange.manage': ['XD2'], 'exchange.read': ['XD2'] },
});
const admin: Actor = { type: 'user', id: 'admin-xd1' };
const reader: Actor = { type: 'user', id: 'reader-xx' };
const stranger: Actor = { type: 'user', id: 'admin-xd2' };
const gaj: Actor = { type: 'machine', id: 'gaj-rkxt' };
const inbound: MappingKey = {
  memberId: 'gaj-rkxt',
  standardCode: 'population-basic',
  standardVersion: 1,
  direction: 'inbound',
};
const outbound: MappingKey = { ...inbound, memberId: 'mzj-dbxt', direction: 'outbound' };

beforeAll(async () => {
  testDb = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
  await insertStandard(db(), 'population-basic', 'XD2', [
    { version: 1, status: 'published', schema: POPULATION_SCHEMA },
    { version: 2, status: 'draft', schema: POPULATION_SCHEMA },
  ]);
  await insertMember(db(), 'gaj-rkxt', 'XD1');
  await insertMember(db(), 'mzj-dbxt', 'XD1');
});
afterAll(() => testDb.drop());

describe('saveMapping', () => {
  it('saves a mapping, audits it, and bumps the revision when it is replaced', async () => {
    const first = await saveMapping(
      db(),
      admin,
      { policy },
      inbound,
      { format: 'xml', expression: 'RKXX.{ "name": XM }' },
      { requestId: 'r-1' },
    );
    expect(first.created).toBe(true);
    expect(first.mapping).toMatchObject({
      ...inbound,
      format: 'xml',
      revision: 1,
      options: {},
      updatedBy: 'user:admin-xd1',
    });
    const second = await saveMapping(db(), admin, { policy }, inbound, { format: 'xml', expression: INBOUND });
    expect(second).toMatchObject({ created: false, mapping: { revision: 2, expression: INBOUND } });
    const { entries } = await listAudit(db(), { targetType: 'exchange_mapping', limit: 10 });
    expect(entries.map((entry) => entry.action)).toEqual(['exchange.mapping.save', 'exchange.mapping.save']);
    expect(entries[1]).toMatchObject({
      requestId: 'r-1',
      targetId: 'gaj-rkxt/population-basic/1/inbound',
      details: {
        memberId: 'gaj-rkxt',
        standardCode: 'population-basic',
        standardVersion: 1,
        direction: 'inbound',
        format: 'xml',
        revision: 1,
        created: true,
      },
    });
  });

  it('refuses an expression that does not compile, naming /expression, and stores nothing', async () => {
    const before = await mappingCount();
    const error = await failure(
      saveMapping(
        db(),
        admin,
        { policy },
        { ...inbound, direction: 'outbound' },
        { format: 'csv', expression: '{ "a": ' },
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: 'exchange.mapping_invalid',
      fields: [{ pointer: '/expression', reason: 'syntax' }],
    });
    expect(await mappingCount()).toBe(before);
  });

  it('refuses options that do not suit the format', async () => {
    const error = await failure(
      saveMapping(db(), admin, { policy }, outbound, {
        format: 'csv',
        expression: '$',
        options: { xmlRootElement: 'RKXX', csvDelimiter: '|' },
      }),
    );
    expect(error).toMatchObject({ fields: [{ pointer: '/options/xmlRootElement', reason: 'format_mismatch' }] });
    const badName = await failure(
      saveMapping(db(), admin, { policy }, outbound, {
        format: 'xml',
        expression: '$',
        options: { xmlRootElement: '1RK' },
      }),
    );
    expect(badName).toMatchObject({ fields: [{ pointer: '/options/xmlRootElement', reason: 'xml_name' }] });
  });

  it('answers an unknown member or standard version with not found, before anything else', async () => {
    expect(
      await failure(
        saveMapping(db(), admin, { policy }, { ...inbound, memberId: 'nobody' }, { format: 'json', expression: '$' }),
      ),
    ).toMatchObject({
      code: 'exchange.mapping_member_unknown',
    });
    const error = await failure(
      saveMapping(db(), admin, { policy }, { ...inbound, standardVersion: 9 }, { format: 'json', expression: '$' }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'exchange.mapping_standard_unknown' });
  });

  it('refuses staff without exchange.manage over the member’s owner unit, and every member system', async () => {
    const before = await mappingCount();
    expect(
      await failure(saveMapping(db(), stranger, { policy }, inbound, { format: 'json', expression: '$' })),
    ).toBeInstanceOf(ForbiddenError);
    expect(
      await failure(saveMapping(db(), reader, { policy }, inbound, { format: 'json', expression: '$' })),
    ).toBeInstanceOf(ForbiddenError);
    expect(
      await failure(saveMapping(db(), gaj, { policy }, inbound, { format: 'json', expression: '$' })),
    ).toMatchObject({
      code: 'exchange.mapping_client_read_only',
    });
    expect(await mappingCount()).toBe(before);
  });
});

describe('inboundMapping and outboundMapping', () => {
  it('maps a 公安 XML record to the population standard', async () => {
    await saveMapping(db(), admin, { policy }, inbound, { format: 'xml', expression: INBOUND });
    const mapping = await inboundMapping(db(), 'gaj-rkxt', 'population-basic', 1);
    expect(mapping?.format).toBe('xml');
    expect(await mapping!.toStandard(RKXX)).toEqual({
      name: '张三',
      idNumber: '11010519491231002X',
      sex: '1',
      birthDate: '1949-12-31',
      ethnicity: '01',
      domicile: { divisionCode: '110105', address: '北京市朝阳区某街道一号' },
      phones: ['01012345678', '13800000000'],
    });
  });

  it('maps the standard to a 民政 CSV row', async () => {
    await saveMapping(db(), admin, { policy }, outbound, { format: 'csv', expression: OUTBOUND });
    const payload = await (await inboundMapping(db(), 'gaj-rkxt', 'population-basic', 1))!.toStandard(RKXX);
    const mapping = await outboundMapping(db(), 'mzj-dbxt', 'population-basic', 1);
    expect(await mapping!.fromStandard(payload)).toEqual({
      contentType: 'text/csv; charset=utf-8; header=present',
      body: 'SFZH,XM,XB,HJDZ,LXDH\r\n11010519491231002X,张三,男,北京市朝阳区某街道一号,01012345678;13800000000\r\n',
    });
  });

  it('is undefined where there is no mapping', async () => {
    expect(await inboundMapping(db(), 'mzj-dbxt', 'population-basic', 1)).toBeUndefined();
    expect(await outboundMapping(db(), 'gaj-rkxt', 'population-basic', 2)).toBeUndefined();
  });

  it('compiles once and reuses the compiled mapping until the mapping changes', async () => {
    const key = { ...inbound, standardVersion: 2 };
    await saveMapping(db(), admin, { policy }, key, { format: 'json', expression: `{ "v": "${Math.random()}" }` });
    const before = expressionCompilations();
    const first = await inboundMapping(db(), 'gaj-rkxt', 'population-basic', 2);
    for (let run = 0; run < 5; run += 1) {
      expect(await inboundMapping(db(), 'gaj-rkxt', 'population-basic', 2)).toBe(first);
      await first!.toStandard({});
    }
    // Saving compiled the text once to check it; running it compiled nothing more.
    expect(expressionCompilations()).toBe(before);
    await saveMapping(db(), admin, { policy }, key, { format: 'json', expression: '{ "v": "changed" }' });
    const changed = await inboundMapping(db(), 'gaj-rkxt', 'population-basic', 2);
    expect(changed).not.toBe(first);
    expect(await changed!.toStandard({})).toEqual({ v: 'changed' });
    // Deleted and made again with the first text: revision 1 again, and still not the stale entry.
    await deleteMapping(db(), admin, { policy }, key);
    expect(await inboundMapping(db(), 'gaj-rkxt', 'population-basic', 2)).toBeUndefined();
    await saveMapping(db(), admin, { policy }, key, { format: 'json', expression: '{ "v": "again" }' });
    expect(await (await inboundMapping(db(), 'gaj-rkxt', 'population-basic', 2))!.toStandard({})).toEqual({
      v: 'again',
    });
  });

  it('fails with mapping_empty when the expression yields nothing, and mapping_failed when it breaks', async () => {
    const key = { ...inbound, standardVersion: 2 };
    await saveMapping(db(), admin, { policy }, key, { format: 'json', expression: 'RKXX.XM' });
    const mapping = (await inboundMapping(db(), 'gaj-rkxt', 'population-basic', 2))!;
    expect(await failure(mapping.toStandard({ other: 1 }))).toMatchObject({
      code: 'exchange.mapping_empty',
      fields: [{ pointer: '/expression', reason: 'empty' }],
    });
    await saveMapping(db(), admin, { policy }, key, { format: 'json', expression: 'RKXX.XM + 1' });
    const broken = (await inboundMapping(db(), 'gaj-rkxt', 'population-basic', 2))!;
    expect(await failure(broken.toStandard({ RKXX: { XM: '张三' } }))).toMatchObject({
      code: 'exchange.mapping_failed',
      params: { reason: 'evaluation', jsonataCode: 'T2001' },
    });
  });

  it('refuses malformed native text with payload_malformed', async () => {
    const mapping = (await inboundMapping(db(), 'gaj-rkxt', 'population-basic', 1))!;
    expect(await failure(mapping.toStandard('<RKXX><XM>张三</RKXX>'))).toMatchObject({
      code: 'exchange.payload_malformed',
    });
    expect(await failure(mapping.toStandard({ RKXX: {} }))).toMatchObject({ params: { reason: 'not_text' } });
  });
});

describe('listMappings and deleteMapping', () => {
  it('lists a member’s mappings for its owner unit’s readers and the member system itself', async () => {
    const asReader = await listMappings(db(), reader, { policy }, 'gaj-rkxt');
    expect(asReader.map((mapping) => `${mapping.standardVersion}/${mapping.direction}`)).toContain('1/inbound');
    expect(await listMappings(db(), gaj, { policy }, 'gaj-rkxt')).toEqual(asReader);
    expect(await failure(listMappings(db(), gaj, { policy }, 'mzj-dbxt'))).toMatchObject({
      code: 'exchange.mapping_other_member',
    });
    expect(await failure(listMappings(db(), stranger, { policy }, 'gaj-rkxt'))).toBeInstanceOf(ForbiddenError);
    expect(await failure(listMappings(db(), reader, { policy }, 'nobody'))).toBeInstanceOf(NotFoundError);
  });

  it('deletes with an audit entry; a second delete is not found', async () => {
    const key = { ...outbound, standardVersion: 2 };
    await saveMapping(db(), admin, { policy }, key, { format: 'json', expression: '$' });
    await deleteMapping(db(), admin, { policy }, key, { requestId: 'r-del' });
    const [entry] = (await listAudit(db(), { action: 'exchange.mapping.delete', limit: 1 })).entries;
    expect(entry).toMatchObject({ requestId: 'r-del', targetId: 'mzj-dbxt/population-basic/2/outbound' });
    expect(await failure(deleteMapping(db(), admin, { policy }, key))).toMatchObject({
      code: 'exchange.mapping_not_found',
    });
    expect(await failure(deleteMapping(db(), gaj, { policy }, inbound))).toBeInstanceOf(ForbiddenError);
  });
});

describe('dryRunMapping', () => {
  it('maps a sample with the saved mapping and validates it against the published schema', async () => {
    const run = await dryRunMapping(db(), gaj, { policy }, { ...inbound, sample: RKXX });
    expect(run).toMatchObject({ ok: true, errors: [], schemaChecked: true, result: { name: '张三', sex: '1' } });
  });

  it('reports the standard’s schema errors for a mapping that yields a wrong shape', async () => {
    const run = await dryRunMapping(
      db(),
      reader,
      { policy },
      {
        ...inbound,
        format: 'xml',
        expression: 'RKXX.{ "name": XM, "sex": "男", "extra": 1 }',
        sample: RKXX,
      },
    );
    expect(run.ok).toBe(false);
    expect(run.result).toEqual({ name: '张三', sex: '男', extra: 1 });
    expect(run.errors.map((error) => `${error.pointer} ${error.reason}`).sort()).toEqual([
      '/data/extra unknown_field',
      '/data/idNumber required',
      '/data/sex one_of',
    ]);
  });

  it('reports a malformed sample under /sample, a broken expression under /expression', async () => {
    const malformed = await dryRunMapping(db(), gaj, { policy }, { ...inbound, sample: '<RKXX>\n<XM>张三</RKXX>' });
    expect(malformed).toEqual({
      ok: false,
      errors: [{ pointer: '/sample', reason: 'syntax', message: expect.stringMatching(/^line 2/) }],
      schemaChecked: false,
    });
    const syntax = await dryRunMapping(
      db(),
      gaj,
      { policy },
      { ...inbound, format: 'xml', expression: 'RKXX.{', sample: RKXX },
    );
    expect(syntax).toMatchObject({ ok: false, errors: [{ pointer: '/expression', reason: 'syntax' }] });
    const timeout = await dryRunMapping(
      db(),
      gaj,
      { policy },
      {
        ...inbound,
        format: 'json',
        expression: '($f := function() { $f() }; $f())',
        sample: {},
      },
    );
    expect(timeout).toMatchObject({ ok: false, errors: [{ pointer: '/expression', reason: 'timeout' }] });
    const empty = await dryRunMapping(
      db(),
      gaj,
      { policy },
      { ...inbound, format: 'json', expression: 'nothing', sample: {} },
    );
    expect(empty).toMatchObject({ ok: false, errors: [{ pointer: '/expression', reason: 'empty' }] });
  });

  it('renders outbound samples in the native format', async () => {
    const run = await dryRunMapping(
      db(),
      admin,
      { policy },
      {
        ...outbound,
        sample: {
          name: '李四',
          idNumber: '110105194912310029',
          sex: '2',
          domicile: { address: '朝阳区, "二号"' },
          phones: [],
        },
      },
    );
    expect(run).toEqual({
      ok: true,
      result: {
        contentType: 'text/csv; charset=utf-8; header=present',
        body: 'SFZH,XM,XB,HJDZ,LXDH\r\n110105194912310029,李四,女,"朝阳区, ""二号""",\r\n',
      },
      errors: [],
      schemaChecked: false,
    });
  });

  it('says when the result was not checked against a schema (a draft version)', async () => {
    const run = await dryRunMapping(
      db(),
      gaj,
      { policy },
      { ...inbound, standardVersion: 2, format: 'json', expression: '{ "a": 1 }', sample: {} },
    );
    expect(run).toEqual({ ok: true, result: { a: 1 }, errors: [], schemaChecked: false });
  });

  it('answers a missing saved mapping, member or version with not found, and other members with forbidden', async () => {
    expect(
      await failure(dryRunMapping(db(), admin, { policy }, { ...outbound, direction: 'inbound', sample: {} })),
    ).toMatchObject({
      code: 'exchange.mapping_not_found',
    });
    expect(
      await failure(dryRunMapping(db(), admin, { policy }, { ...inbound, standardVersion: 7, sample: {} })),
    ).toMatchObject({
      code: 'exchange.mapping_standard_unknown',
    });
    expect(await failure(dryRunMapping(db(), gaj, { policy }, { ...outbound, sample: {} }))).toBeInstanceOf(
      ForbiddenError,
    );
    expect(await failure(dryRunMapping(db(), stranger, { policy }, { ...inbound, sample: RKXX }))).toBeInstanceOf(
      ForbiddenError,
    );
  });
});

async function insertStandard(
  executor: Executor,
  code: string,
  owner: string,
  versions: Array<{ version: number; status: string; schema: unknown }>,
): Promise<void> {
  await sql`insert into exchange.standard (code, name_zh, name_en, owner_org_unit_code)
            values (${code}, ${'人口基本信息'}, ${'Population basic'}, ${owner})`.execute(executor);
  for (const { version, status, schema } of versions) {
    await sql`insert into exchange.standard_version (standard_code, version, status, schema, published_at)
              values (${code}, ${version}, ${status}, ${JSON.stringify(schema)}::jsonb,
                      ${status === 'draft' ? null : new Date()})`.execute(executor);
  }
}

async function insertMember(executor: Executor, id: string, owner: string): Promise<void> {
  await sql`insert into exchange.member (id, name_zh, name_en, owner_org_unit_code)
            values (${id}, ${`成员${id}`}, ${`Member ${id}`}, ${owner})`.execute(executor);
}

async function mappingCount(): Promise<number> {
  return Number((await sql<{ n: number }>`select count(*)::int as n from exchange.mapping`.execute(db())).rows[0]!.n);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}
