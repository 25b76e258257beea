import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { secretBox } from '../../platform/secrets/secret-box.js';
import { seedDemoOrganisation } from '../directory/index.js';
import { DEMO_MEMBERS, seedDemoMembers } from './demo-members.js';
import { seedDemoStandards } from './demo-standards.js';
import { mayPublish, memberOfClient } from './member.service.js';
import { routeTargets } from './subscription.service.js';

let test: TestDatabase;
const db = () => test.database.kysely;
const secrets = secretBox(randomBytes(32));

beforeAll(async () => {
  test = await createTestDatabase();
  await seedDemoOrganisation(test.database);
  await seedDemoStandards(db());
});
afterAll(() => test.drop());

describe('the demo members', () => {
  it('registers the systems once with rights and approved subscriptions, and keeps the zone rule', async () => {
    const first = await seedDemoMembers(db(), { secrets });
    expect(first).toMatchObject({ members: 5, publishers: 5, subscriptions: 9 });
    expect(first.credentials.map((credential) => credential.memberId)).toEqual(DEMO_MEMBERS.map((member) => member.id));
    expect(await seedDemoMembers(db(), { secrets })).toEqual({
      members: 0,
      publishers: 0,
      subscriptions: 0,
      credentials: [],
    });

    expect(await memberOfClient(db(), 'bmfw-app')).toMatchObject({ zone: 'external', ownerOrgUnitCode: 'D35' });
    expect(await mayPublish(db(), 'gaj-rkxt', 'population-basic')).toBe(true);
    expect(await mayPublish(db(), 'gaj-rkxt', 'legal-person-basic')).toBe(false);
    // population-basic is sensitive: only internal members are routed to.
    const population = await routeTargets(db(), 'population-basic');
    expect(population.map((target) => target.memberId)).toEqual(['scjg-qydj', 'zwfw-ycsl']);
    expect(population.every((target) => target.memberZone === 'internal')).toBe(true);
    expect((await routeTargets(db(), 'legal-person-basic')).map((target) => target.memberId)).toContain('bmfw-app');
  });
});
