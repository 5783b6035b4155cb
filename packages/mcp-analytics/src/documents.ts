import { graphql } from './gql/index.js';

/**
 * Every GraphQL document the MCP server sends, one per tool. Their argument lists are the
 * schema's own (packages/schema/schema.graphql); codegen checks them against it and types
 * their variables and answers (`./gql`), so a schema change that breaks a tool fails typecheck.
 */

export const KpisDocument = graphql(/* GraphQL */ `
  query McpKpis(
    $days: Int
    $asOf: DateTime
    $phase: BetaPhase
    $channel: Channel
    $series: Boolean!
  ) {
    kpis(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {
      ...McpKpiReport
    }
  }
`);

export const KpiReportFragment = graphql(/* GraphQL */ `
  fragment McpKpiReport on KpiReport {
    window {
      from
      to
      days
    }
    cdr {
      rate
      sessions
      dependentSessions
      series @include(if: $series) {
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
      inactiveDays
      series @include(if: $series) {
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
      series @include(if: $series) {
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
      series @include(if: $series) {
        day
        conversions
        cancellations
      }
    }
  }
`);

export const ClosedBetaRangeDocument = graphql(/* GraphQL */ `
  query McpClosedBetaRange {
    phaseRange(phase: CLOSED_BETA) {
      firstDay
      lastDay
    }
  }
`);

export const CompareBetasDocument = graphql(/* GraphQL */ `
  query McpCompareBetas(
    $days: Int
    $closedAsOf: DateTime!
    $openAsOf: DateTime
    $channel: Channel
    $series: Boolean!
  ) {
    closed: kpis(days: $days, asOf: $closedAsOf, phase: CLOSED_BETA, channel: $channel) {
      ...McpKpiReport
    }
    open: kpis(days: $days, asOf: $openAsOf, phase: OPEN_BETA, channel: $channel) {
      ...McpKpiReport
    }
  }
`);

export const ErrorGroupsDocument = graphql(/* GraphQL */ `
  query McpErrorGroups(
    $first: Int
    $from: DateTime
    $to: DateTime
    $channel: Channel
    $phase: BetaPhase
    $severity: [Severity!]
    $errorType: String
    $userIdHash: String
    $sessionId: String
  ) {
    errorGroups(
      first: $first
      from: $from
      to: $to
      channel: $channel
      phase: $phase
      severity: $severity
      errorType: $errorType
      userIdHash: $userIdHash
      sessionId: $sessionId
    ) {
      stackHash
      errorType
      sampleMessage
      count
      usersAffected
      firstSeen
      lastSeen
      worstSeverity
    }
  }
`);

export const ErrorGroupDocument = graphql(/* GraphQL */ `
  query McpErrorGroup(
    $stackHash: String!
    $latest: Int
    $from: DateTime
    $to: DateTime
    $channel: Channel
    $phase: BetaPhase
  ) {
    errorDailyCounts(stackHash: $stackHash, from: $from, to: $to, channel: $channel, phase: $phase) {
      series {
        day
        count
      }
    }
    errors(
      stackHash: $stackHash
      first: $latest
      from: $from
      to: $to
      channel: $channel
      phase: $phase
    ) {
      nodes {
        id
        timestamp
        severity
        errorType
        errorMessage
        stackTrace
        relatedEventName
        userIdHash
        sessionId
        channel
        phase
        clientVersion
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

export const TraceStatsDocument = graphql(/* GraphQL */ `
  query McpTraceStats(
    $from: DateTime
    $to: DateTime
    $channel: Channel
    $phase: BetaPhase
    $operationName: String
    $userIdHash: String
    $sessionId: String
  ) {
    traceStats(
      from: $from
      to: $to
      channel: $channel
      phase: $phase
      operationName: $operationName
      userIdHash: $userIdHash
      sessionId: $sessionId
    ) {
      operationName
      count
      successRate
      p50
      p95
      p99
      max
    }
  }
`);

export const TraceDailyStatsDocument = graphql(/* GraphQL */ `
  query McpTraceDailyStats(
    $operationName: String!
    $from: DateTime
    $to: DateTime
    $channel: Channel
    $phase: BetaPhase
  ) {
    traceDailyStats(
      operationName: $operationName
      from: $from
      to: $to
      channel: $channel
      phase: $phase
    ) {
      day
      count
      successRate
      p50
      p95
      p99
      max
    }
  }
`);

export const RetentionDocument = graphql(/* GraphQL */ `
  query McpRetention(
    $period: RetentionPeriod
    $intervals: Int
    $type: RetentionType
    $startEvent: CortexEventName
    $returnEvent: CortexEventName
    $days: Int
    $asOf: DateTime
    $phase: BetaPhase
    $channel: Channel
  ) {
    retention(
      period: $period
      intervals: $intervals
      type: $type
      startEvent: $startEvent
      returnEvent: $returnEvent
      days: $days
      asOf: $asOf
      phase: $phase
      channel: $channel
    ) {
      window {
        from
        to
        days
      }
      period
      intervals
      type
      startEvent
      returnEvent
      cohorts {
        start
        size
        values
        incomplete
      }
      average {
        values
      }
    }
  }
`);

export const LifecycleDocument = graphql(/* GraphQL */ `
  query McpLifecycle(
    $period: RetentionPeriod
    $days: Int
    $asOf: DateTime
    $phase: BetaPhase
    $channel: Channel
  ) {
    lifecycle(period: $period, days: $days, asOf: $asOf, phase: $phase, channel: $channel) {
      window {
        from
        to
        days
      }
      period
      periods {
        start
        new
        returning
        resurrecting
        dormant
        active
      }
    }
  }
`);

export const FunnelDocument = graphql(/* GraphQL */ `
  query McpFunnel(
    $steps: [CortexEventName!]!
    $windowDays: Int
    $days: Int
    $asOf: DateTime
    $phase: BetaPhase
    $channel: Channel
  ) {
    funnel(
      steps: $steps
      windowDays: $windowDays
      days: $days
      asOf: $asOf
      phase: $phase
      channel: $channel
    ) {
      window {
        from
        to
        days
      }
      windowDays
      steps {
        eventName
        users
        conversionFromStart
        conversionFromPrevious
        medianSecondsFromPrevious
      }
    }
  }
`);
