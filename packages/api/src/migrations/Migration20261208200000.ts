import { Migration } from '@mikro-orm/migrations';

/**
 * The cohort cells (docs/kpis.md, "Where the numbers come from"; modules/kpi/cohort-cells.sql.ts):
 * per scope, period length (1 = UTC day, 7 = ISO week) and (cohort, period), the users whose
 * first-ever active day is in `cohort` and who are active in `period`. First-time activity
 * retention reads these few hundred cells instead of joining every user's first period with every
 * active period of the window (the cost of `retention(WEEK, 12)` at 10M events).
 *
 * A small global aggregate like kpi_day_links, so a reference table on Citus. Backfilled from the
 * folded active rows; pending facts are the fold's to add. Frozen: plain SQL only.
 */
export class Migration20261208200000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table kpi_cohort_cells (
      phase_key text not null,
      channel_key text not null,
      period_days smallint not null,
      cohort date not null,
      period date not null,
      users integer not null,
      primary key (phase_key, channel_key, period_days, cohort, period));`);
    this.addSql(`do $$
begin
  if exists (select 1 from pg_extension where extname = 'citus') then
    perform create_reference_table('kpi_cohort_cells');
  end if;
end $$;`);
    this.addSql(`insert into kpi_cohort_cells (phase_key, channel_key, period_days, cohort, period,
      users)
    select phase_key, channel_key, p.period_days, date_trunc(p.unit, first_day::timestamp)::date,
      date_trunc(p.unit, day::timestamp)::date, count(distinct user_id_hash)
    from (
      select phase_key, channel_key, user_id_hash, day,
        min(day) over (partition by user_id_hash, phase_key, channel_key) as first_day
      from kpi_days where kind = 'active'
    ) as d
    cross join (values (1, 'day'), (7, 'week')) as p(period_days, unit)
    group by 1, 2, 3, 4, 5;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists kpi_cohort_cells;');
  }
}
