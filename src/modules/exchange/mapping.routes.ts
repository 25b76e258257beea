/**
 * The mappings API under /api/exchange/v1 (problem+json errors): staff keep a member's mappings
 * (`exchange.manage` over its owner unit) and read them (`exchange.read`); the member system itself,
 * with its client-credentials token, reads and dry-runs its own.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Actor, Policy } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { problemResponse } from '../../platform/http/problem.js';
import { presentMapping } from './mapping.presenter.js';
import {
  DryRunBody,
  DryRunView,
  MappingBody,
  MappingList,
  MappingParams,
  MappingView,
  MemberParams,
} from './mapping.schema.js';
import { deleteMapping, dryRunMapping, listMappings, type MappingKey, saveMapping } from './mapping.service.js';

/**
 * The mappings REST routes, for `runtime.routes`.
 * @example runtime.routes.push(mappingRoutes({ database, policy }));
 */
export function mappingRoutes(deps: { database: Database; policy: Policy }): FastifyPluginAsync {
  const { database, policy } = deps;
  const staffActor = (request: FastifyRequest): Actor => ({
    type: 'user',
    id: requirePrincipal(request, ['staff']).id,
  });
  const readerActor = (request: FastifyRequest): Actor => {
    const principal = requirePrincipal(request, ['staff', 'client']);
    return { type: principal.kind === 'client' ? 'machine' : 'user', id: principal.id };
  };
  const keyOf = (params: MappingParams): MappingKey => ({
    memberId: params.memberId,
    standardCode: params.standard,
    standardVersion: params.version,
    direction: params.direction,
  });
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['exchange'];

    app.get(
      '/api/exchange/v1/members/:memberId/mappings',
      {
        schema: {
          tags,
          summary: 'A member’s mappings 成员的映射',
          description:
            '工作人员（对成员所属机构有 exchange.read）或成员系统本身可查看。\n\nFor staff holding exchange.read over the member’s owner unit, or the member system itself.',
          params: MemberParams,
          response: {
            200: MappingList,
            401: problemResponse('Not signed in, no token'),
            403: problemResponse('Not permitted'),
            404: problemResponse('No such member'),
          },
        },
      },
      async (request) => {
        const mappings = await listMappings(database.kysely, readerActor(request), { policy }, request.params.memberId);
        return { items: mappings.map(presentMapping) };
      },
    );

    app.put(
      '/api/exchange/v1/members/:memberId/mappings/:standard/:version/:direction',
      {
        schema: {
          tags,
          summary: 'Save a mapping 保存映射',
          description:
            '创建或替换成员对某数据标准版本一个方向的映射；表达式须能编译。需对成员所属机构有 exchange.manage。\n\nCreates or replaces the member’s mapping for a standard version and direction; the expression must compile. Needs exchange.manage over the member’s owner unit.',
          params: MappingParams,
          body: MappingBody,
          response: {
            200: MappingView,
            201: MappingView,
            401: problemResponse('Not signed in'),
            403: problemResponse('Not permitted'),
            404: problemResponse('No such member or standard version'),
            422: problemResponse('The mapping is not valid (names /expression, /format or /options/…)'),
          },
        },
      },
      async (request, reply) => {
        const actor = staffActor(request);
        const { mapping, created } = await database.transaction((tx) =>
          saveMapping(tx, actor, { policy }, keyOf(request.params), request.body, { requestId: String(request.id) }),
        );
        return reply.code(created ? 201 : 200).send(presentMapping(mapping));
      },
    );

    app.delete(
      '/api/exchange/v1/members/:memberId/mappings/:standard/:version/:direction',
      {
        schema: {
          tags,
          summary: 'Remove a mapping 删除映射',
          description:
            '删除后，该成员此方向的报文须直接使用标准 JSON。\n\nAfterwards the member’s payloads in this direction must be the standard’s JSON.',
          params: MappingParams,
          response: {
            204: { type: 'null', description: 'Removed' },
            401: problemResponse('Not signed in'),
            403: problemResponse('Not permitted'),
            404: problemResponse('No such member or mapping'),
          },
        },
      },
      async (request, reply) => {
        const actor = staffActor(request);
        await database.transaction((tx) =>
          deleteMapping(tx, actor, { policy }, keyOf(request.params), { requestId: String(request.id) }),
        );
        return reply.code(204).send();
      },
    );

    app.post(
      '/api/exchange/v1/mappings/dry-run',
      {
        schema: {
          tags,
          summary: 'Try a mapping on a sample 映射试运行',
          description:
            '用样例报文试运行映射（给出的表达式，或已保存的），不保存任何内容：返回映射结果，或映射错误及（入向）数据标准的校验错误。\n\nRuns a mapping (the one given, or the saved one) on a sample and stores nothing: the mapped result, or the mapping’s errors and (inbound) the standard’s validation errors.',
          body: DryRunBody,
          response: {
            200: DryRunView,
            401: problemResponse('Not signed in, no token'),
            403: problemResponse('Not permitted'),
            404: problemResponse('No such member, standard version or saved mapping'),
          },
        },
      },
      async (request) => {
        const { standard, version, ...rest } = request.body;
        return dryRunMapping(
          database.kysely,
          readerActor(request),
          { policy },
          {
            ...rest,
            standardCode: standard,
            standardVersion: version,
          },
        );
      },
    );
  };
}
