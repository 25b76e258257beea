/**
 * The members API under /api/exchange/v1/members, and the publication rights of a standard under
 * /api/exchange/v1/standards/{code}/publishers. Staff only: members are registered and changed by
 * who manages exchange in the owner department. A client secret appears in a response twice in its
 * life: at registration and at rotation.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, Policy } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { type PrincipalKind, requirePrincipal } from '../../platform/http/authentication.js';
import { problemResponse } from '../../platform/http/problem.js';
import type { SecretBox } from '../../platform/secrets/secret-box.js';
import { presentMember, presentMemberWithSecret, presentPublisher } from './member.presenter.js';
import {
  DEFAULT_PAGE_LIMIT,
  MemberCreateBody,
  MemberListQuery,
  MemberPage,
  MemberParams,
  MemberUpdateBody,
  MemberView,
  MemberWithSecretView,
  PublisherBody,
  PublisherList,
  PublisherParams,
  PublisherView,
  StandardParams,
} from './member.schema.js';
import {
  disableMember,
  enableMember,
  getMember,
  grantPublisher,
  listMembers,
  listPublishers,
  registerMember,
  revokePublisher,
  rotateMemberSecret,
  updateMember,
} from './member.service.js';

const TAGS = ['exchange'];
const errors = {
  401: problemResponse('Not signed in'),
  403: problemResponse('The caller may not manage exchange members of this department'),
};
const notFound = { 404: problemResponse('No exchange member has this id') };
const invalid = { 422: problemResponse('The member is not valid: every bad field is listed') };

export interface MemberRoutesDeps {
  database: Database;
  policy: Policy;
  secrets: SecretBox;
}

/**
 * The members' and publication rights' HTTP routes, for `runtime.routes`.
 * @example runtime.routes.push(memberRoutes({ database, policy, secrets: runtime.secrets }));
 */
export function memberRoutes(deps: MemberRoutesDeps): FastifyPluginAsync {
  const { database, policy, secrets } = deps;
  const db = database.kysely;
  const acting = { policy, secrets };
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/exchange/v1/members',
      {
        schema: {
          tags: TAGS,
          summary: 'List exchange members 交换成员列表',
          description:
            '调用者有 exchange.read 权限的部门（含下级）的交换成员，按标识排序，分页返回。不管理其主管部门时联系人信息脱敏。\n\nThe members owned by the units (and units below) where the caller holds exchange.read, by id, a page at a time. Contacts are masked unless the caller manages the owner unit.',
          querystring: MemberListQuery,
          response: { 200: MemberPage, ...errors, 422: problemResponse('A query parameter is not valid') },
        },
      },
      async (request) => {
        const { limit = DEFAULT_PAGE_LIMIT, offset = 0, status, zone } = request.query;
        const page = await listMembers(db, exchangeActor(request, ['staff']), { limit, offset, status, zone }, acting);
        return { items: page.items.map(presentMember), total: page.total, limit, offset };
      },
    );

    app.get(
      '/api/exchange/v1/members/:memberId',
      {
        schema: {
          tags: TAGS,
          summary: 'One exchange member 交换成员详情',
          description: '按标识取一个交换成员。\n\nOne member by id.',
          params: MemberParams,
          response: { 200: MemberView, ...errors, ...notFound },
        },
      },
      async (request) =>
        presentMember(await getMember(db, exchangeActor(request, ['staff']), request.params.memberId, acting)),
    );

    app.post(
      '/api/exchange/v1/members',
      {
        schema: {
          tags: TAGS,
          summary: 'Register an exchange member 登记交换成员',
          description:
            '登记一个交换成员，同时登记为客户端凭证（client_credentials）方式的接入系统，返回其客户端密钥。密钥只显示这一次，请立即妥善保存。\n\nRegisters a member and its OAuth client (client credentials, scope `exchange`) and returns the client secret, shown this once.',
          body: MemberCreateBody,
          response: { 201: MemberWithSecretView, ...errors, ...invalid },
        },
      },
      async (request, reply) => {
        const result = await registerMember(db, exchangeActor(request, ['staff']), request.body, acting);
        noStore(reply).code(201);
        return presentMemberWithSecret(result);
      },
    );

    app.patch(
      '/api/exchange/v1/members/:memberId',
      {
        schema: {
          tags: TAGS,
          summary: 'Change an exchange member 修改交换成员',
          description:
            '修改名称、网络区域或联系人，未提供的字段不变。转入外部区域时，其对敏感、涉密标准的订阅随即撤销。\n\nChanges names, zone or contacts; absent fields stay. Moving to the external zone revokes its subscriptions to sensitive and classified standards.',
          params: MemberParams,
          body: MemberUpdateBody,
          response: { 200: MemberView, ...errors, ...notFound, ...invalid },
        },
      },
      async (request) =>
        presentMember(
          await updateMember(db, exchangeActor(request, ['staff']), request.params.memberId, request.body, acting),
        ),
    );

    app.post(
      '/api/exchange/v1/members/:memberId/disable',
      {
        schema: {
          tags: TAGS,
          summary: 'Disable an exchange member 停用交换成员',
          description:
            '停用成员及其接入系统：其令牌立即失效，不再发布或接收数据。\n\nDisables the member and its client: its tokens stop working at once; it neither publishes nor receives.',
          params: MemberParams,
          response: { 200: MemberView, ...errors, ...notFound },
        },
      },
      async (request) =>
        presentMember(await disableMember(db, exchangeActor(request, ['staff']), request.params.memberId, acting)),
    );

    app.post(
      '/api/exchange/v1/members/:memberId/enable',
      {
        schema: {
          tags: TAGS,
          summary: 'Re-enable an exchange member 启用交换成员',
          description:
            '重新启用成员及其接入系统；停用前的令牌仍然无效。\n\nRe-enables the member and its client; old tokens stay revoked.',
          params: MemberParams,
          response: { 200: MemberView, ...errors, ...notFound },
        },
      },
      async (request) =>
        presentMember(await enableMember(db, exchangeActor(request, ['staff']), request.params.memberId, acting)),
    );

    app.post(
      '/api/exchange/v1/members/:memberId/rotate-secret',
      {
        schema: {
          tags: TAGS,
          summary: 'Rotate a member’s client secret 更换成员客户端密钥',
          description:
            '生成新的客户端密钥并立即替换旧密钥。新密钥只显示这一次。\n\nA new client secret, shown this once; the old one stops working at once.',
          params: MemberParams,
          response: { 200: MemberWithSecretView, ...errors, ...notFound },
        },
      },
      async (request, reply) => {
        const result = await rotateMemberSecret(db, exchangeActor(request, ['staff']), request.params.memberId, acting);
        noStore(reply);
        return presentMemberWithSecret(result);
      },
    );

    const standardNotFound = { 404: problemResponse('No standard has this code, or the member holds no right') };

    app.get(
      '/api/exchange/v1/standards/:code/publishers',
      {
        schema: {
          tags: TAGS,
          summary: 'Who may publish a standard 标准的发布授权',
          description:
            '可按此标准发布数据的交换成员，含各成员的标识和名称。需有标准主管部门的 exchange.read 权限。\n\nThe members that may publish under the standard, each with its id and names; needs exchange.read over its owner unit.',
          params: StandardParams,
          response: { 200: PublisherList, ...errors, ...standardNotFound },
        },
      },
      async (request) => {
        const rows = await listPublishers(db, exchangeActor(request, ['staff']), request.params.code, acting);
        return { items: rows.map(presentPublisher) };
      },
    );

    app.post(
      '/api/exchange/v1/standards/:code/publishers',
      {
        schema: {
          tags: TAGS,
          summary: 'Let a member publish a standard 授予发布权',
          description:
            '允许交换成员按此标准发布数据。需有标准主管部门的 exchange.manage 权限。已授权时不变（200）。\n\nLets a member publish under the standard; needs exchange.manage over its owner unit. Already granted: unchanged (200).',
          params: StandardParams,
          body: PublisherBody,
          response: {
            200: PublisherView,
            201: PublisherView,
            ...errors,
            ...standardNotFound,
            422: problemResponse('The member does not exist'),
          },
        },
      },
      async (request, reply) => {
        const { publisher, created } = await grantPublisher(
          db,
          exchangeActor(request, ['staff']),
          request.params.code,
          request.body.memberId,
          acting,
        );
        reply.code(created ? 201 : 200);
        return presentPublisher(publisher);
      },
    );

    app.delete(
      '/api/exchange/v1/standards/:code/publishers/:memberId',
      {
        schema: {
          tags: TAGS,
          summary: 'Take a publication right away 撤销发布权',
          description:
            '撤销交换成员按此标准发布数据的授权。\n\nTakes the member’s right to publish under the standard away.',
          params: PublisherParams,
          response: { 204: { type: 'null', description: 'Revoked' }, ...errors, ...standardNotFound },
        },
      },
      async (request, reply) => {
        await revokePublisher(
          db,
          exchangeActor(request, ['staff']),
          request.params.code,
          request.params.memberId,
          acting,
        );
        return reply.code(204).send();
      },
    );
  };
}

/**
 * The actor of an exchange request: a signed-in civil servant (`user`) or a member's system with a
 * client-credentials token (`machine`, id = member id).
 * @example const actor = exchangeActor(request, ['staff', 'client']);
 */
export function exchangeActor(request: FastifyRequest, kinds: readonly PrincipalKind[]): Actor {
  const principal = requirePrincipal(request, kinds);
  return principal.kind === 'client' ? { type: 'machine', id: principal.id } : { type: 'user', id: principal.id };
}

/** A response carrying a secret must not be kept by any cache (RFC 9111 §5.2.2.5). */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store');
}
