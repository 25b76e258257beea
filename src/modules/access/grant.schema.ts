/** Request and response schemas of the grants API. */
import { type Static, Type } from '@sinclair/typebox';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

const ActorView = Type.Object({
  type: Type.Unsafe<'user' | 'system' | 'machine'>({ type: 'string', enum: ['user', 'system', 'machine'] }),
  id: Type.String(),
});

const PersonGrantee = Type.Object(
  {
    kind: Type.Literal('person'),
    personId: Type.String({ format: 'uuid', description: '目录人员编号 Directory person id' }),
  },
  { additionalProperties: false },
);
const PostGrantee = Type.Object(
  {
    kind: Type.Literal('post'),
    orgUnitCode: Type.String({ maxLength: 32, description: '职务所在机构 The unit of the post' }),
    title: Type.String({ minLength: 1, maxLength: 50, description: '职务名称 The title, e.g. 科长' }),
  },
  { additionalProperties: false },
);

export const GrantView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    roleCode: Type.String(),
    grantee: Type.Union([PersonGrantee, PostGrantee]),
    scopeOrgUnitCode: Type.String({
      description: '授权覆盖此机构及其全部下级。The grant covers this unit and all below it.',
    }),
    grantedBy: ActorView,
    grantedAt: Type.String({ format: 'date-time' }),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revokedBy: Type.Union([ActorView, Type.Null()]),
    revokeReason: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type GrantView = Static<typeof GrantView>;

export const GrantPage = Type.Object({
  items: Type.Array(GrantView),
  total: Type.Integer({ minimum: 0 }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const GrantListQuery = Type.Object(
  {
    personId: Type.Optional(Type.String({ format: 'uuid', description: '授予该人员或其现任职务的授权' })),
    role: Type.Optional(Type.String({ maxLength: 130, description: '角色代码 Role code' })),
    scope: Type.Optional(
      Type.String({ maxLength: 32, description: '范围在此机构子树内的授权 Grants scoped within this subtree' }),
    ),
    includeRevoked: Type.Optional(Type.Boolean({ default: false })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type GrantListQuery = Static<typeof GrantListQuery>;

export const GrantCreateBody = Type.Object(
  {
    roleCode: Type.String({ maxLength: 130, examples: ['platform.department_admin'] }),
    grantee: Type.Union([PersonGrantee, PostGrantee]),
    scopeOrgUnitCode: Type.String({ maxLength: 32, examples: ['D03'] }),
  },
  { additionalProperties: false },
);
export type GrantCreateBody = Static<typeof GrantCreateBody>;

export const GrantParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export type GrantParams = Static<typeof GrantParams>;

export const GrantRevokeBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500, description: '收回原因 Why it is revoked' })) },
  { additionalProperties: false },
);
export type GrantRevokeBody = Static<typeof GrantRevokeBody>;
