import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CaseWorld,
  createCaseWorld,
  newResidentId,
  publishTestItem,
  TEST_FORM_DATA,
} from '../../../test/support/case-world.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { creditCodeCheckCharacter, organisationCodeCheckCharacter } from '../../platform/identifiers/credit-code.js';
import { type PublicAccount, registerCitizen, registerEnterprise } from '../identity/index.js';
import { applyOnline, getCase, listCases, listOwnCases, takeIn, trackCase } from './case.service.js';
import { act } from './case-transition.service.js';
import { listNotifications, markNotificationsRead } from './notification.service.js';

let test: TestDatabase;
let world: CaseWorld;
const db = () => test.database.kysely;
let citizen: PublicAccount;
let enterprise: PublicAccount;
let otherCitizen: PublicAccount;
const PASSWORD = 'Spring-rain-2025';

function creditCode(n: number): string {
  const organisation8 = `7${String(n).padStart(7, '0')}`;
  const first17 = `91440300${organisation8}${organisationCodeCheckCharacter(organisation8)}`;
  return first17 + creditCodeCheckCharacter(first17);
}

beforeAll(async () => {
  test = await createTestDatabase();
  world = await createCaseWorld(db());
  const context = { ip: '192.0.2.1' };
  citizen = await registerCitizen(
    test.database,
    { residentId: newResidentId(), name: '赵敏', mobile: '13900000011', password: PASSWORD },
    context,
  );
  otherCitizen = await registerCitizen(
    test.database,
    { residentId: newResidentId(), name: '钱进', mobile: '13900000012', password: PASSWORD },
    context,
  );
  enterprise = await registerEnterprise(
    test.database,
    {
      creditCode: creditCode(1),
      enterpriseName: '汇通测试餐饮有限公司',
      agentRole: 'agent',
      agentName: '孙立',
      agentResidentId: newResidentId(),
      mobile: '13900000013',
      password: PASSWORD,
    },
    context,
  );
});
afterAll(async () => {
  await world.close();
  await test.drop();
});

async function rejection(work: () => Promise<unknown>): Promise<unknown> {
  return work().then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error,
  );
}
const fieldsOf = (error: unknown) =>
  (error as ValidationError).fields.map((field) => `${field.pointer} ${field.reason}`);

function application(overrides: Record<string, unknown> = {}) {
  return {
    itemCode: world.itemCode,
    centreCode: 'XC1',
    applicant: { kind: 'citizen', name: '王丽娟', idNumber: newResidentId() },
    form: TEST_FORM_DATA,
    ...overrides,
  };
}

describe('window intake', () => {
  it('numbers cases per centre and day, and online applications apart', async () => {
    world.setToday('2024-06-03');
    const numbers = [];
    for (const centreCode of ['XC1', 'XC1', 'XC2', 'XC1']) {
      const clerk = centreCode === 'XC1' ? 'clerk1' : 'clerk2';
      numbers.push((await takeIn(db(), world.actor(clerk), application({ centreCode }), world.deps)).number);
    }
    numbers.push(
      (await applyOnline(db(), citizen.id, { itemCode: world.itemCode, form: TEST_FORM_DATA }, world.deps)).number,
    );
    world.setToday('2024-06-04');
    numbers.push((await takeIn(db(), world.actor('clerk1'), application(), world.deps)).number);
    expect(numbers).toEqual([
      'XC1-20240603-000001',
      'XC1-20240603-000002',
      'XC2-20240603-000001',
      'XC1-20240603-000003',
      'WS-20240603-000001',
      'XC1-20240604-000001',
    ]);
  });

  it('takes an enterprise by its credit code', async () => {
    const c = await takeIn(
      db(),
      world.actor('clerk1'),
      application({
        applicant: { kind: 'enterprise', name: '汇通食品有限公司', idNumber: creditCode(2), mobile: '13800000000' },
      }),
      world.deps,
    );
    expect(c.applicant).toEqual({
      kind: 'enterprise',
      name: '汇通食品有限公司',
      idNumber: creditCode(2),
      mobile: '13800000000',
    });
  });

  it('names every bad field and writes nothing', async () => {
    const count = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from cases."case"`.execute(db())).rows[0]!.n;
    const before = await count();
    const good = newResidentId();
    const mistyped = `${good.slice(0, 17)}${good.endsWith('0') ? '1' : '0'}`;
    const error = await rejection(() =>
      takeIn(
        db(),
        world.actor('clerk1'),
        {
          itemCode: world.itemCode,
          centreCode: 'XC1',
          applicant: { kind: 'citizen', name: ' ', idNumber: mistyped, mobile: '12345' },
          form: { applicant: {}, seats: -1 },
        },
        world.deps,
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(fieldsOf(error)).toEqual([
      '/applicant/name required',
      '/applicant/mobile pattern',
      '/applicant/idNumber check_digit',
      '/form/openingDate required',
      '/form/applicant/name required',
      '/form/seats minimum',
    ]);
    const wrong = await rejection(() =>
      takeIn(
        db(),
        world.actor('clerk1'),
        { itemCode: '11110105MB0000000X-0199999000', centreCode: 'XC1', applicant: { kind: 'robot' } },
        world.deps,
      ),
    );
    expect(fieldsOf(wrong)).toEqual([
      '/applicant/kind one_of',
      '/applicant/name required',
      '/applicant/idNumber required',
      '/itemCode not_found',
      '/form required',
    ]);
    expect(await count()).toBe(before);
  });

  it('takes an item in only at a centre that may handle it', async () => {
    const onlyXC0 = await publishTestItem(db(), {
      channels: { online: false, anyCentre: false, centreCodes: ['XC0'] },
    });
    const error = await rejection(() =>
      takeIn(db(), world.actor('clerk1'), application({ itemCode: onlyXC0 }), world.deps),
    );
    expect(fieldsOf(error)).toEqual(['/centreCode not_handled_here']);
    const c = await takeIn(
      db(),
      world.actor('clerk0'),
      application({ itemCode: onlyXC0, centreCode: 'XC0' }),
      world.deps,
    );
    expect(c.number).toMatch(/^XC0-/);
    const online = await rejection(() =>
      applyOnline(db(), citizen.id, { itemCode: onlyXC0, form: TEST_FORM_DATA }, world.deps),
    );
    expect(fieldsOf(online)).toEqual(['/itemCode not_online']);
  });

  it('refuses a clerk at a centre not theirs (403) before looking at the input', async () => {
    const error = await rejection(() => takeIn(db(), world.actor('clerk2'), { centreCode: 'XC1' }, world.deps));
    expect(error).toBeInstanceOf(ForbiddenError);
    const handler = await rejection(() => takeIn(db(), world.actor('handler'), {}, world.deps));
    expect(handler).toMatchObject({ code: 'access.denied', params: { permission: 'cases.intake' } });
  });
});

describe('online applications', () => {
  it('takes the applicant from the account and lets the department or the district centre accept it', async () => {
    world.setToday('2024-06-05');
    const c = await applyOnline(db(), citizen.id, { itemCode: world.itemCode, form: TEST_FORM_DATA }, world.deps);
    expect(c).toMatchObject({
      channel: 'online',
      centreCode: null,
      publicAccountId: citizen.id,
      applicant: { kind: 'citizen', name: '赵敏', idNumber: citizen.residentId, mobile: '13900000011' },
      allowedActions: ['withdraw', 'receive_material'],
      applicantWhole: true,
    });
    expect(c.number).toMatch(/^WS-20240605-\d{6}$/);
    const town = await rejection(() => act(db(), world.as('clerk1'), c.id, 'accept', { version: 1 }, world.deps));
    expect(town).toMatchObject({ code: 'access.denied' });
    expect((await getCase(db(), world.as('clerk0'), c.id, world.deps)).allowedActions).toContain('accept');
    const accepted = await act(db(), world.as('handler'), c.id, 'accept', { version: 1 }, world.deps);
    expect(accepted.steps[1]).toMatchObject({ action: 'accept', orgUnitCode: 'XD1', actorPost: '科员 (XD1)' });
    // The applicant may not act for staff, and another account does not see the case at all.
    const staffOnly = await rejection(() =>
      act(
        db(),
        { kind: 'public', accountId: citizen.id },
        c.id,
        'advance',
        { version: accepted.version, opinion: '可' },
        world.deps,
      ),
    );
    expect(staffOnly).toMatchObject({ code: 'cases.applicant_cannot' });
    await expect(
      getCase(db(), { kind: 'public', accountId: otherCitizen.id }, c.id, world.deps),
    ).rejects.toBeInstanceOf(NotFoundError);
    const withdrawn = await act(
      db(),
      { kind: 'public', accountId: citizen.id },
      c.id,
      'withdraw',
      { version: accepted.version, reason: '不再需要' },
      world.deps,
    );
    expect(withdrawn).toMatchObject({ status: 'withdrawn', allowedActions: [] });
    expect(withdrawn.steps.at(-1)).toMatchObject({ actor: { type: 'public', id: citizen.id, name: null } });
  });

  it('applies for an enterprise by its credit code', async () => {
    const c = await applyOnline(
      db(),
      enterprise.id,
      { itemCode: world.itemCode, form: TEST_FORM_DATA, mobile: '13700000000' },
      world.deps,
    );
    expect(c.applicant).toEqual({
      kind: 'enterprise',
      name: '汇通测试餐饮有限公司',
      idNumber: enterprise.creditCode,
      mobile: '13700000000',
    });
  });

  it('lists an account its own cases and notifications, newest first', async () => {
    const own = await listOwnCases(db(), otherCitizen.id, {}, world.deps);
    expect(own.total).toBe(0);
    const c = await applyOnline(db(), otherCitizen.id, { itemCode: world.itemCode, form: TEST_FORM_DATA }, world.deps);
    const byCentre = await act(db(), world.as('clerk0'), c.id, 'accept', { version: 1 }, world.deps);
    expect(byCentre.steps[1]).toMatchObject({ orgUnitCode: 'XC0', actorPost: '综合窗口受理员 (XC0)' });
    const page = await listOwnCases(db(), otherCitizen.id, { limit: 10 }, world.deps);
    expect(page).toMatchObject({ total: 1, limit: 10, offset: 0 });
    expect(page.items[0]).toMatchObject({
      id: c.id,
      applicantName: '钱*',
      status: 'accepted',
      stageNameZh: '承办审查',
    });
    const notes = await listNotifications(db(), otherCitizen.id, {});
    expect(notes.items.map((note) => `${note.kind} ${note.caseNumber}`)).toEqual([
      `accept ${c.number}`,
      `submit ${c.number}`,
    ]);
    expect(notes.items.every((note) => note.readAt === null)).toBe(true);
    expect(await markNotificationsRead(db(), otherCitizen.id, notes.items[1]!.id)).toBe(1);
    // Another account's marking touches only its own.
    expect(await markNotificationsRead(db(), citizen.id, notes.items[0]!.id)).toBeGreaterThan(0);
    const after = await listNotifications(db(), otherCitizen.id, {});
    expect(after.items.map((note) => note.readAt !== null)).toEqual([false, true]);
  });
});

describe('queues', () => {
  it('cuts each list to the actor’s scope and filters it', async () => {
    world.setToday('2024-07-01');
    const mine = await takeIn(db(), world.actor('clerk1'), application(), world.deps);
    const theirs = await takeIn(db(), world.actor('clerk2'), application({ centreCode: 'XC2' }), world.deps);
    const online = await applyOnline(db(), citizen.id, { itemCode: world.itemCode, form: TEST_FORM_DATA }, world.deps);
    const ids = async (name: Parameters<CaseWorld['actor']>[0], query: Parameters<typeof listCases>[2]) =>
      (await listCases(db(), world.actor(name), { limit: 100, ...query }, world.deps)).items.map((item) => item.id);
    const intake1 = await ids('clerk1', { queue: 'intake' });
    expect(intake1).toContain(mine.id);
    expect(intake1).not.toContain(theirs.id);
    expect(intake1).not.toContain(online.id);
    expect(await ids('clerk0', { queue: 'intake' })).toContain(online.id);
    expect(await ids('clerk0', { queue: 'intake' })).not.toContain(mine.id);
    const handling = await ids('handler', { queue: 'handling' });
    expect(handling).toEqual(expect.arrayContaining([mine.id, theirs.id, online.id]));
    expect(await ids('other', { queue: 'handling' })).toEqual([]);
    expect(await ids('clerk1', { queue: 'handling' })).toEqual([]);
    expect(await ids('supervisor', { queue: 'all' })).toEqual(expect.arrayContaining([mine.id, theirs.id, online.id]));
    const atXC2 = await ids('supervisor', { queue: 'all', centre: 'XC2' });
    expect(atXC2).toContain(theirs.id);
    expect(atXC2).not.toContain(mine.id);
    expect(await ids('supervisor', { queue: 'all', number: mine.number.toLowerCase() })).toEqual([mine.id]);
    const page = await listCases(
      db(),
      world.actor('clerk1'),
      { queue: 'intake', status: 'submitted', limit: 1 },
      world.deps,
    );
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ applicantName: '王**', status: 'submitted', light: null });
    expect(page.total).toBeGreaterThan(1);
  });

  it('filters by light on the clock', async () => {
    world.setToday('2024-07-01');
    const c = await takeIn(db(), world.actor('clerk1'), application(), world.deps);
    await act(db(), world.as('clerk1'), c.id, 'accept', { version: 1 }, world.deps);
    const lit = async (light: 'green' | 'yellow' | 'red') =>
      (await listCases(db(), world.actor('handler'), { queue: 'handling', light, limit: 100 }, world.deps)).items.map(
        (item) => item.id,
      );
    expect(await lit('green')).toContain(c.id);
    world.setToday('2024-07-05'); // due 07-08, yellow from 07-04
    expect(await lit('yellow')).toContain(c.id);
    expect(await lit('green')).not.toContain(c.id);
    world.setToday('2024-07-09');
    expect(await lit('red')).toContain(c.id);
  });

  it('names bad query fields', async () => {
    const error = await rejection(() =>
      listCases(
        db(),
        world.actor('clerk1'),
        { queue: 'mine' as 'all', limit: 0, offset: -1, light: 'blue' as 'red' },
        world.deps,
      ),
    );
    expect(fieldsOf(error)).toEqual(['/limit range', '/offset range', '/queue one_of', '/light one_of']);
  });
});

describe('tracking', () => {
  it('shows a case to its number and id tail, with no staff names and only a refusal reason', async () => {
    world.setToday('2024-08-01');
    const idNumber = newResidentId();
    const c = await takeIn(
      db(),
      world.actor('clerk1'),
      application({ applicant: { kind: 'citizen', name: '周芷', idNumber } }),
      world.deps,
    );
    const accepted = await act(
      db(),
      world.as('clerk1'),
      c.id,
      'accept',
      { version: 1, opinion: '内部意见' },
      world.deps,
    );
    const advanced = await act(
      db(),
      world.as('handler'),
      c.id,
      'advance',
      { version: accepted.version, opinion: '内部意见' },
      world.deps,
    );
    await act(
      db(),
      world.as('approver'),
      c.id,
      'decide',
      { version: advanced.version, decision: 'refused', opinion: '经营场所不符合要求' },
      world.deps,
    );
    const view = await trackCase(db(), ` ${c.number.toLowerCase()} `, idNumber.slice(-6).toLowerCase(), world.deps);
    expect(view).toMatchObject({
      number: c.number,
      itemNameZh: '食品经营许可（新办）',
      itemNameEn: 'Food business licence (new application)',
      status: 'decided',
      decision: 'refused',
      canRate: false,
    });
    expect(view.steps.map((step) => [step.action, step.stageNameZh, step.reason])).toEqual([
      ['submit', null, null],
      ['accept', null, null],
      ['advance', '承办审查', null],
      ['decide', '审批决定', '经营场所不符合要求'],
    ]);
    expect(JSON.stringify(view)).not.toContain('测试');
    for (const [number, tail] of [
      [c.number, '000000'],
      ['XC1-20240801-999999', idNumber.slice(-6)],
      [c.number, idNumber.slice(-5)],
      ['nonsense', idNumber.slice(-6)],
    ] as const) {
      const error = await rejection(() => trackCase(db(), number, tail, world.deps));
      expect(error).toMatchObject({ code: 'cases.case_not_found', params: {} });
    }
  });
});
