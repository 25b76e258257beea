/**
 * The staff side of the case API under /api/cases/v1: queues, intake at a window, one case, its
 * materials (files streamed into the blob store, paper recorded) and every step from 受理 to 送达.
 * Each route: who calls (a signed-in member of staff) → the shape of the input → the lifecycle
 * service, which checks the grants, the version and the status → the view, masked per reader.
 */
import type { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest, FastifySchema } from 'fastify';
import type { Actor } from '../../platform/authorization.js';
import { sendBlob } from '../../platform/blobs/blob-http.js';
import type { Database } from '../../platform/db/database.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { problemResponse } from '../../platform/http/problem.js';
import type { CaseDeps, Viewer } from './case.js';
import { presentCase } from './case.presenter.js';
import {
  AcceptBody,
  CaseListQuery,
  CasePageView,
  CaseParams,
  CaseView,
  CompleteBody,
  DecideBody,
  DeliverBody,
  IntakeBody,
  MaterialParams,
  MaterialView,
  OpinionBody,
  OptionalOpinionBody,
  PaperBody,
  ReasonBody,
  SpecialBody,
  SupplementBody,
  UploadQuery,
} from './case.schema.js';
import { getCase, listCases, takeIn } from './case.service.js';
import { act, type TransitionAction } from './case-transition.service.js';
import { openMaterial, receiveElectronic, receivePaper } from './material.service.js';

export const CASES_BASE = '/api/cases/v1';
export const CASES_TAGS = ['cases'];
const denied = {
  401: problemResponse('Not signed in 未登录'),
  403: problemResponse('The caller may not do this here 无权办理'),
};
const notFound = { 404: problemResponse('No such case 办件不存在') };
const invalid = { 422: problemResponse('The input is not valid: every bad field is listed 输入不符合要求') };
const conflict = {
  409: problemResponse('Stale version, or not possible in the case’s status or stage 版本已变或当前状态不允许'),
};

/** The steps of a case after intake: the body each takes, and what it does. */
const TRANSITIONS: ReadonlyArray<{
  action: TransitionAction;
  path: string;
  body: FastifySchema['body'];
  summary: string;
  description: string;
}> = [
  {
    action: 'accept',
    path: 'accept',
    body: AcceptBody,
    summary: 'Accept 受理',
    description:
      '受理申请：按事项的办理环节开始办理，起算承诺时限。窗口办件由受理中心的 cases.intake 办理；网上申请由承办部门的 cases.handle 或区行政服务中心的窗口办理。\n\nAccepts the application: the case starts its route of stages and its promised limit runs. At its centre’s window (cases.intake); an online case by the handling department (cases.handle) or the district centre’s window.',
  },
  {
    action: 'reject',
    path: 'reject',
    body: ReasonBody,
    summary: 'Refuse to accept 不予受理',
    description:
      '不予受理，须说明理由；理由在查询页面向申请人显示。\n\nRefuses the application, with the reason the applicant sees when tracking it.',
  },
  {
    action: 'advance',
    path: 'advance',
    body: OpinionBody,
    summary: 'Finish a review stage 审查通过，转下一环节',
    description:
      '完成当前审查环节，转入下一环节；须填写审查意见。最后一个环节（决定）不能用此操作。\n\nFinishes the current review stage with an opinion and moves the case to the next. Not for the last stage (the decision).',
  },
  {
    action: 'decide',
    path: 'decide',
    body: DecideBody,
    summary: 'Decide 准予或不予',
    description:
      '在最后一个环节作出准予或不予决定（需该环节单位的 cases.decide）；不予时必须说明理由。\n\nDecides at the last stage (cases.decide at its unit): granted or refused; a refusal states its reasons.',
  },
  {
    action: 'supplement',
    path: 'supplement',
    body: SupplementBody,
    summary: 'Ask for missing materials 一次性告知补正',
    description:
      '一次性告知需补正的材料，办理时限暂停，直到补正完成。\n\nAsks for the named materials at once; the clock stops until the materials are in.',
  },
  {
    action: 'supplement_complete',
    path: 'supplement/complete',
    body: OptionalOpinionBody,
    summary: 'Materials are in 补正完成',
    description:
      '补正材料已收到，恢复计时；到期日顺延暂停的工作日数。\n\nThe materials are in: the clock runs again, and the due days move on by the working days paused.',
  },
  {
    action: 'special',
    path: 'special',
    body: SpecialBody,
    summary: 'Start a special procedure 启动特别程序',
    description:
      '启动听证、现场核查或专家评审等特别程序，办理时限暂停。\n\nStarts a hearing, an inspection or an expert review; the clock stops.',
  },
  {
    action: 'special_end',
    path: 'special/end',
    body: OpinionBody,
    summary: 'End the special procedure 特别程序结束',
    description:
      '特别程序结束，填写结论，恢复计时。\n\nEnds the special procedure with its outcome; the clock runs again.',
  },
  {
    action: 'complete',
    path: 'complete',
    body: CompleteBody,
    summary: 'Complete 办结',
    description:
      '办结：记录所用工作日和是否按时，可填写证照或文书编号；办件信息随后发送到数据交换平台。\n\nCompletes the case: the working days used and whether on time are recorded, with the result’s number if any; the case record then goes to the exchange.',
  },
  {
    action: 'deliver',
    path: 'deliver',
    body: DeliverBody,
    summary: 'Hand over the result 送达',
    description:
      '送达结果（窗口领取、邮寄或电子送达），办件结束。\n\nHands the result over (collected, mailed or electronic) and closes the case.',
  },
  {
    action: 'withdraw',
    path: 'withdraw',
    body: ReasonBody,
    summary: 'Withdraw on the applicant’s behalf 代为撤回',
    description:
      '作出决定前，窗口可代申请人撤回申请，须说明理由。\n\nBefore the decision, the window withdraws the application for the applicant, with the reason.',
  },
];

/**
 * The staff routes, registered by `caseRoutes`.
 * @example await app.register(staffCaseRoutes({ database, deps }));
 */
export function staffCaseRoutes(options: { database: Database; deps: CaseDeps }): FastifyPluginAsync {
  const { deps } = options;
  const db = options.database.kysely;
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      `${CASES_BASE}/cases`,
      {
        schema: {
          tags: CASES_TAGS,
          summary: 'Case queues 办件队列',
          description:
            '调用者权限范围内的办件，最新在前，申请人姓名脱敏。intake：有 cases.intake 的服务中心（区中心的窗口另含网上申请）；handling：有 cases.handle 或 cases.decide 的部门；all：以上全部及 cases.supervise 范围。\n\nThe cases in the caller’s scope, newest first, names masked. intake: the centres where the caller has cases.intake (the district centre’s also online applications); handling: the departments with cases.handle or cases.decide; all: those and the cases.supervise scope.',
          querystring: CaseListQuery,
          response: { 200: CasePageView, ...denied, 422: problemResponse('A query parameter is not valid') },
        },
      },
      async (request) => listCases(db, staffActor(request), request.query, deps),
    );

    app.post(
      `${CASES_BASE}/cases`,
      {
        bodyLimit: 256 * 1024,
        schema: {
          tags: CASES_TAGS,
          summary: 'Take in an application at a window 窗口收件',
          description:
            '在服务中心窗口登记申请（需该中心的 cases.intake）：事项须可在该中心办理，申请人证件号码按 GB 11643 或 GB 32100 校验，申请表按事项的表单校验。办件编号形如 C01-20261126-000123，状态为待受理。\n\nRegisters an application at a centre’s window (cases.intake there): the item must be handled at that centre, the id number passes GB 11643 or GB 32100, the form passes the item’s. The case gets a number such as C01-20261126-000123 and awaits acceptance.',
          body: IntakeBody,
          response: { 201: CaseView, ...denied, ...invalid },
        },
      },
      async (request, reply) => {
        const created = await takeIn(db, staffActor(request), request.body, deps);
        return reply.code(201).send(presentCase(created, 'staff'));
      },
    );

    app.get(
      `${CASES_BASE}/cases/:id`,
      {
        schema: {
          tags: CASES_TAGS,
          summary: 'One case 办件详情',
          description:
            '办件的全部信息：步骤、材料清单、暂停、评价，以及调用者此刻可做的操作（allowedActions）。办理人员看到完整的申请人信息，监察人员看到脱敏信息。\n\nEverything about the case: steps, the materials checklist, pauses, rating, and what the caller may do now (allowedActions). Those who work on it see the applicant whole; supervisors masked.',
          params: CaseParams,
          response: { 200: CaseView, ...denied, ...notFound },
        },
      },
      async (request) => presentCase(await getCase(db, staffViewer(request), request.params.id, deps), 'staff'),
    );

    for (const transition of TRANSITIONS) {
      app.post(
        `${CASES_BASE}/cases/:id/${transition.path}`,
        {
          schema: {
            tags: CASES_TAGS,
            summary: transition.summary,
            description: `${transition.description}\n\n请求体须带读取时的 version，已被他人修改时返回 409。\n\nThe body carries the version read; 409 when someone changed the case since.`,
            params: CaseParams,
            body: transition.body,
            response: { 200: CaseView, ...denied, ...notFound, ...conflict, ...invalid },
          },
        },
        async (request) =>
          presentCase(
            await act(db, staffViewer(request), request.params.id, transition.action, request.body, deps),
            'staff',
          ),
      );
    }

    app.post(
      `${CASES_BASE}/cases/:id/materials/paper`,
      {
        schema: {
          tags: CASES_TAGS,
          summary: 'Record paper materials 登记纸质材料',
          description:
            '登记窗口收到的纸质材料（原件或复印件及份数），对应事项材料清单中的一项，或作为其他材料（须填名称）。\n\nRecords paper received at the window (original or copy, how many), against one of the item’s materials or as an extra document (with its name).',
          params: CaseParams,
          body: PaperBody,
          response: { 201: MaterialView, ...denied, ...notFound, ...conflict, ...invalid },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await receivePaper(db, staffActor(request), request.params.id, request.body, deps)),
    );

    app.get(
      `${CASES_BASE}/cases/:id/materials/:materialId/content`,
      {
        schema: {
          tags: CASES_TAGS,
          summary: 'Download a material 下载材料文件',
          description:
            '下载电子材料，可读取该办件者可下载；支持 Range 和 ETag。\n\nDownloads an electronic material, for whoever may read the case; Range and ETag supported.',
          params: MaterialParams,
          response: { ...denied, 404: problemResponse('No such case or file 办件或文件不存在') },
        },
      },
      async (request, reply) => {
        const { id, materialId } = request.params;
        const { material, blob } = await openMaterial(db, staffViewer(request), id, materialId, deps);
        return sendMaterial(reply, deps, material, blob.stream);
      },
    );

    await app.register(uploadRoute({ path: `${CASES_BASE}/cases/:id/materials`, deps, db, viewer: staffViewer }));
  };
}

/**
 * POST …/materials?materialIndex=&filename= with the file as the raw body, for staff and applicants
 * alike: a plugin of its own, since it takes any content type unread, as a stream into the blob store.
 */
export function uploadRoute(options: {
  path: string;
  deps: CaseDeps;
  db: Database['kysely'];
  viewer: (request: FastifyRequest) => Viewer;
}): FastifyPluginAsync {
  const { deps, db } = options;
  return async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    // An upload refused part way may still be arriving: close the connection once answered.
    raw.addHook('onError', async (request, reply) => {
      if (!request.raw.complete) reply.header('connection', 'close');
    });
    raw.withTypeProvider<TypeBoxTypeProvider>().post(
      options.path,
      {
        schema: {
          tags: CASES_TAGS,
          summary: 'Upload an electronic material 上传电子材料',
          description:
            '以请求体上传文件（Content-Type 为文件类型），流式存入文件库，不整体读入内存。materialIndex 对应事项材料清单（该项须接受电子材料），不填为其他材料。\n\nUploads the file as the request body (Content-Type: its type), streamed into the file store. materialIndex names the item’s material (which must accept electronic copies); none for an extra document.',
          params: CaseParams,
          querystring: UploadQuery,
          response: {
            201: MaterialView,
            ...denied,
            ...notFound,
            ...conflict,
            ...invalid,
            413: problemResponse('Larger than the store accepts 文件过大'),
          },
        },
      },
      async (request, reply) => {
        const upload = {
          materialIndex: request.query.materialIndex ?? null,
          filename: request.query.filename,
          mediaType: request.headers['content-type'] ?? 'application/octet-stream',
          body: request.body as Readable,
        };
        const material = await receiveElectronic(db, options.viewer(request), request.params.id, upload, deps);
        return reply.code(201).send(material);
      },
    );
  };
}

/**
 * Answers with a material's file. The blob store's HTTP helper gives ranges, ETag and the Chinese
 * file name; it opens the blob itself, so the stream opened by the access check is let go.
 */
export async function sendMaterial(
  reply: Parameters<typeof sendBlob>[0],
  deps: CaseDeps,
  material: { sha256: string | null; filename: string | null; name: string; mediaType: string | null },
  opened: Readable,
) {
  opened.destroy();
  return sendBlob(reply, deps.blobs, material.sha256!, {
    fileName: material.filename ?? material.name,
    contentType: material.mediaType ?? 'application/octet-stream',
  });
}

function staffActor(request: FastifyRequest): Actor {
  return { type: 'user', id: requirePrincipal(request, ['staff']).id };
}

function staffViewer(request: FastifyRequest): Viewer {
  return { kind: 'staff', personId: requirePrincipal(request, ['staff']).id };
}
