/**
 * Request and response schemas of the public accounts' API (TypeBox: JSON Schema and TS types in one).
 * Requests check shape only (strings of bounded length): the service checks meaning and lists every
 * bad field with its precise reason, which a pattern here could not give.
 */
import { type Static, Type } from '@sinclair/typebox';
import { AGENT_ROLES, PUBLIC_ACCOUNT_KINDS, PUBLIC_ACCOUNT_STATUSES } from './public-account.js';

const Text = (maxLength: number, description: string, examples?: string[]) =>
  Type.String({ maxLength, description, ...(examples ? { examples } : {}) });
const Password = (description: string) => Type.String({ maxLength: 1024, description });
const Kind = Type.Union(
  PUBLIC_ACCOUNT_KINDS.map((kind) => Type.Literal(kind)),
  { description: 'citizen 个人 · enterprise 法人（企业及其他组织）' },
);

export const CitizenRegistrationBody = Type.Object(
  {
    residentId: Text(64, '公民身份号码（18 位）/ Resident identity number (18 characters)', ['11010519491231002X']),
    name: Text(200, '姓名 / Name, as on the identity card'),
    mobile: Text(32, '中国大陆手机号码 / Mainland China mobile number', ['13800138000']),
    email: Type.Optional(Text(320, '电子邮箱（可选）/ E-mail (optional)')),
    password: Password('密码 / Password'),
  },
  { additionalProperties: false },
);
export type CitizenRegistrationBody = Static<typeof CitizenRegistrationBody>;

export const EnterpriseRegistrationBody = Type.Object(
  {
    creditCode: Text(64, '统一社会信用代码（18 位）/ Unified social credit code (18 characters)', [
      '91440300708461136T',
    ]),
    enterpriseName: Text(400, '单位名称 / Registered name of the organisation'),
    agentRole: Type.String({
      maxLength: 32,
      description: `办理人身份 / Who registers: ${AGENT_ROLES.join(' | ')} (法定代表人 legal representative · 经办人 agent)`,
      examples: ['legal_representative'],
    }),
    agentName: Text(200, '办理人姓名 / Name of the representative or agent'),
    agentResidentId: Text(64, '办理人公民身份号码 / Resident identity number of the representative or agent'),
    mobile: Text(32, '办理人手机号码 / Mobile number of the representative or agent', ['13800138000']),
    email: Type.Optional(Text(320, '电子邮箱（可选）/ E-mail (optional)')),
    password: Password('密码 / Password'),
  },
  { additionalProperties: false },
);
export type EnterpriseRegistrationBody = Static<typeof EnterpriseRegistrationBody>;

export const PublicSignInBody = Type.Object(
  {
    kind: Kind,
    login: Text(64, '公民身份号码、统一社会信用代码或手机号码 / Identity number, credit code or mobile number'),
    password: Password('密码 / Password'),
  },
  { additionalProperties: false },
);
export type PublicSignInBody = Static<typeof PublicSignInBody>;

export const PasswordChangeBody = Type.Object(
  {
    currentPassword: Password('当前密码 / Current password'),
    newPassword: Password('新密码 / New password'),
  },
  { additionalProperties: false },
);
export type PasswordChangeBody = Static<typeof PasswordChangeBody>;

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * An account as anyone but its holder may see it, and as registration answers (the caller is not
 * signed in and may not be the holder): personal data masked.
 */
export const PublicAccountView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Kind,
    status: Type.Union(PUBLIC_ACCOUNT_STATUSES.map((status) => Type.Literal(status))),
    personName: Type.String({ description: '姓名（脱敏）/ Name, masked', examples: ['王*'] }),
    residentId: Type.String({
      description: '公民身份号码（脱敏）/ Identity number, masked',
      examples: ['110105********002X'],
    }),
    creditCode: Nullable(
      Type.String({ description: '统一社会信用代码：公开信息，不脱敏 / Credit code: public, not masked' }),
    ),
    enterpriseName: Nullable(Type.String()),
    agentRole: Nullable(Type.String({ description: AGENT_ROLES.join(' | ') })),
    mobile: Type.String({ description: '手机号码（脱敏）/ Mobile, masked', examples: ['138****8000'] }),
    email: Nullable(Type.String({ description: '电子邮箱（脱敏）/ E-mail, masked' })),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type PublicAccountView = Static<typeof PublicAccountView>;

/**
 * The holder's own account: name, mobile and e-mail whole; the identity number still shows its last 4
 * characters only, since the holder knows it and a shared screen need not.
 */
export const MyPublicAccountView = Type.Composite(
  [
    PublicAccountView,
    Type.Object({
      personName: Type.String({ description: '姓名 / Name' }),
      residentId: Type.String({
        description: '公民身份号码，只显示末 4 位 / Identity number, last 4 characters only',
        examples: ['**************002X'],
      }),
      mobile: Type.String(),
      email: Nullable(Type.String()),
      passwordChangedAt: Type.String({ format: 'date-time' }),
    }),
  ],
  { additionalProperties: false },
);
export type MyPublicAccountView = Static<typeof MyPublicAccountView>;

export const PublicSignInResult = Type.Object(
  {
    accountId: Type.String({ format: 'uuid' }),
    kind: Kind,
    expiresAt: Type.String({ format: 'date-time', description: '会话空闲到期时间 / When the session ends if unused' }),
  },
  { additionalProperties: false },
);
export type PublicSignInResult = Static<typeof PublicSignInResult>;
