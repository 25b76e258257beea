import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import type { Actor, Decision, Policy } from '../authorization.js';
import { ForbiddenError } from '../errors.js';
import { auditRoutes } from './audit.routes.js';
import { recordAudit } from './audit-log.js';

const AUDITOR = '00000000-0000-4000-8000-00000000a0d1';
const CLERK = '00000000-0000-4000-8000-00000000c1e2';

/** The one grant this test needs: the auditor holds audit.read platform-wide, nobody else holds anything. */
const policy: Policy = {
  async authorize(_executor, actor: Actor, permission, orgUnitCode): Promise<Decision> {
    const allowed = actor.id === AUDITOR && permission === 'audit.read' && orgUnitCode === null;
    return { allowed, permission, orgUnitCode, reason: allowed ? 'granted' : 'no_grant', grants: [] };
  },
  async assertAllowed(executor, actor, permission, orgUnitCode) {
    const decision = await this.authorize(executor, actor, permission, orgUnitCode);
    if (!decision.allowed) throw new ForbiddenError('access.denied', { permission, reason: decision.reason });
  },
  async scopeOf() {
    return { everywhere: false, orgUnitCodes: [] };
  },
};

describe('audit API', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await createTestPlatform({ routes: (runtime) => [auditRoutes({ database: runtime.database, policy })] });
    // Requests say who they are with a test header; the identity module's session cookie does this in the product.
    platform.runtime.authenticators.push(async (request) => {
      const id = request.headers['x-test-person'];
      return typeof id === 'string' ? { kind: 'staff', id, via: 'test' } : null;
    });
    for (const action of ['directory.person.created', 'access.grant.created', 'directory.person.updated']) {
      await recordAudit(platform.runtime.database.kysely, {
        actor: { type: 'system' },
        action,
        target: { type: 'person', id: 'p-1' },
        outcome: 'success',
      });
    }
  });
  afterAll(() => platform.close());

  const get = (url: string, person?: string) =>
    platform.app.inject({ method: 'GET', url, headers: person ? { 'x-test-person': person } : {} });

  it('gives the auditor entries newest first, filtered and paged', async () => {
    const first = await get('/api/audit/v1/entries?targetType=person&limit=2', AUDITOR);
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.entries.map((e: { action: string }) => e.action)).toEqual([
      'directory.person.updated',
      'access.grant.created',
    ]);
    const rest = (
      await get(`/api/audit/v1/entries?targetType=person&limit=2&beforeSeq=${page.nextBeforeSeq}`, AUDITOR)
    ).json();
    expect(rest.entries.map((e: { action: string }) => e.action)).toEqual(['directory.person.created']);
    expect(rest.nextBeforeSeq).toBeNull();
  });

  it('records each read in the log itself', async () => {
    await get('/api/audit/v1/entries?action=access.grant.created', AUDITOR);
    const reads = (await get('/api/audit/v1/entries?action=audit.log.read', AUDITOR)).json();
    expect(reads.entries[0]).toMatchObject({ actorType: 'user', actorId: AUDITOR, action: 'audit.log.read' });
    expect(reads.entries[0].details.filter).toEqual({ action: 'access.grant.created', limit: 50 });
  });

  it('verifies the chain and says where its head is', async () => {
    const response = await get('/api/audit/v1/verification', AUDITOR);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ ok: true, head: { seq: expect.any(Number) } });
  });

  it('refuses anonymous callers with 401 and anyone else with 403, as problem+json', async () => {
    const anonymous = await get('/api/audit/v1/entries');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
    const clerk = await get('/api/audit/v1/verification', CLERK);
    expect(clerk.statusCode).toBe(403);
    expect(clerk.json()).toMatchObject({ type: '/problems/access.denied' });
  });

  it('names every bad query parameter', async () => {
    const response = await get('/api/audit/v1/entries?limit=0&from=yesterday&action=Bad', AUDITOR);
    expect(response.statusCode).toBe(422);
    const pointers = response
      .json()
      .errors.map((e: { pointer: string }) => e.pointer)
      .sort();
    expect(pointers).toEqual(['/querystring/action', '/querystring/from', '/querystring/limit']);
  });
});
