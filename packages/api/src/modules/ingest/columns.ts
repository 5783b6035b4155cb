/**
 * The columns every pipeline table shares (docs/api.md#pipelines in docs: README "Ingest"), defined once: the
 * ingest statements, the positional row ingest builds (rows.ts, in this order) and
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

/** The columns only one pipeline has, in the order its row carries them after the common ones. */
export const PIPELINE_COLUMNS = {
  event: [
    ['event_name', 'text'],
    ['result', 'text'],
    ['duration_ms', 'integer'],
  ],
  error: [
    ['error_type', 'text'],
    ['error_message', 'text'],
    ['stack_trace', 'text'],
    ['stack_hash', 'text'],
    ['severity', 'text'],
    ['related_event_name', 'text'],
  ],
  trace: [
    ['operation_name', 'text'],
    ['duration_ms', 'double precision'],
    ['success', 'boolean'],
    ['result_count', 'integer'],
  ],
} as const;

/**
 * `(r ->> 0)::uuid as id, …`: the columns of a positional row `r` (one jsonb array per row,
 * rows.ts), in list order. `->>` reads a JSON null as SQL NULL and a string unescaped; numbers
 * come back as the text JSON wrote, so the casts read what json_to_recordset read from keys.
 * A jsonb column is taken whole (no text round trip); its JSON null is SQL NULL, as before.
 */
export const positionalColumnsSql = (columns: readonly (readonly [string, string])[]) =>
  columns
    .map(([column, type], i) => {
      if (type === 'jsonb') return `nullif(r -> ${i}, 'null') as ${quoted(column)}`;
      const text = `r ->> ${i}`;
      return `${type === 'text' ? text : `(${text})::${type}`} as ${quoted(column)}`;
    })
    .join(', ');
