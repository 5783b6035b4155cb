import { Migration } from '@mikro-orm/migrations';

/**
 * Resurrection's "via context" count joins the window's resurrection rows with the same window's
 * resume-from-context days. Without an index of its own, that was one primary-key probe per
 * resurrection row: linear in the window's comebacks (350 ms of a 30-day window at 10M events).
 * This partial index lets the planner read the window's resumed days in one range and join them
 * by hash. Frozen: plain SQL only.
 */
export class Migration20261128010000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index kpi_days_resumed_scope_day_idx on kpi_days (phase_key, channel_key, day)
      include (user_id_hash) where kind = 'resumed' and session_id = '';`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists kpi_days_resumed_scope_day_idx;');
  }
}
