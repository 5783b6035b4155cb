/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Beta phase; stamped from `OPEN_BETA_STARTS_AT` when the client does not say. */
export type BetaPhase =
  /** The closed beta. */
  | 'CLOSED_BETA'
  /** The open beta. */
  | 'OPEN_BETA';

/** Where the event came from. */
export type Channel =
  /** The Cortex extension. */
  | 'EXTENSION'
  /** The Cortex server. */
  | 'SERVER'
  /** The Cortex web. */
  | 'WEB';

/** The 17 events of the Cortex catalog (docs/api.md#the-event-catalog); stored as the lower-case wire value. */
export type CortexEventName =
  /** Wire value `context_auto_created`. */
  | 'CONTEXT_AUTO_CREATED'
  /** Wire value `context_created`. */
  | 'CONTEXT_CREATED'
  /** Wire value `context_deleted`. */
  | 'CONTEXT_DELETED'
  /** Wire value `context_loaded`. */
  | 'CONTEXT_LOADED'
  /** Wire value `context_merged`. */
  | 'CONTEXT_MERGED'
  /** Wire value `context_modified`. */
  | 'CONTEXT_MODIFIED'
  /** Wire value `context_override_manual`. */
  | 'CONTEXT_OVERRIDE_MANUAL'
  /** Wire value `context_protection_blocked`. */
  | 'CONTEXT_PROTECTION_BLOCKED'
  /** Wire value `context_protection_triggered`. */
  | 'CONTEXT_PROTECTION_TRIGGERED'
  /** Wire value `context_resumed`. */
  | 'CONTEXT_RESUMED'
  /** Wire value `extension_activated`. */
  | 'EXTENSION_ACTIVATED'
  /** Wire value `paid_subscription_canceled`. */
  | 'PAID_SUBSCRIPTION_CANCELED'
  /** Wire value `paid_subscription_started`. */
  | 'PAID_SUBSCRIPTION_STARTED'
  /** Wire value `server_operation_called`. */
  | 'SERVER_OPERATION_CALLED'
  /** Wire value `session_resumed_from_context`. */
  | 'SESSION_RESUMED_FROM_CONTEXT'
  /** Wire value `session_started`. */
  | 'SESSION_STARTED'
  /** Wire value `web_view_opened`. */
  | 'WEB_VIEW_OPENED';

/** The period of retention and lifecycle rows: a UTC day, or an ISO week (Monday 00:00 UTC). */
export type RetentionPeriod =
  /** A UTC calendar day. */
  | 'DAY'
  /** An ISO week: Monday 00:00 UTC to the next Monday. */
  | 'WEEK';

/** Which start puts a user in a cohort. */
export type RetentionType =
  /** A user is in one cohort: the period of their first-ever start (activity, or startEvent) in scope. */
  | 'FIRST_TIME'
  /** A user is in the cohort of every period in which they started. */
  | 'RECURRING';

/** Severity of an error. */
export type Severity =
  /** Severity `critical`. */
  | 'CRITICAL'
  /** Severity `error`. */
  | 'ERROR'
  /** Severity `info`. */
  | 'INFO'
  /** Severity `warning`. */
  | 'WARNING';

export type McpKpisQueryVariables = Exact<{
  days?: number | null | undefined;
  asOf?: string | null | undefined;
  phase?: BetaPhase | null | undefined;
  channel?: Channel | null | undefined;
  series: boolean;
}>;


export type McpKpisQuery = { kpis: { window: { from: string, to: string, days: number }, cdr: { rate: number | null, sessions: number, dependentSessions: number, series?: Array<{ day: string, rate: number | null, sessions: number, dependentSessions: number }> }, resurrection: { rate: number | null, resurrectedUsers: number, activeUsers: number, viaContextUsers: number, inactiveDays: number, series?: Array<{ day: string, resurrectedUsers: number, activeUsers: number }> }, dauWau: { dau: number, avgDau: number, wau: number, mau: number, stickiness: number | null, series?: Array<{ day: string, dau: number, wau: number, mau: number }> }, paidConversion: { rate: number | null, conversions: number, eligibleUsers: number, cancellations: number, paidUsersAtEnd: number, series?: Array<{ day: string, conversions: number, cancellations: number }> } } };

export type McpKpiReportFragment = { window: { from: string, to: string, days: number }, cdr: { rate: number | null, sessions: number, dependentSessions: number, series?: Array<{ day: string, rate: number | null, sessions: number, dependentSessions: number }> }, resurrection: { rate: number | null, resurrectedUsers: number, activeUsers: number, viaContextUsers: number, inactiveDays: number, series?: Array<{ day: string, resurrectedUsers: number, activeUsers: number }> }, dauWau: { dau: number, avgDau: number, wau: number, mau: number, stickiness: number | null, series?: Array<{ day: string, dau: number, wau: number, mau: number }> }, paidConversion: { rate: number | null, conversions: number, eligibleUsers: number, cancellations: number, paidUsersAtEnd: number, series?: Array<{ day: string, conversions: number, cancellations: number }> } };

export type McpClosedBetaRangeQueryVariables = Exact<{ [key: string]: never; }>;


export type McpClosedBetaRangeQuery = { phaseRange: { firstDay: string | null, lastDay: string | null } };

export type McpCompareBetasQueryVariables = Exact<{
  days?: number | null | undefined;
  closedAsOf: string;
  openAsOf?: string | null | undefined;
  channel?: Channel | null | undefined;
  series: boolean;
}>;


export type McpCompareBetasQuery = { closed: { window: { from: string, to: string, days: number }, cdr: { rate: number | null, sessions: number, dependentSessions: number, series?: Array<{ day: string, rate: number | null, sessions: number, dependentSessions: number }> }, resurrection: { rate: number | null, resurrectedUsers: number, activeUsers: number, viaContextUsers: number, inactiveDays: number, series?: Array<{ day: string, resurrectedUsers: number, activeUsers: number }> }, dauWau: { dau: number, avgDau: number, wau: number, mau: number, stickiness: number | null, series?: Array<{ day: string, dau: number, wau: number, mau: number }> }, paidConversion: { rate: number | null, conversions: number, eligibleUsers: number, cancellations: number, paidUsersAtEnd: number, series?: Array<{ day: string, conversions: number, cancellations: number }> } }, open: { window: { from: string, to: string, days: number }, cdr: { rate: number | null, sessions: number, dependentSessions: number, series?: Array<{ day: string, rate: number | null, sessions: number, dependentSessions: number }> }, resurrection: { rate: number | null, resurrectedUsers: number, activeUsers: number, viaContextUsers: number, inactiveDays: number, series?: Array<{ day: string, resurrectedUsers: number, activeUsers: number }> }, dauWau: { dau: number, avgDau: number, wau: number, mau: number, stickiness: number | null, series?: Array<{ day: string, dau: number, wau: number, mau: number }> }, paidConversion: { rate: number | null, conversions: number, eligibleUsers: number, cancellations: number, paidUsersAtEnd: number, series?: Array<{ day: string, conversions: number, cancellations: number }> } } };

export type McpErrorGroupsQueryVariables = Exact<{
  first?: number | null | undefined;
  from?: string | null | undefined;
  to?: string | null | undefined;
  channel?: Channel | null | undefined;
  phase?: BetaPhase | null | undefined;
  severity?: Array<Severity> | Severity | null | undefined;
  errorType?: string | null | undefined;
  userIdHash?: string | null | undefined;
  sessionId?: string | null | undefined;
}>;


export type McpErrorGroupsQuery = { errorGroups: Array<{ stackHash: string, errorType: string, sampleMessage: string, count: number, usersAffected: number, firstSeen: string, lastSeen: string, worstSeverity: Severity }> };

export type McpErrorGroupQueryVariables = Exact<{
  stackHash: string;
  latest?: number | null | undefined;
  from?: string | null | undefined;
  to?: string | null | undefined;
  channel?: Channel | null | undefined;
  phase?: BetaPhase | null | undefined;
}>;


export type McpErrorGroupQuery = { errorDailyCounts: Array<{ series: Array<{ day: string, count: number }> }>, errors: { nodes: Array<{ id: string, timestamp: string, severity: Severity, errorType: string, errorMessage: string, stackTrace: string | null, relatedEventName: CortexEventName | null, userIdHash: string, sessionId: string, channel: Channel, phase: BetaPhase, clientVersion: string | null }>, pageInfo: { hasNextPage: boolean } } };

export type McpTraceStatsQueryVariables = Exact<{
  from?: string | null | undefined;
  to?: string | null | undefined;
  channel?: Channel | null | undefined;
  phase?: BetaPhase | null | undefined;
  operationName?: string | null | undefined;
  userIdHash?: string | null | undefined;
  sessionId?: string | null | undefined;
}>;


export type McpTraceStatsQuery = { traceStats: Array<{ operationName: string, count: number, successRate: number, p50: number, p95: number, p99: number, max: number }> };

export type McpTraceDailyStatsQueryVariables = Exact<{
  operationName: string;
  from?: string | null | undefined;
  to?: string | null | undefined;
  channel?: Channel | null | undefined;
  phase?: BetaPhase | null | undefined;
}>;


export type McpTraceDailyStatsQuery = { traceDailyStats: Array<{ day: string, count: number, successRate: number, p50: number, p95: number, p99: number, max: number }> };

export type McpRetentionQueryVariables = Exact<{
  period?: RetentionPeriod | null | undefined;
  intervals?: number | null | undefined;
  type?: RetentionType | null | undefined;
  startEvent?: CortexEventName | null | undefined;
  returnEvent?: CortexEventName | null | undefined;
  days?: number | null | undefined;
  asOf?: string | null | undefined;
  phase?: BetaPhase | null | undefined;
  channel?: Channel | null | undefined;
}>;


export type McpRetentionQuery = { retention: { period: RetentionPeriod, intervals: number, type: RetentionType, startEvent: CortexEventName | null, returnEvent: CortexEventName | null, window: { from: string, to: string, days: number }, cohorts: Array<{ start: string, size: number, values: Array<number>, incomplete: boolean }>, average: { values: Array<number | null> } } };

export type McpLifecycleQueryVariables = Exact<{
  period?: RetentionPeriod | null | undefined;
  days?: number | null | undefined;
  asOf?: string | null | undefined;
  phase?: BetaPhase | null | undefined;
  channel?: Channel | null | undefined;
}>;


export type McpLifecycleQuery = { lifecycle: { period: RetentionPeriod, window: { from: string, to: string, days: number }, periods: Array<{ start: string, new: number, returning: number, resurrecting: number, dormant: number, active: number }> } };

export type McpFunnelQueryVariables = Exact<{
  steps: Array<CortexEventName> | CortexEventName;
  windowDays?: number | null | undefined;
  days?: number | null | undefined;
  asOf?: string | null | undefined;
  phase?: BetaPhase | null | undefined;
  channel?: Channel | null | undefined;
}>;


export type McpFunnelQuery = { funnel: { windowDays: number, window: { from: string, to: string, days: number }, steps: Array<{ eventName: CortexEventName, users: number, conversionFromStart: number | null, conversionFromPrevious: number | null, medianSecondsFromPrevious: number | null }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const McpKpiReportFragmentDoc = new TypedDocumentString(`
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
    `, {"fragmentName":"McpKpiReport"}) as unknown as TypedDocumentString<McpKpiReportFragment, unknown>;
export const McpKpisDocument = new TypedDocumentString(`
    query McpKpis($days: Int, $asOf: DateTime, $phase: BetaPhase, $channel: Channel, $series: Boolean!) {
  kpis(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {
    ...McpKpiReport
  }
}
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
}`) as unknown as TypedDocumentString<McpKpisQuery, McpKpisQueryVariables>;
export const McpClosedBetaRangeDocument = new TypedDocumentString(`
    query McpClosedBetaRange {
  phaseRange(phase: CLOSED_BETA) {
    firstDay
    lastDay
  }
}
    `) as unknown as TypedDocumentString<McpClosedBetaRangeQuery, McpClosedBetaRangeQueryVariables>;
export const McpCompareBetasDocument = new TypedDocumentString(`
    query McpCompareBetas($days: Int, $closedAsOf: DateTime!, $openAsOf: DateTime, $channel: Channel, $series: Boolean!) {
  closed: kpis(
    days: $days
    asOf: $closedAsOf
    phase: CLOSED_BETA
    channel: $channel
  ) {
    ...McpKpiReport
  }
  open: kpis(days: $days, asOf: $openAsOf, phase: OPEN_BETA, channel: $channel) {
    ...McpKpiReport
  }
}
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
}`) as unknown as TypedDocumentString<McpCompareBetasQuery, McpCompareBetasQueryVariables>;
export const McpErrorGroupsDocument = new TypedDocumentString(`
    query McpErrorGroups($first: Int, $from: DateTime, $to: DateTime, $channel: Channel, $phase: BetaPhase, $severity: [Severity!], $errorType: String, $userIdHash: String, $sessionId: String) {
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
    `) as unknown as TypedDocumentString<McpErrorGroupsQuery, McpErrorGroupsQueryVariables>;
export const McpErrorGroupDocument = new TypedDocumentString(`
    query McpErrorGroup($stackHash: String!, $latest: Int, $from: DateTime, $to: DateTime, $channel: Channel, $phase: BetaPhase) {
  errorDailyCounts(
    stackHash: $stackHash
    from: $from
    to: $to
    channel: $channel
    phase: $phase
  ) {
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
    `) as unknown as TypedDocumentString<McpErrorGroupQuery, McpErrorGroupQueryVariables>;
export const McpTraceStatsDocument = new TypedDocumentString(`
    query McpTraceStats($from: DateTime, $to: DateTime, $channel: Channel, $phase: BetaPhase, $operationName: String, $userIdHash: String, $sessionId: String) {
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
    `) as unknown as TypedDocumentString<McpTraceStatsQuery, McpTraceStatsQueryVariables>;
export const McpTraceDailyStatsDocument = new TypedDocumentString(`
    query McpTraceDailyStats($operationName: String!, $from: DateTime, $to: DateTime, $channel: Channel, $phase: BetaPhase) {
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
    `) as unknown as TypedDocumentString<McpTraceDailyStatsQuery, McpTraceDailyStatsQueryVariables>;
export const McpRetentionDocument = new TypedDocumentString(`
    query McpRetention($period: RetentionPeriod, $intervals: Int, $type: RetentionType, $startEvent: CortexEventName, $returnEvent: CortexEventName, $days: Int, $asOf: DateTime, $phase: BetaPhase, $channel: Channel) {
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
    `) as unknown as TypedDocumentString<McpRetentionQuery, McpRetentionQueryVariables>;
export const McpLifecycleDocument = new TypedDocumentString(`
    query McpLifecycle($period: RetentionPeriod, $days: Int, $asOf: DateTime, $phase: BetaPhase, $channel: Channel) {
  lifecycle(
    period: $period
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
    `) as unknown as TypedDocumentString<McpLifecycleQuery, McpLifecycleQueryVariables>;
export const McpFunnelDocument = new TypedDocumentString(`
    query McpFunnel($steps: [CortexEventName!]!, $windowDays: Int, $days: Int, $asOf: DateTime, $phase: BetaPhase, $channel: Channel) {
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
    `) as unknown as TypedDocumentString<McpFunnelQuery, McpFunnelQueryVariables>;