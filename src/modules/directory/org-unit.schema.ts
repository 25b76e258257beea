/** Request and response schemas of the directory's org-unit API (TypeBox: JSON Schema and TS types in one). */
import { type Static, Type } from '@sinclair/typebox';
import {
  ORG_UNIT_CODE_PATTERN,
  ORG_UNIT_KINDS,
  ORG_UNIT_STATUSES,
  type OrgUnitKind,
  type OrgUnitStatus,
} from './org-unit.js';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

const Kind = Type.Unsafe<OrgUnitKind>({
  type: 'string',
  enum: [...ORG_UNIT_KINDS],
  description: 'district 区 · department 部门 · town 镇 · street 街道 · service_centre 服务中心 · office 科室',
});
const Status = Type.Unsafe<OrgUnitStatus>({ type: 'string', enum: [...ORG_UNIT_STATUSES] });
const Code = Type.String({ pattern: ORG_UNIT_CODE_PATTERN.source, examples: ['HT', 'D03', 'C01'] });

export const OrgUnitListQuery = Type.Object(
  {
    kind: Type.Optional(
      Type.Array(Kind, {
        uniqueItems: true,
        maxItems: ORG_UNIT_KINDS.length,
        description: 'One or more kinds (repeat the parameter).',
      }),
    ),
    parent: Type.Optional(
      Type.String({
        pattern: ORG_UNIT_CODE_PATTERN.source,
        description: 'Only the direct children of the unit with this code.',
      }),
    ),
    status: Type.Optional(Status),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type OrgUnitListQuery = Static<typeof OrgUnitListQuery>;

export const OrgUnitParams = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 64, description: 'The unit’s stable code, e.g. HT or C01.' }),
});
export type OrgUnitParams = Static<typeof OrgUnitParams>;

export const OrgUnitView = Type.Object(
  {
    code: Code,
    parentCode: Type.Union([Code, Type.Null()], { description: 'null for the district, the root' }),
    kind: Kind,
    nameZh: Type.String(),
    nameEn: Type.String(),
    shortNameZh: Type.Union([Type.String(), Type.Null()]),
    sortOrder: Type.Integer({ minimum: 0 }),
    status: Status,
    validFrom: Type.String({ format: 'date' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type OrgUnitView = Static<typeof OrgUnitView>;

export const OrgUnitPage = Type.Object({
  items: Type.Array(OrgUnitView),
  total: Type.Integer({ minimum: 0, description: 'How many units match the filters, whatever the page.' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type OrgUnitPage = Static<typeof OrgUnitPage>;

const PathEntry = Type.Object({ code: Code, kind: Kind, nameZh: Type.String(), nameEn: Type.String() });

export const OrgUnitDetail = Type.Composite([
  OrgUnitView,
  Type.Object({ path: Type.Array(PathEntry, { description: 'Ancestors, the district first and the parent last.' }) }),
]);
export type OrgUnitDetail = Static<typeof OrgUnitDetail>;
