/**
 * The whole case API under /api/cases/v1 as one plugin for `runtime.routes`: staff (queues, intake,
 * steps, materials), applicants (online application, own cases, notifications), anonymous tracking,
 * routes of stages, and supervision, ratings and statistics (supervision.routes.ts). Tracking and
 * rating by tracking number share one per-address throttle.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Policy } from '../../platform/authorization.js';
import type { BlobStore } from '../../platform/blobs/blob-store.js';
import type { WorkingDayCalendar } from '../../platform/calendar/working-days.js';
import type { Database } from '../../platform/db/database.js';
import { applicationRoutes } from './application.routes.js';
import type { CaseDeps } from './case.js';
import { staffCaseRoutes } from './case.routes.js';
import { serviceRouteRoutes } from './route.routes.js';
import { caseSupervisionRoutes } from './supervision.routes.js';
import { trackRoutes } from './track.routes.js';
import { trackThrottle } from './track-throttle.js';

export interface CaseRoutesDeps {
  database: Database;
  policy: Policy;
  calendar: WorkingDayCalendar;
  blobs: BlobStore;
  /** HUITONG_CASES_WARN_DAYS: the light turns yellow this many working days before the due day. */
  warnDays: number;
  /** HUITONG_CASES_FOLLOW_UP_DAYS: working days a poor rating's follow-up is due in. */
  followUpDays: number;
  /** Now; the system clock unless a test sets the day. */
  clock?: () => Date;
  /** The tracking throttle; one per process by default (track-throttle.ts). */
  throttleTracking?: (ip: string) => Promise<void>;
}

/**
 * @example runtime.routes.push(caseRoutes({ database, policy, calendar, blobs, warnDays: 2, followUpDays: 5 }));
 */
export function caseRoutes(options: CaseRoutesDeps): FastifyPluginAsync {
  const { database, policy, calendar, blobs, warnDays, followUpDays } = options;
  const clock = options.clock ?? (() => new Date());
  const deps: CaseDeps = { policy, calendar, blobs, clock, warnDays };
  const throttleTracking = options.throttleTracking ?? trackThrottle();
  const plugins = [
    staffCaseRoutes({ database, deps }),
    applicationRoutes({ database, deps }),
    trackRoutes({ database, deps, throttle: throttleTracking }),
    serviceRouteRoutes({ database, deps }),
    caseSupervisionRoutes({ database, policy, calendar, followUpDays, throttleTracking, clock }),
  ];
  return async (app) => {
    for (const plugin of plugins) await app.register(plugin);
  };
}
