import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDistrict } from '../../../test/support/org-units.js';
import { makePerson } from '../../../test/support/people.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import { assignPost, createPerson, updatePerson, upsertOrgUnits } from '../directory/index.js';
import { openSession, sessionFromToken } from './session.service.js';

// The runtime subscribes identity to the directory's events; this drives it as the platform runs.
describe('sessions of people who are suspended or leave', () => {
  let platform: TestPlatform;
  const db = () => platform.runtime.database.kysely;
  const acting = () => ({ actor: SYSTEM_ACTOR, policy: platform.runtime.policy });

  beforeAll(async () => {
    platform = await createTestPlatform();
    await upsertOrgUnits(db(), smallDistrict());
  });
  afterAll(() => platform.close());

  async function personWithSession() {
    const person = await createPerson(db(), makePerson(), acting());
    await assignPost(db(), person.id, { orgUnitCode: 'XD1', title: '科员' }, acting());
    const { token } = await openSession(db(), {
      subjectKind: 'staff',
      subjectId: person.id,
      ip: '10.0.0.1',
      userAgent: 'test',
      secondFactor: false,
    });
    return { person, token };
  }

  it('ends every session of a person who leaves, once the event is delivered', async () => {
    const { person, token } = await personWithSession();
    await updatePerson(db(), person.id, { status: 'left' }, acting());
    await platform.runtime.events.drain({ timeoutMs: 20_000 });
    expect(await sessionFromToken(db(), token)).toBeNull();
  });

  it('ends them for a suspension too, and leaves a changed mobile alone', async () => {
    const suspended = await personWithSession();
    const renamed = await personWithSession();
    await updatePerson(db(), renamed.person.id, { mobile: '19900099999' }, acting());
    await updatePerson(db(), suspended.person.id, { status: 'suspended' }, acting());
    await platform.runtime.events.drain({ timeoutMs: 20_000 });
    expect(await sessionFromToken(db(), suspended.token)).toBeNull();
    expect(await sessionFromToken(db(), renamed.token)).toMatchObject({ subjectId: renamed.person.id });
  });
});
