/**
 * The access API under /api/access/v1: the permission catalogue, roles, grants and explained
 * decisions, for signed-in staff. Every rule is the services'; the routes authenticate, validate,
 * call and present.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Policy } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { problemResponse } from '../../platform/http/problem.js';
import { negotiateLocale } from '../../platform/i18n/messages.js';
import type { AccessRequest } from './access-request.js';
import { DecisionQuerySchema, DecisionView } from './decision.schema.js';
import { explainDecision } from './decision.service.js';
import { presentDecision, presentGrant } from './grant.presenter.js';
import {
  DEFAULT_PAGE_LIMIT,
  GrantCreateBody,
  GrantListQuery,
  GrantPage,
  GrantParams,
  GrantRevokeBody,
  GrantView,
} from './grant.schema.js';
import { grantRole, listGrants, revokeGrant } from './grant.service.js';
import { PERMISSIONS } from './permission-catalogue.js';
import { presentRole } from './role.presenter.js';
import {
  PermissionList,
  RoleCreateBody,
  RoleList,
  RoleListQuery,
  RoleParams,
  RolePatchBody,
  RoleView,
} from './role.schema.js';
import {
  createApplicationRole,
  deleteApplicationRole,
  getRole,
  listRoles,
  updateApplicationRole,
} from './role.service.js';

const UNAUTHENTICATED = problemResponse('未登录 Not signed in');
const FORBIDDEN = problemResponse('无权限 Not permitted');
const INVALID = problemResponse('请求不符合要求 The request is not valid');

/**
 * The access module's HTTP routes, for `runtime.routes`. `policy` decides the explained decisions,
 * so the API explains exactly what the platform's services are told.
 * @example runtime.routes.push(accessRoutes({ database, policy: createAccessPolicy({ database }) }));
 */
export function accessRoutes(deps: { database: Database; policy: Policy }): FastifyPluginAsync {
  const { database, policy } = deps;
  const db = database.kysely;
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/access/v1/permissions',
      {
        schema: {
          tags: ['access'],
          summary: 'The permission catalogue 权限目录',
          description: '平台的全部权限及其说明。\n\nEvery permission of the platform, described.',
          response: { 200: PermissionList, 401: UNAUTHENTICATED },
        },
      },
      async (request) => {
        requirePrincipal(request, ['staff']);
        const items = Object.entries(PERMISSIONS).map(([name, text]) => ({
          name,
          descriptionZh: text.zh,
          descriptionEn: text.en,
        }));
        return { items };
      },
    );

    app.get(
      '/api/access/v1/roles',
      {
        schema: {
          tags: ['access'],
          summary: 'List roles 角色列表',
          description:
            '平台角色在前，其后为各接入系统的角色；可按系统筛选。\n\nPlatform roles first, then registered systems’ roles; filter by system.',
          querystring: RoleListQuery,
          response: { 200: RoleList, 401: UNAUTHENTICATED, 403: FORBIDDEN, 422: INVALID },
        },
      },
      async (request) => {
        const { application } = request.query;
        const filter = { application: application === 'platform' ? null : application };
        return { items: (await listRoles(db, accessRequest(request), filter)).map(presentRole) };
      },
    );

    app.get(
      '/api/access/v1/roles/:code',
      {
        schema: {
          tags: ['access'],
          summary: 'One role 角色详情',
          description: '按代码取一个角色。\n\nOne role by its code.',
          params: RoleParams,
          response: {
            200: RoleView,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: problemResponse('没有该角色 No such role'),
          },
        },
      },
      async (request) => presentRole(await getRole(db, accessRequest(request), request.params.code)),
    );

    app.post(
      '/api/access/v1/roles',
      {
        schema: {
          tags: ['access'],
          summary: 'Create an application role 新建应用角色',
          description:
            '为接入系统新建角色，代码为 <application>.<name>，权限为 app: 开头的应用权限。需要全区范围的 access.role.manage。\n\nCreates a registered system’s role `<application>.<name>` carrying `app:` permissions. Needs access.role.manage over the whole district.',
          body: RoleCreateBody,
          response: {
            201: RoleView,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            409: problemResponse('代码已被使用 The code is taken'),
            422: INVALID,
          },
        },
      },
      async (request, reply) => {
        const role = await createApplicationRole(db, accessRequest(request), request.body);
        return reply.code(201).send(presentRole(role));
      },
    );

    app.patch(
      '/api/access/v1/roles/:code',
      {
        schema: {
          tags: ['access'],
          summary: 'Change an application role 修改应用角色',
          description:
            '修改接入系统角色的名称、说明或权限；平台角色不可修改。\n\nChanges a registered system’s role; platform roles cannot be changed.',
          params: RoleParams,
          body: RolePatchBody,
          response: {
            200: RoleView,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: problemResponse('没有该角色 No such role'),
            409: problemResponse('平台角色不可修改 A built-in role'),
            422: INVALID,
          },
        },
      },
      async (request) =>
        presentRole(await updateApplicationRole(db, accessRequest(request), request.params.code, request.body)),
    );

    app.delete(
      '/api/access/v1/roles/:code',
      {
        schema: {
          tags: ['access'],
          summary: 'Delete an application role 删除应用角色',
          description:
            '删除不再授予任何人的接入系统角色。\n\nDeletes a registered system’s role that is no longer granted.',
          params: RoleParams,
          response: {
            204: { type: 'null', description: '已删除 Deleted' },
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: problemResponse('没有该角色 No such role'),
            409: problemResponse('平台角色或仍在授权中 Built in, or still granted'),
          },
        },
      },
      async (request, reply) => {
        await deleteApplicationRole(db, accessRequest(request), request.params.code);
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/access/v1/grants',
      {
        schema: {
          tags: ['access'],
          summary: 'List grants 授权列表',
          description:
            '按人员、角色、范围筛选授权，最新的在前；只列出范围在本人拥有 directory.read 或 access.grant 的机构内的授权。\n\nGrants by person, role and scope, newest first; only those scoped where the reader holds directory.read or access.grant.',
          querystring: GrantListQuery,
          response: { 200: GrantPage, 401: UNAUTHENTICATED, 403: FORBIDDEN, 422: INVALID },
        },
      },
      async (request) => {
        const { personId, role, scope, includeRevoked, limit = DEFAULT_PAGE_LIMIT, offset = 0 } = request.query;
        const page = await listGrants(db, accessRequest(request), {
          personId,
          roleCode: role,
          scopeOrgUnitCode: scope,
          includeRevoked,
          limit,
          offset,
        });
        return { items: page.items.map(presentGrant), total: page.total, limit, offset };
      },
    );

    app.post(
      '/api/access/v1/grants',
      {
        schema: {
          tags: ['access'],
          summary: 'Grant a role 授权',
          description:
            '将角色授予人员或职务，覆盖所指机构及其全部下级。遵循分级管理和三员分立：不能给自己授权，只能授予本人拥有的权限，三员角色只由安全管理员在全区范围授予，且一人至多兼一职。\n\nGrants a role to a person or a post over a unit and everything below it, by the rules of tiered administration and separation of duties.',
          body: GrantCreateBody,
          response: {
            201: GrantView,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            409: problemResponse('授权已存在或违反三员分立 Exists already, or a second duty'),
            422: INVALID,
          },
        },
      },
      async (request, reply) => {
        const grant = await grantRole(db, accessRequest(request), request.body);
        return reply.code(201).send(presentGrant(grant));
      },
    );

    app.post(
      '/api/access/v1/grants/:id/revoke',
      {
        schema: {
          tags: ['access'],
          summary: 'Revoke a grant 收回授权',
          description:
            '收回一项有效授权；所需权限与授予该授权相同。授权记录保留为历史。\n\nRevokes a live grant; needs the rights granting it would. The grant stays as history.',
          params: GrantParams,
          body: GrantRevokeBody,
          response: {
            200: GrantView,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: problemResponse('没有该授权 No such grant'),
            409: problemResponse('已收回 Revoked already'),
            422: INVALID,
          },
        },
      },
      async (request) =>
        presentGrant(await revokeGrant(db, accessRequest(request), request.params.id, request.body ?? {})),
    );

    app.get(
      '/api/access/v1/decisions',
      {
        schema: {
          tags: ['access'],
          summary: 'Explain a decision 权限判定说明',
          description:
            '某人在某机构是否拥有某权限，以及依据哪些授权。本人可查自己的；查他人需要全区范围的 access.explain。\n\nWhether a person holds a permission over a unit, and which grants decide it. Anyone may ask about themselves; about others needs access.explain over the whole district.',
          querystring: DecisionQuerySchema,
          response: { 200: DecisionView, 401: UNAUTHENTICATED, 403: FORBIDDEN, 422: INVALID },
        },
      },
      async (request) => {
        const { personId, permission, orgUnit } = request.query;
        const decision = await explainDecision(db, accessRequest(request), policy, {
          personId,
          permission,
          orgUnitCode: orgUnit,
        });
        return presentDecision(decision, negotiateLocale(request.headers['accept-language']));
      },
    );
  };
}

function accessRequest(request: FastifyRequest): AccessRequest {
  const principal = requirePrincipal(request, ['staff']);
  return { actor: { type: 'user', id: principal.id }, requestId: String(request.id) };
}
