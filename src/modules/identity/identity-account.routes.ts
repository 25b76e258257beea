/**
 * The identity API under /api/identity/v1: signing in and out, one's own account, sessions and
 * two-step verification, and the administrator's account, unlock and session routes. Handlers are
 * thin: authenticate → validate → service → present.
 *
 * CSRF: the session cookie is SameSite=Lax, so a cross-site form or fetch does not carry it, and every
 * state-changing route here accepts a body only as application/json, which a cross-site HTML form
 * cannot send (a form can send text/plain without a CORS preflight; it is refused with 415).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorCodes, type FastifyPluginAsync, type FastifyRequest } from 'fastify';
import type { Actor, Policy } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { UnauthenticatedError } from '../../platform/errors.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { problemFrom, problemResponse, sendProblem } from '../../platform/http/problem.js';
import type { SecretBox } from '../../platform/secrets/secret-box.js';
import { changePassword, createStaffAccount, getOwnAccount, resetPassword, unlockAccount } from './account.service.js';
import {
  AccountCreateBody,
  AccountCreated,
  MeView,
  OwnerProofBody,
  PasswordChangeBody,
  PasswordResetBody,
  PersonParams,
  PersonSessionParams,
  RecoveryCodesView,
  SessionList,
  SessionParams,
  SessionsEnded,
  SignInBody,
  SignInResult,
  TotpBegun,
  TotpConfirmBody,
} from './identity-account.schema.js';
import { clearedSessionCookie, cookieValue, sessionCookie } from './session.cookie.js';
import { type Clock, SESSION_COOKIE } from './session.js';
import { presentSession } from './session.presenter.js';
import { endSessionByToken, listSessions, openSession, revokeAllSessions, revokeSession } from './session.service.js';
import { authenticateStaff } from './sign-in.service.js';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  disableTotp,
  regenerateRecoveryCodes,
} from './totp-enrolment.service.js';

export interface IdentityRoutesDeps {
  database: Database;
  secrets: SecretBox;
  policy: Policy;
  /** The platform's public URL: the cookie is Secure when it is https. */
  publicUrl: string;
  clock?: Clock;
}

const PREFIX = '/api/identity/v1';
const TAGS = ['identity'];
const UNAUTHENTICATED = problemResponse('Not signed in 未登录');
const FORBIDDEN = problemResponse('Not permitted 无权限');
const INVALID = problemResponse('The request is not valid 请求不符合要求');
const THROTTLED = problemResponse('Too many failed attempts: see Retry-After 尝试过于频繁');
const NO_CONTENT = { type: 'null', description: 'Done 已完成' } as const;

/**
 * The identity module's HTTP routes, for `runtime.routes`.
 * @example runtime.routes.push(identityRoutes({ database, secrets, policy, publicUrl: config.publicUrl }));
 */
export function identityRoutes(deps: IdentityRoutesDeps): FastifyPluginAsync {
  const { database, secrets, policy } = deps;
  const secure = deps.publicUrl.startsWith('https:');
  const clockOptions = deps.clock ? { clock: deps.clock } : {};
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    // Only JSON bodies change anything here (see the file comment): the one content type a
    // cross-site form cannot send. Requests without a body carry no content type and pass.
    app.addHook('onRequest', async (request) => {
      const contentType = request.headers['content-type'];
      if (request.method !== 'GET' && contentType && !/^application\/json\s*(;|$)/i.test(contentType)) {
        throw new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(contentType);
      }
    });

    app.post(
      `${PREFIX}/sign-in`,
      {
        schema: {
          tags: TAGS,
          summary: 'Sign in 工作人员登录',
          description:
            '以用户名（或手机号）和密码登录；已启用两步验证的账号还需动态验证码或恢复码。成功时设置 huitong_session Cookie。所有失败原因返回同一错误，多次失败后需等待或被暂时锁定。\n\nSigns a civil servant in with a username (or mobile number) and password, plus a TOTP or recovery code when two-step verification is on, and sets the huitong_session cookie. Every failure gives the same error; repeated failures are throttled and then lock the account for a while.',
          body: SignInBody,
          response: {
            200: SignInResult,
            401: problemResponse(
              'identity.sign_in_failed, or identity.second_factor_required (errors: /totpCode) 登录失败或需要动态验证码',
            ),
            415: problemResponse('Only application/json is accepted 只接受 JSON'),
            422: INVALID,
            429: THROTTLED,
          },
        },
      },
      async (request, reply) => {
        const { login, password, totpCode, recoveryCode } = request.body;
        const ip = request.ip ?? null;
        const result = await authenticateStaff(
          database,
          { secrets, ...clockOptions },
          {
            login,
            password,
            totpCode,
            recoveryCode,
            ip,
          },
        );
        if (result.status === 'second_factor_required') {
          const problem = problemFrom(new UnauthenticatedError('identity.second_factor_required'), request);
          return sendProblem(reply, { ...problem, errors: [{ pointer: '/totpCode', reason: 'required' }] });
        }
        const { session, token } = await openSession(
          database.kysely,
          {
            subjectKind: 'staff',
            subjectId: result.personId,
            ip,
            userAgent: userAgentOf(request),
            secondFactor: result.secondFactor,
          },
          clockOptions,
        );
        reply.header('set-cookie', sessionCookie(token, { secure }));
        return {
          personId: result.personId,
          expiresAt: session.expiresAt.toISOString(),
          secondFactor: result.secondFactor,
        };
      },
    );

    app.post(
      `${PREFIX}/sign-out`,
      {
        schema: {
          tags: TAGS,
          summary: 'Sign out 退出登录',
          description:
            '结束本次会话并清除 Cookie；未登录时也返回 204。\n\nEnds this session and clears the cookie; 204 even when not signed in.',
          response: { 204: NO_CONTENT, 415: problemResponse('Only application/json is accepted 只接受 JSON') },
        },
      },
      async (request, reply) => {
        const token = cookieValue(request.headers.cookie, SESSION_COOKIE);
        if (token) await endSessionByToken(database.kysely, token, 'sign_out', clockOptions);
        return reply.header('set-cookie', clearedSessionCookie({ secure })).code(204).send();
      },
    );

    app.post(
      `${PREFIX}/sign-out-everywhere`,
      {
        schema: {
          tags: TAGS,
          summary: 'Sign out everywhere 在所有设备上退出',
          description:
            '结束本人的全部会话（包括本次）。\n\nEnds every session of the signed-in person, this one included.',
          response: { 200: SessionsEnded, 401: UNAUTHENTICATED },
        },
      },
      async (request, reply) => {
        const actor = staffActor(request);
        const sessionsEnded = await revokeAllSessions(database.kysely, actor, actor.id, 'sign_out_everywhere', {
          policy,
          ...clockOptions,
        });
        reply.header('set-cookie', clearedSessionCookie({ secure }));
        return { sessionsEnded };
      },
    );

    app.get(
      `${PREFIX}/me`,
      {
        schema: {
          tags: TAGS,
          summary: 'My account 我的账号',
          description:
            '当前登录人员的账号：用户名、脱敏姓名、两步验证状态与本次会话。\n\nThe signed-in person’s account: username, masked name, two-step verification and this session.',
          response: { 200: MeView, 401: UNAUTHENTICATED, 404: problemResponse('No account 无账号') },
        },
      },
      async (request) => {
        const principal = requirePrincipal(request, ['staff']);
        const me = await getOwnAccount(database.kysely, { type: 'user', id: principal.id });
        const sessions = await listSessions(database.kysely, { type: 'user', id: principal.id }, principal.id, {
          policy,
          ...clockOptions,
        });
        const current = sessions.find((session) => session.id === principal.sessionId);
        return {
          personId: me.personId,
          username: me.username,
          maskedName: me.maskedName,
          passwordChangedAt: me.passwordChangedAt.toISOString(),
          secondFactorEnrolled: me.totpEnabled,
          recoveryCodesLeft: me.recoveryCodesLeft,
          session: current ? presentSession(current, principal.sessionId) : null,
        };
      },
    );

    app.get(
      `${PREFIX}/sessions`,
      {
        schema: {
          tags: TAGS,
          summary: 'My sessions 我的会话',
          description: '本人尚未结束的会话，最新的在前。\n\nThe signed-in person’s live sessions, newest first.',
          response: { 200: SessionList, 401: UNAUTHENTICATED },
        },
      },
      async (request) => {
        const actor = staffActor(request);
        const sessions = await listSessions(database.kysely, actor, actor.id, { policy, ...clockOptions });
        return { items: sessions.map((session) => presentSession(session, request.principal?.sessionId)) };
      },
    );

    app.delete(
      `${PREFIX}/sessions/:sessionId`,
      {
        schema: {
          tags: TAGS,
          summary: 'End one of my sessions 结束本人的一个会话',
          description:
            '结束本人的一个会话；结束的是本次会话时同时清除 Cookie。\n\nEnds one of one’s own sessions; ending this one also clears the cookie.',
          params: SessionParams,
          response: {
            204: NO_CONTENT,
            401: UNAUTHENTICATED,
            404: problemResponse('No such live session of yours 无此会话'),
          },
        },
      },
      async (request, reply) => {
        const actor = staffActor(request);
        const { sessionId } = request.params;
        await revokeSession(database.kysely, actor, sessionId, 'revoked_by_user', {
          policy,
          personId: actor.id,
          ...clockOptions,
        });
        if (sessionId === request.principal?.sessionId) reply.header('set-cookie', clearedSessionCookie({ secure }));
        return reply.code(204).send();
      },
    );

    app.get(
      `${PREFIX}/people/:personId/sessions`,
      {
        schema: {
          tags: TAGS,
          summary: 'A person’s sessions (administrator) 人员的会话（管理员）',
          description:
            '需要对该人员主职务所在机构拥有 identity.session.manage 权限。\n\nNeeds identity.session.manage over the person’s primary org unit.',
          params: PersonParams,
          response: {
            200: SessionList,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: problemResponse('No such person 人员不存在'),
          },
        },
      },
      async (request) => {
        const actor = staffActor(request);
        const sessions = await listSessions(database.kysely, actor, request.params.personId, {
          policy,
          ...clockOptions,
        });
        return { items: sessions.map((session) => presentSession(session, request.principal?.sessionId)) };
      },
    );

    app.delete(
      `${PREFIX}/people/:personId/sessions`,
      {
        schema: {
          tags: TAGS,
          summary: 'End all of a person’s sessions (administrator) 结束人员的全部会话（管理员）',
          description:
            '需要对该人员主职务所在机构拥有 identity.session.manage 权限。\n\nNeeds identity.session.manage over the person’s primary org unit.',
          params: PersonParams,
          response: {
            200: SessionsEnded,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: problemResponse('No such person 人员不存在'),
          },
        },
      },
      async (request) => {
        const actor = staffActor(request);
        const sessionsEnded = await revokeAllSessions(
          database.kysely,
          actor,
          request.params.personId,
          'revoked_by_administrator',
          {
            policy,
            ...clockOptions,
          },
        );
        return { sessionsEnded };
      },
    );

    app.delete(
      `${PREFIX}/people/:personId/sessions/:sessionId`,
      {
        schema: {
          tags: TAGS,
          summary: 'End one of a person’s sessions (administrator) 结束人员的一个会话（管理员）',
          description:
            '需要对该人员主职务所在机构拥有 identity.session.manage 权限。\n\nNeeds identity.session.manage over the person’s primary org unit.',
          params: PersonSessionParams,
          response: {
            204: NO_CONTENT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: problemResponse('No such live session 无此会话'),
          },
        },
      },
      async (request, reply) => {
        const actor = staffActor(request);
        const { personId, sessionId } = request.params;
        await revokeSession(database.kysely, actor, sessionId, 'revoked_by_administrator', {
          policy,
          personId,
          ...clockOptions,
        });
        return reply.code(204).send();
      },
    );

    app.post(
      `${PREFIX}/me/totp`,
      {
        schema: {
          tags: TAGS,
          summary: 'Begin two-step verification 开始绑定两步验证',
          description:
            '生成新的 TOTP 密钥（加密保存，确认前不生效），返回密钥与 otpauth:// 地址供扫码。\n\nMakes a new TOTP secret (stored sealed, not in force until confirmed) and returns it with its otpauth:// URI for the QR code.',
          response: { 201: TotpBegun, 401: UNAUTHENTICATED, 409: problemResponse('Already enabled 已启用') },
        },
      },
      async (request, reply) => {
        const begun = await beginTotpEnrolment(database, staffActor(request), { secrets, ...clockOptions });
        return reply.code(201).send(begun);
      },
    );

    app.post(
      `${PREFIX}/me/totp/confirm`,
      {
        schema: {
          tags: TAGS,
          summary: 'Confirm two-step verification 确认两步验证',
          description:
            '输入身份验证器显示的验证码后启用两步验证，返回 10 个只显示一次的恢复码。\n\nEnables two-step verification with a code from the app and returns 10 recovery codes, shown once.',
          body: TotpConfirmBody,
          response: {
            200: RecoveryCodesView,
            401: UNAUTHENTICATED,
            409: problemResponse('Nothing to confirm, or already enabled 无待确认绑定或已启用'),
            422: problemResponse('identity.totp_code_wrong 验证码不正确'),
          },
        },
      },
      async (request) =>
        confirmTotpEnrolment(database, staffActor(request), { secrets, ...clockOptions }, request.body.code),
    );

    app.delete(
      `${PREFIX}/me/totp`,
      {
        schema: {
          tags: TAGS,
          summary: 'Turn two-step verification off 停用两步验证',
          description: '需提供当前动态验证码、恢复码或密码。\n\nNeeds a current code, a recovery code or the password.',
          body: OwnerProofBody,
          response: {
            204: NO_CONTENT,
            401: UNAUTHENTICATED,
            409: problemResponse('Not enabled 未启用'),
            422: problemResponse('identity.credential_wrong 验证未通过'),
            429: THROTTLED,
          },
        },
      },
      async (request, reply) => {
        await disableTotp(database, staffActor(request), { secrets, ...clockOptions }, request.body);
        return reply.code(204).send();
      },
    );

    app.post(
      `${PREFIX}/me/recovery-codes`,
      {
        schema: {
          tags: TAGS,
          summary: 'New recovery codes 重新生成恢复码',
          description:
            '作废全部旧恢复码并生成 10 个新码（只显示一次）；需提供当前动态验证码、恢复码或密码。\n\nReplaces every recovery code with 10 new ones, shown once; needs a current code, a recovery code or the password.',
          body: OwnerProofBody,
          response: {
            200: RecoveryCodesView,
            401: UNAUTHENTICATED,
            409: problemResponse('Not enabled 未启用'),
            422: problemResponse('identity.credential_wrong 验证未通过'),
            429: THROTTLED,
          },
        },
      },
      async (request) =>
        regenerateRecoveryCodes(database, staffActor(request), { secrets, ...clockOptions }, request.body),
    );

    app.post(
      `${PREFIX}/me/password`,
      {
        schema: {
          tags: TAGS,
          summary: 'Change my password 修改密码',
          description:
            '需提供当前密码；新密码须符合密码策略。修改后本人的其他会话全部结束。\n\nNeeds the current password; the new one must meet the policy. Every other session of the person ends.',
          body: PasswordChangeBody,
          response: {
            200: SessionsEnded,
            401: UNAUTHENTICATED,
            422: problemResponse('identity.credential_wrong or identity.password_weak 当前密码不正确或新密码强度不足'),
            429: THROTTLED,
          },
        },
      },
      async (request) => {
        const actor = staffActor(request);
        return changePassword(database, actor, clockOptions, {
          currentPassword: request.body.currentPassword,
          newPassword: request.body.newPassword,
          keepSessionId: request.principal?.sessionId,
          ip: request.ip ?? null,
        });
      },
    );

    app.post(
      `${PREFIX}/people/:personId/account`,
      {
        schema: {
          tags: TAGS,
          summary: 'Open an account (administrator) 开设账号（管理员）',
          description:
            '为在职人员开设登录账号并设置初始密码。需要对该人员主职务所在机构拥有 identity.account.manage 权限。\n\nOpens a sign-in account with an initial password for an active person. Needs identity.account.manage over the person’s primary org unit.',
          params: PersonParams,
          body: AccountCreateBody,
          response: {
            201: AccountCreated,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: problemResponse('No such person 人员不存在'),
            409: problemResponse('Account exists, or the person is not active 账号已存在或人员不在职'),
            422: problemResponse('identity.account_invalid 账号信息不符合要求'),
          },
        },
      },
      async (request, reply) => {
        const created = await createStaffAccount(
          database.kysely,
          staffActor(request),
          { policy, ...clockOptions },
          {
            personId: request.params.personId,
            username: request.body.username,
            password: request.body.password,
          },
        );
        return reply.code(201).send(created);
      },
    );

    app.post(
      `${PREFIX}/people/:personId/account/unlock`,
      {
        schema: {
          tags: TAGS,
          summary: 'Unlock an account (administrator) 解锁账号（管理员）',
          description:
            '解除因多次登录失败而产生的锁定并清零失败次数。需要 identity.account.manage 权限。\n\nLifts a lock-out and clears the failure count. Needs identity.account.manage over the person’s primary org unit.',
          params: PersonParams,
          response: {
            204: NO_CONTENT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: problemResponse('No such person or account 人员或账号不存在'),
          },
        },
      },
      async (request, reply) => {
        await unlockAccount(database.kysely, staffActor(request), { policy, ...clockOptions }, request.params.personId);
        return reply.code(204).send();
      },
    );

    app.post(
      `${PREFIX}/people/:personId/account/password`,
      {
        schema: {
          tags: TAGS,
          summary: 'Reset a password (administrator) 重置密码（管理员）',
          description:
            '为忘记密码的人员设置新密码：同样须符合密码策略，同时解除锁定，并结束其全部会话。需要 identity.account.manage 权限。\n\nSets a new password for someone who forgot theirs: the policy applies, the lock is lifted and every session of theirs ends. Needs identity.account.manage over the person’s primary org unit.',
          params: PersonParams,
          body: PasswordResetBody,
          response: {
            200: SessionsEnded,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: problemResponse('No such person or account 人员或账号不存在'),
            422: problemResponse('identity.password_weak 密码不符合策略'),
          },
        },
      },
      async (request) =>
        resetPassword(
          database.kysely,
          staffActor(request),
          { policy, ...clockOptions },
          request.params.personId,
          request.body.password,
        ),
    );
  };
}

/** The signed-in civil servant as the actor of a service call. */
function staffActor(request: FastifyRequest): Actor {
  return { type: 'user', id: requirePrincipal(request, ['staff']).id };
}

function userAgentOf(request: FastifyRequest): string | null {
  return request.headers['user-agent'] ?? null;
}
