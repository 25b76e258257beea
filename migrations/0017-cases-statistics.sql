-- Statistics and supervision at scale (src/modules/cases/statistics*.ts, supervision*.ts, docs/cases.md).
--
-- cases.daily_tally has a row per day, centre, department and item that saw anything: at a thousand
-- cases a day over hundreds of items that is as many rows as there are cases, so a dashboard over a
-- year or more cannot sum it in time. The same counts per calendar month are kept beside it, by a
-- trigger, in the same transaction as every tally change: a period reads its whole months here and
-- only the days of the months it cuts at either end from daily_tally.
create table cases.monthly_tally (
  month            date not null check (extract(day from month) = 1),
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
  primary key (month, centre_code, department_code, item_code)
);
create index monthly_tally_department_idx on cases.monthly_tally (department_code, month);
create index monthly_tally_centre_idx on cases.monthly_tally (centre_code, month);

-- Adds what a daily_tally row gained (its new counts less its old ones) to its month.
create function cases.daily_tally_roll_up() returns trigger
language plpgsql as $$
begin
  insert into cases.monthly_tally as m (month, centre_code, department_code, item_code, submitted, accepted,
      rejected, completed, completed_on_time, working_days_sum, granted, refused, withdrawn, ratings, rating_sum,
      poor_ratings)
  values (date_trunc('month', new.day)::date, new.centre_code, new.department_code, new.item_code,
      new.submitted - coalesce(old.submitted, 0), new.accepted - coalesce(old.accepted, 0),
      new.rejected - coalesce(old.rejected, 0), new.completed - coalesce(old.completed, 0),
      new.completed_on_time - coalesce(old.completed_on_time, 0),
      new.working_days_sum - coalesce(old.working_days_sum, 0), new.granted - coalesce(old.granted, 0),
      new.refused - coalesce(old.refused, 0), new.withdrawn - coalesce(old.withdrawn, 0),
      new.ratings - coalesce(old.ratings, 0), new.rating_sum - coalesce(old.rating_sum, 0),
      new.poor_ratings - coalesce(old.poor_ratings, 0))
  on conflict (month, centre_code, department_code, item_code) do update set
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

-- A tally row only ever grows in place (addToTally); moving one to another day or unit is not a thing.
create trigger daily_tally_roll_up
  after insert or update on cases.daily_tally
  for each row execute function cases.daily_tally_roll_up();

insert into cases.monthly_tally (month, centre_code, department_code, item_code, submitted, accepted, rejected,
    completed, completed_on_time, working_days_sum, granted, refused, withdrawn, ratings, rating_sum, poor_ratings)
select date_trunc('month', day)::date, centre_code, department_code, item_code, sum(submitted), sum(accepted),
       sum(rejected), sum(completed), sum(completed_on_time), sum(working_days_sum), sum(granted), sum(refused),
       sum(withdrawn), sum(ratings), sum(rating_sum), sum(poor_ratings)
  from cases.daily_tally
 group by 1, 2, 3, 4;

-- The supervision overview counts the lights of the cases in handling per department or centre: one
-- index-only scan of the few thousand open ones, never the million closed.
create index case_in_handling_idx on cases."case" (department_code, centre_code, status, due_on, warn_on)
  where status in ('accepted', 'decided', 'supplement', 'special');
