/**
 * The route of stages of a service item (办理流程配置) under /api/cases/v1/routes: read by those who
 * configure it or handle its cases, set by `cases.route.manage` over the item's department. Cases in
 * flight keep the route they were accepted under.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { problemResponse } from '../../platform/http/problem.js';
import type { CaseDeps } from './case.js';
import { presentStage } from './case.presenter.js';
import { CASES_BASE, CASES_TAGS } from './case.routes.js';
import { ItemParams, RouteBody, RouteView } from './case.schema.js';
import { getRoute, setRoute } from './route.service.js';

const errors = {
  401: problemResponse('Not signed in 未登录'),
  403: problemResponse('The caller may not configure or handle this item 无权配置'),
  404: problemResponse('No such published item 没有此事项'),
};

/**
 * @example await app.register(serviceRouteRoutes({ database, deps }));
 */
export function serviceRouteRoutes(options: { database: Database; deps: CaseDeps }): FastifyPluginAsync {
  const { deps } = options;
  const db = options.database.kysely;
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      `${CASES_BASE}/routes/:itemCode`,
      {
        schema: {
          tags: CASES_TAGS,
          summary: 'The route of an item 事项的办理环节',
          description:
            '事项受理后依次经过的环节（每个环节的办理单位和所需权限，最后一个为决定）；未配置的事项为默认流程：承办部门审查、审批决定。需该部门的 cases.route.manage 或 cases.handle。\n\nThe stages an item’s cases go through after acceptance (each with its unit and permission; the last is the decision); without its own route, the default: review and decision at the handling department. Needs cases.route.manage or cases.handle there.',
          params: ItemParams,
          response: { 200: RouteView, ...errors },
        },
      },
      async (request) => {
        const { itemCode } = request.params;
        const stages = await getRoute(db, staffActor(request), itemCode, deps);
        return { itemCode, stages: stages.map(presentStage) };
      },
    );

    app.put(
      `${CASES_BASE}/routes/:itemCode`,
      {
        schema: {
          tags: CASES_TAGS,
          summary: 'Set the route of an item 配置办理环节',
          description:
            '整体替换事项的办理环节：1 至 12 个，环节代码不重复，单位须存在，权限为 cases.handle（审查）或 cases.decide（最后一个环节必须为决定）。已受理的办件仍按受理时的环节办理。需该事项部门的 cases.route.manage。\n\nReplaces the item’s stages: 1 to 12, distinct keys, existing units, cases.handle (review) or cases.decide (the last one must decide). Cases already accepted keep their route. Needs cases.route.manage over the item’s department.',
          params: ItemParams,
          body: RouteBody,
          response: {
            200: RouteView,
            ...errors,
            422: problemResponse('The stages are not valid: every bad field is listed 环节不符合要求'),
          },
        },
      },
      async (request) => {
        const { itemCode } = request.params;
        const stages = await setRoute(db, staffActor(request), itemCode, request.body, deps);
        return { itemCode, stages: stages.map(presentStage) };
      },
    );
  };
}

function staffActor(request: FastifyRequest): Actor {
  return { type: 'user', id: requirePrincipal(request, ['staff']).id };
}
