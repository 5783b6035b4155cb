import { Migration } from '@mikro-orm/migrations';

/**
 * Autovacuum sooner on the tables KPI reads scan index-only (docs/scale-out.md#vacuum). A KPI
 * read of recent days finds them on pages the fold and ingest changed since the last vacuum, whose
 * visibility-map bits are cleared: every row of such a page costs a heap visit. PostgreSQL's
 * defaults vacuum after a fifth of a table changed (3.6M rows of kpi_days at 10M events), so the
 * recent days — the ones every dashboard reads — stay that way for days. Measured at 10M events
 * after folding 100k more: `resurrection(days: 30)` 51 → 33 ms p50 and `kpis(days: 30)` p95
 * 103 → 79 ms once kpi_days was vacuumed. Here: after 1% (kpi_days, telemetry_events) or 5%
 * (the small, hot histograms) of the rows changed or were inserted. On Citus the settings reach
 * every shard. Frozen: plain SQL only.
 */
export class Migration20261209100000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table kpi_days set (autovacuum_vacuum_scale_factor = 0.01,
      autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02);`);
    this.addSql(`alter table telemetry_events set (autovacuum_vacuum_scale_factor = 0.02,
      autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);`);
    this.addSql(`alter table kpi_day_links set (autovacuum_vacuum_scale_factor = 0.05,
      autovacuum_vacuum_insert_scale_factor = 0.05);`);
    this.addSql(`alter table kpi_cohort_cells set (autovacuum_vacuum_scale_factor = 0.05,
      autovacuum_vacuum_insert_scale_factor = 0.05);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table kpi_days reset (autovacuum_vacuum_scale_factor,
      autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor);`);
    this.addSql(`alter table telemetry_events reset (autovacuum_vacuum_scale_factor,
      autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor);`);
    this.addSql(`alter table kpi_day_links reset (autovacuum_vacuum_scale_factor,
      autovacuum_vacuum_insert_scale_factor);`);
    this.addSql(`alter table kpi_cohort_cells reset (autovacuum_vacuum_scale_factor,
      autovacuum_vacuum_insert_scale_factor);`);
  }
}
