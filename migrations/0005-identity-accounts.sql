-- Staff accounts and sessions (src/modules/identity/, docs/identity.md): how a civil servant of the
-- directory signs in (argon2id password, optional TOTP), how repeated failures slow down and lock an
-- account, and the sessions a sign-in opens. Credentials never appear here in clear: passwords as
-- argon2id PHC strings, TOTP seeds sealed under the platform key, recovery codes and session tokens
-- as salted or plain SHA-256 digests.
create schema if not exists identity;

create table identity.staff_account (
  id                   uuid primary key default gen_random_uuid(),
  -- The directory person (directory.person.id). No foreign key across module schemas; unique, since
  -- a person has one account.
  person_id            uuid not null unique,
  -- What the person types to sign in: lower case, by default their HR number lower-cased.
  username             text not null unique check (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
  password_hash        text not null check (password_hash like '$argon2id$%'),
  password_changed_at  timestamptz not null,
  -- AES-256-GCM, bound to the context identity.totp:<id>; set at enrolment, enabled once confirmed.
  totp_secret_sealed   text,
  totp_enabled_at      timestamptz,
  -- The TOTP time step last accepted: that step and earlier ones are refused (RFC 6238 §5.2).
  totp_last_step       bigint,
  recovery_code_hashes text[] not null default '{}',
  -- Consecutive failed sign-ins since the last success (sign-in-throttle.ts).
  failed_count         integer not null default 0 check (failed_count >= 0),
  last_failed_at       timestamptz,
  locked_until         timestamptz,
  disabled_at          timestamptz,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  constraint staff_account_totp_enabled_has_secret check (totp_enabled_at is null or totp_secret_sealed is not null)
);

-- A session opened by a sign-in: the cookie holds a 256-bit random token, the table only its SHA-256.
create table identity.session (
  id                  uuid primary key default gen_random_uuid(),
  token_hash          text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  subject_kind        text not null check (subject_kind in ('staff', 'public')),
  -- A directory person id (staff) or a public account id (public).
  subject_id          uuid not null,
  created_at          timestamptz not null,
  last_seen_at        timestamptz not null,
  -- Idle expiry moves with last_seen_at but never past the absolute expiry.
  idle_expires_at     timestamptz not null,
  absolute_expires_at timestamptz not null,
  revoked_at          timestamptz,
  revoked_reason      text check (length(revoked_reason) between 1 and 100),
  ip                  text check (length(ip) <= 64),
  user_agent          text check (length(user_agent) <= 512),
  second_factor       boolean not null default false,
  constraint session_idle_within_absolute check (idle_expires_at <= absolute_expires_at),
  constraint session_revoked_has_reason check ((revoked_at is null) = (revoked_reason is null))
);

-- A subject's live sessions (list, revoke all, sign out everywhere).
create index session_subject_live_idx on identity.session (subject_kind, subject_id, created_at)
  where revoked_at is null;
