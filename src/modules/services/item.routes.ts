/**
 * The service catalogue API under /api/services/v1: the published catalogue for everyone (no
 * sign-in: the list of what government does for people is public), and, for staff with
 * `services.manage` over the handling unit, creating items, drafting, publishing and withdrawing.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Actor, Policy } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { problemResponse } from '../../platform/http/problem.js';
import { presentItemPage, presentItemVersion, presentVersionSummary } from './item.presenter.js';
import {
  ContentBody,
  CreateBody,
  ItemListQuery,
  ItemPageView,
  ItemParams,
  ItemVersionView,
  VersionList,
  VersionParams,
} from './item.schema.js';
import {
  createDraft,
  createItem,
  getItemVersion,
  getPublishedItem,
  listItemVersions,
  listPublishedItems,
  publishItemVersion,
  updateDraft,
  withdrawItem,
} from './item.service.js';

const BASE = '/api/services/v1';
const TAGS = ['services'];
const errors = {
  401: problemResponse('Not signed in'),
  403: problemResponse('The caller may not do this'),
};
const notFound = { 404: problemResponse('No such item or version') };
const invalid = { 422: problemResponse('The input is not valid: every bad field is listed') };
const conflict = { 409: problemResponse('The version is not in a state that allows this') };

/**
 * The service catalogue's HTTP routes, for `runtime.routes`.
 * @example runtime.routes.push(serviceItemRoutes({ database, policy }));
 */
export function serviceItemRoutes(deps: { database: Database; policy: Policy }): FastifyPluginAsync {
  const { database, policy } = deps;
  const db = database.kysely;
  const services = { policy };
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      `${BASE}/items`,
      {
        schema: {
          tags: TAGS,
          summary: 'List published service items 政务服务事项目录',
          description:
            '已发布的政务服务事项，按实施机构和名称排序，分页（total、limit、offset）。可按名称（q）、实施机构（department）、事项类型（type）、能否网办（online）、可办理的服务中心（centre）筛选。无需登录。\n\nPublished service items by handling unit and name, paged. Filter by name, unit, type, online and centre. No sign-in needed.',
          querystring: ItemListQuery,
          response: { 200: ItemPageView, 422: problemResponse('A query parameter is not valid') },
        },
      },
      async (request) => {
        const { limit, offset, ...filter } = request.query;
        return presentItemPage(
          await listPublishedItems(db, { ...filter, type: filter.type as never }, { limit, offset }),
        );
      },
    );

    app.post(
      `${BASE}/items`,
      {
        bodyLimit: 256 * 1024,
        schema: {
          tags: TAGS,
          summary: 'Create a service item 新建政务服务事项',
          description:
            '登记一项事项，第 1 版为草稿。需在实施机构拥有 services.manage。实施编码的事项类型码须与事项类型一致（01 行政许可、04 行政征收、05 行政给付、07 行政确认、08 行政奖励、09 行政裁决、10 其他行政权力、20 公共服务）。\n\nRegisters an item with version 1 as a draft. Needs services.manage over the handling unit. The type code in the implementation code must match the type.',
          body: CreateBody,
          response: { 201: ItemVersionView, ...errors, ...invalid },
        },
      },
      async (request, reply) => {
        const created = await createItem(db, manager(request), request.body, services);
        reply.code(201);
        return presentItemVersion(created);
      },
    );

    app.get(
      `${BASE}/items/:code`,
      {
        schema: {
          tags: TAGS,
          summary: 'One published service item 事项详情',
          description:
            '事项当前发布的版本：受理条件、申请材料、办理时限、收费、办理地点、办理结果和申请表。无需登录。\n\nThe item’s published version: conditions, materials, limits, fees, where, result and form. No sign-in needed.',
          params: ItemParams,
          response: { 200: ItemVersionView, ...notFound },
        },
      },
      async (request) => presentItemVersion(await getPublishedItem(db, request.params.code)),
    );

    app.get(
      `${BASE}/items/:code/versions`,
      {
        schema: {
          tags: TAGS,
          summary: 'Versions of an item 事项的版本',
          description:
            '事项各版本（含草稿）的状态和时间。需在实施机构拥有 services.manage。\n\nEvery version, drafts included. Needs services.manage over the handling unit.',
          params: ItemParams,
          response: { 200: VersionList, ...errors, ...notFound },
        },
      },
      async (request) => ({
        items: (await listItemVersions(db, manager(request), request.params.code, services)).map(presentVersionSummary),
      }),
    );

    app.post(
      `${BASE}/items/:code/versions`,
      {
        bodyLimit: 256 * 1024,
        schema: {
          tags: TAGS,
          summary: 'Draft the next version 新建草稿版本',
          description:
            '以给出的内容新建下一版本草稿。同一时间只有一个草稿。\n\nDrafts the next version with the given content. One draft at a time.',
          params: ItemParams,
          body: ContentBody,
          response: { 201: ItemVersionView, ...errors, ...notFound, ...conflict, ...invalid },
        },
      },
      async (request, reply) => {
        const draft = await createDraft(db, manager(request), request.params.code, request.body, services);
        reply.code(201);
        return presentItemVersion(draft);
      },
    );

    app.post(
      `${BASE}/items/:code/versions/copy`,
      {
        schema: {
          tags: TAGS,
          summary: 'Draft the next version as a copy 复制为新草稿',
          description:
            '复制最新版本为下一版本草稿，再用 PUT 修改。同一时间只有一个草稿。\n\nDrafts the next version as a copy of the newest, to change with PUT. One draft at a time.',
          params: ItemParams,
          response: { 201: ItemVersionView, ...errors, ...notFound, ...conflict },
        },
      },
      async (request, reply) => {
        const draft = await createDraft(db, manager(request), request.params.code, undefined, services);
        reply.code(201);
        return presentItemVersion(draft);
      },
    );

    app.get(
      `${BASE}/items/:code/versions/:version`,
      {
        schema: {
          tags: TAGS,
          summary: 'One version of an item 事项的某一版本',
          description:
            '发布过的版本（含已被替代或撤下的）公开可读，办件引用其申请时的版本；草稿仅管理该事项的工作人员可读。\n\nVersions that were published (superseded and withdrawn ones too) are public: cases name the version they were applied under. Drafts only for the staff who manage the item.',
          params: VersionParams,
          response: { 200: ItemVersionView, ...errors, ...notFound },
        },
      },
      async (request) => {
        const { code, version } = request.params;
        return presentItemVersion(await getItemVersion(db, optionalStaff(request), code, version, services));
      },
    );

    app.put(
      `${BASE}/items/:code/versions/:version`,
      {
        bodyLimit: 256 * 1024,
        schema: {
          tags: TAGS,
          summary: 'Change a draft 修改草稿',
          description:
            '整体替换草稿的内容。发布过的版本不可修改。\n\nReplaces the draft’s content. Versions that were published never change.',
          params: VersionParams,
          body: ContentBody,
          response: { 200: ItemVersionView, ...errors, ...notFound, ...conflict, ...invalid },
        },
      },
      async (request) => {
        const { code, version } = request.params;
        return presentItemVersion(await updateDraft(db, manager(request), code, version, request.body, services));
      },
    );

    app.post(
      `${BASE}/items/:code/versions/:version/publish`,
      {
        schema: {
          tags: TAGS,
          summary: 'Publish a draft 发布版本',
          description:
            '发布草稿：门户显示该版本，之前发布的版本变为已替代（仍可按版本号读取）。\n\nPublishes the draft: the portal shows it, and the version published before is superseded (still readable by number).',
          params: VersionParams,
          response: { 200: ItemVersionView, ...errors, ...notFound, ...conflict, ...invalid },
        },
      },
      async (request) => {
        const { code, version } = request.params;
        return presentItemVersion(await publishItemVersion(db, manager(request), code, version, services));
      },
    );

    app.post(
      `${BASE}/items/:code/withdraw`,
      {
        schema: {
          tags: TAGS,
          summary: 'Withdraw an item from the portal 撤下事项',
          description:
            '撤下当前发布的版本，门户不再显示该事项；该版本仍可按版本号读取。发布新版本即可重新上线。\n\nTakes the published version off the portal; it stays readable by number. Publishing a new version puts the item back.',
          params: ItemParams,
          response: { 200: ItemVersionView, ...errors, ...notFound, ...conflict },
        },
      },
      async (request) => presentItemVersion(await withdrawItem(db, manager(request), request.params.code, services)),
    );
  };
}

/** Writers: staff only. */
function manager(request: FastifyRequest): Actor {
  return { type: 'user', id: requirePrincipal(request, ['staff']).id };
}

/** A signed-in staff member reading, or nobody (public). */
function optionalStaff(request: FastifyRequest): Actor | null {
  return request.principal?.kind === 'staff' ? { type: 'user', id: request.principal.id } : null;
}
