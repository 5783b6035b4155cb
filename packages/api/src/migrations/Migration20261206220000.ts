import { Migration } from '@mikro-orm/migrations';

/**
 * Annotations (docs/api.md#annotations): dated notes every daily chart shows as a marker. A few
 * rows in all and no user column, so on a Citus coordinator the table is a reference table (a
 * copy on every node), like the failed items; the id is a uuid given by the server, not an
 * identity column, so the table can be undistributed again. Frozen: plain SQL only.
 */
export class Migration20261206220000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table annotations (
      id uuid primary key,
      day date not null,
      text text not null check (char_length(text) between 1 and 200),
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index annotations_day_idx on annotations (day, created_at);');
    this.addSql(`do $$
begin
  if exists (select 1 from pg_extension where extname = 'citus') then
    if not exists (select 1 from pg_dist_partition where logicalrelid = 'annotations'::regclass) then
      perform create_reference_table('annotations');
    end if;
  end if;
end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists annotations;');
  }
}
