/**
 * The catalogue under /api/exchange/v1/catalogue: for a member (client-credentials token), every
 * published standard with what it may do with it; staff ask for a member with `?member=`.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Policy } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { problemResponse } from '../../platform/http/problem.js';
import { type Catalogue, catalogueOf } from './catalogue.service.js';
import { eventType } from './event-type.js';
import { exchangeActor } from './member.routes.js';

const Nullable = Type.Union([Type.String(), Type.Null()]);

export const CatalogueQuery = Type.Object(
  { member: Type.Optional(Type.String({ maxLength: 100, description: '工作人员必填 required for staff' })) },
  { additionalProperties: false },
);

export const CatalogueView = Type.Object({
  member: Type.Object({
    id: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    ownerOrgUnitCode: Type.String(),
    zone: Type.String(),
    status: Type.String(),
  }),
  standards: Type.Array(
    Type.Object({
      code: Type.String(),
      nameZh: Type.String(),
      nameEn: Type.String(),
      ownerOrgUnitCode: Type.String(),
      classification: Type.String(),
      latestVersion: Type.Integer({ description: '最新已发布版本 latest published version' }),
      eventType: Type.String({
        description: 'CloudEvents type of the latest version',
        examples: ['huitong.population-basic.v1'],
      }),
      publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      mayPublish: Type.Boolean(),
      maySubscribe: Type.Boolean({
        description: '外部区域成员对敏感、涉密标准为 false false for sensitive/classified when the member is external',
      }),
      subscription: Type.Union([
        Type.Object({ id: Type.String(), status: Type.String(), mode: Type.String(), reason: Nullable }),
        Type.Null(),
      ]),
    }),
  ),
});
export type CatalogueView = Static<typeof CatalogueView>;

/**
 * The catalogue's HTTP route, for `runtime.routes`.
 * @example runtime.routes.push(catalogueRoutes({ database, policy }));
 */
export function catalogueRoutes(deps: { database: Database; policy: Policy }): FastifyPluginAsync {
  const { database, policy } = deps;
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/api/exchange/v1/catalogue',
      {
        schema: {
          tags: ['exchange'],
          summary: 'The exchange catalogue 数据交换目录',
          description:
            '每个已发布的数据标准及其最新版本、密级，调用成员能否发布、能否订阅，以及其订阅状态。工作人员须用 ?member= 指定成员，并有其主管部门的 exchange.read 权限。\n\nEvery published standard with its latest version and classification, whether the member may publish and may subscribe, and its subscription. Staff name the member with ?member= and need exchange.read over its owner unit.',
          querystring: CatalogueQuery,
          response: {
            200: CatalogueView,
            401: problemResponse('Not signed in, or the access token is not valid'),
            403: problemResponse('The caller is not a member, or may not read this member'),
            404: problemResponse('No exchange member has this id'),
            422: problemResponse('Staff must name the member'),
          },
        },
      },
      async (request) =>
        presentCatalogue(
          await catalogueOf(database.kysely, exchangeActor(request, ['staff', 'client']), request.query.member, {
            policy,
          }),
        ),
    );
  };
}

function presentCatalogue(catalogue: Catalogue): CatalogueView {
  return {
    member: catalogue.member,
    standards: catalogue.standards.map((entry) => ({
      ...entry,
      eventType: eventType(entry.code, entry.latestVersion),
      publishedAt: entry.publishedAt?.toISOString() ?? null,
    })),
  };
}
