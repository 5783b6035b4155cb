/**
 * The columns every pipeline table shares (docs/api.md#pipelines in docs: README "Ingest"), defined once: the
 * ingest statements, the row ingest builds (`commonRow`, checked against this list by type) and
 * the analyst lists' select all derive from it. Migrations keep their own frozen copy, as they
 * must; the ORM entity declares them for its metadata (telemetry.entity.ts).
 */
export const COMMON_COLUMNS = [
  ['id', 'uuid'],
  ['timestamp', 'timestamptz'],
  ['user_id_hash', 'text'],
  ['user_tier', 'text'],
  ['is_paid_user', 'boolean'],
  ['session_id', 'text'],
  ['channel', 'text'],
  ['phase', 'text'],
  ['project_id', 'text'],
  ['branch_id', 'text'],
  ['context_id', 'text'],
  ['client_version', 'text'],
  ['metadata', 'jsonb'],
  // which scrubbing rules changed the item (docs/privacy.md); null when none did
  ['scrub_rules', 'text[]'],
] as const;

export type CommonColumn = (typeof COMMON_COLUMNS)[number][0];

/** `timestamp` is a keyword; every other name is a plain identifier. */
export const quoted = (column: string) => (column === 'timestamp' ? '"timestamp"' : column);

/** `id, "timestamp", user_id_hash, …`, optionally with an expression per column. */
export const commonColumnsSql = (expression: Partial<Record<CommonColumn, string>> = {}) =>
  COMMON_COLUMNS.map(([column]) => expression[column] ?? quoted(column)).join(', ');

/** `id uuid, "timestamp" timestamptz, …`: a json_to_recordset column definition list. */
export const commonRecordsetSql = () =>
  COMMON_COLUMNS.map(([column, type]) => `${quoted(column)} ${type}`).join(', ');
