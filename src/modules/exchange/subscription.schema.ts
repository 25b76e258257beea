/** Request and response schemas of the subscriptions API (TypeBox). */
import { type Static, Type } from '@sinclair/typebox';
import { MAX_FILTER_LENGTH, MAX_PUSH_BATCH_SIZE, SUBSCRIPTION_MODES, SUBSCRIPTION_STATUSES } from './subscription.js';

// An integer of any size: the service names a value out of range as a field of the problem.
const PushBatchSize = Type.Integer({
  description: `仅 push：一次 POST 最多携带的事件数（1–${MAX_PUSH_BATCH_SIZE}，默认 1）；大于 1 时以 application/cloudevents-batch+json 数组投递，整体签名一次 push only: events one POST may carry (1–${MAX_PUSH_BATCH_SIZE}, default 1); above 1 they go as an application/cloudevents-batch+json array, signed once`,
  examples: [100],
});

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

// Shapes only: the service checks the values and reports every bad field at once (exchange.subscription_invalid).
export const SubscriptionCreateBody = Type.Object(
  {
    memberId: Type.Optional(
      Type.String({
        maxLength: 100,
        description: '工作人员代为申请时必填；成员自己申请可省略 required for staff; a member may omit it',
      }),
    ),
    standardCode: Type.String({ maxLength: 100, examples: ['population-basic'] }),
    mode: Type.String({ maxLength: 20, description: SUBSCRIPTION_MODES.join(' | '), examples: ['push'] }),
    endpoint: Type.Optional(
      Type.Union([Type.String({ maxLength: 4000 }), Type.Null()], {
        description:
          '仅 push：https 地址（本机开发可用 http://localhost、127.0.0.1、[::1]）push only: https, or http to a loopback host for development',
        examples: ['https://rkxt.example.gov.cn/huitong/inbox'],
      }),
    ),
    filter: Type.Optional(
      Type.Union([Type.String({ maxLength: MAX_FILTER_LENGTH * 2 }), Type.Null()], {
        description: 'JSONata 布尔表达式，作用于标准数据 a JSONata boolean expression over the standard payload',
        examples: ["HJDZ.XZQH = '110105'"],
      }),
    ),
    pushBatchSize: Type.Optional(PushBatchSize),
  },
  { additionalProperties: false },
);
export type SubscriptionCreateBody = Static<typeof SubscriptionCreateBody>;

export const SubscriptionChangeBody = Type.Object({ pushBatchSize: PushBatchSize }, { additionalProperties: false });
export type SubscriptionChangeBody = Static<typeof SubscriptionChangeBody>;

export const SubscriptionParams = Type.Object({ subscriptionId: Type.String({ minLength: 1, maxLength: 100 }) });
export type SubscriptionParams = Static<typeof SubscriptionParams>;

export const RejectBody = Type.Object(
  { reason: Type.String({ maxLength: 2000, examples: ['用途说明不充分'] }) },
  { additionalProperties: false },
);
export type RejectBody = Static<typeof RejectBody>;

export const RevokeBody = Type.Object(
  { reason: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])) },
  { additionalProperties: false },
);
export type RevokeBody = Static<typeof RevokeBody>;

export const SubscriptionListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
    status: Type.Optional(Type.String({ maxLength: 20, description: SUBSCRIPTION_STATUSES.join(' | ') })),
    standard: Type.Optional(Type.String({ maxLength: 100 })),
    member: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type SubscriptionListQuery = Static<typeof SubscriptionListQuery>;

const Nullable = Type.Union([Type.String(), Type.Null()]);

export const SubscriptionView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  memberId: Type.String(),
  standardCode: Type.String(),
  filter: Nullable,
  mode: Type.String(),
  endpoint: Nullable,
  pushBatchSize: Type.Integer(),
  status: Type.String(),
  reason: Nullable,
  requestedBy: Nullable,
  decidedBy: Nullable,
  decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type SubscriptionView = Static<typeof SubscriptionView>;

export const SubscriptionPage = Type.Object({
  items: Type.Array(SubscriptionView),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type SubscriptionPage = Static<typeof SubscriptionPage>;
