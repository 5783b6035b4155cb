import { Migration } from '@mikro-orm/migrations';

/**
 * Share links (docs/api.md#share-links): an admin's read-only link to one dashboard page. Only
 * the SHA-256 of the token is stored (hex), so a copy of the database opens no dashboard; the
 * token itself is answered once, when the link is made. A few rows and no user column, so on a
 * Citus coordinator the table is a reference table, like the annotations. Frozen: plain SQL only.
 */
export class Migration20261207100000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table share_links (
      id uuid primary key,
      token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
      path text not null check (char_length(path) between 1 and 2000),
      label text null check (char_length(label) between 1 and 100),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz null
    );`);
    this.addSql('create index share_links_created_idx on share_links (created_at, id);');
    this.addSql(`do $$
begin
  if exists (select 1 from pg_extension where extname = 'citus') then
    if not exists (select 1 from pg_dist_partition where logicalrelid = 'share_links'::regclass) then
      perform create_reference_table('share_links');
    end if;
  end if;
end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists share_links;');
  }
}
