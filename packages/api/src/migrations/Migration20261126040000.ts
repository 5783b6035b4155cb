import { Migration } from '@mikro-orm/migrations';

/**
 * The three pipelines (docs/api.md#pipelines) and the failed-items store (docs/api.md#ingest-rules).
 * Primary keys lead with `user_id_hash` so the tables can later be distributed by user
 * (Citus) without changing keys; the client's id is the idempotency key within a user.
 */
export class Migration20261126040000 extends Migration {
  override async up(): Promise<void> {
    const common = `
      id uuid not null,
      "timestamp" timestamptz not null,
      received_at timestamptz not null default now(),
      user_id_hash text not null,
      user_tier text null,
      is_paid_user boolean not null,
      session_id text not null default '',
      channel text not null,
      phase text not null,
      project_id text null,
      branch_id text null,
      context_id text null,
      client_version text null,
      metadata jsonb null`;

    this.addSql(`create table telemetry_events (${common},
      event_name text not null,
      result text not null default 'success',
      duration_ms integer null check (duration_ms >= 0),
      primary key (user_id_hash, id));`);
    this.addSql(
      'create index telemetry_events_timestamp_idx on telemetry_events ("timestamp", id);',
    );
    this.addSql(
      'create index telemetry_events_name_timestamp_idx on telemetry_events (event_name, "timestamp");',
    );
    this.addSql(
      'create index telemetry_events_user_timestamp_idx on telemetry_events (user_id_hash, "timestamp");',
    );

    this.addSql(`create table telemetry_errors (${common},
      error_type text not null,
      error_message text not null,
      stack_trace text null,
      stack_hash text not null,
      severity text not null,
      related_event_name text null,
      primary key (user_id_hash, id));`);
    this.addSql(
      'create index telemetry_errors_timestamp_idx on telemetry_errors ("timestamp", id);',
    );
    this.addSql(
      'create index telemetry_errors_stack_hash_idx on telemetry_errors (stack_hash, "timestamp");',
    );

    this.addSql(`create table telemetry_traces (${common},
      operation_name text not null,
      duration_ms double precision not null check (duration_ms >= 0),
      success boolean not null,
      result_count integer null check (result_count >= 0),
      primary key (user_id_hash, id));`);
    this.addSql(
      'create index telemetry_traces_timestamp_idx on telemetry_traces ("timestamp", id);',
    );
    this.addSql(
      'create index telemetry_traces_operation_idx on telemetry_traces (operation_name, "timestamp");',
    );

    this.addSql(`create table telemetry_failed_items (
      id bigint generated always as identity primary key,
      received_at timestamptz not null default now(),
      pipeline text not null,
      mutation text not null,
      item_index integer not null,
      reason text not null,
      payload text not null,
      payload_truncated boolean not null default false);`);
    this.addSql(
      'create index telemetry_failed_items_received_idx on telemetry_failed_items (received_at desc, id desc);',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists telemetry_failed_items;');
    this.addSql('drop table if exists telemetry_traces;');
    this.addSql('drop table if exists telemetry_errors;');
    this.addSql('drop table if exists telemetry_events;');
  }
}
