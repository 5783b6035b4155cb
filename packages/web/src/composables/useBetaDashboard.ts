import { useQuery } from '@urql/vue';
import { computed, type Ref } from 'vue';
import { graphql } from '../gql';
import type { BetaPhase, Channel } from '../gql/graphql';
import { isEmptyWindow } from '../kpi-cards';
import { asOfInstant, type DashboardParams, previousAsOf } from '../window';

/**
 * Cards and charts of both windows in one round trip: the current window in full, the previous
 * one (same length, just before) for the cards' changes. Two aliases, far under the API's
 * alias limit.
 */
const BetaDashboardQuery = graphql(/* GraphQL */ `
  query BetaDashboard(
    $days: Int!
    $asOf: DateTime!
    $previousAsOf: DateTime!
    $phase: BetaPhase!
    $channel: Channel
  ) {
    current: kpis(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {
      window {
        from
        to
        days
      }
      cdr {
        rate
        sessions
        dependentSessions
        series {
          day
          rate
          sessions
          dependentSessions
        }
      }
      resurrection {
        rate
        resurrectedUsers
        activeUsers
        viaContextUsers
        series {
          day
          resurrectedUsers
          activeUsers
        }
      }
      dauWau {
        dau
        avgDau
        wau
        mau
        stickiness
        series {
          day
          dau
          wau
          mau
        }
      }
      paidConversion {
        rate
        conversions
        eligibleUsers
        cancellations
        paidUsersAtEnd
        series {
          day
          conversions
          cancellations
        }
      }
    }
    previous: kpis(days: $days, asOf: $previousAsOf, phase: $phase, channel: $channel) {
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
  }
`);

/** Only asked when a window comes back empty: where the phase's data lies. */
export const PhaseRangeQuery = graphql(/* GraphQL */ `
  query PhaseRange($phase: BetaPhase!) {
    phaseRange(phase: $phase) {
      firstDay
      lastDay
    }
  }
`);

export const toChannel = (channel: string | null) =>
  channel ? (channel.toUpperCase() as Channel) : null;

export function useBetaDashboard(phase: Ref<BetaPhase>, params: Ref<DashboardParams>) {
  const kpis = useQuery({
    query: BetaDashboardQuery,
    variables: () => ({
      days: params.value.days,
      asOf: asOfInstant(params.value.asOf),
      previousAsOf: asOfInstant(previousAsOf(params.value.days, params.value.asOf)),
      phase: phase.value,
      channel: toChannel(params.value.channel),
    }),
    requestPolicy: 'cache-and-network',
  });
  const empty = computed(() => {
    const current = kpis.data.value?.current;
    return current ? isEmptyWindow(current) : false;
  });
  const range = useQuery({
    query: PhaseRangeQuery,
    variables: () => ({ phase: phase.value }),
    pause: computed(() => !empty.value),
  });
  return {
    data: computed(() => kpis.data.value),
    fetching: kpis.fetching,
    error: computed(() => kpis.error.value?.message ?? null),
    empty,
    phaseRange: computed(() => (empty.value ? (range.data.value?.phaseRange ?? null) : null)),
  };
}
