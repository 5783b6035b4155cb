import { Migration } from '@mikro-orm/migrations';

/**
 * The comeback day set (docs/kpis.md, "Where the numbers come from"; modules/kpi/comeback-days
 * .sql.ts): per scope and user, the days they came back after at least 7 idle days, linked to
 * their previous comeback, as kpi_days rows of kind 'comeback' with their histogram in
 * kpi_day_links. Resurrection's distinct users (the default k = 7) were a distinct count over
 * every comeback row of the window — the cost of `kpis(days: 30)` at 10M events; with the links
 * they are a histogram sum like WAU's.
 *
 * A new kind in the existing tables, not a table of its own: kpi_days is already distributed by
 * user_id_hash and colocated with telemetry_events on Citus (Migration20261128000000), and
 * kpi_day_links is a reference table, so the comeback rows live on the user's shard group with
 * the active days they follow from, and erasing a user (which reads the user's kpi_days rows
 * to correct the histogram) covers them too. Backfilled from the folded active rows, which
 * pending facts do not change: the fold derives comebacks from the rows it re-links. The index
 * serves resurrection's read of the window's comeback rows by scope and day; the tables are
 * analyzed at the end, so plans see the new rows.
 * Frozen: plain SQL only (the comeback rule inlined: previous active day real and ≤ day − 8).
 */
export class Migration20261207300000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`insert into kpi_days (kind, phase_key, channel_key, user_id_hash, session_id,
      day, prev_day)
    select 'comeback', phase_key, channel_key, user_id_hash, '', day,
      coalesce(lag(day) over (partition by user_id_hash, phase_key, channel_key order by day),
        '-infinity'::date)
    from kpi_days
    where kind = 'active' and prev_day > '-infinity'::date and prev_day <= day - 8;`);
    this.addSql(`insert into kpi_day_links (kind, phase_key, channel_key, day, prev_day, subjects)
    select kind, phase_key, channel_key, day, prev_day, count(*)
    from kpi_days where kind = 'comeback'
    group by 1, 2, 3, 4, 5;`);
    this.addSql(`create index kpi_days_comeback_scope_day_idx on kpi_days
      (phase_key, channel_key, day) include (user_id_hash) where kind = 'comeback';`);
    // statistics that know the new rows: a read that joins them by the planner's old estimate
    // (no comeback rows at all) loops over every comeback day of the scope. Not on Citus: an
    // analyze of distributed tables cannot follow the writes above in one transaction, and the
    // workers' autovacuum analyzes their shards themselves
    this.addSql(`do $$
begin
  if not exists (select 1 from pg_extension where extname = 'citus') then
    analyze kpi_days, kpi_day_links;
  end if;
end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists kpi_days_comeback_scope_day_idx;');
    this.addSql("delete from kpi_day_links where kind = 'comeback';");
    this.addSql("delete from kpi_days where kind = 'comeback';");
  }
}
