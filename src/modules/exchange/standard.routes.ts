/**
 * The data standards API under /api/exchange/v1: the catalogue of standards, their versions and the
 * compatibility reports (read by staff with `exchange.read` anywhere and by every registered
 * system), the code lists and the data-element dictionary; and, for staff with `exchange.manage`,
 * creating standards, drafting, publishing and deprecating versions, and maintaining code lists and
 * data elements.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Actor, Policy } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { problemFrom, problemResponse, sendProblem } from '../../platform/http/problem.js';
import { createCodeList, getCodeList, listCodeLists, replaceCodeListEntries } from './code-list.service.js';
import { createDataElement, getDataElement, listDataElements } from './data-element.service.js';
import type { Classification, DataType } from './standard.js';
import {
  presentCodeList,
  presentCodeListWithEntries,
  presentDataElement,
  presentReport,
  presentStandard,
  presentVersion,
  presentVersionSummary,
} from './standard.presenter.js';
import {
  CodeListCreateBody,
  CodeListList,
  CodeListParams,
  CodeListWithEntriesView,
  DataElementCreateBody,
  DataElementList,
  DataElementParams,
  DataElementView,
  DraftBody,
  EntriesBody,
  PublishBody,
  PublishView,
  ReportView,
  StandardCreateBody,
  StandardList,
  StandardListQuery,
  StandardParams,
  StandardView,
  VersionList,
  VersionParams,
  VersionView,
} from './standard.schema.js';
import {
  BreakingChangeError,
  compatibilityReport,
  createDraft,
  createStandard,
  deprecateVersion,
  getStandard,
  getStandardVersion,
  listStandards,
  publishVersion,
  updateDraft,
} from './standard.service.js';

const BASE = '/api/exchange/v1';
const TAGS = ['exchange'];
const errors = {
  401: problemResponse('Not signed in, or the access token is not valid'),
  403: problemResponse('The caller may not do this'),
};
const notFound = { 404: problemResponse('No such standard, version, code list or data element') };
const invalid = { 422: problemResponse('The input is not valid: every bad field is listed') };
const conflict = { 409: problemResponse('The version is not in a state that allows this') };
/** A whole GB/T 2260 table is a few megabytes of entries. */
const ENTRIES_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * The data standards' HTTP routes, for `runtime.routes`.
 * @example runtime.routes.push(standardRoutes({ database, policy }));
 */
export function standardRoutes(deps: { database: Database; policy: Policy }): FastifyPluginAsync {
  const { database, policy } = deps;
  const db = database.kysely;
  const services = { policy };
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      `${BASE}/standards`,
      {
        schema: {
          tags: TAGS,
          summary: 'List data standards 数据标准目录',
          description:
            '全部数据标准及其版本，按代码排序；可按密级或主管部门筛选。在任一部门拥有 exchange.read 的工作人员和所有接入系统均可查看。\n\nEvery data standard with its versions, by code; filter by classification or owner unit. Open to staff with exchange.read anywhere and to every registered system.',
          querystring: StandardListQuery,
          response: { 200: StandardList, ...errors, 422: problemResponse('A query parameter is not valid') },
        },
      },
      async (request) => {
        const { classification, ownerOrgUnitCode } = request.query;
        const standards = await listStandards(
          db,
          reader(request),
          { classification: classification as Classification | undefined, ownerOrgUnitCode },
          services,
        );
        return { items: standards.map(presentStandard) };
      },
    );

    app.post(
      `${BASE}/standards`,
      {
        schema: {
          tags: TAGS,
          summary: 'Create a data standard 新建数据标准',
          description:
            '登记一项数据标准（尚无版本）。需在主管部门拥有 exchange.manage。密级：public 公开、internal 内部、sensitive 敏感（个人信息）、classified 涉密；敏感和涉密数据不会投递给外网成员。\n\nRegisters a standard, without versions yet. Needs exchange.manage over the owner unit. Sensitive and classified data never reach an external-zone member.',
          body: StandardCreateBody,
          response: { 201: StandardView, ...errors, ...invalid },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const standard = await createStandard(
          db,
          manager(request),
          { ...body, classification: body.classification as Classification },
          services,
        );
        reply.code(201);
        return presentStandard(standard);
      },
    );

    app.get(
      `${BASE}/standards/:code`,
      {
        schema: {
          tags: TAGS,
          summary: 'One data standard 数据标准详情',
          description: '一项数据标准及其各版本的状态。\n\nOne standard with the status of each version.',
          params: StandardParams,
          response: { 200: StandardView, ...errors, ...notFound },
        },
      },
      async (request) => presentStandard(await getStandard(db, reader(request), request.params.code, services)),
    );

    app.get(
      `${BASE}/standards/:code/versions`,
      {
        schema: {
          tags: TAGS,
          summary: 'Versions of a standard 数据标准的版本',
          description:
            '各版本的编号、状态和发布时间，按版本号排序。\n\nEach version’s number, status and dates, by number.',
          params: StandardParams,
          response: { 200: VersionList, ...errors, ...notFound },
        },
      },
      async (request) => {
        const standard = await getStandard(db, reader(request), request.params.code, services);
        return { items: standard.versions.map(presentVersionSummary) };
      },
    );

    app.post(
      `${BASE}/standards/:code/versions`,
      {
        schema: {
          tags: TAGS,
          summary: 'Draft the next version 新建草稿版本',
          description:
            '以 JSON Schema 2020-12 起草下一版本（严格模式校验，只允许本地引用，x-data-element 须为已登记的数据元，x-code-list 须为已登记的代码表，不超过 256 KiB）。同一时间只有一个草稿。\n\nDrafts the next version as a JSON Schema 2020-12 (checked in strict mode; local references only; x-data-element and x-code-list must name registered entries; at most 256 KiB). One draft at a time.',
          params: StandardParams,
          body: DraftBody,
          response: { 201: VersionView, ...errors, ...notFound, ...conflict, ...invalid },
        },
      },
      async (request, reply) => {
        const version = await createDraft(db, manager(request), request.params.code, request.body, services);
        reply.code(201);
        return presentVersion(version);
      },
    );

    app.get(
      `${BASE}/standards/:code/versions/:version`,
      {
        schema: {
          tags: TAGS,
          summary: 'One version with its schema 版本详情（含 Schema）',
          description:
            '一个版本及其 JSON Schema 和兼容性报告。\n\nOne version with its JSON Schema and compatibility report.',
          params: VersionParams,
          response: { 200: VersionView, ...errors, ...notFound },
        },
      },
      async (request) => {
        const { code, version } = request.params;
        return presentVersion(await getStandardVersion(db, reader(request), code, version, services));
      },
    );

    app.put(
      `${BASE}/standards/:code/versions/:version`,
      {
        schema: {
          tags: TAGS,
          summary: 'Change a draft 修改草稿版本',
          description:
            '替换草稿的 Schema 和变更说明。已发布或已弃用的版本不可修改（409）。\n\nReplaces a draft’s schema and change note. Published and deprecated versions never change (409).',
          params: VersionParams,
          body: DraftBody,
          response: { 200: VersionView, ...errors, ...notFound, ...conflict, ...invalid },
        },
      },
      async (request) => {
        const { code, version } = request.params;
        return presentVersion(await updateDraft(db, manager(request), code, version, request.body, services));
      },
    );

    app.post(
      `${BASE}/standards/:code/versions/:version/publish`,
      {
        // No body is the common case: publish, not acknowledging anything.
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          tags: TAGS,
          summary: 'Publish a draft 发布版本',
          description:
            '发布草稿，发布后不可修改。与上一已发布版本比较：有不兼容变更时，除非 acknowledgeBreaking 为 true，否则拒绝（409，problem 的 report 字段列出变更）。\n\nPublishes a draft, immutable from then on. It is compared with the previous published version: a breaking version is refused (409, the problem’s `report` lists the changes) unless acknowledgeBreaking is true.',
          params: VersionParams,
          body: PublishBody,
          response: { 200: PublishView, ...errors, ...notFound, ...conflict, ...invalid },
        },
      },
      async (request, reply) => {
        const { code, version } = request.params;
        try {
          const result = await publishVersion(
            db,
            manager(request),
            code,
            version,
            { acknowledgeBreaking: request.body.acknowledgeBreaking },
            services,
          );
          return { version: presentVersion(result.version), report: presentReport(result.report) };
        } catch (error) {
          if (!(error instanceof BreakingChangeError)) throw error;
          return sendProblem(reply, { ...problemFrom(error, request), report: presentReport(error.report) });
        }
      },
    );

    app.post(
      `${BASE}/standards/:code/versions/:version/deprecate`,
      {
        schema: {
          tags: TAGS,
          summary: 'Deprecate a version 弃用版本',
          description:
            '将已发布版本标为弃用，提示成员迁移到新版本；该版本仍然有效且不可修改。\n\nMarks a published version deprecated so members move on; it stays valid and immutable.',
          params: VersionParams,
          response: { 200: VersionView, ...errors, ...notFound, ...conflict },
        },
      },
      async (request) => {
        const { code, version } = request.params;
        return presentVersion(await deprecateVersion(db, manager(request), code, version, services));
      },
    );

    app.get(
      `${BASE}/standards/:code/versions/:version/compatibility`,
      {
        schema: {
          tags: TAGS,
          summary: 'Compatibility report 兼容性报告',
          description:
            '该版本与其前一已发布版本的差异及是否不兼容：已发布版本为发布时的报告，草稿为当前计算结果。\n\nHow the version differs from the previous published one and whether that breaks its users: as recorded at publishing, or computed now for a draft.',
          params: VersionParams,
          response: { 200: ReportView, ...errors, ...notFound },
        },
      },
      async (request) => {
        const { code, version } = request.params;
        return presentReport(await compatibilityReport(db, reader(request), code, version, services));
      },
    );

    app.get(
      `${BASE}/code-lists`,
      {
        schema: {
          tags: TAGS,
          summary: 'List code lists 代码表列表',
          description: '全部代码表及其条目数。\n\nEvery code list with its number of entries.',
          response: { 200: CodeListList, ...errors },
        },
      },
      async (request) => ({ items: (await listCodeLists(db, reader(request), services)).map(presentCodeList) }),
    );

    app.post(
      `${BASE}/code-lists`,
      {
        bodyLimit: ENTRIES_BODY_LIMIT,
        schema: {
          tags: TAGS,
          summary: 'Create a code list 新建代码表',
          description:
            '登记代码表及其条目；标识缺省时由标准号生成（GB/T 2261.1 → gb-t-2261.1）。需在根机构拥有 exchange.manage。\n\nRegisters a code list with its entries; the id is derived from the source when absent. Needs exchange.manage at the root unit.',
          body: CodeListCreateBody,
          response: { 201: CodeListWithEntriesView, ...errors, ...invalid },
        },
      },
      async (request, reply) => {
        const { entries, ...rest } = request.body;
        const list = await createCodeList(db, manager(request), { ...rest, entries: entries.map(entryOf) }, services);
        reply.code(201);
        return presentCodeListWithEntries(list);
      },
    );

    app.get(
      `${BASE}/code-lists/:id`,
      {
        schema: {
          tags: TAGS,
          summary: 'One code list with its entries 代码表详情',
          description: '代码表及其全部条目，按登记顺序。\n\nA code list with all its entries, in order.',
          params: CodeListParams,
          response: { 200: CodeListWithEntriesView, ...errors, ...notFound },
        },
      },
      async (request) =>
        presentCodeListWithEntries(await getCodeList(db, reader(request), request.params.id, services)),
    );

    app.put(
      `${BASE}/code-lists/:id/entries`,
      {
        bodyLimit: ENTRIES_BODY_LIMIT,
        schema: {
          tags: TAGS,
          summary: 'Replace the entries of a code list 替换代码表条目',
          description:
            '以给出的条目整体替换代码表的条目，立即对使用该代码表的校验生效。删除的代码可能使原本有效的数据无效，审计日志会记录。需在根机构拥有 exchange.manage。\n\nReplaces every entry; validators using the list see the change at once. Removed values may make valid payloads invalid, and the audit log names them. Needs exchange.manage at the root unit.',
          params: CodeListParams,
          body: EntriesBody,
          response: { 200: CodeListWithEntriesView, ...errors, ...notFound, ...invalid },
        },
      },
      async (request) =>
        presentCodeListWithEntries(
          await replaceCodeListEntries(
            db,
            manager(request),
            request.params.id,
            request.body.entries.map(entryOf),
            services,
          ),
        ),
    );

    app.get(
      `${BASE}/data-elements`,
      {
        schema: {
          tags: TAGS,
          summary: 'List data elements 数据元目录',
          description: '数据元字典，按标识排序。\n\nThe data-element dictionary, by id.',
          response: { 200: DataElementList, ...errors },
        },
      },
      async (request) => ({ items: (await listDataElements(db, reader(request), services)).map(presentDataElement) }),
    );

    app.get(
      `${BASE}/data-elements/:id`,
      {
        schema: {
          tags: TAGS,
          summary: 'One data element 数据元详情',
          description: '一个数据元。\n\nOne data element.',
          params: DataElementParams,
          response: { 200: DataElementView, ...errors, ...notFound },
        },
      },
      async (request) => presentDataElement(await getDataElement(db, reader(request), request.params.id, services)),
    );

    app.post(
      `${BASE}/data-elements`,
      {
        schema: {
          tags: TAGS,
          summary: 'Create a data element 新建数据元',
          description:
            '向数据元字典添加一项（标识 DE 加 5 位数字）。数据元只增不改。需在根机构拥有 exchange.manage。\n\nAdds an entry (id DE and five digits) to the dictionary; entries are never changed. Needs exchange.manage at the root unit.',
          body: DataElementCreateBody,
          response: { 201: DataElementView, ...errors, ...invalid },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const element = await createDataElement(
          db,
          manager(request),
          { ...body, dataType: body.dataType as DataType },
          services,
        );
        reply.code(201);
        return presentDataElement(element);
      },
    );
  };
}

/** Readers: staff (checked for exchange.read by the service) and every registered system. */
function reader(request: FastifyRequest): Actor {
  const principal = requirePrincipal(request, ['staff', 'client']);
  return principal.kind === 'staff' ? { type: 'user', id: principal.id } : { type: 'machine', id: principal.id };
}

/** Writers: staff only; registered systems publish data, they do not define standards. */
function manager(request: FastifyRequest): Actor {
  return { type: 'user', id: requirePrincipal(request, ['staff']).id };
}

function entryOf(entry: { value: string; labelZh: string; labelEn?: string | null; parentValue?: string | null }) {
  return {
    value: entry.value,
    labelZh: entry.labelZh,
    labelEn: entry.labelEn ?? null,
    parentValue: entry.parentValue ?? null,
  };
}
