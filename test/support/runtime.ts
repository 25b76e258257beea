/** A whole platform for in-process HTTP tests: a fresh database, the runtime and the app, torn down after. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { createTestDatabase } from './database.js';

export interface TestPlatform {
  app: App;
  runtime: Runtime;
  dataDir: string;
  close(): Promise<void>;
}

export interface TestPlatformOptions {
  /** Environment variables on top of the test defaults. */
  env?: Record<string, string>;
  /** The HTTP plugins to serve instead of the runtime's own (to test one plugin with other options). */
  routes?: (runtime: Runtime) => FastifyPluginAsync[];
}

export async function createTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'huitong-test-'));
  const testDatabase = await createTestDatabase({ migrate: false });
  const config = loadConfig({
    HUITONG_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    HUITONG_DEMO_SEED: 'false',
    ...options.env,
  });
  const runtime = await openRuntime(config, { database: testDatabase.database, migrate: true });
  if (options.routes) runtime.routes.splice(0, runtime.routes.length, ...options.routes(runtime));
  const app = await buildApp(runtime, { logger: false });
  return {
    app,
    runtime,
    dataDir,
    async close() {
      await app.close();
      await runtime.close();
      await testDatabase.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
