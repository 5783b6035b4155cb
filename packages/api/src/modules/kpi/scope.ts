import type { KpiFilter } from './query.js';

/** A filter as its day-set scope: an absent filter is the '*' scope, not a wildcard match. */
export const scopeSql = (alias = '') =>
  `${alias}phase_key = coalesce(:phase::text, '*') and ${alias}channel_key = coalesce(:channel::text, '*')`;

export const scopeValues = (filter: KpiFilter) => ({
  phase: filter.phase,
  channel: filter.channel,
});
