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
import { type DemoAccessReport, seedDemoAccess } from './demo-access-seed.js';
import { seedDemoExchange } from './demo-exchange-seed.js';
import { type AccessPolicy, accessRoutes, createAccessPolicy, rolesOf } from './modules/access/index.js';
import { caseRoutes, startDeadlineSweeper, subscribeCases, trackThrottle } from './modules/cases/index.js';
import {
  directoryRoutes,
  personRoutes,
  seedDemoOrganisation,
  seedDemoStaff,
  staffImportRoutes,
} from './modules/directory/index.js';
import { type Exchange, exchangeMetrics, exchangeRoutes, openExchange } from './modules/exchange/index.js';
import {
  accessTokenAuthenticator,
  identityRoutes,
  OpenIdProvider,
  oidcClientRoutes,
  oidcInteractionRoutes,
  oidcProviderRoutes,
  publicAccountRoutes,
  sessionAuthenticator,
  subscribeIdentity,
  subscribeOidcSessionEnd,
} from './modules/identity/index.js';
import { provisioningRoutes, scimRoutes, subscribeProvisioning } from './modules/provisioning/index.js';
import { seedDemoServices, serviceItemRoutes } from './modules/services/index.js';
import { auditRoutes } from './platform/audit/audit.routes.js';
import type { BlobStore } from './platform/blobs/blob-store.js';
import { FsBlobStore } from './platform/blobs/fs-blob-store.js';
import { loadCalendar, type WorkingDayCalendar } from './platform/calendar/working-days.js';
import { type Database, openDatabase } from './platform/db/database.js';
import { migrate, pendingMigrations } from './platform/db/migrations.js';
import { startPGliteMaintenance } from './platform/db/pglite-maintenance.js';
import { EventDispatcher } from './platform/events/dispatcher.js';
import type { Authenticator } from './platform/http/authentication.js';
import { metricsRoutes } from './platform/http/metrics.routes.js';
import { logRedactPaths } from './platform/logging.js';
import { loadSecretKey, type SecretBox, secretBox } from './platform/secrets/secret-box.js';
import { publicAccountPages } from './web/portal/account-pages.routes.js';
import { casePages } from './web/portal/case-pages.routes.js';
import { portalRoutes } from './web/portal/portal.routes.js';
import { servicePages } from './web/portal/services.routes.js';
import { oidcSignInPages } from './web/signin/oidc-pages.js';
import { signinRoutes } from './web/signin/signin.routes.js';
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
  /** Who may do what, where: the access module's grants, asked by every module's services. */
  policy: AccessPolicy;
  /** The OpenID Provider of the office systems; null while the database is behind on migrations. */
  oidc: OpenIdProvider | null;
  /** The data exchange hub (message log and delivery transport); null while behind on migrations. */
  exchange: Exchange | null;
  /** The demo accounts made on this start (a fresh embedded data dir), for the start-up message. */
  demoAccess: DemoAccessReport | undefined;
  /** Domain events from the outbox to in-process subscribers; modules subscribe before `start()`. */
  events: EventDispatcher;
  /** How requests prove who they are, tried in this order by buildApp before any route runs. */
  authenticators: Authenticator[];
  /** HTTP plugins of the modules and web shells, registered by buildApp in this order. */
  routes: FastifyPluginAsync[];
  /**
   * Starts the background work of the `worker` role (and `all`): domain event delivery, exchange push
   * delivery and the cases' deadline sweeper. A web-only process never calls it.
   */
  startWorkers(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenRuntimeOptions {
  /** Apply pending migrations on open (serve does; `huitong migrate` does it itself). */
  migrate?: boolean;
  /** An already open database (tests); otherwise opened from the configuration. */
  database?: Database;
}

/**
 * How often a worker sweeps running cases for deadline alerts. Lights change by the day; a quarter of
 * an hour raises a new day's alerts early in the morning without measurable load.
 */
const DEADLINE_SWEEP_INTERVAL_MS = 15 * 60_000;
/** The embedded database's vacuum and analyse (no autovacuum runs in PGlite): 10 minutes after start, then hourly. */
const PGLITE_MAINTENANCE_FIRST_DELAY_MS = 10 * 60_000;
const PGLITE_MAINTENANCE_INTERVAL_MS = 60 * 60_000;

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
    let demoAccess: DemoAccessReport | undefined;
    if (options.migrate ?? true) {
      const report = await migrate(database);
      // A fresh embedded data dir is someone trying the platform: give them the demo district.
      const fresh = report.alreadyApplied === 0 && database.engine === 'pglite' && !options.database;
      if (fresh && config.seedDemoOnFreshStart) {
        await seedDemoOrganisation(database);
        await seedDemoStaff(database);
        await seedDemoServices(database.kysely);
        const policy = createAccessPolicy({ database });
        demoAccess = await seedDemoAccess(database, { policy, dataDir: config.dataDir, password: config.demoPassword });
        await seedDemoExchange(database, { secrets, credentialsFile: demoAccess.credentialsFile });
      }
    }
    const events = new EventDispatcher(database, {
      logger: pino({ level: config.logLevel, redact: logRedactPaths }).child({ component: 'events' }),
    });
    closers.push(() => events.stop()); // after the database's closer, so it runs first
    const policy = createAccessPolicy({
      database,
      logger: pino({ level: config.logLevel, redact: logRedactPaths }).child({ component: 'access' }),
    });
    // Denials asked inside a rolled-back transaction are written after it: let them land before closing.
    closers.push(() => policy.settled());
    const blobs = new FsBlobStore(path.join(config.dataDir, 'blobs'), { maxBytes: config.maxUploadBytes });
    // A database behind on its migrations (a runtime told not to migrate) serves health and readiness
    // only: /readyz names what is pending, and no module runs on tables it does not have yet.
    const behind = (await pendingMigrations(database)).length > 0;
    const { authenticators, routes, oidc, exchange } = behind
      ? { authenticators: [], routes: [], oidc: null, exchange: null }
      : await openModules({ config, database, calendar, secrets, events, policy, blobs, closers });
    return {
      version: VERSION,
      config,
      database,
      calendar,
      blobs,
      secrets,
      policy,
      oidc,
      exchange,
      demoAccess,
      events,
      authenticators,
      routes,
      async startWorkers() {
        events.start();
        if (!exchange) return; // behind on migrations: nothing of the modules runs
        await exchange.transport.start();
        const stopSweeper = startDeadlineSweeper({
          database,
          calendar,
          warnDays: config.casesWarnDays,
          intervalMs: DEADLINE_SWEEP_INTERVAL_MS,
          logger: pino({ level: config.logLevel, redact: logRedactPaths }).child({ component: 'cases' }),
        });
        closers.push(stopSweeper); // runs first on close, before the database goes
        const stopMaintenance = startPGliteMaintenance({
          database,
          firstDelayMs: PGLITE_MAINTENANCE_FIRST_DELAY_MS,
          intervalMs: PGLITE_MAINTENANCE_INTERVAL_MS,
          logger: pino({ level: config.logLevel, redact: logRedactPaths }).child({ component: 'database' }),
        });
        closers.push(stopMaintenance);
      },
      async close() {
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close();
    throw error;
  }
}

interface ModuleDeps {
  config: Config;
  database: Database;
  calendar: WorkingDayCalendar;
  secrets: SecretBox;
  events: EventDispatcher;
  policy: AccessPolicy;
  blobs: BlobStore;
  /** Where a module that holds resources (timers, provider instances) registers its closing. */
  closers: Array<() => Promise<void>>;
}

/** The modules: their event subscriptions, how requests authenticate, and their HTTP routes. */
async function openModules(deps: ModuleDeps): Promise<{
  authenticators: Authenticator[];
  routes: FastifyPluginAsync[];
  oidc: OpenIdProvider;
  exchange: Exchange;
}> {
  const { config, database, calendar, secrets, events, policy, blobs, closers } = deps;
  const provisioning = { mail: { domain: config.mailDomain, rule: config.mailRule } };
  subscribeIdentity(events);
  subscribeProvisioning(events, provisioning);
  const oidcLogger = pino({ level: config.logLevel, redact: logRedactPaths }).child({ component: 'oidc' });
  const oidc = await OpenIdProvider.open({
    database,
    secrets,
    issuer: config.publicUrl,
    rolesOf: (executor, personId, clientId) => rolesOf(executor, personId, { application: clientId }),
    pages: oidcSignInPages,
    logger: oidcLogger,
  });
  closers.push(() => oidc.close()); // after the events' closer, so it runs before it
  subscribeOidcSessionEnd(events, oidc, oidcLogger);
  // Pushing starts with the process's role (main.ts); publishing and pulls work in every role.
  const exchange = await openExchange({
    database,
    secrets,
    logger: pino({ level: config.logLevel, redact: logRedactPaths }).child({ component: 'exchange' }),
    suite: config.exchangeCrypto,
    maxDataBytes: config.exchangeMaxDataBytes,
    delivery: { maxAttempts: config.exchangeMaxAttempts, backoff: { baseMs: 1000, maxMs: config.exchangeRetryMaxMs } },
    natsUrl: config.natsUrl,
    natsName: config.natsName,
  });
  closers.push(() => exchange.close()); // before the database's closer runs
  subscribeCases(events, {
    exchange,
    memberId: config.casesExchangeMember,
    publishInDelivery: database.engine !== 'pglite',
    logger: pino({ level: config.logLevel, redact: logRedactPaths }).child({ component: 'cases' }),
  });

  const secureCookie = config.publicUrl.startsWith('https:');
  const publicUrl = config.publicUrl;
  const cases = {
    database,
    policy,
    calendar,
    blobs,
    warnDays: config.casesWarnDays,
    followUpDays: config.casesFollowUpDays,
  };
  // One throttle for tracking by number: the API and the portal's pages count against the same limit.
  const throttleTracking = trackThrottle();
  const authenticators: Authenticator[] = [sessionAuthenticator(database), accessTokenAuthenticator({ database })];
  const routes: FastifyPluginAsync[] = [
    directoryRoutes({ database }),
    personRoutes({ database, policy }),
    staffImportRoutes({ database, policy }),
    accessRoutes({ database, policy }),
    identityRoutes({ database, secrets, policy, publicUrl }),
    publicAccountRoutes({ database, secureCookie }),
    provisioningRoutes({ database, policy }),
    scimRoutes({ database, sync: provisioning, publicUrl }),
    auditRoutes({ database, policy }),
    exchangeRoutes({ database, policy, secrets, blobs, exchange }),
    serviceItemRoutes({ database, policy }),
    caseRoutes({ ...cases, throttleTracking }),
    metricsRoutes({ collectors: [() => exchangeMetrics(database.kysely)], token: config.metricsToken }),
    oidcProviderRoutes({ oidc }),
    oidcClientRoutes({ database, policy, secrets }),
    oidcInteractionRoutes({ oidc, database, secrets, pages: oidcSignInPages }),
    signinRoutes({ database, secrets, publicUrl }),
    publicAccountPages({ database, secureCookie }),
    servicePages({ database }),
    casePages({
      ...cases,
      clock: () => new Date(),
      maxUploadBytes: config.maxUploadBytes,
      throttleTracking,
    }),
    portalRoutes({ database }),
    workbenchRoutes({ assetsDir: WORKBENCH_ASSETS_DIR }),
  ];
  return { authenticators, routes, oidc, exchange };
}
