/** Request and response schemas of the mappings API (TypeBox: JSON Schema and TS types in one). */
import { type Static, Type } from '@sinclair/typebox';
import { MAX_STANDARD_CODE_LENGTH, MAX_STANDARD_VERSION } from './event-type.js';
import { EXPRESSION_LIMITS } from './jsonata-expression.js';
import { MAX_XML_NAME_LENGTH } from './mapping.js';

const Format = Type.Union([Type.Literal('json'), Type.Literal('xml'), Type.Literal('csv')], {
  description: '成员系统的原生格式 The member system’s native format',
});
const Direction = Type.Union([Type.Literal('inbound'), Type.Literal('outbound')], {
  description:
    'inbound：原生 → 标准（发布）；outbound：标准 → 原生（接收） inbound: native → standard (publish); outbound: standard → native (receive)',
});
const MemberId = Type.String({
  pattern: '^[a-z][a-z0-9-]{2,62}$',
  description: '成员编号（即其 OIDC 客户端编号） The member id (its OIDC client id)',
});
const StandardCode = Type.String({
  pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
  maxLength: MAX_STANDARD_CODE_LENGTH,
  description: '数据标准代码 Standard code, e.g. population-basic',
});
const Version = Type.Integer({ minimum: 1, maximum: MAX_STANDARD_VERSION });
const Expression = Type.String({
  minLength: 1,
  maxLength: EXPRESSION_LIMITS.maxChars,
  description: 'JSONata 表达式 A JSONata expression (https://docs.jsonata.org)',
});

export const MappingOptionsSchema = Type.Object(
  {
    xmlRootElement: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_XML_NAME_LENGTH,
        description: 'XML 输出的根元素 Root element of XML output',
      }),
    ),
    csvDelimiter: Type.Optional(
      Type.Union([Type.Literal(','), Type.Literal(';'), Type.Literal('\t'), Type.Literal('|')], {
        description: 'CSV 分隔符（默认逗号） CSV field delimiter (a comma by default)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const MemberParams = Type.Object({ memberId: MemberId });

export const MappingParams = Type.Object({
  memberId: MemberId,
  standard: StandardCode,
  version: Version,
  direction: Direction,
});
export type MappingParams = Static<typeof MappingParams>;

export const MappingBody = Type.Object(
  { format: Format, expression: Expression, options: Type.Optional(MappingOptionsSchema) },
  { additionalProperties: false },
);
export type MappingBody = Static<typeof MappingBody>;

export const MappingView = Type.Object({
  memberId: Type.String(),
  standard: Type.String(),
  version: Type.Integer(),
  direction: Direction,
  format: Format,
  expression: Type.String(),
  options: MappingOptionsSchema,
  revision: Type.Integer({ description: '每次修改加一 Incremented on every change' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  updatedBy: Type.String(),
});
export type MappingView = Static<typeof MappingView>;

export const MappingList = Type.Object({ items: Type.Array(MappingView) });

export const DryRunBody = Type.Object(
  {
    memberId: MemberId,
    standard: StandardCode,
    version: Version,
    direction: Direction,
    format: Type.Optional(Format),
    expression: Type.Optional(Expression),
    options: Type.Optional(MappingOptionsSchema),
    sample: Type.Unknown({
      description:
        'inbound：原生报文（xml、csv 为文本，json 为 JSON 值）；outbound：标准报文 inbound: the native payload (text for xml and csv, a JSON value for json); outbound: the standard payload',
    }),
  },
  { additionalProperties: false },
);
export type DryRunBody = Static<typeof DryRunBody>;

const FieldErrorSchema = Type.Object({
  pointer: Type.String(),
  reason: Type.String(),
  message: Type.Optional(Type.String()),
});

export const DryRunView = Type.Object({
  ok: Type.Boolean(),
  result: Type.Optional(
    Type.Unknown({
      description:
        'inbound：标准报文；outbound：{ contentType, body } inbound: the standard payload; outbound: { contentType, body }',
    }),
  ),
  errors: Type.Array(FieldErrorSchema),
  schemaChecked: Type.Boolean({
    description:
      '是否已按数据标准的 JSON Schema 校验（入向、已发布版本） Whether the result was validated against the standard (inbound, released versions)',
  }),
});
export type DryRunView = Static<typeof DryRunView>;
