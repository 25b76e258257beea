/** Request and response schemas of the roles API (TypeBox: JSON Schema and TS types in one). */
import { type Static, Type } from '@sinclair/typebox';
import { DUTIES, PERMISSION_NAMES } from './permission-catalogue.js';
import { APPLICATION_PATTERN, ROLE_CODE_PATTERN, ROLE_NAME_PATTERN } from './role.js';

const Text = (maxLength: number, description: string) => Type.String({ maxLength, description });

export const RoleView = Type.Object(
  {
    code: Type.String({ pattern: ROLE_CODE_PATTERN.source, examples: ['platform.staff', 'oa-leave.approver'] }),
    application: Type.Union([Type.String(), Type.Null()], {
      description: '接入系统的 client id；平台角色为 null。The registered system’s client id; null for platform roles.',
    }),
    nameZh: Type.String(),
    nameEn: Type.String(),
    descriptionZh: Type.String(),
    descriptionEn: Type.String(),
    permissions: Type.Array(Type.String()),
    duty: Type.Union([Type.Unsafe<(typeof DUTIES)[number]>({ type: 'string', enum: [...DUTIES] }), Type.Null()], {
      description: '三员职责 The separated duty this role is, if any',
    }),
    builtIn: Type.Boolean(),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type RoleView = Static<typeof RoleView>;

export const RoleList = Type.Object({ items: Type.Array(RoleView) });

export const RoleListQuery = Type.Object(
  {
    application: Type.Optional(
      Type.String({
        pattern: `^(platform|${APPLICATION_PATTERN.source.slice(1, -1)})$`,
        description:
          '`platform` 只列平台角色，或某接入系统的 client id。`platform` for the platform’s roles, or a client id.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RoleListQuery = Static<typeof RoleListQuery>;

export const RoleParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 130 }) });
export type RoleParams = Static<typeof RoleParams>;

const AppPermissions = Type.Array(Type.String({ maxLength: 104, examples: ['app:leave.approve'] }), {
  maxItems: 200,
  description: '应用权限，以 app: 开头。Application permissions, each starting with app:.',
});

export const RoleCreateBody = Type.Object(
  {
    application: Type.String({ pattern: APPLICATION_PATTERN.source, description: 'client id' }),
    name: Type.String({ pattern: ROLE_NAME_PATTERN.source, description: '角色代码为 <application>.<name>' }),
    nameZh: Text(100, '中文名称'),
    nameEn: Text(100, 'English name'),
    descriptionZh: Type.Optional(Text(1000, '中文说明')),
    descriptionEn: Type.Optional(Text(1000, 'English description')),
    permissions: AppPermissions,
  },
  { additionalProperties: false },
);
export type RoleCreateBody = Static<typeof RoleCreateBody>;

export const RolePatchBody = Type.Object(
  {
    nameZh: Type.Optional(Text(100, '中文名称')),
    nameEn: Type.Optional(Text(100, 'English name')),
    descriptionZh: Type.Optional(Text(1000, '中文说明')),
    descriptionEn: Type.Optional(Text(1000, 'English description')),
    permissions: Type.Optional(AppPermissions),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type RolePatchBody = Static<typeof RolePatchBody>;

export const PermissionList = Type.Object({
  items: Type.Array(
    Type.Object({
      name: Type.Unsafe<string>({ type: 'string', enum: [...PERMISSION_NAMES] }),
      descriptionZh: Type.String(),
      descriptionEn: Type.String(),
    }),
  ),
});
