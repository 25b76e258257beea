import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CaseWorld,
  createCaseWorld,
  newResidentId,
  publishTestItem,
  TEST_FORM_DATA,
} from '../../../test/support/case-world.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { ValidationError } from '../../platform/errors.js';
import { takeIn } from './case.service.js';
import { act } from './case-transition.service.js';
import { defaultRoute, getRoute, setRoute } from './route.service.js';

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

const JOINT_ROUTE = [
  { key: 'review', nameZh: '承办审查', nameEn: 'Review', unitCode: 'XD1', permission: 'cases.handle' },
  { key: 'joint', nameZh: '会签', nameEn: 'Joint review', unitCode: 'XD2', permission: 'cases.handle' },
  { key: 'decide', nameZh: '领导审批', nameEn: 'Approval', unitCode: 'XD1', permission: 'cases.decide' },
];

describe('routes of stages', () => {
  it('gives the default route until one is set, and cases travel the route they were accepted under', async () => {
    const code = await publishTestItem(db());
    expect(await getRoute(db(), world.actor('handler'), code, world.deps)).toEqual(defaultRoute('XD1'));
    const take = async () => {
      const c = await takeIn(
        db(),
        world.actor('clerk1'),
        {
          itemCode: code,
          centreCode: 'XC1',
          applicant: { kind: 'citizen', name: '冯宁', idNumber: newResidentId() },
          form: TEST_FORM_DATA,
        },
        world.deps,
      );
      return act(db(), world.as('clerk1'), c.id, 'accept', { version: c.version }, world.deps);
    };
    const before = await take();
    expect(await setRoute(db(), world.actor('routeAdmin'), code, { stages: JOINT_ROUTE }, world.deps)).toEqual(
      JOINT_ROUTE,
    );
    expect(await getRoute(db(), world.actor('routeAdmin'), code, world.deps)).toEqual(JOINT_ROUTE);
    const after = await take();
    expect(before.stages).toHaveLength(2);
    expect(after.stages.map((stage) => stage.key)).toEqual(['review', 'joint', 'decide']);
    // The joint review is XD2's to pass, not XD1's handler's.
    const reviewed = await act(
      db(),
      world.as('handler'),
      after.id,
      'advance',
      { version: after.version, opinion: '可' },
      world.deps,
    );
    await expect(
      act(db(), world.as('handler'), after.id, 'advance', { version: reviewed.version, opinion: '可' }, world.deps),
    ).rejects.toMatchObject({ code: 'access.denied', params: { orgUnitCode: 'XD2' } });
    const joint = await act(
      db(),
      world.as('other'),
      after.id,
      'advance',
      { version: reviewed.version, opinion: '同意' },
      world.deps,
    );
    expect(joint).toMatchObject({ stage: 2 });
    const decided = await act(
      db(),
      world.as('approver'),
      after.id,
      'decide',
      { version: joint.version, decision: 'granted', opinion: '同意' },
      world.deps,
    );
    expect(decided.steps.map((step) => step.orgUnitCode)).toEqual(['XC1', 'XC1', 'XD1', 'XD2', 'XD1']);
  });

  it('checks a route whole and lets only those who manage routes set it', async () => {
    const code = await publishTestItem(db());
    const error = await setRoute(
      db(),
      world.actor('routeAdmin'),
      code,
      {
        stages: [
          { key: 'Review', nameZh: '', nameEn: 'Review', unitCode: 'NOPE', permission: 'cases.intake' },
          { key: 'review2', nameZh: '审查', nameEn: 'Review', unitCode: 'XD1', permission: 'cases.handle' },
        ],
      },
      world.deps,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((field) => `${field.pointer} ${field.reason}`)).toEqual([
      '/stages/0/key pattern',
      '/stages/0/nameZh required',
      '/stages/0/unitCode not_found',
      '/stages/0/permission one_of',
      '/stages/1/permission last_decides',
    ]);
    await expect(setRoute(db(), world.actor('routeAdmin'), code, { stages: [] }, world.deps)).rejects.toMatchObject({
      fields: [{ pointer: '/stages', reason: 'length' }],
    });
    await expect(
      setRoute(db(), world.actor('handler'), code, { stages: JOINT_ROUTE }, world.deps),
    ).rejects.toMatchObject({
      code: 'access.denied',
      params: { permission: 'cases.route.manage' },
    });
    await expect(getRoute(db(), world.actor('clerk1'), code, world.deps)).rejects.toMatchObject({
      code: 'access.denied',
    });
  });
});
