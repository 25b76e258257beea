-- Public accounts (src/modules/identity/public-account.*, docs/public-accounts.md): citizens, who
-- register with their resident identity number (GB 11643), and enterprises and other organisations,
-- which register with their unified social credit code (GB 32100) and the name and resident identity
-- number of the person acting for them. Kept apart from staff accounts: a public account never holds
-- a staff permission, and a staff sign-in never finds a public account.
create schema if not exists identity;

create table identity.public_account (
  id                  uuid primary key default gen_random_uuid(),
  kind                text not null check (kind in ('citizen', 'enterprise')),
  -- The person behind the account: the citizen, or the enterprise's legal representative or agent.
  -- Stored whole (services need it); shown masked everywhere but to the holder (docs/public-accounts.md).
  person_name         text not null check (length(person_name) between 1 and 100),
  resident_id         text not null check (resident_id ~ '^[0-9]{17}[0-9X]$'),
  -- Enterprises only: the credit code, the registered name, and how the person acts for it.
  credit_code         text check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
  enterprise_name     text check (length(enterprise_name) between 1 and 200),
  agent_role          text check (agent_role in ('legal_representative', 'agent')),
  -- Mainland mobile numbers only, stored bare (no +86), as the directory stores them.
  mobile              text not null check (mobile ~ '^1[3-9][0-9]{9}$'),
  email               text check (length(email) between 3 and 254),
  password_hash       text not null check (password_hash like '$argon2id$%'),
  password_changed_at timestamptz not null default now(),
  -- Consecutive failed sign-ins since the last success: the staff accounts' throttle and lock-out
  -- policy, applied to these columns (sign-in-throttle.ts).
  failed_count        integer not null default 0 check (failed_count >= 0),
  last_failed_at      timestamptz,
  locked_until        timestamptz,
  status              text not null default 'active' check (status in ('active', 'disabled')),
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  constraint public_account_kind_fields check (
    (kind = 'citizen' and credit_code is null and enterprise_name is null and agent_role is null)
    or (kind = 'enterprise' and credit_code is not null and enterprise_name is not null and agent_role is not null)
  )
);

-- One account per citizen and per enterprise; a person may act for several enterprises, so the
-- resident identity number is unique among citizens only. Each is also how its holder signs in.
create unique index public_account_citizen_resident_id on identity.public_account (resident_id)
  where kind = 'citizen';
create unique index public_account_credit_code on identity.public_account (credit_code)
  where kind = 'enterprise';
-- A mobile number signs in to one account of each kind: a citizen may also be the contact of an
-- enterprise, and signs in to either by choosing the kind.
create unique index public_account_kind_mobile on identity.public_account (kind, mobile);

-- Registration attempts per client address, for the registration rate limit: registering tells
-- whether an identity number is already registered, so it is limited like a lookup would be.
-- Old rows are deleted as new ones are counted; nothing else reads them.
create table identity.public_registration_attempt (
  id bigserial primary key,
  ip text not null check (length(ip) between 1 and 100),
  at timestamptz not null default now()
);

create index public_registration_attempt_ip_at on identity.public_registration_attempt (ip, at);
