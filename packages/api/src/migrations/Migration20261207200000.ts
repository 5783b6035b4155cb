import { Migration } from '@mikro-orm/migrations';

/**
 * Alert rules on one error group's count (`errorGroup.count`, with the group's stack hash) or one
 * operation's trace p95 (`trace.p95Ms`, with the operation's name), docs/alerts.md#metrics.
 * Columns rather than a table: alert_rules is a reference table on Citus (Migration20261206210000)
 * and `alter table … add column` runs there as on PostgreSQL. The weekly digest is a rule kind
 * with schedule `weekly`, both plain text already. Frozen: plain SQL only.
 */
export class Migration20261207200000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table alert_rules
      add column stack_hash text null,
      add column operation text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table alert_rules
      drop column if exists operation,
      drop column if exists stack_hash;`);
  }
}
