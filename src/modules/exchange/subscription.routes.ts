/**
 * The subscriptions API under /api/exchange/v1/subscriptions. A member (client-credentials token)
 * asks for and reads its own subscriptions; staff ask for a member of a unit they manage, read those
 * of their units (as owner of the member or of the standard), and, as owner of the standard,
 * approve, reject and revoke.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Policy } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { problemResponse } from '../../platform/http/problem.js';
import { exchangeActor } from './member.routes.js';
import { presentSubscription } from './subscription.presenter.js';
import {
  DEFAULT_PAGE_LIMIT,
  RejectBody,
  RevokeBody,
  SubscriptionChangeBody,
  SubscriptionCreateBody,
  SubscriptionListQuery,
  SubscriptionPage,
  SubscriptionParams,
  SubscriptionView,
} from './subscription.schema.js';
import {
  approveSubscription,
  changePushBatchSize,
  getSubscription,
  listSubscriptions,
  rejectSubscription,
  requestSubscription,
  revokeSubscription,
} from './subscription.service.js';

const TAGS = ['exchange'];
const errors = {
  401: problemResponse('Not signed in, or the access token is not valid'),
  403: problemResponse(
    'The caller may not do this here; `exchange.zone_forbidden`: an external-zone member and a sensitive or classified standard',
  ),
};
const notFound = { 404: problemResponse('No subscription has this id') };
const conflict = { 409: problemResponse('The subscription is not in a state that allows this') };

/**
 * The subscriptions' HTTP routes, for `runtime.routes`.
 * @example runtime.routes.push(subscriptionRoutes({ database, policy }));
 */
export function subscriptionRoutes(deps: { database: Database; policy: Policy }): FastifyPluginAsync {
  const { database, policy } = deps;
  const db = database.kysely;
  const acting = { policy };
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/api/exchange/v1/subscriptions',
      {
        schema: {
          tags: TAGS,
          summary: 'Ask for a subscription 申请订阅',
          description:
            '申请订阅一个数据标准，状态为待审批（pending），由标准主管部门审批。push 方式须给出 https 接收地址（本机开发可用 http://localhost）；filter 为可选的 JSONata 布尔表达式；pushBatchSize（仅 push，1–500，默认 1）为一次 POST 最多携带的事件数。外部区域成员不能订阅敏感、涉密标准（403 exchange.zone_forbidden，记入审计）。\n\nAsks for a subscription (pending until the standard’s owner approves). Push needs an https endpoint (http only to a loopback host, for development); filter is an optional JSONata boolean expression; pushBatchSize (push only, 1–500, default 1) is how many events one POST may carry. An external-zone member cannot subscribe to a sensitive or classified standard (403 exchange.zone_forbidden, audited).',
          body: SubscriptionCreateBody,
          response: {
            201: SubscriptionView,
            ...errors,
            404: problemResponse('The member does not exist'),
            409: problemResponse('The member has a pending or approved subscription to this standard'),
            422: problemResponse('The request is not valid: every bad field is listed'),
          },
        },
      },
      async (request, reply) => {
        const subscription = await requestSubscription(
          db,
          exchangeActor(request, ['staff', 'client']),
          request.body,
          acting,
        );
        reply.code(201);
        return presentSubscription(subscription);
      },
    );

    app.get(
      '/api/exchange/v1/subscriptions',
      {
        schema: {
          tags: TAGS,
          summary: 'List subscriptions 订阅列表',
          description:
            '成员：自己的订阅；工作人员：成员或标准属于其有 exchange.read 权限的部门（含下级）的订阅。最新的在前，分页返回。\n\nA member: its own; staff: those whose member or standard is owned by a unit (or one below) where they hold exchange.read. Newest first, a page at a time.',
          querystring: SubscriptionListQuery,
          response: { 200: SubscriptionPage, ...errors, 422: problemResponse('A query parameter is not valid') },
        },
      },
      async (request) => {
        const { limit = DEFAULT_PAGE_LIMIT, offset = 0, status, standard, member } = request.query;
        const page = await listSubscriptions(
          db,
          exchangeActor(request, ['staff', 'client']),
          { limit, offset, status, standardCode: standard, memberId: member },
          acting,
        );
        return { items: page.items.map(presentSubscription), total: page.total, limit, offset };
      },
    );

    app.get(
      '/api/exchange/v1/subscriptions/:subscriptionId',
      {
        schema: {
          tags: TAGS,
          summary: 'One subscription 订阅详情',
          description: '按编号取一个订阅。\n\nOne subscription by id.',
          params: SubscriptionParams,
          response: { 200: SubscriptionView, ...errors, ...notFound },
        },
      },
      async (request) =>
        presentSubscription(
          await getSubscription(db, exchangeActor(request, ['staff', 'client']), request.params.subscriptionId, acting),
        ),
    );

    app.patch(
      '/api/exchange/v1/subscriptions/:subscriptionId',
      {
        schema: {
          tags: TAGS,
          summary: 'Change push batching 修改批量推送',
          description:
            '成员本身或管理其所属部门的工作人员修改 push 订阅的批量大小（pushBatchSize，1–500）。只改变接收方式，不改变可接收的内容，无需重新审批；记入审计。\n\nThe member itself, or staff who manage its owner unit, change a push subscription’s batch size (pushBatchSize, 1–500). It changes how the member receives, not what, so no new approval is needed; audited.',
          params: SubscriptionParams,
          body: SubscriptionChangeBody,
          response: {
            200: SubscriptionView,
            ...errors,
            ...notFound,
            ...conflict,
            422: problemResponse('The batch size is out of range, or the subscription is a pull one'),
          },
        },
      },
      async (request) =>
        presentSubscription(
          await changePushBatchSize(
            db,
            exchangeActor(request, ['staff', 'client']),
            request.params.subscriptionId,
            request.body.pushBatchSize,
            acting,
          ),
        ),
    );

    app.post(
      '/api/exchange/v1/subscriptions/:subscriptionId/approve',
      {
        schema: {
          tags: TAGS,
          summary: 'Approve a subscription 批准订阅',
          description:
            '标准主管部门批准待审批的订阅；再次检查网络区域规则。\n\nThe standard’s owner approves a pending subscription; the zone rule is checked again.',
          params: SubscriptionParams,
          response: { 200: SubscriptionView, ...errors, ...notFound, ...conflict },
        },
      },
      async (request) =>
        presentSubscription(
          await approveSubscription(db, exchangeActor(request, ['staff']), request.params.subscriptionId, acting),
        ),
    );

    app.post(
      '/api/exchange/v1/subscriptions/:subscriptionId/reject',
      {
        schema: {
          tags: TAGS,
          summary: 'Reject a subscription 驳回订阅',
          description: '驳回待审批的订阅，须说明理由。\n\nRejects a pending subscription, with a reason.',
          params: SubscriptionParams,
          body: RejectBody,
          response: {
            200: SubscriptionView,
            ...errors,
            ...notFound,
            ...conflict,
            422: problemResponse('The reason is missing or too long'),
          },
        },
      },
      async (request) =>
        presentSubscription(
          await rejectSubscription(
            db,
            exchangeActor(request, ['staff']),
            request.params.subscriptionId,
            request.body.reason,
            acting,
          ),
        ),
    );

    app.post(
      '/api/exchange/v1/subscriptions/:subscriptionId/revoke',
      {
        // The reason is optional, and so is the body that carries it.
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          tags: TAGS,
          summary: 'Revoke a subscription 撤销订阅',
          description:
            '撤销待审批或已批准的订阅，此后不再向该成员投递。\n\nEnds a pending or approved subscription; nothing more is delivered under it.',
          params: SubscriptionParams,
          body: RevokeBody,
          response: {
            200: SubscriptionView,
            ...errors,
            ...notFound,
            ...conflict,
            422: problemResponse('The reason is too long'),
          },
        },
      },
      async (request) =>
        presentSubscription(
          await revokeSubscription(
            db,
            exchangeActor(request, ['staff']),
            request.params.subscriptionId,
            request.body?.reason,
            acting,
          ),
        ),
    );
  };
}
