/** Request and response schemas of the service catalogue API (TypeBox: JSON Schema and TS types in one). */
import { type Static, Type } from '@sinclair/typebox';
import { ITEM_TYPE_NAMES, LIMITS, MATERIAL_FORMS, MAX_PAGE_LIMIT, RESULT_KINDS, VERSION_STATUSES } from './item.js';

// Shapes only: the service checks the values and reports every bad field at once.
const Text = (maxLength: number, description?: string) =>
  Type.String({ maxLength: maxLength * 2, ...(description ? { description } : {}) });
const Timestamp = Type.String({ format: 'date-time' });
const literals = (values: readonly string[]) => Type.Union(values.map((value) => Type.Literal(value)));
/** One `enum` keyword rather than a union: a wrong value is one error, not one per allowed value. */
const oneOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const CODE_DESCRIPTION =
  '实施编码：实施机构统一社会信用代码（18 位）-事项类型码（2 位）主项（5 位）子项（3 位） / implementation code: the handling body’s credit code, a hyphen, type code, main item and sub-item';

export const ItemParams = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 64, description: CODE_DESCRIPTION }),
});
export type ItemParams = Static<typeof ItemParams>;

export const VersionParams = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 64 }),
  version: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
});
export type VersionParams = Static<typeof VersionParams>;

export const ItemListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: '名称包含 / name contains' })),
    department: Type.Optional(Type.String({ maxLength: 64, description: '实施机构代码 / handling unit, e.g. D07' })),
    type: Type.Optional(oneOf(ITEM_TYPE_NAMES)),
    online: Type.Optional(Type.Boolean({ description: '可网上办理 / can be handled online' })),
    centre: Type.Optional(
      Type.String({ maxLength: 64, description: '可在该中心办理 / can be handled at this centre, e.g. C05' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: 20 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type ItemListQuery = Static<typeof ItemListQuery>;

const MaterialBody = Type.Object(
  {
    nameZh: Text(LIMITS.nameZh),
    nameEn: Text(LIMITS.nameEn),
    form: Type.String({ maxLength: 20, description: MATERIAL_FORMS.join(' | ') }),
    copies: Type.Integer({ description: '份数 / copies (0: electronic only)' }),
    electronicAccepted: Type.Boolean(),
    required: Type.Boolean(),
    sampleSha256: Type.Optional(Type.Union([Type.String({ maxLength: 128 }), Type.Null()])),
    note: Type.Optional(Type.Union([Text(LIMITS.text), Type.Null()])),
  },
  { additionalProperties: false },
);

const FeeBody = Type.Object(
  {
    nameZh: Text(LIMITS.nameZh),
    nameEn: Text(LIMITS.nameEn),
    amountFen: Type.Integer({ description: '金额（分） / amount in fen' }),
    basis: Text(LIMITS.text, '收费依据 / the document that sets the fee'),
  },
  { additionalProperties: false },
);

const ChannelsBody = Type.Object(
  {
    online: Type.Boolean(),
    anyCentre: Type.Boolean({ description: '全区通办 / at any service centre' }),
    centreCodes: Type.Array(Type.String({ maxLength: 64 }), {
      maxItems: LIMITS.centres + 1,
      description: '指定中心 / only at these centres (C00, C01…)',
    }),
  },
  { additionalProperties: false },
);

const ResultBody = Type.Object(
  {
    kind: Type.String({ maxLength: 20, description: RESULT_KINDS.join(' | ') }),
    nameZh: Text(LIMITS.nameZh),
    nameEn: Text(LIMITS.nameEn),
  },
  { additionalProperties: false },
);

const contentProperties = {
  nameZh: Text(LIMITS.nameZh),
  nameEn: Text(LIMITS.nameEn),
  type: Type.String({ maxLength: 40, description: ITEM_TYPE_NAMES.join(' | ') }),
  departmentCode: Text(64, '实施机构（目录中的机构代码） / handling unit (directory code)'),
  legalBasis: Type.Array(Text(LIMITS.text), { maxItems: LIMITS.legalBasis + 1 }),
  conditions: Text(LIMITS.text),
  materials: Type.Array(MaterialBody, { maxItems: LIMITS.materials + 1 }),
  statutoryLimitDays: Type.Integer({ description: '法定办结时限（工作日） / statutory limit in working days' }),
  promisedLimitDays: Type.Integer({ description: '承诺办结时限（工作日） / promised limit in working days' }),
  fees: Type.Array(FeeBody, { maxItems: LIMITS.fees + 1, description: '空数组表示不收费 / empty: free' }),
  channels: ChannelsBody,
  result: ResultBody,
  form: Type.Unknown({ description: '申请表 JSON Schema 2020-12 / the application form as a JSON Schema 2020-12' }),
};

export const ContentBody = Type.Object(contentProperties, { additionalProperties: false });
export type ContentBody = Static<typeof ContentBody>;

export const CreateBody = Type.Object(
  { code: Type.String({ maxLength: 64, description: CODE_DESCRIPTION }), ...contentProperties },
  { additionalProperties: false },
);
export type CreateBody = Static<typeof CreateBody>;

const ChannelsView = Type.Object({
  online: Type.Boolean(),
  anyCentre: Type.Boolean(),
  centreCodes: Type.Array(Type.String()),
});

export const ItemSummaryView = Type.Object({
  code: Type.String(),
  version: Type.Integer(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  type: literals(ITEM_TYPE_NAMES),
  departmentCode: Type.String(),
  channels: ChannelsView,
  statutoryLimitDays: Type.Integer(),
  promisedLimitDays: Type.Integer(),
  publishedAt: Timestamp,
});

export const ItemPageView = Type.Object({
  items: Type.Array(ItemSummaryView),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const ItemVersionView = Type.Object({
  code: Type.String(),
  version: Type.Integer(),
  status: literals(VERSION_STATUSES),
  nameZh: Type.String(),
  nameEn: Type.String(),
  type: literals(ITEM_TYPE_NAMES),
  departmentCode: Type.String(),
  legalBasis: Type.Array(Type.String()),
  conditions: Type.String(),
  materials: Type.Array(
    Type.Object({
      nameZh: Type.String(),
      nameEn: Type.String(),
      form: literals(MATERIAL_FORMS),
      copies: Type.Integer(),
      electronicAccepted: Type.Boolean(),
      required: Type.Boolean(),
      sampleSha256: Type.Union([Type.String(), Type.Null()]),
      note: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  statutoryLimitDays: Type.Integer(),
  promisedLimitDays: Type.Integer(),
  fees: Type.Array(
    Type.Object({ nameZh: Type.String(), nameEn: Type.String(), amountFen: Type.Integer(), basis: Type.String() }),
  ),
  channels: ChannelsView,
  result: Type.Object({ kind: literals(RESULT_KINDS), nameZh: Type.String(), nameEn: Type.String() }),
  form: Type.Unknown(),
  publishedAt: Type.Union([Timestamp, Type.Null()]),
  withdrawnAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ItemVersionView = Static<typeof ItemVersionView>;

export const VersionSummaryView = Type.Object({
  version: Type.Integer(),
  status: literals(VERSION_STATUSES),
  publishedAt: Type.Union([Timestamp, Type.Null()]),
  withdrawnAt: Type.Union([Timestamp, Type.Null()]),
  updatedAt: Timestamp,
});
export const VersionList = Type.Object({ items: Type.Array(VersionSummaryView) });
