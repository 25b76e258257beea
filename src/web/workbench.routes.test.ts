import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../test/support/runtime.js';
import { WORKBENCH_ASSETS_DIR, workbenchRoutes } from './workbench.routes.js';

const INDEX_HTML = '<!doctype html><html lang="zh-CN"><title>汇通工作台</title><div id="root"></div></html>';
const ASSET = 'console.log("workbench");';

let built: TestPlatform;
let unbuilt: TestPlatform;
let assetsDir: string;

beforeAll(async () => {
  assetsDir = await mkdtemp(path.join(os.tmpdir(), 'huitong-workbench-'));
  await mkdir(path.join(assetsDir, 'assets'));
  await writeFile(path.join(assetsDir, 'index.html'), INDEX_HTML);
  await writeFile(path.join(assetsDir, 'assets', 'index-abc123.js'), ASSET);
  built = await createTestPlatform({ routes: () => [workbenchRoutes({ assetsDir })] });
  await built.app.ready();
  unbuilt = await createTestPlatform({
    routes: () => [workbenchRoutes({ assetsDir: path.join(assetsDir, 'no-such-build') })],
  });
  await unbuilt.app.ready();
});

afterAll(async () => {
  await built?.close();
  await unbuilt?.close();
  await rm(assetsDir, { recursive: true, force: true });
});

describe('workbench routes', () => {
  it('redirects /workbench to /workbench/, keeping the query', async () => {
    const response = await built.app.inject('/workbench?tab=1');
    expect(response.statusCode).toBe(301);
    expect(response.headers.location).toBe('/workbench/?tab=1');
  });

  it('answers the app root and any deeper page with index.html, revalidated on every visit', async () => {
    for (const url of ['/workbench/', '/workbench/cases/2024-0001', '/workbench/settings/']) {
      const response = await built.app.inject(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.body).toBe(INDEX_HTML);
    }
  });

  it('serves hashed assets as immutable for a year', async () => {
    const response = await built.app.inject('/workbench/assets/index-abc123.js');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.body).toBe(ASSET);
  });

  it('answers a missing asset with 404 problem+json, not with the app', async () => {
    const response = await built.app.inject('/workbench/assets/index-gone.js');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('does not serve files outside the assets folder', async () => {
    // An encoded slash survives URL normalisation, so this reaches the file server as `../index.html`.
    const response = await built.app.inject('/workbench/assets/..%2findex.html');
    expect([403, 404]).toContain(response.statusCode);
    expect(response.body).not.toContain('汇通工作台');
  });

  it('stays out of the API description', async () => {
    const paths = Object.keys((await built.app.inject('/docs/json')).json().paths);
    expect(paths.filter((p) => p.startsWith('/workbench'))).toEqual([]);
  });

  it('tells the operator to build when there is no build', async () => {
    const response = await unbuilt.app.inject('/workbench/');
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ code: 'web.workbench_not_built', type: '/problems/web.workbench_not_built' });
    expect(problem.detail).toContain('npm run build');
    const english = await unbuilt.app.inject({ url: '/workbench/cases', headers: { 'accept-language': 'en' } });
    expect(english.statusCode).toBe(503);
    expect(english.json().title).toBe('The workbench has not been built');
  });

  it('looks for the build in dist/web/workbench at the top of the repository', () => {
    expect(WORKBENCH_ASSETS_DIR).toBe(path.resolve(import.meta.dirname, '../../dist/web/workbench'));
  });
});
