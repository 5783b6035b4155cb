import type { EventName } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import { filterSql, KPI_SETTINGS, type KpiFilter } from '../kpi/query.js';
import type { KpiWindow } from '../shared/window.js';

/*
 * docs/kpis.md#7-funnel--where-do-they-drop-off-on-the-way-to-value — Funnel. "A user enters
 * with their earliest `steps[0]` event inside the window. Each next step is matched greedily:
 * the earliest event of that step at or after the previous step's matched time, and no later
 * than `windowDays` × 24 h after the entry. A user who reaches step i is counted at every step
 * ≤ i. Ties: an event at exactly the previous step's timestamp counts (≥), and one at exactly
 * entry + `windowDays` × 24 h too; each event matches one step. The median of an even count is
 * the mean of the two middle values."
 *
 * The window's events of the steps' names, numbered per user in (timestamp, id) order (`seq`),
 * then one CTE per step: each reached user's earliest candidate. "Earliest" is the least `seq`
 * and so also the least timestamp; "each event matches one step" matters only when a name
 * repeats, and greedy matching uses that name's events in `seq` order, so a step whose name an
 * earlier step j had takes only events after step j's (`seq > seq_j`). Plain joins and groups by
 * user (no lateral LIMIT, which Citus cannot run), so the matching stays per user. Answers one
 * row per step: users reaching it and the median seconds from the previous step's match.
 */
const sql = (steps: readonly EventName[]) => {
  const cols = (i: number) => Array.from({ length: i + 1 }, (_, j) => `p.at${j}, p.seq${j}`);
  const stepCtes = steps.slice(1).map((name, index) => {
    const i = index + 1;
    const earlier = steps.slice(0, i).lastIndexOf(name);
    return `
s${i} as (
  select p.user_id_hash, ${cols(i - 1).join(', ')}, min(e.at) as at${i}, min(e.seq) as seq${i}
  from s${i - 1} p
  join step_events e on e.user_id_hash = p.user_id_hash and e.event_name = :step${i}
    and e.at >= p.at${i - 1} and e.at <= p.at0 + :windowDays::int * interval '24 hours'
    ${earlier >= 0 ? `and e.seq > p.seq${earlier}` : ''}
  group by p.user_id_hash, ${cols(i - 1).join(', ')}
)`;
  });
  const counts = steps.map((_, i) =>
    i === 0
      ? 'select 0 as step, count(*)::int as users, null::float8 as median_seconds from s0'
      : `select ${i}, count(*)::int,
    percentile_cont(0.5) within group (order by extract(epoch from at${i} - at${i - 1})::float8)
  from s${i}`,
  );
  return `
with step_events as (
  select user_id_hash, event_name, "timestamp" as at,
    row_number() over (partition by user_id_hash order by "timestamp", id) as seq
  from telemetry_events
  where event_name in (${steps.map((_, i) => `:step${i}`).join(', ')})
    and "timestamp" >= :windowStart::timestamptz and "timestamp" < :windowEnd::timestamptz
    and ${filterSql()}
),
s0 as (
  select user_id_hash, min(at) as at0, min(seq) as seq0
  from step_events where event_name = :step0
  group by user_id_hash
),${stepCtes.join(',')}
${counts.join('\nunion all\n')}
order by step`;
};

export interface FunnelRow {
  step: number;
  users: number;
  /** Null for step 0 and for a step nobody reached. */
  median_seconds: number | null;
}

export const getFunnel = (
  em: EntityManager,
  window: KpiWindow,
  steps: readonly EventName[],
  windowDays: number,
  filter: KpiFilter,
) =>
  runSql<FunnelRow>(
    em,
    sql(steps),
    {
      ...Object.fromEntries(steps.map((name, i) => [`step${i}`, name])),
      windowStart: window.from.toISOString(),
      windowEnd: window.to.toISOString(),
      windowDays,
      ...filter,
    },
    { name: 'getFunnel', read: true, settings: KPI_SETTINGS },
  );
