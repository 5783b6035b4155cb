import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type AnalyticsApi, ApiError, request } from './api.js';
import {
  compareArgs,
  errorGroupArgs,
  errorGroupsArgs,
  funnelArgs,
  kpiArgs,
  lifecycleArgs,
  retentionArgs,
  toDateTime,
  traceStatsArgs,
} from './args.js';
import {
  ClosedBetaRangeDocument,
  CompareBetasDocument,
  ErrorGroupDocument,
  ErrorGroupsDocument,
  FunnelDocument,
  KpisDocument,
  LifecycleDocument,
  RetentionDocument,
  TraceDailyStatsDocument,
  TraceStatsDocument,
} from './documents.js';
import type { McpKpiReportFragment } from './gql/graphql.js';
import {
  errorGroupSummary,
  errorGroupsSummary,
  funnelSummary,
  kpiFigures,
  kpisSummary,
  lifecycleSummary,
  retentionSummary,
  traceStatsSummary,
  windowText,
} from './summaries.js';

/**
 * The read-only tools. Each answers the API's numbers as JSON (`structuredContent`, and the same
 * JSON as text for clients that only read text) after a one-line summary; an error the API
 * answers becomes a tool error carrying its code.
 */

const answer = (summary: string, data: Record<string, unknown>): CallToolResult => ({
  content: [
    { type: 'text', text: summary },
    { type: 'text', text: JSON.stringify(data) },
  ],
  structuredContent: data,
});

const failure = (error: ApiError): CallToolResult => ({
  content: [{ type: 'text', text: `${error.code}: ${error.message}` }],
  structuredContent: { error: { code: error.code, message: error.message } },
  isError: true,
});

const guarded =
  <A>(run: (args: A) => Promise<CallToolResult>) =>
  async (args: A): Promise<CallToolResult> => {
    try {
      return await run(args);
    } catch (error) {
      if (error instanceof ApiError) return failure(error);
      throw error;
    }
  };

const readOnly = { readOnlyHint: true, destructiveHint: false, openWorldHint: false };

const scopeText = (phase?: string, channel?: string) =>
  `${phase ? phase.toLowerCase().replace('_', ' ') : 'both betas'}, ${channel ? channel.toLowerCase() : 'all channels'}`;

/** open − closed, or null when either side has no value. */
const difference = (open: number | null, closed: number | null) =>
  open == null || closed == null ? null : open - closed;

const differences = (closed: McpKpiReportFragment, open: McpKpiReportFragment) => ({
  cdrRate: difference(open.cdr.rate, closed.cdr.rate),
  resurrectionRate: difference(open.resurrection.rate, closed.resurrection.rate),
  avgDau: difference(open.dauWau.avgDau, closed.dauWau.avgDau),
  stickiness: difference(open.dauWau.stickiness, closed.dauWau.stickiness),
  paidConversionRate: difference(open.paidConversion.rate, closed.paidConversion.rate),
});

export function registerAnalyticsTools(server: McpServer, api: AnalyticsApi): void {
  server.registerTool(
    'get_kpis',
    {
      title: 'KPIs',
      description:
        'The four product KPIs over one window of whole UTC days (the `kpis` GraphQL field; definitions in docs/kpis.md): Context Dependency Rate, Resurrection (7 idle days), DAU/WAU/MAU with stickiness, Paid Conversion. Rates are fractions in [0, 1], null when there is nothing to divide by.',
      inputSchema: kpiArgs,
      annotations: readOnly,
    },
    guarded(async ({ days, asOf, phase, channel, series }) => {
      const { kpis } = await request(api, KpisDocument, {
        days,
        asOf: toDateTime(asOf),
        phase,
        channel,
        series,
      });
      return answer(kpisSummary(kpis, scopeText(phase, channel)), { kpis });
    }),
  );

  server.registerTool(
    'compare_betas',
    {
      title: 'Closed beta vs open beta',
      description:
        "The closed beta's last `days` days of data beside the open beta's `days` days up to `asOf` (the dashboard's /compare): both KPI reports and the open − closed difference of each rate and of average DAU.",
      inputSchema: compareArgs,
      annotations: readOnly,
    },
    guarded(async ({ days, asOf, channel, series }) => {
      const { phaseRange } = await request(api, ClosedBetaRangeDocument, {});
      if (!phaseRange.lastDay) {
        return answer('The closed beta has no events yet: nothing to compare.', {
          closedBeta: phaseRange,
          closed: null,
          open: null,
          difference: null,
        });
      }
      const { closed, open } = await request(api, CompareBetasDocument, {
        days,
        closedAsOf: toDateTime(phaseRange.lastDay) as string,
        openAsOf: toDateTime(asOf),
        channel,
        series,
      });
      const summary = `Closed beta ${windowText(closed.window)}: ${kpiFigures(closed)}. Open beta ${windowText(open.window)}: ${kpiFigures(open)}.`;
      return answer(summary, {
        closedBeta: phaseRange,
        closed,
        open,
        difference: differences(closed, open),
      });
    }),
  );

  server.registerTool(
    'list_error_groups',
    {
      title: 'Error groups',
      description:
        'Errors grouped by stack hash, the most frequent first (the `errorGroups` GraphQL field): type, a sample message, count, users affected, first/last seen, worst severity. The window is [from, to), by default the last 30 days.',
      inputSchema: errorGroupsArgs,
      annotations: readOnly,
    },
    guarded(async ({ from, to, ...filters }) => {
      const { errorGroups } = await request(api, ErrorGroupsDocument, {
        ...filters,
        from: toDateTime(from),
        to: toDateTime(to),
      });
      return answer(errorGroupsSummary(errorGroups), { errorGroups });
    }),
  );

  server.registerTool(
    'get_error_group',
    {
      title: 'One error group',
      description:
        'One error group (a `stackHash` from list_error_groups): its count per UTC day of the window (`errorDailyCounts`, zeros included) and its latest occurrences with stack traces (`errors`, newest first). The window is [from, to), by default the last 30 days.',
      inputSchema: errorGroupArgs,
      annotations: readOnly,
    },
    guarded(async ({ stackHash, latest, from, to, channel, phase }) => {
      const data = await request(api, ErrorGroupDocument, {
        stackHash,
        latest: latest ?? 10,
        from: toDateTime(from),
        to: toDateTime(to),
        channel,
        phase,
      });
      const daily = data.errorDailyCounts[0]?.series ?? [];
      const total = daily.reduce((sum, d) => sum + d.count, 0);
      const { nodes, pageInfo } = data.errors;
      const activeDays = daily.filter((d) => d.count > 0).length;
      return answer(errorGroupSummary(stackHash, total, activeDays, nodes), {
        stackHash,
        total,
        daily,
        latest: nodes,
        moreOccurrences: pageInfo.hasNextPage,
      });
    }),
  );

  server.registerTool(
    'get_trace_stats',
    {
      title: 'Trace stats',
      description:
        'Per operation: trace count, success rate and latency p50/p95/p99/max in ms, the busiest first (the `traceStats` GraphQL field). With `operationName`, also that operation per UTC day (`traceDailyStats`). The window is [from, to), by default the last 30 days.',
      inputSchema: traceStatsArgs,
      annotations: readOnly,
    },
    guarded(async ({ from, to, ...filters }) => {
      const window = { from: toDateTime(from), to: toDateTime(to) };
      const { traceStats } = await request(api, TraceStatsDocument, { ...filters, ...window });
      const { operationName, channel, phase } = filters;
      const daily =
        operationName === undefined
          ? undefined
          : (
              await request(api, TraceDailyStatsDocument, {
                operationName,
                channel,
                phase,
                ...window,
              })
            ).traceDailyStats;
      return answer(traceStatsSummary(traceStats), { traceStats, ...(daily ? { daily } : {}) });
    }),
  );

  server.registerTool(
    'get_retention',
    {
      title: 'Retention cohorts',
      description:
        'Retention cohorts (the `retention` GraphQL field; docs/kpis.md section 5): one cohort per UTC day or ISO week starting in the window, oldest first, each with its size and values[k] = cohort users active (or doing returnEvent) k periods later; `incomplete` marks a row whose last period is still filling up; `average` is the size-weighted mean curve (null where no cohort has users).',
      inputSchema: retentionArgs,
      annotations: readOnly,
    },
    guarded(async ({ asOf, ...args }) => {
      const { retention } = await request(api, RetentionDocument, {
        ...args,
        asOf: toDateTime(asOf),
      });
      return answer(retentionSummary(retention, scopeText(args.phase, args.channel)), {
        retention,
      });
    }),
  );

  server.registerTool(
    'get_lifecycle',
    {
      title: 'Lifecycle',
      description:
        'Users per UTC day or ISO week starting in the window, by where they stand (the `lifecycle` GraphQL field; docs/kpis.md section 6): `new` (first-ever activity in this period), `returning` (active now and in the period before), `resurrecting` (active now, not in the period before, active earlier), `active` = the three together, and `dormant` (active in the period before, not now; a positive count).',
      inputSchema: lifecycleArgs,
      annotations: readOnly,
    },
    guarded(async ({ asOf, ...args }) => {
      const { lifecycle } = await request(api, LifecycleDocument, {
        ...args,
        asOf: toDateTime(asOf),
      });
      return answer(lifecycleSummary(lifecycle, scopeText(args.phase, args.channel)), {
        lifecycle,
      });
    }),
  );

  server.registerTool(
    'get_funnel',
    {
      title: 'Funnel',
      description:
        'A conversion funnel of 2–6 catalog events (the `funnel` GraphQL field; docs/kpis.md section 7): a user enters with their earliest first step in the window, and each next step is the earliest such event at or after the previous one and within windowDays × 24 h of entry. Per step: users reaching it, conversion from the first and from the previous step (fractions, null when divided by 0), and the median seconds from the previous step.',
      inputSchema: funnelArgs,
      annotations: readOnly,
    },
    guarded(async ({ asOf, ...args }) => {
      const { funnel } = await request(api, FunnelDocument, { ...args, asOf: toDateTime(asOf) });
      return answer(funnelSummary(funnel, scopeText(args.phase, args.channel)), { funnel });
    }),
  );
}
