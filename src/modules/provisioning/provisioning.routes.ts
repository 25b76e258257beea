/**
 * The provisioning REST API under /api/provisioning/v1 (problem+json errors): SCIM tokens, made and
 * revoked by staff holding `provisioning.manage` over the owner unit, and mailboxes, read by staff
 * and activated by staff or by the mail system itself with its SCIM token (write scope, the person
 * within its subtree).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Actor, Policy } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { ForbiddenError } from '../../platform/errors.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { problemResponse } from '../../platform/http/problem.js';
import { activateMailbox, getMailbox } from './mailbox.service.js';
import { selectReplica } from './person-replica.repository.js';
import { presentMailbox, presentScimToken } from './provisioning.presenter.js';
import {
  CreatedScimToken,
  MailboxView,
  NewScimTokenBody,
  PersonParams,
  ScimTokenList,
  ScimTokenView,
  TokenParams,
} from './provisioning.schema.js';
import {
  createScimToken,
  listScimTokens,
  revokeScimToken,
  tokenActor,
  tokenFromSecret,
  tokenUnitCodes,
} from './scim-token.service.js';

/**
 * The provisioning REST routes, for `runtime.routes`.
 * @example runtime.routes.push(provisioningRoutes({ database, policy }));
 */
export function provisioningRoutes(deps: { database: Database; policy: Policy }): FastifyPluginAsync {
  const { database, policy } = deps;
  const staffActor = (request: FastifyRequest): Actor => ({
    type: 'user',
    id: requirePrincipal(request, ['staff']).id,
  });
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['provisioning'];

    app.get(
      '/api/provisioning/v1/scim-tokens',
      {
        schema: {
          tags,
          summary: 'List SCIM tokens SCIM 令牌列表',
          description:
            '当前用户有 provisioning.manage 权限的机构所属的令牌（不含令牌本身）。\n\nThe tokens owned by units where the caller holds provisioning.manage (never the secrets).',
          response: { 200: ScimTokenList, 401: problemResponse('Not signed in') },
        },
      },
      async (request) => {
        const tokens = await listScimTokens(database.kysely, staffActor(request), { policy });
        return { items: tokens.map(presentScimToken) };
      },
    );

    app.post(
      '/api/provisioning/v1/scim-tokens',
      {
        schema: {
          tags,
          summary: 'Make a SCIM token 创建 SCIM 令牌',
          description:
            '为一个下游系统创建令牌；令牌只在此响应中出现一次。\n\nMakes a token for one downstream system; the token appears in this response only.',
          body: NewScimTokenBody,
          response: {
            201: CreatedScimToken,
            401: problemResponse('Not signed in'),
            403: problemResponse('No provisioning.manage over the owner unit'),
            422: problemResponse('The token request is not valid'),
          },
        },
      },
      async (request, reply) => {
        const actor = staffActor(request);
        const { token, secret } = await database.transaction((tx) =>
          createScimToken(tx, actor, { policy }, request.body, { requestId: String(request.id) }),
        );
        return reply.code(201).send({ ...presentScimToken(token), token: secret });
      },
    );

    app.delete(
      '/api/provisioning/v1/scim-tokens/:tokenId',
      {
        schema: {
          tags,
          summary: 'Revoke a SCIM token 吊销 SCIM 令牌',
          description: '吊销后立即失效。\n\nThe token stops working at once.',
          params: TokenParams,
          response: {
            200: ScimTokenView,
            401: problemResponse('Not signed in'),
            403: problemResponse('No provisioning.manage over the owner unit'),
            404: problemResponse('No such token'),
          },
        },
      },
      async (request) => {
        const actor = staffActor(request);
        const token = await database.transaction((tx) =>
          revokeScimToken(tx, actor, { policy }, request.params.tokenId, { requestId: String(request.id) }),
        );
        return presentScimToken(token);
      },
    );

    app.get(
      '/api/provisioning/v1/mailboxes/:personId',
      {
        schema: {
          tags,
          summary: 'A person’s mailbox 人员邮箱',
          description: '邮箱地址与状态。\n\nThe mailbox address and status.',
          params: PersonParams,
          response: {
            200: MailboxView,
            401: problemResponse('Not signed in'),
            403: problemResponse('No provisioning.manage over the person’s unit'),
            404: problemResponse('No such person or no mailbox yet'),
          },
        },
      },
      async (request) =>
        presentMailbox(await getMailbox(database.kysely, staffActor(request), request.params.personId, { policy })),
    );

    app.post(
      '/api/provisioning/v1/mailboxes/:personId/activation',
      {
        schema: {
          tags,
          summary: 'Confirm a mailbox 确认邮箱已开通',
          description:
            '邮件系统确认邮箱已开通：待开通 → 已启用。可由工作人员（provisioning.manage）或邮件系统以其 SCIM 令牌（write）调用。\n\nThe mail system confirms the mailbox exists: pending → active. Called by staff (provisioning.manage) or by the mail system with its SCIM token (write scope).',
          params: PersonParams,
          response: {
            200: MailboxView,
            401: problemResponse('Not signed in and no SCIM token'),
            403: problemResponse('Not permitted'),
            404: problemResponse('No mailbox'),
            409: problemResponse('The mailbox is removed or suspended'),
          },
        },
      },
      async (request) => {
        const { personId } = request.params;
        const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
        const token = !request.principal && bearer ? await tokenFromSecret(database.kysely, bearer) : undefined;
        const mailbox = await database.transaction(async (tx) => {
          if (!token) return activateMailbox(tx, staffActor(request), personId, { policy });
          const inScope = await selectReplica(tx, personId, await tokenUnitCodes(tx, token));
          if (!token.scopes.includes('write') || !inScope)
            throw new ForbiddenError('provisioning.scim_out_of_scope', {
              orgUnitCode: inScope?.primaryOrgUnitCode ?? '-',
              ownerOrgUnitCode: token.ownerOrgUnitCode,
            });
          return activateMailbox(tx, tokenActor(token), personId, { policy, checked: true });
        });
        return presentMailbox(mailbox);
      },
    );
  };
}
