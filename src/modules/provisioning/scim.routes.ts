/**
 * The SCIM 2.0 service provider at /scim/v2 (RFC 7644). An encapsulated plugin: its bearer-token
 * check, its `application/scim+json` body parser and its error handler (SCIM error bodies, not
 * problem+json, as the RFC requires) apply inside /scim/v2 only.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../../platform/db/database.js';
import { negotiateLocale } from '../../platform/i18n/messages.js';
import type { SyncSettings } from './person-sync.service.js';
import { MAX_RESULTS, resourceTypes, schemas, serviceProviderConfig } from './scim-discovery.js';
import { ScimError, scimErrorOf } from './scim-error.js';
import {
  createGroup,
  deleteGroup,
  GROUP_SCHEMA,
  getGroup,
  listGroups,
  patchGroup,
  replaceGroup,
} from './scim-group.service.js';
import { tokenFromSecret, tokenUnitCodes } from './scim-token.service.js';
import { projectAttributes, type ScimResource, USER_SCHEMA } from './scim-user.presenter.js';
import {
  createUser,
  deleteUser,
  getUser,
  type ListQuery,
  type ListResult,
  listUsers,
  patchUser,
  replaceUser,
  type ScimContext,
  versionMatches,
} from './scim-user.service.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json';
const SCIM_PREFIX = '/scim/v2';
const DEFAULT_COUNT = 100;

export interface ScimRoutesDeps {
  database: Database;
  sync: SyncSettings;
  /** The platform's public address (HUITONG_PUBLIC_URL), for `meta.location`. */
  publicUrl: string;
}

const scimErrorSchema = {
  type: 'object',
  properties: {
    schemas: { type: 'array', items: { type: 'string' } },
    status: { type: 'string' },
    scimType: { type: 'string' },
    detail: { type: 'string' },
  },
};

/** An OpenAPI response entry for a SCIM error status. */
function scimErrorResponse(description: string) {
  return { description, content: { [SCIM_CONTENT_TYPE]: { schema: scimErrorSchema } } };
}

const COMMON_ERRORS = {
  400: scimErrorResponse('Bad request (scimType says why) 请求有误'),
  401: scimErrorResponse('No valid bearer token 令牌无效'),
  403: scimErrorResponse('Outside the token’s scope or read-only token 超出令牌范围'),
};

/**
 * The SCIM plugin, for `runtime.routes`.
 * @example runtime.routes.push(scimRoutes({ database, sync, publicUrl: config.publicUrl }));
 */
export function scimRoutes(deps: ScimRoutesDeps): FastifyPluginAsync {
  const { database, sync } = deps;
  const scimBaseUrl = `${deps.publicUrl.replace(/\/+$/, '')}${SCIM_PREFIX}`;
  const contexts = new WeakMap<FastifyRequest, ScimContext>();
  const contextOf = (request: FastifyRequest) => contexts.get(request)!;

  const routes = async (scim: FastifyInstance) => {
    scim.addContentTypeParser(SCIM_CONTENT_TYPE, { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new ScimError(400, 'provisioning.scim_syntax_invalid', 'invalidSyntax', { reason: 'JSON' }), undefined);
      }
    });

    scim.setErrorHandler((error, request, reply) => {
      const locale = negotiateLocale(request.headers['accept-language']);
      const known = error instanceof Error && 'code' in error && typeof error.code === 'string';
      const fastifyCode = known ? (error as { code: string }).code : '';
      const translated = fastifyCode.startsWith('FST_ERR_CTP')
        ? new ScimError(400, 'provisioning.scim_syntax_invalid', 'invalidSyntax', { reason: fastifyCode })
        : error;
      const { status, body } = scimErrorOf(translated, locale);
      if (status >= 500) request.log.error({ err: error }, 'SCIM request failed');
      if (status === 401) reply.header('www-authenticate', 'Bearer realm="huitong-scim"');
      return reply.code(status).type(SCIM_CONTENT_TYPE).send(body);
    });

    scim.setNotFoundHandler((request, reply) => {
      const { status, body } = scimErrorOf(
        new ScimError(404, 'http.route_not_found', undefined, {
          method: request.method,
          url: request.url.split('?')[0],
        }),
        negotiateLocale(request.headers['accept-language']),
      );
      return reply.code(status).type(SCIM_CONTENT_TYPE).send(body);
    });

    scim.addHook('onRequest', async (request) => {
      const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
      const token = match ? await tokenFromSecret(database.kysely, match[1]!) : undefined;
      if (!token) throw new ScimError(401, 'provisioning.scim_token_invalid');
      if (request.method !== 'GET' && request.method !== 'HEAD' && !token.scopes.includes('write')) {
        throw new ScimError(403, 'provisioning.scim_token_read_only');
      }
      contexts.set(request, { token, unitCodes: await tokenUnitCodes(database.kysely, token), scimBaseUrl });
    });

    const doc = (summary: string, description: string, extra: Record<number, unknown> = {}) => ({
      schema: { tags: ['scim'], summary, description, response: { ...COMMON_ERRORS, ...extra } },
    });

    scim.get(
      '/ServiceProviderConfig',
      doc(
        'SCIM service provider configuration 服务配置',
        '本服务支持的 SCIM 功能（不支持 Bulk）。\n\nWhat this SCIM service provider supports (no Bulk).',
      ),
      async (_request, reply) => send(reply, 200, serviceProviderConfig(scimBaseUrl)),
    );
    scim.get(
      '/ResourceTypes',
      doc('SCIM resource types 资源类型', '用户（User）与用户组（Group）。\n\nUser and Group.'),
      async (_request, reply) => send(reply, 200, listBody(resourceTypes(scimBaseUrl))),
    );
    scim.get<{ Params: { name: string } }>(
      '/ResourceTypes/:name',
      doc('One SCIM resource type 单个资源类型', '按名称取资源类型。\n\nOne resource type by name.', {
        404: scimErrorResponse('Unknown resource type'),
      }),
      async (request, reply) => {
        const found = resourceTypes(scimBaseUrl).find((type) => type.id === request.params.name);
        if (!found) throw new ScimError(404, 'http.route_not_found', undefined, { method: 'GET', url: request.url });
        return send(reply, 200, found);
      },
    );
    scim.get(
      '/Schemas',
      doc(
        'SCIM schemas 模式',
        'User、企业扩展、汇通目录扩展与 Group 的模式。\n\nThe User, enterprise extension, Huitong directory extension and Group schemas.',
      ),
      async (_request, reply) => send(reply, 200, listBody(schemas(scimBaseUrl))),
    );
    scim.get<{ Params: { id: string } }>(
      '/Schemas/:id',
      doc('One SCIM schema 单个模式', '按 URN 取模式。\n\nOne schema by its URN.', {
        404: scimErrorResponse('Unknown schema'),
      }),
      async (request, reply) => {
        const found = schemas(scimBaseUrl).find((schema) => schema.id === request.params.id);
        if (!found) throw new ScimError(404, 'http.route_not_found', undefined, { method: 'GET', url: request.url });
        return send(reply, 200, found);
      },
    );
    scim.post(
      '/Bulk',
      doc('SCIM bulk (not supported) 批量操作（不支持）', '本服务不支持 Bulk。\n\nBulk operations are not supported.', {
        501: scimErrorResponse('Not supported'),
      }),
      async () => {
        throw new ScimError(501, 'provisioning.scim_not_implemented', undefined, { feature: 'Bulk' });
      },
    );

    resource(scim, {
      path: '/Users',
      coreSchema: USER_SCHEMA,
      nameZh: '用户',
      list: (request, query) => listUsers(database.kysely, contextOf(request), query),
      get: (request, id) => getUser(database.kysely, contextOf(request), id),
      create: (request, body) => createUser(database, contextOf(request), { sync }, body),
      replace: (request, id, body, ifMatch) => replaceUser(database, contextOf(request), { sync }, id, body, ifMatch),
      patch: (request, id, body, ifMatch) => patchUser(database, contextOf(request), { sync }, id, body, ifMatch),
      remove: (request, id, ifMatch) => deleteUser(database, contextOf(request), { sync }, id, ifMatch),
    });
    resource(scim, {
      path: '/Groups',
      coreSchema: GROUP_SCHEMA,
      nameZh: '用户组',
      list: (request, query) => listGroups(database.kysely, contextOf(request), query),
      get: (request, id) => getGroup(database.kysely, contextOf(request), id),
      create: (request, body) => createGroup(database, contextOf(request), body),
      replace: (request, id, body, ifMatch) => replaceGroup(database, contextOf(request), id, body, ifMatch),
      patch: (request, id, body, ifMatch) => patchGroup(database, contextOf(request), id, body, ifMatch),
      remove: (request, id, ifMatch) => deleteGroup(database, contextOf(request), id, ifMatch),
    });
  };

  return async (instance) => {
    await instance.register(routes, { prefix: SCIM_PREFIX });
  };
}

interface ResourceHandlers {
  path: '/Users' | '/Groups';
  coreSchema: string;
  nameZh: string;
  list(request: FastifyRequest, query: ListQuery): Promise<ListResult>;
  get(request: FastifyRequest, id: string): Promise<ScimResource>;
  create(request: FastifyRequest, body: unknown): Promise<ScimResource>;
  replace(request: FastifyRequest, id: string, body: unknown, ifMatch: string | undefined): Promise<ScimResource>;
  patch(request: FastifyRequest, id: string, body: unknown, ifMatch: string | undefined): Promise<ScimResource>;
  remove(request: FastifyRequest, id: string, ifMatch: string | undefined): Promise<void>;
}

type Query = Record<string, string | string[] | undefined>;

/** The seven routes of one resource type, the same for Users and Groups. */
function resource(scim: FastifyInstance, handlers: ResourceHandlers): void {
  const { path, coreSchema, nameZh } = handlers;
  const name = path.slice(1);
  const doc = (summary: string, description: string, extra: Record<number, unknown> = {}) => ({
    schema: { tags: ['scim'], summary, description, response: { ...COMMON_ERRORS, ...extra } },
  });
  const notFound = { 404: scimErrorResponse('Not found or outside the token’s scope 不存在或超出范围') };
  const conflict = { 409: scimErrorResponse('A unique value is taken 值已被占用') };
  const precondition = { 412: scimErrorResponse('If-Match does not match 版本不符') };

  scim.get<{ Querystring: Query }>(
    path,
    doc(
      `List SCIM ${name} ${nameZh}列表`,
      `按 filter 筛选、sortBy 排序、startIndex/count 分页（count 至多 ${MAX_RESULTS}）。\n\nFiltered (filter), sorted (sortBy, sortOrder) and paged (startIndex, count; at most ${MAX_RESULTS}).`,
    ),
    async (request, reply) => {
      const query = request.query;
      const result = await handlers.list(request, readListQuery(query));
      const resources = result.resources.map((item) => project(item, query, coreSchema));
      return send(reply, 200, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: result.totalResults,
        startIndex: result.startIndex,
        itemsPerPage: resources.length,
        Resources: resources,
      });
    },
  );
  scim.get<{ Params: { id: string }; Querystring: Query }>(
    `${path}/:id`,
    doc(
      `One SCIM ${name.slice(0, -1)} 单个${nameZh}`,
      '支持 If-None-Match（未变化时 304）。\n\nHonours If-None-Match (304 when unchanged).',
      {
        ...notFound,
        304: { description: 'Not modified 未变化' },
      },
    ),
    async (request, reply) => {
      const found = await handlers.get(request, request.params.id);
      const ifNoneMatch = request.headers['if-none-match'];
      reply.header('etag', found.meta.version);
      if (ifNoneMatch && versionMatches(ifNoneMatch, found.meta.version)) return reply.code(304).send();
      return send(reply, 200, project(found, request.query, coreSchema));
    },
  );
  scim.post<{ Body: unknown }>(
    path,
    doc(
      `Create a SCIM ${name.slice(0, -1)} 新建${nameZh}`,
      '请求体为 SCIM 资源（application/scim+json 或 application/json）。\n\nThe body is a SCIM resource (application/scim+json or application/json).',
      conflict,
    ),
    async (request, reply) => {
      const created = await handlers.create(request, request.body);
      reply.header('location', created.meta.location).header('etag', created.meta.version);
      return send(reply, 201, created);
    },
  );
  scim.put<{ Params: { id: string }; Body: unknown }>(
    `${path}/:id`,
    doc(
      `Replace a SCIM ${name.slice(0, -1)} 替换${nameZh}`,
      '支持 If-Match（版本不符时 412）。\n\nHonours If-Match (412 on a mismatch).',
      {
        ...notFound,
        ...conflict,
        ...precondition,
      },
    ),
    async (request, reply) => {
      const replaced = await handlers.replace(request, request.params.id, request.body, ifMatchOf(request));
      reply.header('etag', replaced.meta.version);
      return send(reply, 200, replaced);
    },
  );
  scim.patch<{ Params: { id: string }; Body: unknown }>(
    `${path}/:id`,
    doc(
      `Patch a SCIM ${name.slice(0, -1)} 修改${nameZh}`,
      'PatchOp：add、replace、remove（不区分大小写）。\n\nA PatchOp: add, replace, remove (case-insensitive).',
      {
        ...notFound,
        ...conflict,
        ...precondition,
      },
    ),
    async (request, reply) => {
      const patched = await handlers.patch(request, request.params.id, request.body, ifMatchOf(request));
      reply.header('etag', patched.meta.version);
      return send(reply, 200, patched);
    },
  );
  scim.delete<{ Params: { id: string } }>(
    `${path}/:id`,
    doc(
      `Delete a SCIM ${name.slice(0, -1)} 删除${nameZh}`,
      path === '/Users'
        ? '用户不会被真正删除：人员状态改为离职。\n\nA user is never erased: the person is marked as having left.'
        : '删除用户组及其成员关系。\n\nDeletes the group and its memberships.',
      { ...notFound, ...precondition, 204: { description: 'Deleted 已删除' } },
    ),
    async (request, reply) => {
      await handlers.remove(request, request.params.id, ifMatchOf(request));
      return reply.code(204).send();
    },
  );
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type(SCIM_CONTENT_TYPE).send(body);
}

function listBody(resources: unknown[]) {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

function ifMatchOf(request: FastifyRequest): string | undefined {
  return request.headers['if-match'];
}

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value.at(-1) : value;
}

function readListQuery(query: Query): ListQuery {
  const integer = (name: string, fallback: number) => {
    const text = single(query, name);
    if (text === undefined || text === '') return fallback;
    if (!/^-?\d+$/.test(text)) {
      throw new ScimError(400, 'provisioning.scim_value_invalid', 'invalidValue', { fields: name });
    }
    return Number(text);
  };
  const sortOrder = single(query, 'sortOrder');
  if (sortOrder !== undefined && sortOrder !== 'ascending' && sortOrder !== 'descending') {
    throw new ScimError(400, 'provisioning.scim_value_invalid', 'invalidValue', { fields: 'sortOrder' });
  }
  return {
    filter: single(query, 'filter'),
    startIndex: integer('startIndex', 1),
    count: Math.min(integer('count', DEFAULT_COUNT), MAX_RESULTS),
    sortBy: single(query, 'sortBy'),
    sortOrder,
  };
}

function project(resource: ScimResource, query: Query, coreSchema: string): Record<string, unknown> {
  const list = (name: string) =>
    (single(query, name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  return projectAttributes(resource, list('attributes'), list('excludedAttributes'), coreSchema);
}
