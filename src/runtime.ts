/**
 * The running platform: configuration, storage and the shared services every module is handed,
 * opened in one place and closed in reverse order. The HTTP app (app.ts), the CLI (main.ts) and
 * the tests all start from here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { pino } from 'pino';
import type { Config } from './config.js';
import { directoryRoutes, seedDemoOrganisation, seedDemoStaff } from './modules/directory/index.js';
import type { BlobStore } from './platform/blobs/blob-store.js';
import { FsBlobStore } from './platform/blobs/fs-blob-store.js';
import { loadCalendar, type WorkingDayCalendar } from './platform/calendar/working-days.js';
import { type Database, openDatabase } from './platform/db/database.js';
import { migrate } from './platform/db/migrations.js';
import { EventDispatcher } from './platform/events/dispatcher.js';
import type { Authenticator } from './platform/http/authentication.js';
import { logRedactPaths } from './platform/logging.js';
import { loadSecretKey, type SecretBox, secretBox } from './platform/secrets/secret-box.js';
import { portalRoutes } from './web/portal/portal.routes.js';
import { WORKBENCH_ASSETS_DIR, workbenchRoutes } from './web/workbench.routes.js';

export interface Runtime {
  version: string;
  config: Config;
  database: Database;
  /** Working days for deadlines: the bundled holiday schedule or the operator's own. */
  calendar: WorkingDayCalendar;
  /** Content-addressed file store for attachments, payloads and archive packages. */
  blobs: BlobStore;
  /** Seals secrets stored in the database (TOTP seeds, signing keys) under the platform key. */
  secrets: SecretBox;
  /** Domain events from the outbox to in-process subscribers; modules subscribe before `start()`. */
  events: EventDispatcher;
  /** How requests prove who they are, tried in this order by buildApp before any route runs. */
  authenticators: Authenticator[];
  /** HTTP plugins of the modules and web shells, registered by buildApp in this order. */
  routes: FastifyPluginAsync[];
  close(): Promise<void>;
}

export interface OpenRuntimeOptions {
  /** Apply pending migrations on open (serve does; `huitong migrate` does it itself). */
  migrate?: boolean;
  /** An already open database (tests); otherwise opened from the configuration. */
  database?: Database;
}

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export async function openRuntime(config: Config, options: OpenRuntimeOptions = {}): Promise<Runtime> {
  const database =
    options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const closers: Array<() => Promise<void>> = [];
  if (!options.database) closers.push(() => database.close());
  try {
    const calendar = await loadCalendar(config.calendarFile);
    const secrets = secretBox(await loadSecretKey(config.secretKey, config.dataDir));
    if (options.migrate ?? true) {
      const report = await migrate(database);
      // A fresh embedded data dir is someone trying the platform: give them the demo district.
      const fresh = report.alreadyApplied === 0 && database.engine === 'pglite' && !options.database;
      if (fresh && config.seedDemoOnFreshStart) {
        await seedDemoOrganisation(database);
        await seedDemoStaff(database);
      }
    }
    const events = new EventDispatcher(database, {
      logger: pino({ level: config.logLevel, redact: logRedactPaths }).child({ component: 'events' }),
    });
    closers.push(() => events.stop()); // after the database's closer, so it runs first
    const blobs = new FsBlobStore(path.join(config.dataDir, 'blobs'), { maxBytes: config.maxUploadBytes });
    const authenticators: Authenticator[] = [];
    const routes: FastifyPluginAsync[] = [
      directoryRoutes({ database }),
      portalRoutes({ database }),
      workbenchRoutes({ assetsDir: WORKBENCH_ASSETS_DIR }),
    ];
    return {
      version: VERSION,
      config,
      database,
      calendar,
      blobs,
      secrets,
      events,
      authenticators,
      routes,
      async close() {
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close();
    throw error;
  }
}
