/** Request and response schemas of the members and publication-rights API (TypeBox). */
import { type Static, Type } from '@sinclair/typebox';
import { MAX_CONTACTS, MEMBER_ID_PATTERN, MEMBER_STATUSES, ZONES } from './member.js';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

// Shapes only: the service checks the values and reports every bad field at once (exchange.member_invalid).
const Name = Type.String({ maxLength: 400 });
const Contact = Type.Object(
  {
    name: Type.String({ maxLength: 200, examples: ['王芳'] }),
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()], { examples: ['13812345678'] })),
    email: Type.Optional(
      Type.Union([Type.String({ maxLength: 400 }), Type.Null()], { examples: ['wangf@example.gov.cn'] }),
    ),
  },
  { additionalProperties: false },
);
const Contacts = Type.Array(Contact, { maxItems: MAX_CONTACTS * 4, description: `至多 at most ${MAX_CONTACTS}` });
const Zone = Type.String({
  maxLength: 20,
  description: `${ZONES.join(' | ')}: 政务外网内部 / 互联网侧`,
  examples: ['internal'],
});

export const MemberCreateBody = Type.Object(
  {
    id: Type.String({
      maxLength: 100,
      description: `${MEMBER_ID_PATTERN.source}: 同时是其 OAuth 客户端标识 also its OAuth client id`,
      examples: ['gaj-rkxt'],
    }),
    nameZh: Name,
    nameEn: Name,
    ownerOrgUnitCode: Type.String({ maxLength: 64, examples: ['D01'] }),
    zone: Zone,
    contacts: Type.Optional(Contacts),
  },
  { additionalProperties: false },
);
export type MemberCreateBody = Static<typeof MemberCreateBody>;

export const MemberUpdateBody = Type.Object(
  {
    nameZh: Type.Optional(Name),
    nameEn: Type.Optional(Name),
    zone: Type.Optional(Zone),
    contacts: Type.Optional(Contacts),
  },
  { additionalProperties: false },
);
export type MemberUpdateBody = Static<typeof MemberUpdateBody>;

export const MemberParams = Type.Object({ memberId: Type.String({ minLength: 1, maxLength: 100 }) });
export type MemberParams = Static<typeof MemberParams>;

export const MemberListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
    status: Type.Optional(Type.String({ maxLength: 20, description: MEMBER_STATUSES.join(' | ') })),
    zone: Type.Optional(Type.String({ maxLength: 20, description: ZONES.join(' | ') })),
  },
  { additionalProperties: false },
);
export type MemberListQuery = Static<typeof MemberListQuery>;

const ContactView = Type.Object({
  name: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
});

export const MemberView = Type.Object({
  id: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  ownerOrgUnitCode: Type.String(),
  zone: Type.String(),
  status: Type.String(),
  contacts: Type.Array(ContactView),
  contactsMasked: Type.Boolean({
    description: '联系人已脱敏（调用者不管理其主管部门）masked: the caller does not manage the owner unit',
  }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type MemberView = Static<typeof MemberView>;

export const MemberPage = Type.Object({
  items: Type.Array(MemberView),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type MemberPage = Static<typeof MemberPage>;

export const MemberWithSecretView = Type.Object({
  member: MemberView,
  clientSecret: Type.String({ description: '只显示这一次 shown this once' }),
});
export type MemberWithSecretView = Static<typeof MemberWithSecretView>;

export const StandardParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 100 }) });
export type StandardParams = Static<typeof StandardParams>;

export const PublisherParams = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 100 }),
  memberId: Type.String({ minLength: 1, maxLength: 100 }),
});
export type PublisherParams = Static<typeof PublisherParams>;

export const PublisherBody = Type.Object(
  { memberId: Type.String({ maxLength: 100, examples: ['gaj-rkxt'] }) },
  { additionalProperties: false },
);
export type PublisherBody = Static<typeof PublisherBody>;

export const PublisherView = Type.Object({
  standardCode: Type.String(),
  memberId: Type.String(),
  member: Type.Object(
    {
      id: Type.String({ description: '成员标识（client_id），即成员代码 the member id (client_id), its code' }),
      nameZh: Type.String(),
      nameEn: Type.String(),
    },
    { description: '持有发布权的交换成员 the member holding the right' },
  ),
  grantedBy: Type.Union([Type.String(), Type.Null()]),
  grantedAt: Type.String({ format: 'date-time' }),
});
export type PublisherView = Static<typeof PublisherView>;

export const PublisherList = Type.Object({ items: Type.Array(PublisherView) });
export type PublisherList = Static<typeof PublisherList>;
