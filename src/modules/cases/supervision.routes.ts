/**
 * The supervision, rating and statistics API under /api/cases/v1, as one plugin that `caseRoutes`
 * registers: 好差评 (staff at the window, the public owner, or anyone tracking the case), follow-ups of
 * poor ratings, 电子监察 (lights, warned cases, alerts) and 统计分析 with CSV/XLSX export. Every route
 * checks who calls here and what they may do in the service.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Actor, Policy } from '../../platform/authorization.js';
import type { WorkingDayCalendar } from '../../platform/calendar/working-days.js';
import type { Database } from '../../platform/db/database.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { problemResponse } from '../../platform/http/problem.js';
import { acknowledgeAlert, listAlerts } from './alert.service.js';
import { CasePageView } from './case.schema.js';
import { answerFollowUp, listFollowUps } from './follow-up.service.js';
import { rateCase, rateTrackedCase } from './rating.service.js';
import { caseStatistics } from './statistics.service.js';
import { exportStatistics } from './statistics-export.js';
import {
  AlertPageView,
  AlertParams,
  AlertQuery,
  AlertView,
  AnswerBody,
  CaseParams,
  ExportQuery,
  FollowUpPageView,
  FollowUpQuery,
  OverviewQuery,
  OverviewView,
  RatingBody,
  RatingView,
  StatisticsQuery,
  StatisticsView,
  TrackRatingBody,
  WarnedCasesQuery,
} from './supervision.schema.js';
import { listWarnedCases, supervisionOverview } from './supervision.service.js';

const BASE = '/api/cases/v1';
const TAGS = ['cases'];
const denied = {
  401: problemResponse('Not signed in 未登录'),
  403: problemResponse('The caller may not do this 无权操作'),
};
const invalid = { 422: problemResponse('The input is not valid: every bad field is listed 输入不符合要求') };
const notFound = { 404: problemResponse('No such case 办件不存在') };
const conflict = { 409: problemResponse('Not possible in the current state 当前状态不允许') };

export interface CaseSupervisionRoutesDeps {
  database: Database;
  policy: Policy;
  calendar: WorkingDayCalendar;
  /** Working days a poor rating's follow-up is due in (HUITONG_CASES_FOLLOW_UP_DAYS). */
  followUpDays: number;
  /**
   * The per-IP throttle of anonymous tracking, shared with GET /track so that guessing numbers and
   * id tails costs the same on both: resolves, or throws RateLimitedError.
   */
  throttleTracking: (ip: string) => Promise<void>;
  clock?: () => Date;
}

/**
 * @example await app.register(caseSupervisionRoutes({ database, policy, calendar, followUpDays: 5, throttleTracking }));
 */
export function caseSupervisionRoutes(deps: CaseSupervisionRoutesDeps): FastifyPluginAsync {
  const db = deps.database.kysely;
  const clock = deps.clock ?? (() => new Date());
  const ratings = { policy: deps.policy, calendar: deps.calendar, clock, followUpDays: deps.followUpDays };
  const supervision = { policy: deps.policy, clock };
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      `${BASE}/cases/:id/rating`,
      {
        schema: {
          tags: TAGS,
          summary: 'Record a rating at the window 窗口评价',
          description:
            '办结后，窗口工作人员（在该办件受理中心拥有 cases.intake）代申请人登记评价器上的评价：1 非常不满意 … 5 非常满意，每件一次。1、2 分为差评，生成整改回访，限期答复。\n\nAfter completion, a clerk with cases.intake at the case’s centre records the applicant’s rating from the evaluation pad: 1 (very dissatisfied) to 5 (very satisfied), once per case. 1 or 2 opens a follow-up due within the configured working days.',
          params: CaseParams,
          body: RatingBody,
          response: { 201: RatingView, ...denied, ...notFound, ...conflict, ...invalid },
        },
      },
      async (request, reply) => {
        const viewer = { kind: 'staff' as const, personId: staff(request).id };
        const rating = await rateCase(db, viewer, request.params.id, request.body, ratings);
        reply.code(201);
        return rating;
      },
    );

    app.post(
      `${BASE}/applications/:id/rating`,
      {
        schema: {
          tags: TAGS,
          summary: 'Rate my application 评价我的办件',
          description:
            '申请人（网上申请的公众账号）在办结后评价自己的办件，每件一次。\n\nThe public account that applied rates its case after completion, once.',
          params: CaseParams,
          body: RatingBody,
          response: { 201: RatingView, ...denied, ...notFound, ...conflict, ...invalid },
        },
      },
      async (request, reply) => {
        const accountId = requirePrincipal(request, ['public']).id;
        const rating = await rateCase(db, { kind: 'public', accountId }, request.params.id, request.body, ratings);
        reply.code(201);
        return rating;
      },
    );

    app.post(
      `${BASE}/track/rating`,
      {
        schema: {
          tags: TAGS,
          summary: 'Rate a tracked case 凭办件编号评价',
          description:
            '凭办件编号和申请人证件号码后 6 位评价已办结的办件，无需登录；编号或后 6 位不符均返回同一 404，按 IP 限制频率。\n\nRates a completed case by its number and the last 6 characters of the applicant’s id number, without signing in. A wrong number or tail gives the same 404; throttled per IP.',
          body: TrackRatingBody,
          response: {
            201: RatingView,
            ...notFound,
            ...conflict,
            ...invalid,
            429: problemResponse('Too many attempts: see Retry-After 尝试过于频繁'),
          },
        },
      },
      async (request, reply) => {
        await deps.throttleTracking(request.ip);
        const rating = await rateTrackedCase(db, request.body, ratings);
        reply.code(201);
        return rating;
      },
    );

    app.post(
      `${BASE}/cases/:id/rating/answer`,
      {
        schema: {
          tags: TAGS,
          summary: 'Answer a poor rating 答复差评（整改回访）',
          description:
            '承办部门（cases.handle）答复差评：整改和回访情况。每个差评答复一次。\n\nThe handling department (cases.handle) answers a poor rating: what was put right and how the applicant was called back. Once.',
          params: CaseParams,
          body: AnswerBody,
          response: { 200: RatingView, ...denied, ...notFound, ...conflict, ...invalid },
        },
      },
      async (request) => answerFollowUp(db, actor(request), request.params.id, request.body, supervision),
    );

    app.get(
      `${BASE}/follow-ups`,
      {
        schema: {
          tags: TAGS,
          summary: 'Follow-ups of poor ratings 差评整改回访',
          description:
            '本部门（cases.handle）和监察范围内（cases.supervise）的差评：open 未答复（先到期的在前），overdue 超期未答复，answered 已答复。\n\nPoor ratings of the actor’s department and supervision scope: open (earliest due first), overdue, or answered.',
          querystring: FollowUpQuery,
          response: { 200: FollowUpPageView, ...denied, ...invalid },
        },
      },
      async (request) => listFollowUps(db, actor(request), request.query, supervision),
    );

    app.get(
      `${BASE}/supervision/overview`,
      {
        schema: {
          tags: TAGS,
          summary: 'Deadline lights per unit 亮灯概况',
          description:
            '在办办件按部门或服务中心统计绿灯、黄灯（临近时限）、红灯（超期）和暂停计时（补正、特别程序）的数量。范围：cases.supervise 所辖；承办人员看本部门。\n\nCases in handling per department or centre: green, yellow (close to the limit), red (overdue) and paused. Scope: cases.supervise; handlers see their own department.',
          querystring: OverviewQuery,
          response: { 200: OverviewView, ...denied, ...invalid },
        },
      },
      async (request) => supervisionOverview(db, actor(request), request.query, supervision),
    );

    app.get(
      `${BASE}/supervision/cases`,
      {
        schema: {
          tags: TAGS,
          summary: 'Warned and overdue cases 预警和超期办件',
          description:
            '范围内黄灯、红灯的办件，超期最久的在前；申请人姓名脱敏。\n\nYellow and red cases in scope, the longest overdue first; applicant names masked.',
          querystring: WarnedCasesQuery,
          response: { 200: CasePageView, ...denied, ...invalid },
        },
      },
      async (request) => listWarnedCases(db, actor(request), request.query, supervision),
    );

    app.get(
      `${BASE}/alerts`,
      {
        schema: {
          tags: TAGS,
          summary: 'Deadline alerts 时限预警',
          description:
            '时限扫描产生的黄灯、红灯预警，每件每级一次；红灯在前。\n\nAlerts raised by the deadline sweep, once per case and level; red first.',
          querystring: AlertQuery,
          response: { 200: AlertPageView, ...denied, ...invalid },
        },
      },
      async (request) => listAlerts(db, actor(request), request.query, supervision),
    );

    app.post(
      `${BASE}/alerts/:id/acknowledge`,
      {
        schema: {
          tags: TAGS,
          summary: 'Acknowledge an alert 签收预警',
          description:
            '承办部门（cases.handle）或监察人员（cases.supervise）签收预警。\n\nThe handling department (cases.handle) or a supervisor (cases.supervise) acknowledges an alert.',
          params: AlertParams,
          response: { 200: AlertView, ...denied, 404: problemResponse('No such alert 预警不存在'), ...conflict },
        },
      },
      async (request) => acknowledgeAlert(db, actor(request), request.params.id, supervision),
    );

    app.get(
      `${BASE}/statistics`,
      {
        schema: {
          tags: TAGS,
          summary: 'Case statistics 办件统计',
          description:
            '按服务中心、部门、事项、月或日统计申请、受理、办结、按时办结率、平均办理工作日、准予/不予、撤回和评价（期间最长 5 年，按日最长 366 天；缺省为本月）。范围：cases.supervise 所辖。\n\nSubmitted, accepted, completed, on-time rate, average working days, decisions, withdrawals and ratings per centre, department, item, month or day (at most 5 years; 366 days by day; this month by default). Scope: cases.supervise.',
          querystring: StatisticsQuery,
          response: { 200: StatisticsView, ...denied, ...invalid },
        },
      },
      async (request) => caseStatistics(db, actor(request), request.query, supervision),
    );

    app.get(
      `${BASE}/statistics/export`,
      {
        schema: {
          tags: TAGS,
          summary: 'Export case statistics 导出办件统计',
          description:
            '同 /statistics，导出为 CSV（UTF-8 带 BOM）或 XLSX，表头中英文，最后一行为合计。\n\nAs /statistics, as a CSV (UTF-8 with BOM) or XLSX file with Chinese and English headers and a totals row.',
          querystring: ExportQuery,
          response: {
            200: {
              description: 'The file 文件',
              content: { 'text/csv': { schema: {} }, 'application/octet-stream': { schema: {} } },
            },
            ...denied,
            ...invalid,
          },
        },
      },
      async (request, reply) => {
        const { format, ...query } = request.query;
        const file = exportStatistics(await caseStatistics(db, actor(request), query, supervision), format ?? 'csv');
        return reply
          .header('content-type', file.contentType)
          .header('content-disposition', `attachment; filename="${file.filename}"`)
          .send(file.body);
      },
    );
  };
}

function staff(request: FastifyRequest) {
  return requirePrincipal(request, ['staff']);
}

function actor(request: FastifyRequest): Actor {
  return { type: 'user', id: staff(request).id };
}
