/**
 * The applicant's side of the case API under /api/cases/v1, for a signed-in public account (citizen
 * or enterprise): apply online, read their own applications whole, send materials, withdraw, and
 * their notifications. Another account's case is not found, never forbidden: its existence is not
 * told.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Database } from '../../platform/db/database.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { problemResponse } from '../../platform/http/problem.js';
import type { CaseDeps, Viewer } from './case.js';
import { presentCase } from './case.presenter.js';
import { CASES_BASE, CASES_TAGS, sendMaterial, uploadRoute } from './case.routes.js';
import {
  ApplicationBody,
  CasePageView,
  CaseParams,
  CaseView,
  MaterialParams,
  NotificationPageView,
  PageQuery,
  ReadBody,
  ReadView,
  ReasonBody,
} from './case.schema.js';
import { applyOnline, getCase, listOwnCases } from './case.service.js';
import { act } from './case-transition.service.js';
import { openMaterial } from './material.service.js';
import { listNotifications, markNotificationsRead } from './notification.service.js';

const signedIn = {
  401: problemResponse('Not signed in with a public account 未登录'),
};
const notFound = { 404: problemResponse('No such application of this account 没有此申请') };
const invalid = { 422: problemResponse('The input is not valid: every bad field is listed 输入不符合要求') };

/**
 * The public account's routes, registered by `caseRoutes`.
 * @example await app.register(applicationRoutes({ database, deps }));
 */
export function applicationRoutes(options: { database: Database; deps: CaseDeps }): FastifyPluginAsync {
  const { deps } = options;
  const db = options.database.kysely;
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      `${CASES_BASE}/applications`,
      {
        bodyLimit: 256 * 1024,
        schema: {
          tags: CASES_TAGS,
          summary: 'Apply online 网上申请',
          description:
            '以登录的个人或法人账号在线申请可网办的事项；申请人即账号本人（或单位）。办件编号以 WS 开头，等待受理。\n\nApplies online, with the signed-in account as the applicant, for an item that can be handled online. The number begins with WS; the case awaits acceptance.',
          body: ApplicationBody,
          response: { 201: CaseView, ...signedIn, 403: problemResponse('The account is disabled'), ...invalid },
        },
      },
      async (request, reply) => {
        const created = await applyOnline(db, accountOf(request), request.body, deps);
        return reply.code(201).send(presentCase(created, 'public'));
      },
    );

    app.get(
      `${CASES_BASE}/applications`,
      {
        schema: {
          tags: CASES_TAGS,
          summary: 'My applications 我的办件',
          description: '本账号的办件，最新在前，分页。\n\nThe account’s own cases, newest first, paged.',
          querystring: PageQuery,
          response: { 200: CasePageView, ...signedIn, 422: problemResponse('A query parameter is not valid') },
        },
      },
      async (request) => listOwnCases(db, accountOf(request), request.query, deps),
    );

    app.get(
      `${CASES_BASE}/applications/:id`,
      {
        schema: {
          tags: CASES_TAGS,
          summary: 'One of my applications 我的办件详情',
          description:
            '本账号的一件办件：状态、步骤（不显示经办人员）、材料清单和可做的操作。\n\nOne of the account’s cases: status, steps (without the staff behind them), the materials checklist and what the applicant may do now.',
          params: CaseParams,
          response: { 200: CaseView, ...signedIn, ...notFound },
        },
      },
      async (request) => presentCase(await getCase(db, publicViewer(request), request.params.id, deps), 'public'),
    );

    app.post(
      `${CASES_BASE}/applications/:id/withdraw`,
      {
        schema: {
          tags: CASES_TAGS,
          summary: 'Withdraw my application 撤回申请',
          description:
            '作出决定前撤回本人的申请，须说明理由。\n\nWithdraws the account’s own application before the decision, with a reason.',
          params: CaseParams,
          body: ReasonBody,
          response: {
            200: CaseView,
            ...signedIn,
            ...notFound,
            409: problemResponse('Stale version, or already decided 版本已变或已作出决定'),
            ...invalid,
          },
        },
      },
      async (request) =>
        presentCase(await act(db, publicViewer(request), request.params.id, 'withdraw', request.body, deps), 'public'),
    );

    app.get(
      `${CASES_BASE}/applications/:id/materials/:materialId/content`,
      {
        schema: {
          tags: CASES_TAGS,
          summary: 'Download one of my materials 下载我的材料',
          description: '下载本人办件的电子材料。\n\nDownloads an electronic material of the account’s own case.',
          params: MaterialParams,
          response: { ...signedIn, 404: problemResponse('No such application or file 没有此申请或文件') },
        },
      },
      async (request, reply) => {
        const { id, materialId } = request.params;
        const { material, blob } = await openMaterial(db, publicViewer(request), id, materialId, deps);
        return sendMaterial(reply, deps, material, blob.stream);
      },
    );

    app.get(
      `${CASES_BASE}/notifications`,
      {
        schema: {
          tags: CASES_TAGS,
          summary: 'My notifications 我的办件通知',
          description:
            '本账号办件的每次变化，最新在前，分页。\n\nEach change of the account’s cases, newest first, paged.',
          querystring: PageQuery,
          response: { 200: NotificationPageView, ...signedIn, 422: problemResponse('A query parameter is not valid') },
        },
      },
      async (request) => listNotifications(db, accountOf(request), request.query),
    );

    app.post(
      `${CASES_BASE}/notifications/read`,
      {
        schema: {
          tags: CASES_TAGS,
          summary: 'Mark notifications read 标记通知已读',
          description:
            '将编号不大于 upTo 的通知标记为已读。\n\nMarks the account’s notifications up to and including id upTo read.',
          body: ReadBody,
          response: { 200: ReadView, ...signedIn, ...invalid },
        },
      },
      async (request) => ({
        count: await markNotificationsRead(db, accountOf(request), request.body.upTo, deps.clock),
      }),
    );

    await app.register(
      uploadRoute({ path: `${CASES_BASE}/applications/:id/materials`, deps, db, viewer: publicViewer }),
    );
  };
}

function accountOf(request: FastifyRequest): string {
  return requirePrincipal(request, ['public']).id;
}

function publicViewer(request: FastifyRequest): Viewer {
  return { kind: 'public', accountId: accountOf(request) };
}
