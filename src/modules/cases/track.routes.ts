/**
 * Tracking a case without signing in (办件查询): the number and the last six characters of the
 * applicant's id number. Either wrong is the same 404, so neither can be confirmed alone, and each
 * client address may look up only so many in a while (track-throttle.ts). The query string holds part
 * of an id number: request logs leave query strings out (app.ts).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../platform/db/database.js';
import { problemResponse } from '../../platform/http/problem.js';
import type { CaseDeps } from './case.js';
import { CASES_BASE, CASES_TAGS } from './case.routes.js';
import { TrackQuery, TrackView } from './case.schema.js';
import { trackCase } from './case.service.js';

/**
 * @example await app.register(trackRoutes({ database, deps, throttle: trackThrottle() }));
 */
export function trackRoutes(options: {
  database: Database;
  deps: CaseDeps;
  throttle: (ip: string) => Promise<void>;
}): FastifyPluginAsync {
  const { deps, throttle } = options;
  const db = options.database.kysely;
  return async (instance) => {
    instance.withTypeProvider<TypeBoxTypeProvider>().get(
      `${CASES_BASE}/track`,
      {
        schema: {
          tags: CASES_TAGS,
          summary: 'Track a case 办件进度查询',
          description:
            '凭办件编号和申请人证件号码后 6 位（不区分大小写）查询办理进度，无需登录。不显示经办人员和审查意见，只显示不予受理或不予决定的理由。编号或后 6 位不对时一律返回 404；同一网络地址查询过多时返回 429。\n\nTracks a case by its number and the last 6 characters of the applicant’s id number (any case), without signing in. No staff names and no opinions, but the reason of a refusal. A wrong number or tail is the same 404; too many lookups from one address get 429.',
          querystring: TrackQuery,
          response: {
            200: TrackView,
            404: problemResponse('No case with this number and id tail 未查到办件'),
            422: problemResponse('A query parameter is missing'),
            429: problemResponse('Too many lookups from this address: see Retry-After 查询过于频繁'),
          },
        },
      },
      async (request) => {
        await throttle(request.ip);
        return trackCase(db, request.query.number, request.query.idTail, deps);
      },
    );
  };
}
