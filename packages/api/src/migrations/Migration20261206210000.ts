import { Migration } from '@mikro-orm/migrations';

/**
 * Alert rules and their notifications (docs/alerts.md): the rules, their webhook destinations,
 * the last evaluations, and the durable outbox of deliveries with every attempt. A state change
 * and its outbox rows are written in one transaction, so a delivery survives a crash between
 * the change and the POST. Ids are UUIDs made by the server (no identity columns), and on a
 * Citus coordinator all five tables are reference tables: a few rows per rule, no user column
 * (docs/scale-out.md). No foreign keys: Citus would convert the tables along the key graph,
 * which it refuses in the transaction that distributed the telemetry tables (a fresh database
 * migrates in one); deleting a rule deletes its rows itself. Frozen: plain SQL only.
 */
const TABLES = [
  'alert_rules',
  'alert_destinations',
  'alert_evaluations',
  'alert_deliveries',
  'alert_delivery_attempts',
] as const;

export class Migration20261206210000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table alert_rules (
      id uuid primary key,
      name text not null,
      kind text not null,
      metric text,
      phase text,
      channel text,
      days int,
      condition text,
      threshold double precision,
      change_mode text,
      include_today boolean not null default false,
      only_critical boolean not null default false,
      schedule text not null,
      state text not null default 'ok',
      notified_state text not null default 'ok',
      snoozed_until timestamptz,
      last_value double precision,
      last_checked_at timestamptz,
      next_check_at timestamptz not null,
      errors_seen_until timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );`);
    this.addSql('create index alert_rules_next_check_idx on alert_rules (next_check_at);');
    this.addSql(`create table alert_destinations (
      id uuid primary key,
      rule_id uuid not null,
      position int not null,
      url text not null,
      format text not null,
      secret text not null
    );`);
    this.addSql('create index alert_destinations_rule_idx on alert_destinations (rule_id);');
    this.addSql(`create table alert_evaluations (
      id uuid primary key,
      rule_id uuid not null,
      evaluated_at timestamptz not null,
      state text not null,
      value double precision,
      previous_value double precision,
      message text not null
    );`);
    this.addSql(
      'create index alert_evaluations_rule_idx on alert_evaluations (rule_id, evaluated_at desc);',
    );
    this.addSql(`create table alert_deliveries (
      id uuid primary key,
      rule_id uuid not null,
      destination_id uuid not null,
      kind text not null,
      body text not null,
      status text not null default 'pending',
      attempts int not null default 0,
      created_at timestamptz not null,
      next_attempt_at timestamptz not null,
      give_up_at timestamptz not null,
      finished_at timestamptz
    );`);
    this.addSql(
      "create index alert_deliveries_due_idx on alert_deliveries (next_attempt_at) where status = 'pending';",
    );
    this.addSql(
      'create index alert_deliveries_rule_idx on alert_deliveries (rule_id, created_at desc);',
    );
    this.addSql(`create table alert_delivery_attempts (
      id uuid primary key,
      delivery_id uuid not null,
      attempted_at timestamptz not null,
      status_code int,
      error text
    );`);
    this.addSql(
      'create index alert_delivery_attempts_delivery_idx on alert_delivery_attempts (delivery_id, attempted_at);',
    );
    this.addSql(`do $$
begin
  if exists (select 1 from pg_extension where extname = 'citus') then
${TABLES.map((t) => `    perform create_reference_table('${t}');`).join('\n')}
  end if;
end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists ${[...TABLES].reverse().join(', ')};`);
  }
}
