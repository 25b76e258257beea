/**
 * The directory's staff API for people and posts under /api/directory/v1: signed-in staff only, each
 * request acting as the staff member (`{ type: 'user', id }`); what they may read and change is asked
 * of the Policy by the services, over the units concerned. Handlers only authenticate, validate,
 * call a service and present.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Policy } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { problemResponse } from '../../platform/http/problem.js';
import { DEFAULT_PAGE_LIMIT } from './org-unit.schema.js';
import { presentHistory, presentPerson, presentPost } from './person.presenter.js';
import {
  EndPostQuery,
  HistoryList,
  NewPersonBody,
  NewPostBody,
  PeopleListQuery,
  PeoplePage,
  PersonParams,
  PersonPatchBody,
  PersonView,
  PostParams,
  PostView,
} from './person.schema.js';
import { createPerson, getPersonAs, listPeopleAs, personHistoryAs, updatePerson } from './person.service.js';
import type { Acting } from './person-access.js';
import { assignPost, endPost, getPost, setPrimaryPost } from './post.service.js';

export interface StaffRoutesDeps {
  database: Database;
  policy: Policy;
}

const TAGS = ['directory'];
const NOT_SIGNED_IN = problemResponse('Not signed in as staff 未以工作人员身份登录');
const FORBIDDEN = problemResponse('Not permitted over the unit concerned 对相关机构无权限');

/**
 * The people and posts routes, for `runtime.routes`.
 * @example runtime.routes.push(personRoutes({ database, policy: accessPolicy }));
 */
export function personRoutes(deps: StaffRoutesDeps): FastifyPluginAsync {
  const { database, policy } = deps;
  const db = database.kysely;
  const actingOf = (request: FastifyRequest): Acting => ({
    actor: { type: 'user', id: requirePrincipal(request, ['staff']).id },
    policy,
  });

  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/directory/v1/people',
      {
        schema: {
          tags: TAGS,
          summary: 'List people 人员列表',
          description:
            '调用者有 directory.read 权限的机构中的人员，可按机构（含下级）、状态和文字筛选，分页返回。指定 orgUnit 时须对该机构有权限（否则 403）；不指定时只列出调用者有权限的各机构子树中的人员。对无 directory.manage 权限的人员，姓名、手机、邮箱脱敏显示。\n\nPeople in the units where the caller holds directory.read, filtered by unit (and subtree), status and text, a page at a time. With orgUnit the caller must hold it over that unit (else 403); without, only the subtrees it holds it in are listed. Name, mobile and e-mail are masked for people the caller does not hold directory.manage over.',
          querystring: PeopleListQuery,
          response: {
            200: PeoplePage,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: problemResponse('No unit has this code 机构不存在'),
            422: problemResponse('A query parameter is not valid 查询参数不符合要求'),
          },
        },
      },
      async (request) => {
        const acting = actingOf(request);
        const { orgUnit, includeSubtree, status, q, limit = DEFAULT_PAGE_LIMIT, offset = 0 } = request.query;
        const query = { orgUnitCode: orgUnit, includeSubtree, status, q, limit, offset };
        const page = await pointingInto('querystring', listPeopleAs(db, query, acting));
        return {
          items: page.items.map(({ person, revealed }) => presentPerson(person, revealed)),
          total: page.total,
          limit,
          offset,
        };
      },
    );

    app.post(
      '/api/directory/v1/people',
      {
        schema: {
          tags: TAGS,
          summary: 'Add a person with a first post 新增人员',
          description:
            '新增人员并设其第一个职务（主岗）。须对该职务所在机构有 directory.manage 权限。\n\nAdds a person with their first (primary) post. Needs directory.manage over the post’s unit.',
          body: NewPersonBody,
          response: {
            201: PersonView,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            422: problemResponse(
              'A field is not valid, or the HR number or mobile is taken 字段有误或工号、手机号已被使用',
            ),
          },
        },
      },
      async (request, reply) => {
        const person = await pointingInto('body', createPerson(db, request.body, actingOf(request)));
        return reply.code(201).send(presentPerson(person, true));
      },
    );

    app.get(
      '/api/directory/v1/people/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'One person 人员详情',
          description:
            '一名人员及其现任职务。须对其任一职务所在机构有 directory.read 权限；无 directory.manage 权限时姓名、手机、邮箱脱敏。\n\nOne person with their current posts. Needs directory.read over any of their units; masked without directory.manage.',
          params: PersonParams,
          response: {
            200: PersonView,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: problemResponse('No such person 人员不存在'),
          },
        },
      },
      async (request) => {
        const { person, revealed } = await getPersonAs(db, request.params.id, actingOf(request));
        return presentPerson(person, revealed);
      },
    );

    app.patch(
      '/api/directory/v1/people/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Change a person 修改人员信息',
          description:
            '修改姓名、手机、邮箱或状态；未给出的字段不变。须对其主岗所在机构有 directory.manage 权限；改为离职（结束全部职务）须对其每个职务所在机构都有该权限。\n\nChanges name, mobile, e-mail or status; fields left out stay. Needs directory.manage over the unit of the primary post; leaving, which ends every post, needs it over each of their units.',
          params: PersonParams,
          body: PersonPatchBody,
          response: {
            200: PersonView,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: problemResponse('No such person 人员不存在'),
            422: problemResponse('A field is not valid 字段有误'),
          },
        },
      },
      async (request) => {
        const person = await pointingInto('body', updatePerson(db, request.params.id, request.body, actingOf(request)));
        return presentPerson(person, true);
      },
    );

    app.post(
      '/api/directory/v1/people/:id/posts',
      {
        schema: {
          tags: TAGS,
          summary: 'Give a person a post 新增职务',
          description:
            '在有效机构中为人员新设职务。须对该机构有 directory.manage 权限；设为主岗时，对原主岗所在机构也须有该权限。\n\nGives the person a post in an active unit. Needs directory.manage over that unit, and, when it becomes primary, over the former primary’s unit too.',
          params: PersonParams,
          body: NewPostBody,
          response: {
            201: PostView,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: problemResponse('No such person 人员不存在'),
            409: problemResponse('The person has left, or already holds this post 人员已离职或已担任该职务'),
            422: problemResponse('A field is not valid 字段有误'),
          },
        },
      },
      async (request, reply) => {
        const post = await pointingInto('body', assignPost(db, request.params.id, request.body, actingOf(request)));
        return reply.code(201).send(presentPost(post));
      },
    );

    app.delete(
      '/api/directory/v1/people/:id/posts/:postId',
      {
        schema: {
          tags: TAGS,
          summary: 'End a post 结束职务',
          description:
            '于 validTo（默认今天）结束一个现任职务；结束主岗时由任职最久的其余职务接任。须对该职务所在机构有 directory.manage 权限。\n\nEnds a current post on validTo (today by default); ending the primary promotes the longest-held remaining post. Needs directory.manage over the post’s unit.',
          params: PostParams,
          querystring: EndPostQuery,
          response: {
            200: PostView,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: problemResponse('No such post of this person 该人员无此职务'),
            409: problemResponse('The post has already ended 职务已结束'),
            422: problemResponse('validTo is not valid 结束日期有误'),
          },
        },
      },
      async (request) => {
        const { id, postId } = request.params;
        await postOfPerson(id, postId);
        return presentPost(await pointingInto('querystring', endPost(db, postId, request.query, actingOf(request))));
      },
    );

    app.post(
      '/api/directory/v1/people/:id/posts/:postId/primary',
      {
        schema: {
          tags: TAGS,
          summary: 'Make a post primary 设为主岗',
          description:
            '将现任职务设为主岗，原主岗改为兼任。须对该职务和原主岗所在机构都有 directory.manage 权限。\n\nMakes a current post the primary one; the former primary stays as a secondary post. Needs directory.manage over both units.',
          params: PostParams,
          response: {
            200: PostView,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: problemResponse('No such post of this person 该人员无此职务'),
            409: problemResponse('The post has ended 职务已结束'),
          },
        },
      },
      async (request) => {
        const { id, postId } = request.params;
        await postOfPerson(id, postId);
        return presentPost(await setPrimaryPost(db, postId, actingOf(request)));
      },
    );

    app.get(
      '/api/directory/v1/people/:id/history',
      {
        schema: {
          tags: TAGS,
          summary: 'A person’s change history 人员变更历史',
          description:
            '人员的全部变更，按时间先后；姓名、手机、邮箱只存脱敏值。须对其任一职务所在机构有 directory.read 权限。\n\nEvery change of the person, oldest first; names, mobiles and e-mails are stored masked. Needs directory.read over any of their units.',
          params: PersonParams,
          response: {
            200: HistoryList,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: problemResponse('No such person 人员不存在'),
          },
        },
      },
      async (request) => presentHistory(await personHistoryAs(db, request.params.id, actingOf(request))),
    );
  };

  /** A post addressed under another person is not found there, whatever it is elsewhere. */
  async function postOfPerson(personId: string, postId: string): Promise<void> {
    const post = await getPost(db, postId);
    if (post.personId !== personId) throw new NotFoundError('directory.post_not_found', { postId });
  }
}

/**
 * The service's field pointers (`/mobile`) as pointers into the request (`/body/mobile`), as every
 * other validation problem of the API gives them.
 */
async function pointingInto<T>(part: 'body' | 'querystring', work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof ValidationError) || error.fields.length === 0) throw error;
    const fields = error.fields.map((field) => ({ ...field, pointer: `/${part}${field.pointer}` }));
    throw new ValidationError(error.code, fields, error.params);
  }
}
