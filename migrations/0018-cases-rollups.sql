-- Coarser monthly roll-ups for the statistics dashboard (src/modules/cases/statistics.repository.ts).
--
-- cases.monthly_tally keeps a row per month, centre, department and item: at a million cases that is
-- hundreds of thousands of rows, and summing three years of them by item or by department misses the
-- dashboard's time. Most questions need only one of the two halves of that key, so the same counts are
-- kept twice more, each without the half it does not need:
--   monthly_unit_tally  per month, centre and department — by centre, department or month;
--   monthly_item_tally  per month, department and item   — by item, when no centre narrows it.
-- Both follow daily_tally by trigger, in the same transaction as every tally change, and are filled
-- from monthly_tally below.
create table cases.monthly_unit_tally (
  month            date not null check (extract(day from month) = 1),
  centre_code      text not null,  -- '' for online
  department_code  text not null,
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
  primary key (month, centre_code, department_code)
);
-- A department's or a centre's own dashboard reads its rows alone.
create index monthly_unit_tally_department_idx on cases.monthly_unit_tally (department_code, month);
create index monthly_unit_tally_centre_idx on cases.monthly_unit_tally (centre_code, month);

create table cases.monthly_item_tally (
  month            date not null check (extract(day from month) = 1),
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
  primary key (month, department_code, item_code)
);
create index monthly_item_tally_department_idx on cases.monthly_item_tally (department_code, month);

-- Adds what a statement changed in daily_tally (the rows it inserted; the new counts of the rows it
-- updated less their old ones) to the units' and the items' months. Once per statement, not per row:
-- the generator's bulk insert of a month of tallies then touches each roll-up row once, where a row
-- trigger would rewrite it (and leave a dead copy of it) for every daily row.
create function cases.daily_tally_roll_up_coarse() returns trigger
language plpgsql as $$
declare
  changes cases.daily_tally[];
begin
  if tg_op = 'INSERT' then
    select array_agg(n) into changes from inserted_rows n;
  else
    select array_agg(d) into changes from (
      select n.* from new_rows n
      union all
      select o.day, o.centre_code, o.department_code, o.item_code, -o.submitted, -o.accepted, -o.rejected,
             -o.completed, -o.completed_on_time, -o.working_days_sum, -o.granted, -o.refused, -o.withdrawn,
             -o.ratings, -o.rating_sum, -o.poor_ratings
        from old_rows o
    ) as d;
  end if;
  if changes is null then
    return null;
  end if;
  insert into cases.monthly_unit_tally as m (month, centre_code, department_code, submitted, accepted, rejected,
      completed, completed_on_time, working_days_sum, granted, refused, withdrawn, ratings, rating_sum, poor_ratings)
  select date_trunc('month', c.day)::date, c.centre_code, c.department_code, sum(c.submitted), sum(c.accepted),
         sum(c.rejected), sum(c.completed), sum(c.completed_on_time), sum(c.working_days_sum), sum(c.granted),
         sum(c.refused), sum(c.withdrawn), sum(c.ratings), sum(c.rating_sum), sum(c.poor_ratings)
    from unnest(changes) as c
   group by 1, 2, 3
  on conflict (month, centre_code, department_code) do update set
    submitted = m.submitted + excluded.submitted,
    accepted = m.accepted + excluded.accepted,
    rejected = m.rejected + excluded.rejected,
    completed = m.completed + excluded.completed,
    completed_on_time = m.completed_on_time + excluded.completed_on_time,
    working_days_sum = m.working_days_sum + excluded.working_days_sum,
    granted = m.granted + excluded.granted,
    refused = m.refused + excluded.refused,
    withdrawn = m.withdrawn + excluded.withdrawn,
    ratings = m.ratings + excluded.ratings,
    rating_sum = m.rating_sum + excluded.rating_sum,
    poor_ratings = m.poor_ratings + excluded.poor_ratings;
  insert into cases.monthly_item_tally as m (month, department_code, item_code, submitted, accepted, rejected,
      completed, completed_on_time, working_days_sum, granted, refused, withdrawn, ratings, rating_sum, poor_ratings)
  select date_trunc('month', c.day)::date, c.department_code, c.item_code, sum(c.submitted), sum(c.accepted),
         sum(c.rejected), sum(c.completed), sum(c.completed_on_time), sum(c.working_days_sum), sum(c.granted),
         sum(c.refused), sum(c.withdrawn), sum(c.ratings), sum(c.rating_sum), sum(c.poor_ratings)
    from unnest(changes) as c
   group by 1, 2, 3
  on conflict (month, department_code, item_code) do update set
    submitted = m.submitted + excluded.submitted,
    accepted = m.accepted + excluded.accepted,
    rejected = m.rejected + excluded.rejected,
    completed = m.completed + excluded.completed,
    completed_on_time = m.completed_on_time + excluded.completed_on_time,
    working_days_sum = m.working_days_sum + excluded.working_days_sum,
    granted = m.granted + excluded.granted,
    refused = m.refused + excluded.refused,
    withdrawn = m.withdrawn + excluded.withdrawn,
    ratings = m.ratings + excluded.ratings,
    rating_sum = m.rating_sum + excluded.rating_sum,
    poor_ratings = m.poor_ratings + excluded.poor_ratings;
  return null;
end;
$$;

-- An insert … on conflict do update fires both: the rows it inserted, and those it updated.
create trigger daily_tally_roll_up_coarse_insert
  after insert on cases.daily_tally
  referencing new table as inserted_rows
  for each statement execute function cases.daily_tally_roll_up_coarse();
create trigger daily_tally_roll_up_coarse_update
  after update on cases.daily_tally
  referencing old table as old_rows new table as new_rows
  for each statement execute function cases.daily_tally_roll_up_coarse();

insert into cases.monthly_unit_tally (month, centre_code, department_code, submitted, accepted, rejected, completed,
    completed_on_time, working_days_sum, granted, refused, withdrawn, ratings, rating_sum, poor_ratings)
select month, centre_code, department_code, sum(submitted), sum(accepted), sum(rejected), sum(completed),
       sum(completed_on_time), sum(working_days_sum), sum(granted), sum(refused), sum(withdrawn), sum(ratings),
       sum(rating_sum), sum(poor_ratings)
  from cases.monthly_tally
 group by 1, 2, 3;

insert into cases.monthly_item_tally (month, department_code, item_code, submitted, accepted, rejected, completed,
    completed_on_time, working_days_sum, granted, refused, withdrawn, ratings, rating_sum, poor_ratings)
select month, department_code, item_code, sum(submitted), sum(accepted), sum(rejected), sum(completed),
       sum(completed_on_time), sum(working_days_sum), sum(granted), sum(refused), sum(withdrawn), sum(ratings),
       sum(rating_sum), sum(poor_ratings)
  from cases.monthly_tally
 group by 1, 2, 3;
