import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openRuntime } from '../src/runtime.js';
import { createTestDatabase } from './support/database.js';
import { createTestPlatform, type TestPlatform } from './support/runtime.js';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await createTestPlatform();
  // A JSON route for the error tests, with a schema like every module route has.
  platform.app.post(
    '/api/test/v1/echo',
    {
      schema: {
        body: {
          type: 'object',
          required: ['name', 'count'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1 }, count: { type: 'integer', minimum: 1 } },
        },
      },
    },
    async (request) => request.body,
  );
  await platform.app.ready();
});
afterAll(() => platform.close());

describe('health', () => {
  it('answers liveness and readiness with the database migrated', async () => {
    const live = await platform.app.inject('/healthz');
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    const ready = await platform.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.migrations.status).toBe('ok');
  });

  it('reports not ready while migrations are pending, naming them', async () => {
    const unmigrated = await createTestDatabase({ migrate: false });
    const config = loadConfig({ HUITONG_DATA_DIR: platform.dataDir, LOG_LEVEL: 'silent' });
    const runtime = await openRuntime(config, { database: unmigrated.database, migrate: false });
    const app = await buildApp(runtime, { logger: false });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.migrations).toMatchObject({ status: 'unavailable' });
    expect(ready.json().checks.migrations.detail).toContain('0001-platform-audit');
    await app.close();
    await runtime.close();
    await unmigrated.drop();
  });

  it('reports not ready when the database is gone', async () => {
    const { createTestPlatform: create } = await import('./support/runtime.js');
    const other = await create();
    await other.app.ready();
    await other.runtime.database.close();
    const ready = await other.app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.database.status).toBe('unavailable');
    await other.app.close();
  });
});

describe('problem+json', () => {
  it('answers an unknown route with 404 problem+json in Chinese by default', async () => {
    const response = await platform.app.inject('/no/such/place?idNumber=110101199003077777');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ type: '/problems/http.route_not_found', status: 404, title: '没有这个地址' });
    expect(problem.detail).toContain('/no/such/place');
    expect(problem.detail).not.toContain('110101199003077777');
    expect(problem.requestId).toBe(response.headers['x-request-id']);
  });

  it('speaks English when asked', async () => {
    const response = await platform.app.inject({ url: '/nowhere', headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(response.json().title).toBe('No such route');
  });

  it('answers malformed JSON with 400', async () => {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/api/test/v1/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "x",',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().type).toBe('/problems/http.malformed_json');
  });

  it('names every field that failed validation', async () => {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/api/test/v1/echo',
      payload: { name: '', count: 0, extra: true },
    });
    expect(response.statusCode).toBe(422);
    const problem = response.json();
    expect(problem.type).toBe('/problems/http.validation_failed');
    const pointers = problem.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/body/count', '/body/extra', '/body/name']);
  });

  it('refuses a body over the limit with 413', async () => {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/api/test/v1/echo',
      payload: { name: 'x'.repeat(2 * 1024 * 1024), count: 1 },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().type).toBe('/problems/http.body_too_large');
  });

  it('refuses a content type the route does not take with 415', async () => {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/api/test/v1/echo',
      headers: { 'content-type': 'application/x-unknown' },
      payload: 'whatever',
    });
    expect(response.statusCode).toBe(415);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('problem types', () => {
  it('describes a problem type at its type URI, in both languages', async () => {
    const problem = (await platform.app.inject('/nowhere')).json();
    const response = await platform.app.inject(problem.type);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      code: 'http.route_not_found',
      title: { zh: '没有这个地址', en: 'No such route' },
      detail: { en: '{method} {url} does not exist.' },
    });
  });

  it('answers an unknown or malformed problem type with a problem', async () => {
    expect((await platform.app.inject('/problems/no.such_problem')).json().code).toBe('http.problem_type_unknown');
    expect((await platform.app.inject('/problems/..%2Fetc')).statusCode).toBe(422);
  });
});

describe('request ids, headers and OpenAPI', () => {
  it('keeps a sane incoming request id and replaces a bad one', async () => {
    const kept = await platform.app.inject({ url: '/healthz', headers: { 'x-request-id': 'gateway-1234abcd' } });
    expect(kept.headers['x-request-id']).toBe('gateway-1234abcd');
    const replaced = await platform.app.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\nwith newline' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends the security headers on answers, problems and unknown routes alike', async () => {
    for (const url of ['/healthz', '/api/no-such-route', '/api/identity/v1/me']) {
      const response = await platform.app.inject(url);
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('same-origin');
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
  });

  it('describes every route in OpenAPI 3.1', async () => {
    const response = await platform.app.inject('/docs/json');
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
  });
});
