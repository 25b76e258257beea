-- Unified permissions (src/modules/access/, docs/access.md): roles, and grants of roles to people or
-- to posts, each covering the subtree of the organisation tree under one unit. The directory owns
-- people, posts and units; this schema refers to them by id and code only (no cross-module keys).
create schema if not exists access;

create table access.role (
  -- `platform.<name>` for the platform's own roles, `<client id>.<name>` for a registered system's.
  code           text primary key check (code ~ '^[a-z][a-z0-9-]{2,62}\.[a-z][a-z0-9_-]{0,62}$'),
  -- The registered system's client id; null for platform roles.
  application    text check (application ~ '^[a-z][a-z0-9-]{2,62}$' and application <> 'platform'),
  name_zh        text not null check (length(btrim(name_zh)) between 1 and 100),
  name_en        text not null check (length(btrim(name_en)) between 1 and 100),
  description_zh text not null default '' check (length(description_zh) <= 1000),
  description_en text not null default '' check (length(description_en) <= 1000),
  -- Platform permission names (access catalogue) for platform roles; `app:…` for application roles,
  -- which only go into that system's tokens.
  permissions    text[] not null default '{}' check (cardinality(permissions) <= 200),
  -- 三员分立: the three duties no one person may combine.
  duty           text check (duty in ('system_admin', 'security_admin', 'security_auditor')),
  built_in       boolean not null default false,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  constraint role_code_names_owner check (
    (application is null and starts_with(code, 'platform.'))
    or (application is not null and starts_with(code, application || '.'))),
  constraint role_duty_is_platform check (duty is null or application is null),
  constraint role_built_in_is_platform check (not built_in or application is null)
);

-- "grant" is a reserved word: always quoted in SQL (Kysely quotes identifiers itself).
create table access."grant" (
  id                  uuid primary key default gen_random_uuid(),
  role_code           text not null references access.role (code),
  grantee_kind        text not null check (grantee_kind in ('person', 'post')),
  -- A directory person id, for a grant to a person.
  person_id           uuid,
  -- A post is a title in a unit: whoever currently holds that title there holds the grant.
  post_org_unit_code  text check (post_org_unit_code ~ '^[A-Z][A-Z0-9-]{1,31}$'),
  post_title          text check (length(btrim(post_title)) between 1 and 50),
  -- The root of the subtree the grant covers.
  scope_org_unit_code text not null check (scope_org_unit_code ~ '^[A-Z][A-Z0-9-]{1,31}$'),
  granted_by_type     text not null check (granted_by_type in ('user', 'system', 'machine')),
  granted_by_id       text not null check (length(granted_by_id) between 1 and 200),
  granted_at          timestamptz not null default now(),
  revoked_at          timestamptz,
  revoked_by_type     text check (revoked_by_type in ('user', 'system', 'machine')),
  revoked_by_id       text check (length(revoked_by_id) between 1 and 200),
  revoke_reason       text check (length(revoke_reason) <= 500),
  constraint grant_grantee_whole check (
    (grantee_kind = 'person' and person_id is not null and post_org_unit_code is null and post_title is null)
    or (grantee_kind = 'post' and person_id is null and post_org_unit_code is not null and post_title is not null)),
  constraint grant_revocation_whole check (
    (revoked_at is null) = (revoked_by_type is null) and (revoked_at is null) = (revoked_by_id is null)),
  constraint grant_reason_when_revoked check (revoke_reason is null or revoked_at is not null),
  constraint grant_revoked_after_granted check (revoked_at is null or revoked_at >= granted_at)
);

-- The same live grant twice would make a revocation ambiguous; revoked grants stay as history.
create unique index grant_live_person_unique on access."grant" (role_code, person_id, scope_org_unit_code)
  where revoked_at is null and grantee_kind = 'person';
create unique index grant_live_post_unique on access."grant" (role_code, post_org_unit_code, post_title, scope_org_unit_code)
  where revoked_at is null and grantee_kind = 'post';
-- Every decision reads the live grants of one person and of the posts it holds.
create index grant_live_person_idx on access."grant" (person_id) where revoked_at is null;
create index grant_live_post_idx on access."grant" (post_org_unit_code, post_title) where revoked_at is null;
-- Listing by scope and by role.
create index grant_scope_idx on access."grant" (scope_org_unit_code, granted_at);
create index grant_role_idx on access."grant" (role_code);

-- The built-in platform roles (permission-catalogue.ts says the same; a test keeps the two equal).
insert into access.role (code, application, name_zh, name_en, description_zh, description_en, permissions, duty, built_in)
values
  ('platform.system_admin', null, '系统管理员', 'System administrator',
   '三员之一：维护机构、人员、账号、会话、接入系统与下游同步；不能授权，也不能查看审计日志。',
   'One of the three duties: runs the directory, accounts, sessions, registered systems and provisioning; cannot grant rights or read the audit log.',
   array['directory.read', 'directory.manage', 'identity.account.manage', 'identity.session.manage',
         'identity.client.manage', 'provisioning.manage'],
   'system_admin', true),
  ('platform.security_admin', null, '安全管理员', 'Security administrator',
   '三员之一：授予和收回权限、维护应用角色、解释权限判定；不能改动业务数据。',
   'One of the three duties: grants and revokes rights, manages application roles, explains decisions; changes no business data.',
   array['directory.read', 'access.grant', 'access.role.manage', 'access.explain'],
   'security_admin', true),
  ('platform.security_auditor', null, '安全审计员', 'Security auditor',
   '三员之一：查看审计日志、解释权限判定；只读，不能改动任何内容。',
   'One of the three duties: reads the audit log and explains decisions; read-only, changes nothing.',
   array['audit.read', 'access.explain', 'directory.read'],
   'security_auditor', true),
  ('platform.department_admin', null, '部门管理员', 'Department administrator',
   '在所授机构范围内维护人员、账号、会话、本部门的接入系统及其账号同步，并可在该范围内转授自己拥有的权限。',
   'Within the granted units: manages people, accounts, sessions, the department''s registered systems and their provisioning, and passes on rights it holds itself.',
   array['directory.read', 'directory.manage', 'access.grant', 'identity.account.manage', 'identity.session.manage',
         'identity.client.manage', 'provisioning.manage'],
   null, true),
  ('platform.staff', null, '工作人员', 'Staff member',
   '查看所授机构范围内的机构和人员。',
   'Reads the organisation and its people within the granted units.',
   array['directory.read'],
   null, true);
