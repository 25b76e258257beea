/** Request and response schemas of the decisions API. */
import { type Static, Type } from '@sinclair/typebox';

export const DecisionQuerySchema = Type.Object(
  {
    personId: Type.String({ format: 'uuid', description: '被判定的人员 The person decided about' }),
    permission: Type.String({ minLength: 1, maxLength: 100, examples: ['directory.manage'] }),
    orgUnit: Type.Optional(
      Type.String({
        maxLength: 32,
        description: '所问机构；平台级权限不填。The unit; omit for platform-wide permissions.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type DecisionQuerySchema = Static<typeof DecisionQuerySchema>;

export const DecisionView = Type.Object(
  {
    allowed: Type.Boolean(),
    permission: Type.String(),
    orgUnitCode: Type.Union([Type.String(), Type.Null()]),
    reason: Type.String({
      description:
        'system_actor · granted · no_grant · out_of_scope · unknown_permission · actor_inactive · machine_not_granted · unknown_org_unit',
    }),
    explanation: Type.String({ description: '原因的说明（按 Accept-Language）The reason in words' }),
    grants: Type.Array(
      Type.Object({
        grantId: Type.String(),
        roleCode: Type.String(),
        scopeOrgUnitCode: Type.String(),
        via: Type.Unsafe<'person' | 'post'>({ type: 'string', enum: ['person', 'post'] }),
      }),
    ),
  },
  { additionalProperties: false },
);
export type DecisionView = Static<typeof DecisionView>;
