/**
 * The audit log over HTTP, for the security auditor (安全审计员): a page of entries by actor, target,
 * action and time, and a verification of the hash chain. Reading needs `audit.read` platform-wide,
 * decided by the Policy the access module implements; each read is itself audited, because who looked
 * at the log is part of the record GB/T 22239 asks to protect.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Actor, Policy } from '../authorization.js';
import type { Database } from '../db/database.js';
import { requirePrincipal } from '../http/authentication.js';
import { problemResponse } from '../http/problem.js';
import { listAudit, recordAudit } from './audit-log.js';
import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES, type AuditRecord } from './audit-record.js';
import { verifyAuditLog } from './audit-verify.js';

/** Platform-wide: the log spans every department, so a department cannot be given a slice of it. */
export const AUDIT_READ_PERMISSION = 'audit.read';

const Dotted = { pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$', maxLength: 200 };

const EntryQuery = Type.Object(
  {
    actorId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    targetType: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    action: Type.Optional(Type.String({ ...Dotted, description: 'The exact action, e.g. access.grant.created' })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this instant.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before this instant.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    beforeSeq: Type.Optional(Type.Integer({ minimum: 1, description: 'nextBeforeSeq of the previous page.' })),
  },
  { additionalProperties: false },
);

const EntryView = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorType: Type.Union(AUDIT_ACTOR_TYPES.map((t) => Type.Literal(t))),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()], { description: 'masked' }),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union(AUDIT_OUTCOMES.map((o) => Type.Literal(o))),
  requestId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  prevHash: Type.String(),
  hash: Type.String(),
});

const EntryPage = Type.Object({
  entries: Type.Array(EntryView),
  nextBeforeSeq: Type.Union([Type.Integer(), Type.Null()]),
});

const Verification = Type.Union([
  Type.Object({
    ok: Type.Literal(true),
    checked: Type.Integer(),
    head: Type.Object({ seq: Type.Integer(), hash: Type.String() }),
  }),
  Type.Object({
    ok: Type.Literal(false),
    checked: Type.Integer(),
    firstBad: Type.Object({ seq: Type.Integer(), reason: Type.String() }),
  }),
]);

/**
 * The audit API, for `runtime.routes`.
 * @example runtime.routes.push(auditRoutes({ database, policy }));
 */
export function auditRoutes(deps: { database: Database; policy: Policy }): FastifyPluginAsync {
  const { database, policy } = deps;
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/audit/v1/entries',
      {
        schema: {
          tags: ['audit'],
          summary: 'Audit log entries 审计日志',
          description:
            '按操作者、对象、操作和时间查询审计日志，新的在前，用 beforeSeq 翻页。需要平台范围的 audit.read 权限（安全审计员）。\n\nAudit entries by actor, target, action and time, newest first; page on with beforeSeq. Needs audit.read platform-wide (the security auditor).',
          querystring: EntryQuery,
          response: {
            200: EntryPage,
            401: problemResponse('Not signed in'),
            403: problemResponse('Not the security auditor'),
            422: problemResponse('A query parameter is not valid'),
          },
        },
      },
      async (request) => {
        const actor = staffActor(request);
        await policy.assertAllowed(database.kysely, actor, AUDIT_READ_PERMISSION, null);
        const { from, to, limit = 50, ...filter } = request.query;
        const page = await listAudit(database.kysely, {
          ...filter,
          ...(from ? { from: new Date(from) } : {}),
          ...(to ? { to: new Date(to) } : {}),
          limit,
        });
        await recordAudit(database.kysely, {
          actor,
          action: 'audit.log.read',
          outcome: 'success',
          requestId: String(request.id),
          details: { filter: { ...request.query }, returned: page.entries.length },
        });
        return { entries: page.entries.map(presentEntry), nextBeforeSeq: page.nextBeforeSeq };
      },
    );

    app.get(
      '/api/audit/v1/verification',
      {
        schema: {
          tags: ['audit'],
          summary: 'Verify the audit chain 校验审计日志',
          description:
            '逐条校验审计日志的哈希链，返回链头（可记录在别处作锚点），或第一个被改动、删除的条目。\n\nWalks the hash chain and returns its head (record it elsewhere as an anchor) or the first entry that was changed or removed.',
          response: {
            200: Verification,
            401: problemResponse('Not signed in'),
            403: problemResponse('Not the security auditor'),
          },
        },
      },
      async (request) => {
        const actor = staffActor(request);
        await policy.assertAllowed(database.kysely, actor, AUDIT_READ_PERMISSION, null);
        const result = await verifyAuditLog(database.kysely);
        await recordAudit(database.kysely, {
          actor,
          action: 'audit.log.verified',
          outcome: 'success',
          requestId: String(request.id),
          details: result.ok ? { ok: true, checked: result.checked, headSeq: result.head.seq } : { ...result },
        });
        return result;
      },
    );
  };
}

function staffActor(request: Parameters<typeof requirePrincipal>[0]): Actor {
  return { type: 'user', id: requirePrincipal(request, ['staff']).id };
}

function presentEntry(record: AuditRecord) {
  return { ...record, at: record.at.toISOString() };
}
