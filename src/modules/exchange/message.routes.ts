/**
 * The exchange's message API under /api/exchange/v1: members publish CloudEvents (one, or a batch
 * in CloudEvents' batch format), stream attachments in, and pull their deliveries with fetch/ack;
 * operators trace messages, see dead letters and resubmit; anyone may fetch the hub's public keys;
 * the auditor verifies the log.
 */
import type { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Actor, Policy } from '../../platform/authorization.js';
import type { BlobStore } from '../../platform/blobs/blob-store.js';
import type { Database } from '../../platform/db/database.js';
import { ConflictError, NotFoundError } from '../../platform/errors.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { problemResponse } from '../../platform/http/problem.js';
import { verifyMessageLog } from './log-verify.js';
import { presentDelivery, presentMessageDetail, presentMessageSummary } from './message.presenter.js';
import {
  AckBody,
  AckResult,
  AttachmentParams,
  AttachmentView,
  BatchPublishResult,
  CorrectionBody,
  CorrectionDraftView,
  CorrectionView,
  DeliveryPage,
  DeliveryParams,
  DeliveryQuery,
  FetchBody,
  FetchResult,
  MessageDetail,
  MessagePage,
  MessageQuery,
  PublishResult,
  ResubmitBody,
  SigningKeyView,
  SubscriptionParams,
  VerificationView,
} from './message.schema.js';
import { correctDelivery, correctionDraft } from './message-correction.service.js';
import { getMessage, listDeliveries, listMessages, resubmit } from './message-trace.service.js';
import { type PublishDeps, publish, recordAttachment, sendingMember } from './publish.service.js';
import { listSigningKeys } from './signing-key.service.js';
import { EXCHANGE_READ } from './standard.js';
import { subscriptionOfMember } from './subscription.service.js';
import type { DeliveryTransport } from './transport.js';

const TAGS = ['exchange'];
const CLOUDEVENTS = 'application/cloudevents+json';
const CLOUDEVENTS_BATCH = 'application/cloudevents-batch+json';
const machine = {
  401: problemResponse('No valid access token'),
  403: problemResponse('The caller is not an enabled member, or may not do this'),
};
const staff = {
  401: problemResponse('Not signed in'),
  403: problemResponse('The caller may not read the exchange of these units'),
};

export interface MessageRoutesDeps {
  database: Database;
  policy: Policy;
  blobs: BlobStore;
  publishing: PublishDeps;
  transport: DeliveryTransport;
}

/**
 * The message routes, for `runtime.routes`.
 * @example runtime.routes.push(messageRoutes({ database, policy, blobs, publishing, transport }));
 */
export function messageRoutes(deps: MessageRoutesDeps): FastifyPluginAsync {
  const { database, policy, blobs, publishing, transport } = deps;
  const db = database.kysely;
  const staffActor = (request: FastifyRequest): Actor => ({
    type: 'user',
    id: requirePrincipal(request, ['staff']).id,
  });
  const memberId = (request: FastifyRequest): string => requirePrincipal(request, ['client']).id;

  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    app.addContentTypeParser(
      [CLOUDEVENTS, CLOUDEVENTS_BATCH],
      { parseAs: 'string' },
      app.getDefaultJsonParser('error', 'error'),
    );

    app.post(
      '/api/exchange/v1/messages',
      {
        schema: {
          tags: TAGS,
          summary: 'Publish messages 发布消息',
          description:
            '以 CloudEvents 1.0 结构化 JSON 发布一条消息（application/cloudevents+json），或以批量格式（application/cloudevents-batch+json，数组）发布多条。type 为 huitong.<标准代码>.v<版本>，source 为成员标识。按成员的映射转换、按标准校验、签名、写入哈希链日志并路由，在同一事务中完成；同一 source 与 id 重复发送时返回首次结果。一批中任一条不合格则整批不接收。\n\n' +
            'Publishes one CloudEvents 1.0 structured event, or a batch (an array, application/cloudevents-batch+json). `type` is huitong.<standard>.v<version>, `source` the member id. Mapped, validated, signed, logged and routed in one transaction; a repeat of (source, id) returns the first result. One bad event refuses the whole batch.',
          body: {},
          response: {
            200: { ...PublishResult, description: 'A repeat: the first result' },
            202: { oneOf: [PublishResult, BatchPublishResult] },
            ...machine,
            413: problemResponse('The request, the batch or a payload is too large'),
            422: problemResponse('An event is not valid: every problem is listed, nothing was stored'),
          },
        },
      },
      async (request, reply) => {
        const client = memberId(request);
        const batch = Array.isArray(request.body);
        const events = batch ? (request.body as unknown[]) : [request.body];
        const results = await publish(publishing, client, events, { batch, requestId: request.id });
        if (batch) return reply.code(202).send({ results });
        const [result] = results;
        return reply.code(result!.duplicate ? 200 : 202).send(result);
      },
    );

    // Attachments are streamed to the blob store as they arrive, whatever their type: no parser reads them.
    await app.register(async (raw) => {
      raw.removeAllContentTypeParsers();
      raw.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
      raw.withTypeProvider<TypeBoxTypeProvider>().post(
        '/api/exchange/v1/attachments',
        {
          bodyLimit: blobs.maxBytes,
          schema: {
            tags: TAGS,
            summary: 'Upload an attachment 上传附件',
            description:
              '流式上传大体量数据或附件（不整体读入内存），返回其 SHA-256；随后在消息的 dataref 扩展属性中引用。\n\nStreams a large payload or attachment into the blob store (never held whole in memory) and returns its SHA-256, for a message’s `dataref`.',
            response: { 201: AttachmentView, ...machine, 413: problemResponse('Larger than the store accepts') },
          },
        },
        async (request, reply) => {
          const member = await sendingMember(db, memberId(request));
          const contentType = (request.headers['content-type'] ?? 'application/octet-stream').slice(0, 200);
          const stored = await blobs.put(request.body as Readable);
          await recordAttachment(db, member.id, { sha256: stored.sha256, contentType, size: stored.size });
          return reply.code(201).send({
            sha256: stored.sha256,
            size: stored.size,
            contentType,
            dataref: `/api/exchange/v1/attachments/${stored.sha256}`,
          });
        },
      );
    });

    app.get(
      '/api/exchange/v1/attachments/:sha256',
      {
        schema: {
          tags: TAGS,
          summary: 'Download an attachment 下载附件',
          description:
            '上传者本身，或收到了引用该附件的消息的订阅者，可以下载。\n\nFor the member that uploaded it, and for members that were delivered a message referencing it.',
          params: AttachmentParams,
          response: { ...machine, 404: problemResponse('No such attachment for this caller') },
        },
      },
      async (request, reply) => {
        const client = memberId(request);
        const { sha256 } = request.params;
        const allowed = await db
          .selectFrom('exchange.attachment as a')
          .select('a.content_type')
          .where('a.sha256', '=', sha256)
          .where((eb) =>
            eb.or([
              eb('a.member_id', '=', client),
              eb.exists(
                eb
                  .selectFrom('exchange.message as m')
                  .innerJoin('exchange.delivery as d', 'd.message_seq', 'm.seq')
                  .innerJoin('exchange.subscription as s', 's.id', 'd.subscription_id')
                  .select('m.seq')
                  .where('m.data_ref', '=', sha256)
                  .where('s.member_id', '=', client),
              ),
            ]),
          )
          .executeTakeFirst();
        if (!allowed) throw new NotFoundError('exchange.attachment_not_found');
        const opened = await blobs.open(sha256);
        return reply
          .header('content-type', allowed.content_type as string)
          .header('content-length', String(opened.size))
          .send(opened.stream as never);
      },
    );

    app.post(
      '/api/exchange/v1/subscriptions/:id/fetch',
      {
        schema: {
          tags: TAGS,
          summary: 'Fetch deliveries (pull) 拉取消息',
          description:
            '租用订阅中最早的待投递消息，同一分区键内保持顺序；租期内 ack 确认，否则到期后重新投递（至少一次，以事件 id 去重）。\n\nLeases the oldest due deliveries of a pull subscription, per-partition-key order kept. Ack them within the lease, or they come again (at least once; de-duplicate by event id).',
          params: SubscriptionParams,
          body: FetchBody,
          response: {
            200: FetchResult,
            ...machine,
            404: problemResponse('Not a subscription of the caller'),
            409: problemResponse('Not a pull subscription'),
          },
        },
      },
      async (request) => {
        const subscription = await ownPullSubscription(request.params.id, memberId(request));
        const { max = 100, leaseSeconds = 30 } = request.body ?? {};
        return { deliveries: await transport.fetch(subscription, max, leaseSeconds * 1000) };
      },
    );

    for (const [verb, act] of [
      ['ack', (id: string, ackIds: string[]) => transport.ack(id, ackIds)],
      ['nack', (id: string, ackIds: string[]) => transport.nack(id, ackIds)],
    ] as const) {
      app.post(
        `/api/exchange/v1/subscriptions/:id/${verb}`,
        {
          schema: {
            tags: TAGS,
            summary: verb === 'ack' ? 'Acknowledge deliveries 确认收到' : 'Refuse deliveries 退回重投',
            description:
              verb === 'ack'
                ? '确认已处理的投递；返回仍在租期内而被确认的数量。\n\nConfirms processed deliveries; returns how many were still leased to the caller.'
                : '退回投递，按退避稍后重投。\n\nGives deliveries back, to come again after a backoff.',
            params: SubscriptionParams,
            body: AckBody,
            response: { 200: AckResult, ...machine, 404: problemResponse('Not a subscription of the caller') },
          },
        },
        async (request) => {
          const subscription = await ownPullSubscription(request.params.id, memberId(request));
          return { count: await act(subscription, request.body.ackIds) };
        },
      );
    }

    app.get(
      '/api/exchange/v1/messages',
      {
        schema: {
          tags: TAGS,
          summary: 'Trace messages 消息追踪',
          description:
            '按成员、标准、时间和关联标识查询消息日志（不含数据内容），新者在前。\n\nSearches the message log by member, standard, time and correlation id (no payloads), newest first.',
          querystring: MessageQuery,
          response: { 200: MessagePage, ...staff, 422: problemResponse('A query parameter is not valid') },
        },
      },
      async (request) => {
        const { limit = 50, offset = 0, ...filter } = request.query;
        const page = await listMessages(db, staffActor(request), { ...filter, limit, offset }, policy);
        return { items: page.items.map(presentMessageSummary), total: page.total, limit, offset };
      },
    );

    app.get(
      '/api/exchange/v1/messages/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'One message: proof and deliveries 消息详情',
          description:
            '消息的日志证明（哈希、签名）和每个投递的状态。\n\nThe message’s log proof and the state of each delivery.',
          params: SubscriptionParams,
          response: { 200: MessageDetail, ...staff, 404: problemResponse('No such message in the caller’s units') },
        },
      },
      async (request) => presentMessageDetail(await getMessage(db, staffActor(request), request.params.id, policy)),
    );

    app.get(
      '/api/exchange/v1/deliveries',
      {
        schema: {
          tags: TAGS,
          summary: 'Deliveries and dead letters 投递与死信',
          description:
            '按状态查看投递（status=dead 即死信）及失败原因。\n\nDeliveries by status (status=dead: the dead letters), with why they failed.',
          querystring: DeliveryQuery,
          response: { 200: DeliveryPage, ...staff },
        },
      },
      async (request) => {
        const { limit = 50, offset = 0, status, subscriptionId } = request.query;
        const page = await listDeliveries(db, staffActor(request), { status, subscriptionId, limit, offset }, policy);
        return { items: page.items.map(presentDelivery), total: page.total, limit, offset };
      },
    );

    app.post(
      '/api/exchange/v1/deliveries/resubmit',
      {
        schema: {
          tags: TAGS,
          summary: 'Resubmit dead deliveries 重新投递',
          description:
            '修正订阅方映射或接收地址后，将死信重新投递（重试次数清零）。\n\nAfter fixing the subscriber’s mapping or endpoint, makes dead deliveries due again with a fresh attempt count.',
          body: ResubmitBody,
          response: { 200: AckResult, ...staff, 404: problemResponse('No such subscription') },
        },
      },
      async (request) => {
        const count = await resubmit(db, staffActor(request), request.body, policy);
        const { subscriptionId, messageSeqs } = request.body;
        // Due again now: the transport hands them out as it would fresh ones (NATS relays them again).
        transport.routed(
          messageSeqs.map((messageSeq) => ({ subscriptionId, messageSeq, partitionKey: null, mode: 'push' as const })),
        );
        return { count };
      },
    );

    const correctionPath = '/api/exchange/v1/deliveries/:subscriptionId/:messageSeq/correction';
    app.get(
      correctionPath,
      {
        schema: {
          tags: TAGS,
          summary: 'Start a correction: the original payload 更正草稿',
          description:
            '死信或待重试投递的原始标准数据，供更正后重发（需对订阅方或标准所属单位有 exchange.manage；读取记入审计）。\n\n' +
            'The original standard payload of a dead or pending delivery, to correct and resubmit (`exchange.manage` over the subscriber’s or the standard’s unit; the read is audited).',
          params: DeliveryParams,
          response: {
            200: CorrectionDraftView,
            ...staff,
            404: problemResponse('No such delivery'),
            409: problemResponse('The delivery is not dead or pending, or its subscription is not approved'),
          },
        },
      },
      async (request) => correctionDraft(db, staffActor(request), request.params, policy),
    );

    app.post(
      correctionPath,
      {
        schema: {
          tags: TAGS,
          summary: 'Correct and resubmit 更正并重发',
          description:
            '已记录的消息不可更改：更正后的数据按同一标准版本校验后，作为新消息写入哈希链（事件 id 为 <原 id>#fix-<n>，关联标识沿用原消息），只路由给该投递的订阅（区域规则和过滤条件仍适用），原投递标记为已替代（superseded）。记入审计（含原因，不含数据）。\n\n' +
            'A logged message never changes: the corrected payload, validated against the same standard version, is logged as a new message (event id `<original id>#fix-<n>`, the original’s correlation id), routed only to this delivery’s subscription (zone rule and filter still apply), and the original delivery is resolved as `superseded`. Audited with the reason, never the payload.',
          params: DeliveryParams,
          body: CorrectionBody,
          response: {
            201: CorrectionView,
            ...staff,
            404: problemResponse('No such delivery'),
            409: problemResponse('The delivery is not dead or pending, or was corrected meanwhile'),
            413: problemResponse('The corrected payload is too large'),
            422: problemResponse('The corrected payload or the reason is not valid: every problem is listed'),
          },
        },
      },
      async (request, reply) => {
        const correction = await correctDelivery(
          publishing,
          staffActor(request),
          { ...request.params, ...request.body },
          policy,
        );
        return reply.code(201).send(correction);
      },
    );

    app.get(
      '/api/exchange/v1/signing-keys',
      {
        schema: {
          tags: TAGS,
          summary: 'The hub’s public keys 平台签名公钥',
          description:
            '验证消息签名和投递签名所用的公钥（含已退役的）。\n\nThe public keys that verify message and delivery signatures, retired ones included.',
          response: { 200: { type: 'object', properties: { keys: { type: 'array', items: SigningKeyView } } } },
        },
      },
      async () => ({
        keys: (await listSigningKeys(db)).map((key) => ({
          ...key,
          createdAt: key.createdAt.toISOString(),
          retiredAt: key.retiredAt?.toISOString() ?? null,
        })),
      }),
    );

    app.get(
      '/api/exchange/v1/log/verification',
      {
        schema: {
          tags: TAGS,
          summary: 'Verify the message log 校验消息日志',
          description:
            '重算整个消息日志的哈希链、签名和检查点（需全平台的 exchange.read，如安全审计员）。\n\nRecomputes the whole log’s hash chain, signatures and checkpoints (exchange.read platform-wide, e.g. the security auditor).',
          response: { 200: VerificationView, ...staff },
        },
      },
      async (request) => {
        await policy.assertAllowed(db, staffActor(request), EXCHANGE_READ, null);
        return verifyMessageLog(db);
      },
    );
  };

  async function ownPullSubscription(subscriptionId: string, client: string): Promise<string> {
    const subscription = await subscriptionOfMember(database.kysely, subscriptionId, client);
    if (!subscription) throw new NotFoundError('exchange.subscription_not_found', { subscriptionId });
    if (subscription.mode !== 'pull') throw new ConflictError('exchange.subscription_not_pull');
    return subscription.subscriptionId;
  }
}
