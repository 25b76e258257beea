/** Request and response schemas of the data standards API (TypeBox: JSON Schema and TS types in one). */
import { type Static, Type } from '@sinclair/typebox';
import { CHANGE_KINDS, CLASSIFICATIONS, DATA_TYPES, MAX_CODE_LIST_ENTRIES, VERSION_STATUSES } from './standard.js';

// Shapes only: the services check the values and report every bad field at once.
const Text = (maxLength: number, description?: string) =>
  Type.String({ maxLength, ...(description ? { description } : {}) });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = Type.String({ format: 'date-time' });
const literals = (values: readonly string[]) => Type.Union(values.map((value) => Type.Literal(value)));

export const StandardParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 100 }) });
export type StandardParams = Static<typeof StandardParams>;

export const VersionParams = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 100 }),
  version: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
});
export type VersionParams = Static<typeof VersionParams>;

export const StandardListQuery = Type.Object(
  {
    classification: Type.Optional(literals(CLASSIFICATIONS)),
    ownerOrgUnitCode: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type StandardListQuery = Static<typeof StandardListQuery>;

export const StandardCreateBody = Type.Object(
  {
    code: Text(100, '^[a-z][a-z0-9]*(-[a-z0-9]+)*$，至多 60 字符 / at most 60 characters'),
    nameZh: Text(400),
    nameEn: Text(400),
    description: Type.Optional(Nullable(Text(8000))),
    ownerOrgUnitCode: Text(64),
    classification: Type.String({ maxLength: 40, description: CLASSIFICATIONS.join(' | ') }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        code: 'population-basic',
        nameZh: '人口基本信息',
        nameEn: 'Population basic information',
        ownerOrgUnitCode: 'D07',
        classification: 'sensitive',
      },
    ],
  },
);
export type StandardCreateBody = Static<typeof StandardCreateBody>;

export const DraftBody = Type.Object(
  {
    schema: Type.Unknown({ description: 'JSON Schema 2020-12，根为 object / with an object at its root' }),
    changeNote: Type.Optional(Nullable(Text(8000))),
  },
  { additionalProperties: false },
);
export type DraftBody = Static<typeof DraftBody>;

export const PublishBody = Type.Object(
  {
    acknowledgeBreaking: Type.Optional(
      Type.Boolean({ description: '确认发布不兼容的版本 / confirm publishing a breaking version' }),
    ),
  },
  { additionalProperties: false },
);
export type PublishBody = Static<typeof PublishBody>;

export const VersionSummaryView = Type.Object({
  version: Type.Integer(),
  status: literals(VERSION_STATUSES),
  publishedAt: Type.Union([Timestamp, Type.Null()]),
  deprecatedAt: Type.Union([Timestamp, Type.Null()]),
  breaking: Type.Union([Type.Boolean(), Type.Null()]),
});

export const StandardView = Type.Object({
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  ownerOrgUnitCode: Type.String(),
  classification: literals(CLASSIFICATIONS),
  /** The version new publishers should use: the newest published (not deprecated) one. */
  latestPublishedVersion: Type.Union([Type.Integer(), Type.Null()]),
  versions: Type.Array(VersionSummaryView),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type StandardView = Static<typeof StandardView>;

export const StandardList = Type.Object({ items: Type.Array(StandardView) });
export const VersionList = Type.Object({ items: Type.Array(VersionSummaryView) });

export const ChangeView = Type.Object({
  path: Type.String({
    description: '载荷中的 JSON Pointer，* 表示数组的每一项 / JSON Pointer into the payload; * is every array item',
  }),
  change: literals(CHANGE_KINDS),
  breaking: Type.Boolean(),
  message: Type.Object({ zh: Type.String(), en: Type.String() }),
});

export const ReportView = Type.Object({
  standardCode: Type.String(),
  version: Type.Integer(),
  previousVersion: Type.Union([Type.Integer(), Type.Null()]),
  breaking: Type.Boolean(),
  changes: Type.Array(ChangeView),
});
export type ReportView = Static<typeof ReportView>;

export const VersionView = Type.Object({
  standardCode: Type.String(),
  version: Type.Integer(),
  eventType: Type.String({ description: 'CloudEvents type, e.g. huitong.population-basic.v1' }),
  status: literals(VERSION_STATUSES),
  schema: Type.Unknown(),
  changeNote: Type.Union([Type.String(), Type.Null()]),
  breaking: Type.Union([Type.Boolean(), Type.Null()]),
  compatibility: Type.Union([Type.Array(ChangeView), Type.Null()]),
  publishedAt: Type.Union([Timestamp, Type.Null()]),
  deprecatedAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type VersionView = Static<typeof VersionView>;

export const PublishView = Type.Object({ version: VersionView, report: ReportView });

export const CodeListParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export type CodeListParams = Static<typeof CodeListParams>;

const EntryBody = Type.Object(
  {
    value: Text(200),
    labelZh: Text(400),
    labelEn: Type.Optional(Nullable(Text(400))),
    parentValue: Type.Optional(Nullable(Text(200))),
  },
  { additionalProperties: false },
);

export const CodeListCreateBody = Type.Object(
  {
    id: Type.Optional(Text(100, '缺省时由 source 生成 / derived from source when absent: GB/T 2261.1 → gb-t-2261.1')),
    source: Type.Optional(Nullable(Text(400))),
    nameZh: Text(400),
    nameEn: Text(400),
    description: Type.Optional(Nullable(Text(4000))),
    entries: Type.Array(EntryBody, { maxItems: MAX_CODE_LIST_ENTRIES + 1 }),
  },
  { additionalProperties: false },
);
export type CodeListCreateBody = Static<typeof CodeListCreateBody>;

export const EntriesBody = Type.Object(
  { entries: Type.Array(EntryBody, { maxItems: MAX_CODE_LIST_ENTRIES + 1 }) },
  { additionalProperties: false },
);
export type EntriesBody = Static<typeof EntriesBody>;

export const EntryView = Type.Object({
  value: Type.String(),
  labelZh: Type.String(),
  labelEn: Type.Union([Type.String(), Type.Null()]),
  parentValue: Type.Union([Type.String(), Type.Null()]),
});

export const CodeListView = Type.Object({
  id: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  source: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  entryCount: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type CodeListView = Static<typeof CodeListView>;

export const CodeListWithEntriesView = Type.Composite([CodeListView, Type.Object({ entries: Type.Array(EntryView) })]);
export type CodeListWithEntriesView = Static<typeof CodeListWithEntriesView>;
export const CodeListList = Type.Object({ items: Type.Array(CodeListView) });

export const DataElementParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 20 }) });
export type DataElementParams = Static<typeof DataElementParams>;

export const DataElementCreateBody = Type.Object(
  {
    id: Text(20, 'DE 加 5 位数字 / DE and five digits, e.g. DE00001'),
    nameZh: Text(400),
    nameEn: Text(400),
    definitionZh: Type.Optional(Nullable(Text(4000))),
    definitionEn: Type.Optional(Nullable(Text(4000))),
    dataType: Type.String({ maxLength: 20, description: DATA_TYPES.join(' | ') }),
    format: Type.Optional(Nullable(Text(200))),
    codeListId: Type.Optional(Nullable(Text(100))),
  },
  { additionalProperties: false },
);
export type DataElementCreateBody = Static<typeof DataElementCreateBody>;

export const DataElementView = Type.Object({
  id: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  definitionZh: Type.Union([Type.String(), Type.Null()]),
  definitionEn: Type.Union([Type.String(), Type.Null()]),
  dataType: literals(DATA_TYPES),
  format: Type.Union([Type.String(), Type.Null()]),
  codeListId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type DataElementView = Static<typeof DataElementView>;
export const DataElementList = Type.Object({ items: Type.Array(DataElementView) });
