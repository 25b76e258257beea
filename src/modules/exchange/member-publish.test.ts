import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDistrict } from '../../../test/support/org-units.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import { upsertOrgUnits } from '../directory/index.js';
import { disableMember, grantPublisher, registerMember } from './member.service.js';
import { publishAsMember } from './member-publish.js';

let platform: TestPlatform;
const db = () => platform.runtime.database.kysely;
const exchange = () => platform.runtime.exchange!;
const caught = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (error: unknown) => error,
  );
const event = (id: string, data: unknown = { caseNumber: 'C01-20260105-000001', days: 3 }) => ({
  id,
  standardCode: 'case-record',
  standardVersion: 1,
  data,
  subject: 'case',
  partitionKey: 'C01',
  time: new Date('2026-01-05T08:00:00Z'),
});
const logged = async () =>
  (
    await sql<{ source: string; event_id: string; subject: string; partition_key: string; data: unknown }>`
      select source, event_id, subject, partition_key, data from exchange.message order by seq`.execute(db())
  ).rows;

beforeAll(async () => {
  platform = await createTestPlatform();
  await upsertOrgUnits(db(), smallDistrict());
  await sql`insert into exchange.standard (code, name_zh, name_en, owner_org_unit_code, classification)
            values ('case-record', '办件信息', 'Case record', 'XD2', 'internal')`.execute(db());
  const schema = {
    type: 'object',
    required: ['caseNumber', 'days'],
    properties: { caseNumber: { type: 'string' }, days: { type: 'integer' } },
    additionalProperties: false,
  };
  await sql`insert into exchange.standard_version (standard_code, version, status, schema, published_at)
            values ('case-record', 1, 'published', ${JSON.stringify(schema)}::jsonb, now())`.execute(db());
  const deps = { policy: platform.runtime.policy, secrets: platform.runtime.secrets };
  for (const id of ['zwfw-ycsl', 'zwfw-other']) {
    await registerMember(
      db(),
      SYSTEM_ACTOR,
      { id, nameZh: `系统${id}`, nameEn: `System ${id}`, ownerOrgUnitCode: 'XD2', zone: 'internal' },
      deps,
    );
  }
  await grantPublisher(db(), SYSTEM_ACTOR, 'case-record', 'zwfw-ycsl', deps);
}, 60_000);
afterAll(() => platform.close());

describe('publishing as a member from inside the platform', () => {
  it('logs the event as the member sent it, once per event id', async () => {
    const first = await publishAsMember(exchange(), 'zwfw-ycsl', event('C01-20260105-000001'));
    expect(first).toMatchObject({ seq: 1, duplicate: false });
    const again = await publishAsMember(exchange(), 'zwfw-ycsl', event('C01-20260105-000001'));
    expect(again).toMatchObject({ seq: 1, duplicate: true });
    expect(await logged()).toEqual([
      {
        source: 'zwfw-ycsl',
        event_id: 'C01-20260105-000001',
        subject: 'case',
        partition_key: 'C01',
        data: { caseNumber: 'C01-20260105-000001', days: 3 },
      },
    ]);
  });

  it('refuses an unknown member, one without the right, a disabled one and a payload off the schema', async () => {
    expect(await caught(publishAsMember(exchange(), 'zwfw-nobody', event('e-2')))).toMatchObject({
      code: 'exchange.not_a_member',
    });
    expect(await caught(publishAsMember(exchange(), 'zwfw-other', event('e-3')))).toMatchObject({
      code: 'exchange.publish_not_permitted',
    });
    const invalid = await caught(publishAsMember(exchange(), 'zwfw-ycsl', event('e-4', { caseNumber: 7 })));
    expect(invalid).toMatchObject({ code: 'exchange.event_invalid' });
    expect((invalid as { fields: Array<{ pointer: string }> }).fields.map((field) => field.pointer).sort()).toEqual([
      '/data/caseNumber',
      '/data/days',
    ]);
    await disableMember(db(), SYSTEM_ACTOR, 'zwfw-ycsl', {
      policy: platform.runtime.policy,
      secrets: platform.runtime.secrets,
    });
    expect(await caught(publishAsMember(exchange(), 'zwfw-ycsl', event('e-5')))).toMatchObject({
      code: 'exchange.member_disabled',
    });
    expect(await logged()).toHaveLength(1);
  });
});
