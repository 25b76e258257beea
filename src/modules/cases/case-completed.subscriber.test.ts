import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaseWorld, createCaseWorld, newResidentId, TEST_FORM_DATA } from '../../../test/support/case-world.js';
import { collectingLogger } from '../../../test/support/events.js';
import { makeOrgUnit } from '../../../test/support/org-units.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { EventDispatcher } from '../../platform/events/dispatcher.js';
import { upsertOrgUnits } from '../directory/index.js';
import { seedDemoMembers } from '../exchange/index.js';
import { takeIn } from './case.service.js';
import { subscribeCases } from './case-completed.subscriber.js';
import { act } from './case-transition.service.js';

let platform: TestPlatform;
let world: CaseWorld;
let events: EventDispatcher;
const collected = collectingLogger();
const details: string[] = [];
/** Keeps what is logged, details too, so that a test can see no personal data is among them. */
const logger = {
  lines: collected.lines,
  warn(detail: object, message: string) {
    details.push(JSON.stringify(detail));
    collected.warn(detail, message);
  },
  error(detail: object, message: string) {
    details.push(JSON.stringify(detail));
    collected.error(detail, message);
  },
};
const db = () => platform.runtime.database.kysely;
const MEMBER = 'zwfw-ycsl';
const inDelivery = () => platform.runtime.database.engine !== 'pglite';

async function messages() {
  const result = await sql<{ source: string; event_id: string; data: { caseNumber: string; status: string } }>`
    select source, event_id, data from exchange.message order by seq`.execute(db());
  return result.rows;
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A case taken in, decided and completed (办结) through the lifecycle; returns its number. */
async function completedCase(name = '王丽娟'): Promise<string> {
  const { deps } = world;
  const applicant = { kind: 'citizen', name, idNumber: newResidentId() };
  let c = await takeIn(
    db(),
    world.actor('clerk1'),
    { itemCode: world.itemCode, centreCode: 'XC1', applicant, form: TEST_FORM_DATA },
    deps,
  );
  c = await act(db(), world.as('clerk1'), c.id, 'accept', { version: c.version }, deps);
  c = await act(db(), world.as('handler'), c.id, 'advance', { version: c.version, opinion: '齐全' }, deps);
  c = await act(db(), world.as('approver'), c.id, 'decide', { version: c.version, decision: 'granted' }, deps);
  c = await act(db(), world.as('handler'), c.id, 'complete', { version: c.version }, deps);
  return c.number;
}

beforeAll(async () => {
  platform = await createTestPlatform();
  world = await createCaseWorld(db());
  world.setToday('2024-03-04');
  await sql`insert into exchange.standard (code, name_zh, name_en, owner_org_unit_code, classification)
            values ('case-record', '办件信息', 'Case record', 'XD2', 'sensitive')`.execute(db());
  await sql`insert into exchange.standard_version (standard_code, version, status, schema, published_at)
            values ('case-record', 1, 'published', '{"type":"object","required":["caseNumber"],"properties":{"caseNumber":{"type":"string"}}}'::jsonb, now())`.execute(
    db(),
  );
  events = new EventDispatcher(platform.runtime.database, { logger, backoff: { baseMs: 10, maxMs: 10 } });
  subscribeCases(events, {
    exchange: platform.runtime.exchange!,
    memberId: MEMBER,
    publishInDelivery: inDelivery(),
    logger,
  });
}, 120_000);
afterAll(async () => {
  await world.close();
  await platform.close();
});

describe('completed cases to the exchange', () => {
  it('passes over completed cases while the member cannot publish, saying so once and nothing personal', async () => {
    await completedCase('欧阳娜娜');
    await completedCase('欧阳娜娜');
    await events.drain({ timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logger.lines).toEqual([
      'warn completed cases are not sent to the exchange: the member cannot publish case-record (logged once)',
    ]);
    expect(details.join()).toContain('exchange.not_a_member');
    expect(details.join()).not.toMatch(/欧阳|110105/);
    expect(await events.listParked()).toEqual([]);
    expect(await messages()).toEqual([]);
  });

  it('publishes the case record as the member once it may, with the case number as the event id', async () => {
    // The demo's members, with the one-window system among them: their owner units first.
    await upsertOrgUnits(
      db(),
      ['D07', 'D12', 'D24', 'D35'].map((code) => makeOrgUnit({ code })),
    );
    await seedDemoMembers(db(), { secrets: platform.runtime.secrets });
    const number = await completedCase();
    await events.drain({ timeoutMs: 20_000 });
    await waitFor(async () => (await messages()).length === 1);
    expect(await messages()).toEqual([
      {
        source: MEMBER,
        event_id: number,
        data: expect.objectContaining({ caseNumber: number, status: 'completed', acceptingUnit: 'XC1' }),
      },
    ]);
    expect(logger.lines).toHaveLength(1);
  });
});
