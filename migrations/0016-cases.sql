-- One-window case handling 办件 (src/modules/cases/, docs/cases.md): every application, online or at
-- a window of the 1 + 23 service centres, from 受理 to 送达, with each step, the materials received,
-- the pauses that stop the clock, the deadline light, the applicant's rating and its follow-up.
create schema if not exists cases;

-- Who does what on a case. Scoped like every permission: a clerk's grant at C01 covers C01's queue,
-- a reviewer's at D07 covers D07's cases, a supervisor's at the district root covers all of them.
insert into access.role (code, application, name_zh, name_en, description_zh, description_en, permissions, duty, built_in)
values
  ('platform.window_clerk', null, '窗口受理员', 'Window clerk',
   '在所授权的服务中心收件、受理或不予受理、登记材料、送达，并代申请人登记评价。',
   'Takes in applications at the centres granted: accepts or refuses them, records materials, hands over results and records the applicant''s rating.',
   array['directory.read', 'cases.intake'], null, true),
  ('platform.case_handler', null, '承办人员', 'Case handler',
   '办理本部门的办件：审查、要求补正、启动特别程序、办结，并答复差评。',
   'Handles the department''s cases: reviews them, asks for missing materials, starts special procedures, completes them and answers poor ratings.',
   array['directory.read', 'cases.handle'], null, true),
  ('platform.case_approver', null, '审批负责人', 'Case approver',
   '作出本部门办件的准予或不予决定，也可办理其他步骤。',
   'Decides the department''s cases (grant or refuse) and may take any other step of them.',
   array['directory.read', 'cases.handle', 'cases.decide'], null, true),
  ('platform.supervisor', null, '电子监察员', 'Supervisor',
   '查看所辖范围内办件的时限亮灯、预警和统计，督办超期办件。',
   'Sees deadline lights, alerts and statistics of the cases in scope, and follows up overdue ones.',
   array['directory.read', 'cases.supervise'], null, true);

update access.role
   set permissions = permissions || array['cases.route.manage']
 where code in ('platform.system_admin', 'platform.department_admin');

-- How a service's cases travel after 受理: an ordered list of stages, each at a unit, each needing a
-- permission there. The last stage is the decision (准予 / 不予). No row: the default route, a
-- review then a decision at the item's handling department.
create table cases.route (
  item_code    text primary key,
  -- [{ "key": "review", "nameZh": "承办审查", "nameEn": "Review", "unitCode": "D07", "permission": "cases.handle" }, …]
  stages       jsonb not null check (jsonb_typeof(stages) = 'array' and jsonb_array_length(stages) between 1 and 12),
  updated_by   text not null,
  updated_at   timestamptz not null default now()
);

-- Case numbers: the accepting centre (or WS for 网上申请), the date, a sequence per centre and day.
create table cases.number_sequence (
  prefix    text not null,
  day       date not null,
  last      integer not null,
  primary key (prefix, day)
);

create table cases."case" (
  id                  uuid primary key,
  -- C01-20261126-000123: centre, day of submission, sequence. WS-… for online applications.
  number              text not null unique check (number ~ '^[A-Z0-9]{2,8}-[0-9]{8}-[0-9]{6}$'),
  item_code           text not null,
  item_version        integer not null,
  item_name_zh        text not null,
  item_type           text not null,
  -- The unit that handles it (the item's department) and the centre that took it in (null: online).
  department_code     text not null,
  centre_code         text,
  channel             text not null check (channel in ('window', 'online')),
  -- The applicant. Personal data: shown whole only to those who handle the case, masked elsewhere,
  -- never logged. `id_tail` (last 6 characters) is what tracking asks for alongside the number.
  applicant_kind      text not null check (applicant_kind in ('citizen', 'enterprise')),
  applicant_name      text not null check (length(applicant_name) between 1 and 200),
  applicant_id        text not null check (applicant_id ~ '^[0-9A-Z]{18}$'),
  id_tail             text not null check (length(id_tail) = 6),
  applicant_mobile    text check (applicant_mobile ~ '^1[3-9][0-9]{9}$'),
  public_account_id   uuid,
  form                jsonb not null,
  -- submitted (online, awaiting 受理) → accepted (in its stages) ⇄ supplement / special (clock stopped)
  -- → decided → completed (办结) → delivered (送达 or collected); or rejected (不予受理) or withdrawn.
  status              text not null check (status in ('submitted', 'accepted', 'supplement', 'special',
                        'decided', 'completed', 'delivered', 'rejected', 'withdrawn')),
  stage               integer not null default 0 check (stage >= 0),
  stages              jsonb not null,
  decision            text check (decision in ('granted', 'refused')),
  submitted_at        timestamptz not null,
  accepted_at         timestamptz,
  decided_at          timestamptz,
  completed_at        timestamptz,
  closed_at           timestamptz,
  -- Working-day deadlines (the platform calendar), moved on by the working days spent paused.
  promised_limit_days  integer not null,
  statutory_limit_days integer not null,
  accepted_on         date,
  due_on              date,
  statutory_due_on    date,
  -- From this day the light is yellow (configurable number of working days before `due_on`).
  warn_on             date,
  -- Some day of the deadlines lay past the calendar's last year and was counted Monday–Friday
  -- (docs/cases.md): recomputed once the year's holiday schedule is added.
  deadline_provisional boolean not null default false,
  paused_days         integer not null default 0 check (paused_days >= 0),
  paused_since        date,
  -- At completion: working days used (pauses excluded) and whether within the promised limit.
  working_days_used   integer,
  on_time             boolean,
  result_number       text,
  version             integer not null default 1,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  check (status in ('submitted', 'rejected', 'withdrawn') or accepted_at is not null),
  check (status not in ('decided', 'completed', 'delivered') or decision is not null)
);
-- Queues and supervision: the open cases of a centre or department by deadline.
create index case_centre_open_idx on cases."case" (centre_code, status, submitted_at) where closed_at is null;
create index case_department_open_idx on cases."case" (department_code, status, due_on) where closed_at is null;
create index case_open_due_idx on cases."case" (due_on) where status in ('accepted', 'decided');
create index case_account_idx on cases."case" (public_account_id, submitted_at) where public_account_id is not null;
create index case_submitted_idx on cases."case" (submitted_at);
-- The recount after a calendar update: a few weeks' acceptances at most.
create index case_provisional_idx on cases."case" (id) where deadline_provisional;

-- Each step: who (person and the post they acted in), where, when, what they said.
create table cases.step (
  case_id       uuid not null references cases."case" (id) on delete cascade,
  seq           integer not null,
  action        text not null,
  from_status   text,
  to_status     text not null,
  stage         integer,
  actor_type    text not null check (actor_type in ('user', 'public', 'system')),
  actor_id      text not null,
  -- A member of staff's name as the directory had it then (staff only: never an applicant's).
  actor_name    text,
  actor_post    text,
  org_unit_code text,
  opinion       text check (length(opinion) <= 2000),
  details       jsonb not null default '{}',
  at            timestamptz not null default now(),
  primary key (case_id, seq)
);

-- The materials received against the item's list (`material_index` into the version's materials;
-- null for something extra the applicant brought). Files live in the blob store by SHA-256.
create table cases.material (
  id              uuid primary key,
  case_id         uuid not null references cases."case" (id) on delete cascade,
  material_index  integer,
  name            text not null check (length(name) between 1 and 200),
  form            text not null check (form in ('electronic', 'original', 'copy')),
  copies          integer not null default 1 check (copies between 1 and 99),
  sha256          text check (sha256 ~ '^[0-9a-f]{64}$'),
  filename        text,
  media_type      text,
  bytes           bigint,
  received_at     timestamptz not null default now(),
  received_by     text not null,
  check ((form = 'electronic') = (sha256 is not null))
);
create index material_case_idx on cases.material (case_id);

-- Pauses that stop the clock: 补正 (missing materials) and special procedures.
create table cases.pause (
  case_id     uuid not null references cases."case" (id) on delete cascade,
  seq         integer not null,
  kind        text not null check (kind in ('supplement', 'hearing', 'inspection', 'expert_review')),
  reason      text not null check (length(reason) between 1 and 2000),
  started_on  date not null,
  ended_on    date,
  -- Working days the pause added to the deadline: (started_on, ended_on].
  working_days integer,
  primary key (case_id, seq)
);

-- 好差评: one rating per case, five levels; a poor one (1 or 2) opens a follow-up due within a limit.
create table cases.rating (
  case_id          uuid primary key references cases."case" (id) on delete cascade,
  score            integer not null check (score between 1 and 5),
  channel          text not null check (channel in ('window', 'online')),
  comment          text check (length(comment) <= 1000),
  rated_at         timestamptz not null default now(),
  follow_up_due_on date,
  follow_up_answer text check (length(follow_up_answer) <= 2000),
  answered_at      timestamptz,
  answered_by      text,
  check ((score <= 2) = (follow_up_due_on is not null))
);
create index rating_follow_up_open_idx on cases.rating (follow_up_due_on) where follow_up_due_on is not null and answered_at is null;

-- Supervision alerts: once per case and level, to the handling unit and its supervisors.
create table cases.alert (
  id           bigint generated always as identity primary key,
  case_id      uuid not null references cases."case" (id) on delete cascade,
  level        text not null check (level in ('yellow', 'red')),
  department_code text not null,
  centre_code  text,
  raised_on    date not null,
  raised_at    timestamptz not null default now(),
  acknowledged_at timestamptz,
  acknowledged_by text,
  unique (case_id, level)
);
create index alert_open_idx on cases.alert (department_code, raised_on) where acknowledged_at is null;

-- Notifications to the applicant of each change (shown on the portal account page; an SMS gateway
-- would read them from here).
create table cases.notification (
  id                bigint generated always as identity primary key,
  case_id           uuid not null references cases."case" (id) on delete cascade,
  public_account_id uuid,
  kind              text not null,
  created_at        timestamptz not null default now(),
  read_at           timestamptz
);
create index notification_account_idx on cases.notification (public_account_id, id) where public_account_id is not null;

-- Statistics: counts per day, centre, department and item, kept in the same transaction as each
-- change, so the dashboard reads thousands of rows rather than millions of cases.
create table cases.daily_tally (
  day              date not null,
  centre_code      text not null,  -- '' for online
  department_code  text not null,
  item_code        text not null,
  submitted        integer not null default 0,
  accepted         integer not null default 0,
  rejected         integer not null default 0,
  completed        integer not null default 0,
  completed_on_time integer not null default 0,
  working_days_sum bigint not null default 0,
  granted          integer not null default 0,
  refused          integer not null default 0,
  withdrawn        integer not null default 0,
  ratings          integer not null default 0,
  rating_sum       integer not null default 0,
  poor_ratings     integer not null default 0,
  primary key (day, centre_code, department_code, item_code)
);
create index daily_tally_department_idx on cases.daily_tally (department_code, day);
create index daily_tally_centre_idx on cases.daily_tally (centre_code, day);
