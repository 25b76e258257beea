/**
 * What the citizens' case pages are handed: the cases module's own deps, the database, the upload
 * limit and the tracking throttle.
 */
import type { CaseDeps, RatingDeps } from '../../modules/cases/index.js';
import type { Database } from '../../platform/db/database.js';

export interface CasePagesDeps extends CaseDeps, RatingDeps {
  database: Database;
  /** The largest file accepted (HUITONG_MAX_UPLOAD_BYTES). */
  maxUploadBytes: number;
  /**
   * The anonymous tracking throttle (the cases module's `trackThrottle()`): resolves when the address
   * may look a case up once more, else throws RateLimitedError. The same one as caseRoutes'
   * `throttleTracking`, so the pages and /api/cases/v1/track count against one limit.
   */
  throttleTracking: (ip: string) => Promise<void>;
}
