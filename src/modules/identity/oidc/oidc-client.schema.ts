/** Request and response schemas of the registered systems API (TypeBox: JSON Schema and TS types in one). */
import { type Static, Type } from '@sinclair/typebox';
import { CLIENT_GRANT_TYPES, CLIENT_ID_PATTERN, CLIENT_SCOPES, MAX_URI_LENGTH, MAX_URIS } from './oidc-client.js';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

// Shapes only: the service checks the values and reports every bad field at once (identity.client_invalid).
const Uri = Type.String({ maxLength: MAX_URI_LENGTH, examples: ['https://oa.example.gov.cn/oidc/callback'] });
const Uris = Type.Array(Uri, { maxItems: MAX_URIS * 2 });
const Name = Type.String({ maxLength: 400 });
const GrantTypes = Type.Array(Type.String({ maxLength: 50 }), {
  maxItems: 10,
  description: `Any of ${CLIENT_GRANT_TYPES.join(', ')}.`,
});
const Scopes = Type.Array(Type.String({ maxLength: 100 }), {
  maxItems: 50,
  description: `Any of ${CLIENT_SCOPES.join(', ')}.`,
});

export const ClientCreateBody = Type.Object(
  {
    clientId: Type.String({
      maxLength: 100,
      description: `${CLIENT_ID_PATTERN.source}: 小写字母开头 starts with a lower-case letter`,
      examples: ['oa-system'],
    }),
    nameZh: Name,
    nameEn: Name,
    ownerOrgUnitCode: Type.String({ maxLength: 64, examples: ['D01'] }),
    redirectUris: Type.Optional(Uris),
    postLogoutRedirectUris: Type.Optional(Uris),
    backchannelLogoutUri: Type.Optional(Type.Union([Uri, Type.Null()])),
    grantTypes: GrantTypes,
    scopes: Scopes,
    firstParty: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ClientCreateBody = Static<typeof ClientCreateBody>;

export const ClientUpdateBody = Type.Partial(Type.Omit(ClientCreateBody, ['clientId']), {
  additionalProperties: false,
});
export type ClientUpdateBody = Static<typeof ClientUpdateBody>;

export const ClientParams = Type.Object({ clientId: Type.String({ minLength: 1, maxLength: 100 }) });
export type ClientParams = Static<typeof ClientParams>;

export const ClientListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type ClientListQuery = Static<typeof ClientListQuery>;

export const ClientView = Type.Object({
  clientId: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  ownerOrgUnitCode: Type.String(),
  redirectUris: Type.Array(Type.String()),
  postLogoutRedirectUris: Type.Array(Type.String()),
  backchannelLogoutUri: Type.Union([Type.String(), Type.Null()]),
  grantTypes: Type.Array(Type.String()),
  scopes: Type.Array(Type.String()),
  firstParty: Type.Boolean(),
  enabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ClientView = Static<typeof ClientView>;

export const ClientWithSecretView = Type.Object({
  client: ClientView,
  clientSecret: Type.String({ description: '只显示这一次 shown this once' }),
});
export type ClientWithSecretView = Static<typeof ClientWithSecretView>;

export const ClientPage = Type.Object({
  items: Type.Array(ClientView),
  total: Type.Integer({ minimum: 0 }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type ClientPage = Static<typeof ClientPage>;
