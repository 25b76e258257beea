/** Request and response schemas of the publish, delivery and trace API (TypeBox). */
import { type Static, Type } from '@sinclair/typebox';

const Seq = Type.Integer({ minimum: 1 });

export const PublishResult = Type.Object({
  id: Type.String({ format: 'uuid', description: '消息在交换平台的标识 The hub’s id of the message' }),
  seq: Seq,
  duplicate: Type.Boolean({
    description: '重复发送（同一 source 与 id）：返回首次结果 A repeat of an event already accepted',
  }),
  deliveries: Type.Integer({ minimum: 0, description: '路由到的订阅数 Subscriptions the message was routed to' }),
});
export const BatchPublishResult = Type.Object({ results: Type.Array(PublishResult) });

export const SubscriptionParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const FetchBody = Type.Object(
  {
    max: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    leaseSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 600, default: 30 })),
  },
  { additionalProperties: false },
);
export type FetchBody = Static<typeof FetchBody>;
export const PulledDeliveryView = Type.Object({
  ackId: Type.String(),
  attempt: Type.Integer(),
  signature: Type.String({ description: 'Huitong-Signature over t + "." + canonical JSON of event' }),
  event: Type.Record(Type.String(), Type.Unknown()),
});
export const FetchResult = Type.Object({ deliveries: Type.Array(PulledDeliveryView) });
export const AckBody = Type.Object(
  { ackIds: Type.Array(Type.String({ maxLength: 80 }), { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);
export type AckBody = Static<typeof AckBody>;
export const AckResult = Type.Object({ count: Type.Integer({ minimum: 0 }) });

export const AttachmentView = Type.Object({
  sha256: Type.String(),
  size: Type.Integer(),
  contentType: Type.String(),
  dataref: Type.String({ description: '在消息的 dataref 扩展属性中引用 Reference it in a message’s dataref' }),
});
export const AttachmentParams = Type.Object({ sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) });

export const MessageQuery = Type.Object(
  {
    source: Type.Optional(Type.String({ maxLength: 100 })),
    standard: Type.Optional(Type.String({ maxLength: 60 })),
    correlationId: Type.Optional(Type.String({ maxLength: 200 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
export type MessageQuery = Static<typeof MessageQuery>;

const DeliveryStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('leased'),
  Type.Literal('delivered'),
  Type.Literal('dead'),
  Type.Literal('superseded'),
]);
export const MessageSummary = Type.Object({
  id: Type.String(),
  seq: Seq,
  source: Type.String(),
  eventId: Type.String(),
  standard: Type.String(),
  version: Type.Integer(),
  classification: Type.String(),
  partitionKey: Type.Union([Type.String(), Type.Null()]),
  correlationId: Type.Union([Type.String(), Type.Null()]),
  receivedAt: Type.String({ format: 'date-time' }),
  dataSize: Type.Integer(),
  deliveries: Type.Object({
    total: Type.Integer(),
    delivered: Type.Integer(),
    pending: Type.Integer(),
    dead: Type.Integer(),
    superseded: Type.Integer({ description: '已被更正消息替代 Replaced by a corrected message' }),
  }),
});
export const MessagePage = Type.Object({
  items: Type.Array(MessageSummary),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export const DeliveryView = Type.Object({
  subscriptionId: Type.String(),
  messageSeq: Seq,
  messageId: Type.String(),
  source: Type.String(),
  standard: Type.String(),
  memberId: Type.String(),
  mode: Type.String(),
  status: DeliveryStatus,
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  lastAttemptAt: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.String(),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
  receivedAt: Type.String(),
  supersededBy: Type.Union([Type.Object({ seq: Seq, messageId: Type.String() }), Type.Null()], {
    description: '替代该投递的更正消息 The corrected message that replaced this delivery',
  }),
  resolvedBy: Type.Union([Type.String(), Type.Null()]),
  resolvedAt: Type.Union([Type.String(), Type.Null()]),
});
export const MessageDetail = Type.Object({
  message: MessageSummary,
  proof: Type.Object({
    algorithm: Type.String(),
    keyId: Type.String(),
    dataHash: Type.String(),
    messageHash: Type.String(),
    signature: Type.String(),
    prevHash: Type.String(),
    entryHash: Type.String(),
  }),
  deliveries: Type.Array(DeliveryView),
  corrects: Type.Union(
    [
      Type.Object({
        subscriptionId: Type.String(),
        messageSeq: Seq,
        messageId: Type.String(),
        resolvedBy: Type.String(),
        resolvedAt: Type.String(),
      }),
      Type.Null(),
    ],
    { description: '本消息为更正重发时：被替代的投递 When this message is a correction: the delivery it replaced' },
  ),
});
export const DeliveryQuery = Type.Object(
  {
    status: Type.Optional(DeliveryStatus),
    subscriptionId: Type.Optional(Type.String({ format: 'uuid' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
export type DeliveryQuery = Static<typeof DeliveryQuery>;
export const DeliveryPage = Type.Object({
  items: Type.Array(DeliveryView),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export const ResubmitBody = Type.Object(
  {
    subscriptionId: Type.String({ format: 'uuid' }),
    messageSeqs: Type.Array(Seq, { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false },
);
export type ResubmitBody = Static<typeof ResubmitBody>;
export const DeliveryParams = Type.Object({
  subscriptionId: Type.String({ format: 'uuid' }),
  messageSeq: Type.Integer({ minimum: 1 }),
});
export const CorrectionDraftView = Type.Object({
  subscriptionId: Type.String(),
  messageSeq: Seq,
  messageId: Type.String(),
  source: Type.String(),
  eventId: Type.String(),
  standard: Type.String(),
  version: Type.Integer(),
  status: Type.String(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  data: Type.Unknown({ description: '原消息的标准数据 The original standard payload' }),
});
export const CorrectionBody = Type.Object(
  {
    data: Type.Unknown({ description: '更正后的标准数据，按同一标准版本校验 The corrected standard payload' }),
    reason: Type.String({ minLength: 1, maxLength: 500, description: '更正原因（记入审计）Why (audited)' }),
  },
  { additionalProperties: false },
);
export const CorrectionView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  seq: Seq,
  eventId: Type.String(),
  correlationId: Type.String(),
  deliveries: Type.Integer({ minimum: 0 }),
  corrects: Type.Object({ subscriptionId: Type.String(), messageSeq: Seq, messageId: Type.String() }),
});
export const SigningKeyView = Type.Object({
  id: Type.String(),
  algorithm: Type.String(),
  publicKeyPem: Type.String(),
  createdAt: Type.String(),
  retiredAt: Type.Union([Type.String(), Type.Null()]),
});
export const VerificationView = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  firstSeq: Type.Optional(Type.Integer()),
  lastSeq: Type.Optional(Type.Integer()),
  checkpoints: Type.Optional(Type.Integer()),
  seq: Type.Optional(Type.Integer()),
  reason: Type.Optional(Type.String()),
});
