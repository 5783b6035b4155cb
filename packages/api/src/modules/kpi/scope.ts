/**
 * A filter as its day-set scope: an absent filter is the '*' scope, not a wildcard match. The
 * `:phase` / `:channel` values are the KpiFilter's own.
 */
export const scopeSql = (alias = '') =>
  `${alias}phase_key = coalesce(:phase::text, '*') and ${alias}channel_key = coalesce(:channel::text, '*')`;
