/**
 * The discovery documents of RFC 7644 §4: what this service provider supports
 * (ServiceProviderConfig), its resource types, and their schemas. The core User, Group and
 * enterprise-extension schemas are scimmy's descriptions of RFC 7643; Huitong's directory extension
 * is described here (scimmy accepts only `urn:ietf:params:scim:schemas:` URNs for its own definitions).
 */
import SCIMMY from 'scimmy';
import { GROUP_SCHEMA } from './scim-group.service.js';
import { ENTERPRISE_USER_SCHEMA, HUITONG_USER_SCHEMA, USER_SCHEMA } from './scim-user.presenter.js';

/** The largest page a list returns, whatever `count` asks for (RFC 7644 §3.4.2.4). */
export const MAX_RESULTS = 200;

/**
 * The ServiceProviderConfig (RFC 7643 §5).
 * @example serviceProviderConfig('https://huitong.example.gov.cn/scim/v2');
 */
export function serviceProviderConfig(scimBaseUrl: string): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: `${scimBaseUrl.replace(/\/scim\/v2$/, '')}/docs`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token 令牌',
        description:
          '每个下游系统一个令牌，由管理员在 /api/provisioning/v1/scim-tokens 创建。 One token per downstream system, made by an administrator at /api/provisioning/v1/scim-tokens.',
        specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${scimBaseUrl}/ServiceProviderConfig` },
  };
}

/**
 * The resource types (RFC 7643 §6): User with its two extensions, and Group.
 * @example resourceTypes(base).find((type) => type.id === 'User');
 */
export function resourceTypes(scimBaseUrl: string): Array<Record<string, unknown>> {
  const meta = (name: string) => ({ resourceType: 'ResourceType', location: `${scimBaseUrl}/ResourceTypes/${name}` });
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: '目录中的工作人员 Staff in the directory',
      schema: USER_SCHEMA,
      schemaExtensions: [
        { schema: ENTERPRISE_USER_SCHEMA, required: false },
        { schema: HUITONG_USER_SCHEMA, required: false },
      ],
      meta: meta('User'),
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: '下游系统的用户组 Groups for downstream systems',
      schema: GROUP_SCHEMA,
      meta: meta('Group'),
    },
  ];
}

/**
 * The schemas (RFC 7643 §7) of User, the enterprise extension, Huitong's extension and Group.
 * @example schemas(base).map((schema) => schema.id);
 */
export function schemas(scimBaseUrl: string): Array<Record<string, unknown>> {
  const described = [
    SCIMMY.Schemas.User.definition.describe(),
    SCIMMY.Schemas.EnterpriseUser.definition.describe(),
    SCIMMY.Schemas.Group.definition.describe(),
  ].map((schema) => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>);
  return [...described, huitongUserSchema()].map((schema) => ({
    ...schema,
    meta: { resourceType: 'Schema', location: `${scimBaseUrl}/Schemas/${schema.id as string}` },
  }));
}

function huitongUserSchema(): Record<string, unknown> {
  const attribute = (name: string, description: string, mutability: 'readWrite' | 'readOnly') => ({
    name,
    type: 'string',
    multiValued: false,
    description,
    required: false,
    caseExact: true,
    mutability,
    returned: 'default',
    uniqueness: 'none',
  });
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: HUITONG_USER_SCHEMA,
    name: 'HuitongDirectoryUser',
    description: '汇通机构目录扩展 Huitong directory extension',
    attributes: [
      attribute('orgUnitCode', '主岗所在机构代码 Code of the unit of the primary post', 'readWrite'),
      attribute('title', '主岗职务 Title of the primary post', 'readWrite'),
      attribute('status', '人员状态 active | suspended | left', 'readOnly'),
      attribute('mailboxStatus', '邮箱状态 pending | active | suspended | removed', 'readOnly'),
    ],
  };
}
