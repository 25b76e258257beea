/**
 * Request and response schemas of the directory's staff API for people, posts and imports (TypeBox:
 * JSON Schema and TS types in one). Schemas check shapes and bound sizes; the services check the
 * rest and name every bad field at once.
 */
import { type Static, Type } from '@sinclair/typebox';
import { ORG_UNIT_CODE_PATTERN } from './org-unit.js';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './org-unit.schema.js';
import { PERSON_STATUSES, type PersonStatus } from './person.js';

const Status = Type.Unsafe<PersonStatus>({
  type: 'string',
  enum: [...PERSON_STATUSES],
  description: 'active 在职 · suspended 停职 · left 离职',
});
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Id = Type.String({ format: 'uuid' });
const OrgUnitCode = Type.String({ pattern: ORG_UNIT_CODE_PATTERN.source, examples: ['D03'] });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const PersonParams = Type.Object({ id: Id });
export type PersonParams = Static<typeof PersonParams>;

export const PostParams = Type.Object({ id: Id, postId: Id });
export type PostParams = Static<typeof PostParams>;

export const PeopleListQuery = Type.Object(
  {
    orgUnit: Type.Optional(
      Type.String({ pattern: ORG_UNIT_CODE_PATTERN.source, description: 'Only people holding a post in this unit.' }),
    ),
    includeSubtree: Type.Optional(
      Type.Boolean({ default: false, description: 'With orgUnit: anywhere below it too.' }),
    ),
    status: Type.Optional(Status),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Part of the name, the start of the HR number, or a whole mobile number.',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type PeopleListQuery = Static<typeof PeopleListQuery>;

export const PostView = Type.Object(
  {
    id: Id,
    orgUnitCode: OrgUnitCode,
    orgUnitNameZh: Type.String(),
    title: Type.String(),
    isPrimary: Type.Boolean(),
    validFrom: IsoDate,
    validTo: Type.Union([IsoDate, Type.Null()], { description: 'The first day no longer held; null while current.' }),
  },
  { additionalProperties: false },
);
export type PostView = Static<typeof PostView>;

export const PersonView = Type.Object(
  {
    id: Id,
    staffNo: Type.String(),
    name: Type.String(),
    mobile: Type.Union([Type.String(), Type.Null()]),
    email: Type.Union([Type.String(), Type.Null()]),
    masked: Type.Boolean({
      description:
        '姓名、手机、邮箱是否已脱敏（调用者对该人员所在机构无 directory.manage 权限时）。\n\nWhether name, mobile and e-mail are masked (the caller does not hold directory.manage over any of the person’s units).',
    }),
    status: Status,
    statusFrom: IsoDate,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    posts: Type.Array(PostView, { description: 'Current posts, the primary first.' }),
  },
  { additionalProperties: false },
);
export type PersonView = Static<typeof PersonView>;

export const PeoplePage = Type.Object({
  items: Type.Array(PersonView),
  total: Type.Integer({ minimum: 0, description: 'How many people match, whatever the page.' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type PeoplePage = Static<typeof PeoplePage>;

const PostFields = {
  orgUnitCode: Type.String({ maxLength: 64 }),
  title: Type.String({ maxLength: 200 }),
  validFrom: Type.Optional(IsoDate),
};

export const NewPostBody = Type.Object(
  {
    ...PostFields,
    isPrimary: Type.Optional(Type.Boolean({ description: 'Make it the primary post; the former primary stays.' })),
  },
  { additionalProperties: false },
);
export type NewPostBody = Static<typeof NewPostBody>;

const PersonFields = {
  name: Type.String({ maxLength: 400 }),
  mobile: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  email: Type.Optional(Nullable(Type.String({ maxLength: 400 }))),
  status: Type.Optional(Status),
  statusFrom: Type.Optional(IsoDate),
};

export const NewPersonBody = Type.Object(
  {
    staffNo: Type.String({ maxLength: 64 }),
    ...PersonFields,
    firstPost: Type.Object(PostFields, { additionalProperties: false, description: 'The post they take up.' }),
  },
  { additionalProperties: false },
);
export type NewPersonBody = Static<typeof NewPersonBody>;

export const PersonPatchBody = Type.Partial(Type.Object(PersonFields, { additionalProperties: false }), {
  minProperties: 1,
  additionalProperties: false,
});
export type PersonPatchBody = Static<typeof PersonPatchBody>;

export const EndPostQuery = Type.Object(
  {
    validTo: Type.Optional(
      Type.String({ format: 'date', description: 'The first day no longer held; today when absent.' }),
    ),
  },
  { additionalProperties: false },
);
export type EndPostQuery = Static<typeof EndPostQuery>;

const FieldChangeView = Type.Object({
  field: Type.String(),
  from: Type.Union([Type.String(), Type.Boolean(), Type.Null()]),
  to: Type.Union([Type.String(), Type.Boolean(), Type.Null()]),
});

export const HistoryEntryView = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    change: Type.String({ description: 'created · updated · post_assigned · post_primary_set · post_ended' }),
    changes: Type.Array(FieldChangeView, { description: 'Names, mobiles and e-mails are stored masked.' }),
    actor: Type.Object({ type: Type.String(), id: Type.String() }),
  },
  { additionalProperties: false },
);

export const HistoryList = Type.Object({ items: Type.Array(HistoryEntryView) });
export type HistoryList = Static<typeof HistoryList>;

export const ImportQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], {
        description: 'csv or xlsx; when absent, XLSX if the body is a ZIP archive, else CSV.',
      }),
    ),
    dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Check and report only; nothing is kept.' })),
  },
  { additionalProperties: false },
);
export type ImportQuery = Static<typeof ImportQuery>;

export const ImportReport = Type.Object(
  {
    dryRun: Type.Boolean(),
    people: Type.Integer({ minimum: 0 }),
    created: Type.Integer({ minimum: 0 }),
    updated: Type.Integer({ minimum: 0 }),
    unchanged: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type ImportReport = Static<typeof ImportReport>;
