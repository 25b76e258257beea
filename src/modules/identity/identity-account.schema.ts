/** Request and response schemas of the identity API under /api/identity/v1 (TypeBox: JSON Schema and TS types in one). */
import { type Static, Type } from '@sinclair/typebox';
import { PASSWORD_MAX_LENGTH } from './password-policy.js';

const Uuid = Type.String({ format: 'uuid' });
/** Longer than any password the policy allows, so an over-long one gets the policy's reason, not a schema error. */
const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH * 4 });
const Code = Type.String({ minLength: 1, maxLength: 40, description: '6-digit TOTP code, or a recovery code' });

export const SignInBody = Type.Object(
  {
    login: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Username, or mainland mobile number 用户名或手机号',
    }),
    password: Password,
    totpCode: Type.Optional(Type.String({ maxLength: 20, description: 'TOTP code when two-step verification is on' })),
    recoveryCode: Type.Optional(Type.String({ maxLength: 40, description: 'A recovery code instead of a TOTP code' })),
  },
  { additionalProperties: false },
);
export type SignInBody = Static<typeof SignInBody>;

export const SignInResult = Type.Object({
  personId: Uuid,
  expiresAt: Type.String({ format: 'date-time', description: 'When the session ends if left idle' }),
  secondFactor: Type.Boolean(),
});

export const SessionView = Type.Object(
  {
    id: Uuid,
    createdAt: Type.String({ format: 'date-time' }),
    lastSeenAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.String({ format: 'date-time' }),
    ip: Type.Union([Type.String(), Type.Null()], { description: 'Masked: the network (/24, /48), never the host' }),
    userAgent: Type.Union([Type.String(), Type.Null()]),
    secondFactor: Type.Boolean(),
    current: Type.Boolean({ description: 'The session of this request' }),
  },
  { additionalProperties: false },
);
export type SessionView = Static<typeof SessionView>;

export const SessionList = Type.Object({ items: Type.Array(SessionView) });

export const MeView = Type.Object(
  {
    personId: Uuid,
    username: Type.String(),
    maskedName: Type.String({ description: 'The name masked, e.g. 张*' }),
    passwordChangedAt: Type.String({ format: 'date-time' }),
    secondFactorEnrolled: Type.Boolean(),
    recoveryCodesLeft: Type.Integer({ minimum: 0 }),
    session: Type.Union([SessionView, Type.Null()]),
  },
  { additionalProperties: false },
);

export const SessionParams = Type.Object({ sessionId: Uuid });
export const PersonParams = Type.Object({ personId: Uuid });
export const PersonSessionParams = Type.Object({ personId: Uuid, sessionId: Uuid });

export const TotpBegun = Type.Object({
  secret: Type.String({ description: 'Base32 secret, to type in by hand' }),
  uri: Type.String({ description: 'otpauth:// URI, to show as a QR code' }),
});
export const TotpConfirmBody = Type.Object({ code: Code }, { additionalProperties: false });
export const OwnerProofBody = Type.Object(
  {
    code: Type.Optional(Code),
    password: Type.Optional(Password),
  },
  { additionalProperties: false, description: 'A current TOTP code, a recovery code, or the password' },
);
export const RecoveryCodesView = Type.Object({
  recoveryCodes: Type.Array(Type.String(), { description: 'Shown once: store them somewhere safe' }),
});

export const PasswordChangeBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);
export const SessionsEnded = Type.Object({ sessionsEnded: Type.Integer({ minimum: 0 }) });

export const AccountCreateBody = Type.Object(
  {
    username: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'Defaults to the HR number, lower-cased' }),
    ),
    password: Password,
  },
  { additionalProperties: false },
);
export const PasswordResetBody = Type.Object({ password: Password }, { additionalProperties: false });

export const AccountCreated = Type.Object({ accountId: Uuid });
