/**
 * The public, read-only org-unit API under /api/directory/v1: the structure of a government is public
 * information, so no authentication. Writes come with the identity module.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../platform/db/database.js';
import { problemResponse } from '../../platform/http/problem.js';
import { presentOrgUnit, presentOrgUnitDetail } from './org-unit.presenter.js';
import { DEFAULT_PAGE_LIMIT, OrgUnitDetail, OrgUnitListQuery, OrgUnitPage, OrgUnitParams } from './org-unit.schema.js';
import { getOrgUnit, listOrgUnits, orgPath } from './org-unit.service.js';

/**
 * The directory's HTTP routes, for `runtime.routes`.
 * @example runtime.routes.push(directoryRoutes({ database }));
 */
export function directoryRoutes(deps: { database: Database }): FastifyPluginAsync {
  const { database } = deps;
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/directory/v1/org-units',
      {
        schema: {
          tags: ['directory'],
          summary: 'List organisation units 机构列表',
          description:
            '区、部门、镇和街道、服务中心与科室，可按类型、上级机构和状态筛选，分页返回。\n\nThe district, its departments, towns and streets, service centres and offices, filtered by kind, parent and status, a page at a time.',
          querystring: OrgUnitListQuery,
          response: { 200: OrgUnitPage, 422: problemResponse('A query parameter is not valid') },
        },
      },
      async (request) => {
        const { kind, parent, status, limit = DEFAULT_PAGE_LIMIT, offset = 0 } = request.query;
        const page = await listOrgUnits(database.kysely, { kinds: kind, parentCode: parent, status, limit, offset });
        return { items: page.items.map(presentOrgUnit), total: page.total, limit, offset };
      },
    );

    app.get(
      '/api/directory/v1/org-units/:code',
      {
        schema: {
          tags: ['directory'],
          summary: 'One organisation unit and its path 机构详情',
          description:
            '按代码取一个机构，并附其上级路径（从区到直接上级）。\n\nOne unit by its code, with its path from the district down to its parent.',
          params: OrgUnitParams,
          response: { 200: OrgUnitDetail, 404: problemResponse('No unit has this code') },
        },
      },
      async (request) => {
        const { code } = request.params;
        const unit = await getOrgUnit(database.kysely, code);
        return presentOrgUnitDetail(unit, await orgPath(database.kysely, code));
      },
    );
  };
}
