import { type Client, createRequest, type RequestPolicy, useQuery } from '@urql/vue';
import { computed, type Ref } from 'vue';
import type { LocationQuery } from 'vue-router';
import { dashboardVariables, firstLoadOperations, previousWindowVariables } from '../first-load';
import { graphql, useFragment } from '../gql';
import type { BetaPhase } from '../gql/graphql';
import { isEmptyWindow, type PreviousWindow } from '../kpi-cards';
import type { DashboardParams } from '../window';

/**
 * The four KPIs' summary figures: what the cards, the compare table and the previous window ask.
 * One selection, so a field added to a card is asked by every page that shows it.
 */
export const KpiSummariesFragment = graphql(/* GraphQL */ `
  fragment KpiSummaries on KpiReport {
    cdr {
      rate
      sessions
      dependentSessions
    }
    resurrection {
      rate
      resurrectedUsers
      activeUsers
      viaContextUsers
    }
    dauWau {
      dau
      avgDau
      wau
      mau
      stickiness
    }
    paidConversion {
      rate
      conversions
      eligibleUsers
      cancellations
      paidUsersAtEnd
    }
  }
`);

/** The four KPIs' daily series: what the charts draw (`KPI_CHARTS`). */
export const KpiSeriesFragment = graphql(/* GraphQL */ `
  fragment KpiSeries on KpiReport {
    cdr {
      series {
        day
        rate
        sessions
        dependentSessions
      }
    }
    resurrection {
      series {
        day
        resurrectedUsers
        activeUsers
      }
    }
    dauWau {
      series {
        day
        dau
        wau
        mau
      }
    }
    paidConversion {
      series {
        day
        conversions
        cancellations
      }
    }
  }
`);

/**
 * The window's cards and charts. The previous window (same length, just before), for the cards'
 * changes, is its own query, asked once this one has answered (`PreviousWindowQuery`).
 */
const BetaDashboardQuery = graphql(/* GraphQL */ `
  query BetaDashboard($days: Int!, $asOf: DateTime!, $phase: BetaPhase!, $channel: Channel) {
    current: kpis(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {
      ...KpiSummaries
      ...KpiSeries
    }
  }
`);

/**
 * The previous window's summaries: asked after the window's own answer, not beside it, so that
 * the numbers come first. Both windows' KPI reads cost PostgreSQL about the same; asked together
 * on the 2-core reference machine, the cards waited for both (bench:dashboard).
 */
const PreviousWindowQuery = graphql(/* GraphQL */ `
  query PreviousWindow($days: Int!, $asOf: DateTime!, $phase: BetaPhase!, $channel: Channel) {
    previous: kpis(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {
      ...KpiSummaries
    }
  }
`);

/**
 * Where the phase's data lies: asked when a window comes back empty, and when the URL names no
 * as-of day (an ended phase then opens on its last window).
 */
export const PhaseRangeQuery = graphql(/* GraphQL */ `
  query PhaseRange($phase: BetaPhase!) {
    phaseRange(phase: $phase) {
      firstDay
      lastDay
    }
  }
`);

/** Keys of the operations the first page load sent before its view was there. */
const prefetched = new Set<number>();

/**
 * The first load of a beta page sends the page's first queries from the router (main.ts) while
 * the view's chunk still downloads, so the answer's wait starts before the chunk load and the
 * first render instead of after them; and on a stored token, the first-load script in
 * index.html sent them even before the bundle ran, so the client takes its answers
 * (first-load.ts). The view takes that answer (`useBetaDashboard`: the same operation key, asked
 * cache-first once, shares the request in flight or reads its cached answer) instead of asking
 * again.
 */
export function prefetchBetaDashboard(
  client: Client,
  phase: BetaPhase,
  query: LocationQuery,
): void {
  for (const operation of firstLoadOperations(phase, query)) {
    const request =
      operation.operationName === 'BetaDashboard'
        ? createRequest(BetaDashboardQuery, operation.variables)
        : createRequest(PhaseRangeQuery, operation.variables);
    prefetched.add(request.key);
    void client
      .query(request.query, request.variables, { requestPolicy: 'network-only' })
      .toPromise();
  }
}

/** Cache-first for an operation the first page load sent already (once), else `otherwise`. */
function policyAfterPrefetch(key: number, otherwise: RequestPolicy): RequestPolicy {
  return prefetched.delete(key) ? 'cache-first' : otherwise;
}

/**
 * Whether a query's last operation asked these variables: urql keeps the last answer (or error)
 * on screen while the next window's loads.
 */
function asked(
  query: { operation: Ref<{ variables?: unknown } | undefined> },
  variables: object,
): boolean {
  return JSON.stringify(query.operation.value?.variables) === JSON.stringify(variables);
}

export function useBetaDashboard(
  phase: Ref<BetaPhase>,
  params: Ref<DashboardParams>,
  explicitAsOf: Ref<boolean>,
) {
  const variables = () => dashboardVariables(phase.value, params.value);
  const kpis = useQuery({
    query: BetaDashboardQuery,
    variables,
    // evaluated again only when the variables change: a later window asks the network
    requestPolicy: () =>
      policyAfterPrefetch(createRequest(BetaDashboardQuery, variables()).key, 'cache-and-network'),
  });
  const current = computed(() => kpis.data.value != null && asked(kpis, variables()));
  const previousVariables = () => previousWindowVariables(phase.value, params.value);
  const before = useQuery({
    query: PreviousWindowQuery,
    variables: previousVariables,
    pause: computed(() => !current.value),
    requestPolicy: 'cache-and-network',
  });
  /** The previous window's answer (or failure) for the window asked now, if there is one yet. */
  const previousAsked = computed(() => asked(before, previousVariables()));
  /** The current window's summaries and series; the previous window's, once they answer. */
  const data = computed(() => {
    const d = kpis.data.value;
    if (!d) return null;
    const answer = previousAsked.value ? before.data.value?.previous : undefined;
    const previous: PreviousWindow = answer
      ? useFragment(KpiSummariesFragment, answer)
      : previousAsked.value && before.error.value
        ? 'failed'
        : 'comparing';
    return {
      current: useFragment(KpiSummariesFragment, d.current),
      series: useFragment(KpiSeriesFragment, d.current),
      previous,
    };
  });
  const empty = computed(() => (data.value ? isEmptyWindow(data.value.current) : false));
  const range = useQuery({
    query: PhaseRangeQuery,
    variables: () => ({ phase: phase.value }),
    pause: computed(() => !empty.value && explicitAsOf.value),
    requestPolicy: () =>
      policyAfterPrefetch(
        createRequest(PhaseRangeQuery, { phase: phase.value }).key,
        'cache-first',
      ),
  });
  return {
    data,
    fetching: kpis.fetching,
    /** Whether `data` answers the window asked now (urql keeps the last answer while the next loads). */
    current,
    error: computed(() => kpis.error.value?.message ?? null),
    /** Why the previous window, for the cards' changes, did not load (the numbers still show). */
    previousError: computed(() =>
      previousAsked.value ? (before.error.value?.message ?? null) : null,
    ),
    empty,
    /** The phase's first and last day, once asked (null before). */
    range: computed(() => range.data.value?.phaseRange ?? null),
    rangeFailed: computed(() => range.error.value != null),
    phaseRange: computed(() => (empty.value ? (range.data.value?.phaseRange ?? null) : null)),
  };
}
