/**
 * The public accounts' JSON API under /api/identity/v1/public: registering a citizen or an enterprise,
 * signing in and out, the holder's own account and password. Only public principals are served; a
 * staff session is refused here as a public one is on the staff routes.
 *
 * CSRF: every state-changing route takes an application/json body, which a cross-site form cannot send
 * (this plugin registers no other body parser), and the session cookie is SameSite=Lax.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Database } from '../../platform/db/database.js';
import { UnauthenticatedError } from '../../platform/errors.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { problemResponse } from '../../platform/http/problem.js';
import './public-account.messages.js';
import type { RequestContext } from './public-account.js';
import { presentMyPublicAccount, presentPublicAccount } from './public-account.presenter.js';
import {
  CitizenRegistrationBody,
  EnterpriseRegistrationBody,
  MyPublicAccountView,
  PasswordChangeBody,
  PublicAccountView,
  PublicSignInBody,
  PublicSignInResult,
} from './public-account.schema.js';
import {
  authenticatePublic,
  changePublicPassword,
  getMyAccount,
  type PublicAccountDeps,
  registerCitizen,
  registerEnterprise,
} from './public-account.service.js';
import { clearedSessionCookie, cookieValue, sessionCookie } from './session.cookie.js';
import { SESSION_COOKIE } from './session.js';
import { endSessionByToken, openSession } from './session.service.js';

export const PUBLIC_API_PREFIX = '/api/identity/v1/public';

export interface PublicAccountRoutesDeps extends PublicAccountDeps {
  database: Database;
  /** Whether the platform is reached over https: the session cookie is then marked Secure. */
  secureCookie: boolean;
}

const TAGS = ['identity: public accounts'];

/**
 * The public accounts' HTTP routes, for `runtime.routes`.
 * @example runtime.routes.push(publicAccountRoutes({ database, secureCookie: config.publicUrl.startsWith('https:') }));
 */
export function publicAccountRoutes(deps: PublicAccountRoutesDeps): FastifyPluginAsync {
  const { database, secureCookie, ...serviceDeps } = deps;
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      `${PUBLIC_API_PREFIX}/registrations/citizen`,
      {
        schema: {
          tags: TAGS,
          summary: 'Register a citizen 个人用户注册',
          description:
            '以公民身份号码注册个人账号。所有不符合要求的字段一次列出；证件号码、手机号已注册时返回 409，但不指明是哪一项。按来源地址限制注册频率。响应中的个人信息已脱敏。\n\nRegisters a citizen with their resident identity number. Every bad field is listed at once; a number or mobile already registered gives 409 without saying which. Registrations are limited per client address. Personal data in the response is masked.',
          body: CitizenRegistrationBody,
          response: {
            201: PublicAccountView,
            401: problemResponse('A staff session cannot register a public account'),
            409: problemResponse('The identity number or mobile number is already registered'),
            422: problemResponse('A field is not valid (every bad field is listed)'),
            429: problemResponse('Too many registrations from this address'),
          },
        },
      },
      async (request, reply) => {
        refuseStaff(request);
        const account = await registerCitizen(database, request.body, contextOf(request), serviceDeps);
        return reply.code(201).send(presentPublicAccount(account));
      },
    );

    app.post(
      `${PUBLIC_API_PREFIX}/registrations/enterprise`,
      {
        schema: {
          tags: TAGS,
          summary: 'Register an enterprise 法人用户注册',
          description:
            '以统一社会信用代码注册法人账号，由法定代表人或经办人以本人姓名和公民身份号码办理。规则同个人注册。\n\nRegisters an enterprise or other organisation by its unified social credit code, through its legal representative or an agent with their own name and identity number. Same rules as for citizens.',
          body: EnterpriseRegistrationBody,
          response: {
            201: PublicAccountView,
            401: problemResponse('A staff session cannot register a public account'),
            409: problemResponse('The credit code or mobile number is already registered'),
            422: problemResponse('A field is not valid (every bad field is listed)'),
            429: problemResponse('Too many registrations from this address'),
          },
        },
      },
      async (request, reply) => {
        refuseStaff(request);
        const account = await registerEnterprise(database, request.body, contextOf(request), serviceDeps);
        return reply.code(201).send(presentPublicAccount(account));
      },
    );

    app.post(
      `${PUBLIC_API_PREFIX}/sign-in`,
      {
        schema: {
          tags: TAGS,
          summary: 'Sign in to a public account 个人或法人用户登录',
          description:
            '个人用户以公民身份号码或手机号码登录，法人用户以统一社会信用代码或手机号码登录。成功时设置会话 Cookie。账号不存在、密码错误、账号停用或锁定均返回同一错误；连续失败后需等待（429，带 Retry-After）。\n\nCitizens sign in with their identity number or mobile number, enterprises with their credit code or mobile number. Sets the session cookie. An unknown account, a wrong password and a disabled or locked account give the same error; repeated failures must wait (429 with Retry-After).',
          body: PublicSignInBody,
          response: {
            200: PublicSignInResult,
            401: problemResponse('The login or password is not correct, or the account cannot sign in'),
            429: problemResponse('Too many failed attempts: wait Retry-After seconds'),
          },
        },
      },
      async (request, reply) => {
        refuseStaff(request);
        const context = contextOf(request);
        const account = await authenticatePublic(database, request.body, context, serviceDeps);
        const { session, token } = await openSession(
          database.kysely,
          {
            subjectKind: 'public',
            subjectId: account.id,
            ip: context.ip,
            userAgent: context.userAgent ?? null,
            secondFactor: false,
          },
          serviceDeps.clock ? { clock: serviceDeps.clock } : {},
        );
        reply.header('set-cookie', sessionCookie(token, { secure: secureCookie }));
        return { accountId: account.id, kind: account.kind, expiresAt: session.expiresAt.toISOString() };
      },
    );

    app.post(
      `${PUBLIC_API_PREFIX}/sign-out`,
      {
        schema: {
          tags: TAGS,
          summary: 'Sign out 退出登录',
          description: '结束当前会话并清除 Cookie。\n\nEnds the current session and clears the cookie.',
          response: {
            204: { description: 'Signed out', type: 'null' },
            401: problemResponse('Not signed in to a public account'),
          },
        },
      },
      async (request, reply) => {
        requirePrincipal(request, ['public']);
        const token = cookieValue(request.headers.cookie, SESSION_COOKIE);
        if (token) await endSessionByToken(database.kysely, token, 'sign_out');
        return reply
          .code(204)
          .header('set-cookie', clearedSessionCookie({ secure: secureCookie }))
          .send();
      },
    );

    app.get(
      `${PUBLIC_API_PREFIX}/me`,
      {
        schema: {
          tags: TAGS,
          summary: 'My public account 我的账号',
          description:
            '当前登录的个人或法人账号。姓名、手机号和邮箱完整显示；公民身份号码只显示末 4 位。\n\nThe signed-in public account. Name, mobile and e-mail in full; the identity number shows its last 4 characters only.',
          response: {
            200: MyPublicAccountView,
            401: problemResponse('Not signed in to a public account'),
            404: problemResponse('The account no longer exists'),
          },
        },
      },
      async (request) => {
        const principal = requirePrincipal(request, ['public']);
        return presentMyPublicAccount(await getMyAccount(database.kysely, principal.id));
      },
    );

    app.post(
      `${PUBLIC_API_PREFIX}/me/password`,
      {
        schema: {
          tags: TAGS,
          summary: 'Change my password 修改密码',
          description:
            '核对当前密码后设置新密码；当前密码错误计入登录失败次数。新密码须符合密码策略。\n\nChecks the current password, then sets the new one; a wrong current password counts as a failed sign-in. The new password must meet the password policy.',
          body: PasswordChangeBody,
          response: {
            204: { description: 'Password changed', type: 'null' },
            401: problemResponse('Not signed in to a public account'),
            404: problemResponse('The account no longer exists'),
            422: problemResponse('The current password is wrong or the new one is weak (every problem is listed)'),
            429: problemResponse('Too many failed attempts: wait Retry-After seconds'),
          },
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request, ['public']);
        await changePublicPassword(database, principal.id, request.body, contextOf(request), serviceDeps);
        return reply.code(204).send();
      },
    );
  };
}

/**
 * Where a request comes from, for the services.
 * @example await registerCitizen(database, body, publicRequestContext(request));
 */
export function publicRequestContext(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip || null, userAgent: userAgent ?? null, requestId: String(request.id) };
}

/**
 * Refuses a request made with a staff (or machine) session: the public routes serve the public and
 * anonymous callers only, and a staff cookie must not be silently replaced by a public one.
 * @throws UnauthenticatedError `auth.wrong_principal_kind`
 */
export function refuseStaff(request: FastifyRequest): void {
  const principal = request.principal;
  if (principal && principal.kind !== 'public') {
    throw new UnauthenticatedError('auth.wrong_principal_kind', { expected: 'public' });
  }
}

const contextOf = publicRequestContext;
