/**
 * The registered systems API under /api/identity/v1/clients: who manages systems in a department
 * (`identity.client.manage`) lists, registers, changes, disables and re-enables them, and rotates
 * their secrets. A secret appears in a response twice in its life: at registration and at rotation.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, Policy } from '../../../platform/authorization.js';
import type { Database } from '../../../platform/db/database.js';
import { requirePrincipal } from '../../../platform/http/authentication.js';
import { problemResponse } from '../../../platform/http/problem.js';
import type { SecretBox } from '../../../platform/secrets/secret-box.js';
import type { ClientGrantType } from './oidc-client.js';
import { presentClient, presentClientWithSecret } from './oidc-client.presenter.js';
import {
  ClientCreateBody,
  ClientListQuery,
  ClientPage,
  ClientParams,
  ClientUpdateBody,
  ClientView,
  ClientWithSecretView,
  DEFAULT_PAGE_LIMIT,
} from './oidc-client.schema.js';
import {
  disableClient,
  enableClient,
  getClient,
  listClients,
  registerClient,
  rotateClientSecret,
  updateClient,
} from './oidc-client.service.js';

const TAGS = ['identity'];
const errors = {
  401: problemResponse('Not signed in, or the access token is not valid'),
  403: problemResponse('The caller may not manage systems of this department'),
};
const notFound = { 404: problemResponse('No registered system has this id') };
const invalid = { 422: problemResponse('The registration is not valid: every bad field is listed') };

/**
 * The registered systems' HTTP routes, for `runtime.routes`.
 * @example runtime.routes.push(oidcClientRoutes({ database, policy, secrets: runtime.secrets }));
 */
export function oidcClientRoutes(deps: { database: Database; policy: Policy; secrets: SecretBox }): FastifyPluginAsync {
  const { database, policy, secrets } = deps;
  const db = database.kysely;
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/identity/v1/clients',
      {
        schema: {
          tags: TAGS,
          summary: 'List registered systems 接入系统列表',
          description:
            '调用者有权管理的部门（含下级）的接入系统，按标识排序，分页返回。\n\nThe systems of the departments (and units below) where the caller manages systems, by client id, a page at a time.',
          querystring: ClientListQuery,
          response: { 200: ClientPage, ...errors, 422: problemResponse('A query parameter is not valid') },
        },
      },
      async (request) => {
        const { limit = DEFAULT_PAGE_LIMIT, offset = 0 } = request.query;
        const page = await listClients(db, actorOf(request), { limit, offset }, { policy });
        return { items: page.items.map(presentClient), total: page.total, limit, offset };
      },
    );

    app.get(
      '/api/identity/v1/clients/:clientId',
      {
        schema: {
          tags: TAGS,
          summary: 'One registered system 接入系统详情',
          description: '按标识取一个接入系统（不含密钥）。\n\nOne system by its client id, without its secret.',
          params: ClientParams,
          response: { 200: ClientView, ...errors, ...notFound },
        },
      },
      async (request) => presentClient(await getClient(db, actorOf(request), request.params.clientId, { policy })),
    );

    app.post(
      '/api/identity/v1/clients',
      {
        schema: {
          tags: TAGS,
          summary: 'Register a system 登记接入系统',
          description:
            '登记一个接入系统，返回其客户端密钥。密钥只显示这一次，请立即妥善保存。回调地址须为 https（本机开发可用 http://localhost），不得含片段（#）。\n\nRegisters a system and returns its client secret, shown this once. Redirect URIs must be https (http only to localhost, for development) and carry no fragment.',
          body: ClientCreateBody,
          response: { 201: ClientWithSecretView, ...errors, ...invalid },
        },
      },
      async (request, reply) => {
        const { grantTypes, ...rest } = request.body;
        const result = await registerClient(
          db,
          actorOf(request),
          { ...rest, grantTypes: grantTypes as ClientGrantType[] },
          { policy, secrets },
        );
        noStore(reply).code(201);
        return presentClientWithSecret(result);
      },
    );

    app.patch(
      '/api/identity/v1/clients/:clientId',
      {
        schema: {
          tags: TAGS,
          summary: 'Change a registered system 修改接入系统',
          description:
            '修改接入系统的登记信息，未提供的字段不变。转移到其他部门需同时有权管理两个部门的系统。\n\nChanges a registration; absent fields stay. Moving it to another department needs the permission in both.',
          params: ClientParams,
          body: ClientUpdateBody,
          response: { 200: ClientView, ...errors, ...notFound, ...invalid },
        },
      },
      async (request) => {
        const { grantTypes, ...rest } = request.body;
        const patch = { ...rest, ...(grantTypes ? { grantTypes: grantTypes as ClientGrantType[] } : {}) };
        return presentClient(
          await updateClient(db, actorOf(request), request.params.clientId, patch, { policy, secrets }),
        );
      },
    );

    app.post(
      '/api/identity/v1/clients/:clientId/disable',
      {
        schema: {
          tags: TAGS,
          summary: 'Disable a system 停用接入系统',
          description:
            '停用后该系统不能再登录用户或取得令牌，其已持有的令牌立即失效。\n\nThe system can no longer sign anyone in or get tokens; the tokens it holds stop working at once.',
          params: ClientParams,
          response: { 200: ClientView, ...errors, ...notFound },
        },
      },
      async (request) =>
        presentClient(await disableClient(db, actorOf(request), request.params.clientId, { policy, secrets })),
    );

    app.post(
      '/api/identity/v1/clients/:clientId/enable',
      {
        schema: {
          tags: TAGS,
          summary: 'Re-enable a system 启用接入系统',
          description:
            '重新启用已停用的接入系统；停用前的令牌仍然无效。\n\nTurns a disabled system back on; its old tokens stay revoked.',
          params: ClientParams,
          response: { 200: ClientView, ...errors, ...notFound },
        },
      },
      async (request) =>
        presentClient(await enableClient(db, actorOf(request), request.params.clientId, { policy, secrets })),
    );

    app.post(
      '/api/identity/v1/clients/:clientId/rotate-secret',
      {
        schema: {
          tags: TAGS,
          summary: 'Rotate a system’s secret 更换客户端密钥',
          description:
            '生成新的客户端密钥并立即替换旧密钥。新密钥只显示这一次。\n\nGives the system a new secret, shown this once; the old one stops working at once.',
          params: ClientParams,
          response: { 200: ClientWithSecretView, ...errors, ...notFound },
        },
      },
      async (request, reply) => {
        const result = await rotateClientSecret(db, actorOf(request), request.params.clientId, { policy, secrets });
        noStore(reply);
        return presentClientWithSecret(result);
      },
    );
  };
}

function actorOf(request: FastifyRequest): Actor {
  const principal = requirePrincipal(request, ['staff', 'client']);
  return principal.kind === 'staff' ? { type: 'user', id: principal.id } : { type: 'machine', id: principal.id };
}

/** A response carrying a secret must not be kept by any cache (RFC 9111 §5.2.2.5). */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store');
}
