/** Request and response schemas of the provisioning REST API (TypeBox: JSON Schema and TS types in one). */
import { type Static, Type } from '@sinclair/typebox';

const Scope = Type.Union([Type.Literal('read'), Type.Literal('write')]);

export const NewScimTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: '下游系统名称 The downstream system’s name' }),
    ownerOrgUnitCode: Type.String({
      minLength: 1,
      maxLength: 64,
      description:
        '令牌所属机构：令牌只能看到其下（含）的人员 The owner unit: the token sees people of its subtree only',
    }),
    scopes: Type.Array(Scope, { minItems: 1, maxItems: 2, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type NewScimTokenBody = Static<typeof NewScimTokenBody>;

export const ScimTokenView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  ownerOrgUnitCode: Type.String(),
  scopes: Type.Array(Scope),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type ScimTokenView = Static<typeof ScimTokenView>;

export const CreatedScimToken = Type.Composite([
  ScimTokenView,
  Type.Object({ token: Type.String({ description: '只显示这一次 Shown this once only' }) }),
]);
export type CreatedScimToken = Static<typeof CreatedScimToken>;

export const ScimTokenList = Type.Object({ items: Type.Array(ScimTokenView) });

export const TokenParams = Type.Object({ tokenId: Type.String({ format: 'uuid' }) });
export const PersonParams = Type.Object({ personId: Type.String({ format: 'uuid' }) });

export const MailboxView = Type.Object({
  personId: Type.String({ format: 'uuid' }),
  address: Type.String(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('active'),
    Type.Literal('suspended'),
    Type.Literal('removed'),
  ]),
  activatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type MailboxView = Static<typeof MailboxView>;
