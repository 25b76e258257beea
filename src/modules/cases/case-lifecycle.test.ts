import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaseWorld, createCaseWorld, newResidentId, TEST_FORM_DATA } from '../../../test/support/case-world.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { ConflictError, ForbiddenError, ValidationError } from '../../platform/errors.js';
import type { CaseDetail } from './case.js';
import { caseRecordOf, getCase, takeIn } from './case.service.js';
import { act } from './case-transition.service.js';

let test: TestDatabase;
let world: CaseWorld;
const db = () => test.database.kysely;

beforeAll(async () => {
  test = await createTestDatabase();
  world = await createCaseWorld(db());
});
afterAll(async () => {
  await world.close();
  await test.drop();
});

function application(overrides: Record<string, unknown> = {}) {
  return {
    itemCode: world.itemCode,
    centreCode: 'XC1',
    applicant: { kind: 'citizen', name: '王丽娟', idNumber: newResidentId(), mobile: '13912340001' },
    form: TEST_FORM_DATA,
    ...overrides,
  };
}

async function rejection(work: () => Promise<unknown>): Promise<unknown> {
  return work().then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error,
  );
}

/** What a refused call must leave as it was: the row, its steps, notifications and the tally. */
async function footprint(id: string) {
  const { rows } = await sql<{ version: number; status: string; steps: number; notes: number; tally: number }>`
    select c.version, c.status,
           (select count(*)::int from cases.step where case_id = c.id) as steps,
           (select count(*)::int from cases.notification where case_id = c.id) as notes,
           (select coalesce(sum(submitted + accepted + rejected + completed + withdrawn), 0)::int from cases.daily_tally) as tally
      from cases."case" c where c.id = ${id}`.execute(db());
  return rows[0];
}

async function auditOf(id: string) {
  const { rows } = await sql<{ action: string; outcome: string }>`
    select action, outcome from platform.audit_log where target_id = ${id} order by seq`.execute(db());
  return rows.map((row) => `${row.action}:${row.outcome}`);
}

async function accepted(overrides: Record<string, unknown> = {}): Promise<CaseDetail> {
  const c = await takeIn(db(), world.actor('clerk1'), application(overrides), world.deps);
  return act(db(), world.as('clerk1'), c.id, 'accept', { version: c.version }, world.deps);
}

describe('the core path', () => {
  it('takes a window case from intake to delivery, each step recorded', async () => {
    world.setToday('2024-03-04');
    const { deps } = world;
    let c: CaseDetail = await takeIn(db(), world.actor('clerk1'), application(), deps);
    expect(c).toMatchObject({ status: 'submitted', channel: 'window', centreCode: 'XC1', departmentCode: 'XD1' });
    expect(c.number).toMatch(/^XC1-20240304-\d{6}$/);
    expect(c.applicantWhole).toBe(true);
    c = await act(db(), world.as('clerk1'), c.id, 'accept', { version: c.version, opinion: '材料齐全' }, deps);
    // 5 working days from Monday 2024-03-04; yellow from 2 working days before.
    expect(c).toMatchObject({
      status: 'accepted',
      stage: 0,
      acceptedOn: '2024-03-04',
      dueOn: '2024-03-11',
      warnOn: '2024-03-07',
      light: 'green',
    });
    expect(c.stages.map((stage) => `${stage.key}@${stage.unitCode}`)).toEqual(['review@XD1', 'decide@XD1']);
    c = await act(db(), world.as('handler'), c.id, 'advance', { version: c.version, opinion: '符合条件' }, deps);
    expect(c.stage).toBe(1);
    c = await act(
      db(),
      world.as('approver'),
      c.id,
      'decide',
      { version: c.version, decision: 'granted', opinion: '同意' },
      deps,
    );
    expect(c).toMatchObject({ status: 'decided', decision: 'granted' });
    world.setToday('2024-03-06');
    c = await act(db(), world.as('handler'), c.id, 'complete', { version: c.version, resultNumber: 'JY1234' }, deps);
    expect(c).toMatchObject({
      status: 'completed',
      workingDaysUsed: 2,
      onTime: true,
      resultNumber: 'JY1234',
      light: null,
    });
    c = await act(db(), world.as('clerk1'), c.id, 'deliver', { version: c.version, method: 'collected' }, deps);
    expect(c).toMatchObject({ status: 'delivered', version: 6 });
    expect(c.closedAt).not.toBeNull();
    expect(c.steps.map((step) => `${step.action}:${step.toStatus}`)).toEqual([
      'submit:submitted',
      'accept:accepted',
      'advance:accepted',
      'decide:decided',
      'complete:completed',
      'deliver:delivered',
    ]);
    expect(c.steps[1]).toMatchObject({
      actor: { type: 'user', id: world.people.clerk1, name: '测试clerk1' },
      actorPost: '综合窗口受理员 (XC1)',
      orgUnitCode: 'XC1',
      opinion: '材料齐全',
    });
    expect(c.steps[3]).toMatchObject({ actorPost: '科长 (XD1)', orgUnitCode: 'XD1', stage: 1, opinion: '同意' });
    expect(await auditOf(c.id)).toEqual([
      'cases.case.submit:success',
      'cases.case.accept:success',
      'cases.case.advance:success',
      'cases.case.decide:success',
      'cases.case.complete:success',
      'cases.case.deliver:success',
    ]);
    const { rows: notes } = await sql<{ kind: string }>`
      select kind from cases.notification where case_id = ${c.id} order by id`.execute(db());
    expect(notes.map((note) => note.kind)).toEqual(['submit', 'accept', 'advance', 'decide', 'complete', 'deliver']);
    const { rows: events } = await sql<{ type: string; payload: Record<string, unknown> }>`
      select type, payload from platform.outbox_event where aggregate_id = ${c.id}`.execute(db());
    expect(events).toEqual([
      {
        type: 'cases.case.completed',
        payload: { caseId: c.id, number: c.number, itemCode: world.itemCode, departmentCode: 'XD1', centreCode: 'XC1' },
      },
    ]);
    expect(await caseRecordOf(db(), c.id)).toEqual({
      caseNumber: c.number,
      serviceItemCode: world.itemCode,
      serviceItemName: '食品经营许可（新办）',
      applicant: { kind: 'citizen', name: '王丽娟', identifier: c.applicant.idNumber, mobile: '13912340001' },
      acceptedAt: c.acceptedAt!.toISOString(),
      completedAt: c.completedAt!.toISOString(),
      status: 'completed',
      acceptingUnit: 'XC1',
    });
  });

  it('counts each event in the tally of its day, centre, department and item', async () => {
    await sql`delete from cases.daily_tally`.execute(db());
    world.setToday('2024-04-01');
    const c = await accepted();
    world.setToday('2024-04-02');
    let d = await act(db(), world.as('handler'), c.id, 'advance', { version: c.version, opinion: '可' }, world.deps);
    d = await act(
      db(),
      world.as('approver'),
      d.id,
      'decide',
      { version: d.version, decision: 'refused', opinion: '不符合条件' },
      world.deps,
    );
    world.setToday('2024-04-03');
    await act(db(), world.as('handler'), d.id, 'complete', { version: d.version }, world.deps);
    const refused = await takeIn(db(), world.actor('clerk1'), application(), world.deps);
    await act(db(), world.as('clerk1'), refused.id, 'reject', { version: 1, reason: '不属于受理范围' }, world.deps);
    const { rows } = await sql<Record<string, unknown>>`
      select to_char(day, 'YYYY-MM-DD') as day, centre_code, department_code, submitted, accepted, rejected, completed,
             completed_on_time, working_days_sum, granted, refused, withdrawn
        from cases.daily_tally order by day`.execute(db());
    const zero = { submitted: 0, accepted: 0, rejected: 0, completed: 0, completed_on_time: 0, working_days_sum: 0 };
    const key = { centre_code: 'XC1', department_code: 'XD1' };
    expect(rows).toEqual([
      { ...zero, ...key, day: '2024-04-01', submitted: 1, accepted: 1, granted: 0, refused: 0, withdrawn: 0 },
      {
        ...zero,
        ...key,
        day: '2024-04-03',
        submitted: 1,
        rejected: 1,
        completed: 1,
        completed_on_time: 1,
        working_days_sum: 2,
        granted: 0,
        refused: 1,
        withdrawn: 0,
      },
    ]);
  });
});

describe('wrong transitions', () => {
  it('refuses to decide a case that was never accepted (409), changes nothing and audits the refusal', async () => {
    world.setToday('2024-05-06');
    const c = await takeIn(db(), world.actor('clerk1'), application(), world.deps);
    const before = await footprint(c.id);
    const error = await rejection(() =>
      act(
        db(),
        world.as('approver'),
        c.id,
        'decide',
        { version: c.version, decision: 'granted', opinion: '同意' },
        world.deps,
      ),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'cases.wrong_state', params: { status: 'submitted', action: 'decide' } });
    expect(await footprint(c.id)).toEqual(before);
    expect(await auditOf(c.id)).toEqual(['cases.case.submit:success', 'cases.case.decide:failure']);
  });

  it('refuses to decide before the last stage and to advance past it', async () => {
    const c = await accepted();
    const early = await rejection(() =>
      act(
        db(),
        world.as('approver'),
        c.id,
        'decide',
        { version: c.version, decision: 'granted', opinion: '同意' },
        world.deps,
      ),
    );
    expect(early).toMatchObject({ code: 'cases.stage_not_last', params: { stage: 1, stages: 2 } });
    const d = await act(db(), world.as('handler'), c.id, 'advance', { version: c.version, opinion: '可' }, world.deps);
    const past = await rejection(() =>
      act(db(), world.as('approver'), d.id, 'advance', { version: d.version, opinion: '可' }, world.deps),
    );
    expect(past).toMatchObject({ code: 'cases.stage_is_last' });
    expect((await footprint(d.id))?.version).toBe(d.version);
  });

  it("refuses a clerk of another centre on this centre's case (403), recorded by the policy", async () => {
    const c = await takeIn(db(), world.actor('clerk1'), application(), world.deps);
    const before = await footprint(c.id);
    const denials = world.deps.policy.denials.length;
    const error = await rejection(() => act(db(), world.as('clerk2'), c.id, 'accept', { version: 1 }, world.deps));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ code: 'access.denied', params: { permission: 'cases.intake', orgUnitCode: 'XC1' } });
    expect(world.deps.policy.denials.slice(denials)).toEqual([
      { actorId: world.people.clerk2, permission: 'cases.intake', orgUnitCode: 'XC1' },
    ]);
    expect(await footprint(c.id)).toEqual(before);
    await expect(getCase(db(), world.as('clerk2'), c.id, world.deps)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("refuses another department's approver, and a stale version", async () => {
    const c = await accepted();
    const d = await act(db(), world.as('handler'), c.id, 'advance', { version: c.version, opinion: '可' }, world.deps);
    const other = await rejection(() =>
      act(
        db(),
        world.as('other'),
        d.id,
        'decide',
        { version: d.version, decision: 'granted', opinion: '同意' },
        world.deps,
      ),
    );
    expect(other).toMatchObject({ code: 'access.denied', params: { permission: 'cases.decide', orgUnitCode: 'XD1' } });
    const stale = await rejection(() =>
      act(
        db(),
        world.as('approver'),
        d.id,
        'decide',
        { version: c.version, decision: 'granted', opinion: '同意' },
        world.deps,
      ),
    );
    expect(stale).toMatchObject({ code: 'cases.version_conflict', params: { expected: c.version, actual: d.version } });
    const handler = await rejection(() =>
      act(
        db(),
        world.as('handler'),
        d.id,
        'decide',
        { version: d.version, decision: 'granted', opinion: '同意' },
        world.deps,
      ),
    );
    expect(handler).toMatchObject({ code: 'access.denied', params: { permission: 'cases.decide' } });
    expect((await footprint(d.id))?.version).toBe(d.version);
  });

  it('names every bad field of a body', async () => {
    const c = await accepted();
    const d = await act(db(), world.as('handler'), c.id, 'advance', { version: c.version, opinion: '可' }, world.deps);
    const refused = await rejection(() =>
      act(db(), world.as('approver'), d.id, 'decide', { version: d.version, decision: 'refused' }, world.deps),
    );
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).fields).toEqual([{ pointer: '/opinion', reason: 'required' }]);
    const maybe = await rejection(() =>
      act(
        db(),
        world.as('approver'),
        d.id,
        'decide',
        { version: d.version, decision: 'maybe', opinion: 'x'.repeat(2001) },
        world.deps,
      ),
    );
    expect((maybe as ValidationError).fields).toEqual([
      { pointer: '/opinion', reason: 'too_long' },
      { pointer: '/decision', reason: 'one_of' },
    ]);
    const e = await accepted();
    const supplement = await rejection(() =>
      act(db(), world.as('handler'), e.id, 'supplement', { version: e.version, materialIndexes: [0, 7] }, world.deps),
    );
    expect((supplement as ValidationError).fields).toEqual([
      { pointer: '/reason', reason: 'required' },
      { pointer: '/materialIndexes/1', reason: 'range' },
    ]);
  });

  it('rejects (不予受理) with a reason, which closes the case', async () => {
    const c = await takeIn(db(), world.actor('clerk1'), application(), world.deps);
    const d = await act(db(), world.as('clerk1'), c.id, 'reject', { version: 1, reason: '材料不齐' }, world.deps);
    expect(d).toMatchObject({ status: 'rejected', allowedActions: [] });
    expect(d.steps.at(-1)).toMatchObject({ action: 'reject', opinion: '材料不齐' });
    const again = await rejection(() =>
      act(db(), world.as('clerk1'), c.id, 'accept', { version: d.version }, world.deps),
    );
    expect(again).toMatchObject({ code: 'cases.wrong_state', params: { status: 'rejected', action: 'accept' } });
  });

  it('lets a clerk withdraw a case for the applicant before a decision, not after', async () => {
    const c = await accepted();
    const w = await act(
      db(),
      world.as('clerk1'),
      c.id,
      'withdraw',
      { version: c.version, reason: '申请人撤回' },
      world.deps,
    );
    expect(w.status).toBe('withdrawn');
    const d = await accepted();
    const e = await act(db(), world.as('handler'), d.id, 'advance', { version: d.version, opinion: '可' }, world.deps);
    const f = await act(
      db(),
      world.as('approver'),
      e.id,
      'decide',
      { version: e.version, decision: 'granted', opinion: '同意' },
      world.deps,
    );
    const late = await rejection(() =>
      act(db(), world.as('clerk1'), f.id, 'withdraw', { version: f.version, reason: '撤回' }, world.deps),
    );
    expect(late).toMatchObject({ code: 'cases.wrong_state', params: { status: 'decided' } });
  });
});

describe('allowed actions', () => {
  it('shows each viewer what they may do now', async () => {
    const c = await takeIn(db(), world.actor('clerk1'), application(), world.deps);
    const actions = async (name: Parameters<CaseWorld['as']>[0]) =>
      (await getCase(db(), world.as(name), c.id, world.deps)).allowedActions;
    expect(await actions('clerk1')).toEqual(['accept', 'reject', 'withdraw', 'receive_material']);
    expect(await actions('handler')).toEqual(['receive_material']);
    expect(await actions('supervisor')).toEqual([]);
    const d = await act(db(), world.as('clerk1'), c.id, 'accept', { version: 1 }, world.deps);
    expect(d.allowedActions).toEqual(['withdraw', 'receive_material']);
    expect(await actions('handler')).toEqual(['advance', 'supplement', 'special', 'receive_material']);
    expect(await actions('approver')).toEqual(['advance', 'supplement', 'special', 'receive_material']);
    const e = await act(db(), world.as('handler'), c.id, 'advance', { version: d.version, opinion: '可' }, world.deps);
    expect(await actions('handler')).toEqual(['supplement', 'special', 'receive_material']);
    expect(await actions('approver')).toEqual(['decide', 'supplement', 'special', 'receive_material']);
    const f = await act(
      db(),
      world.as('approver'),
      c.id,
      'decide',
      { version: e.version, decision: 'granted', opinion: '同意' },
      world.deps,
    );
    expect(await actions('handler')).toEqual(['complete']);
    const g = await act(db(), world.as('handler'), c.id, 'complete', { version: f.version }, world.deps);
    expect(await actions('clerk1')).toEqual(['deliver', 'rate']);
    expect(await actions('handler')).toEqual(['deliver']);
    expect(g.applicantWhole).toBe(true);
    const supervised = await getCase(db(), world.as('supervisor'), c.id, world.deps);
    expect(supervised.applicantWhole).toBe(false);
  });
});
