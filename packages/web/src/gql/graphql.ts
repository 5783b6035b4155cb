/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** How INCREASE/DECREASE measure a change. */
export type AlertChangeMode =
  /** In the metric’s own unit (0.05 = five points of a rate). */
  | 'ABSOLUTE'
  /** As a fraction of the previous value (0.2 = 20%). */
  | 'RELATIVE';

/** When a metric rule fires. */
export type AlertCondition =
  /** The value is strictly above the threshold. */
  | 'ABOVE'
  /** The value is strictly below the threshold. */
  | 'BELOW'
  /** The value fell by at least the threshold against the previous window of the same length. */
  | 'DECREASE'
  /** The value rose by at least the threshold against the previous window of the same length. */
  | 'INCREASE';

/** What a delivery announces. */
export type AlertDeliveryKind =
  /** The rule started firing. */
  | 'FIRING'
  /** A new error group. */
  | 'NEW_ERROR_GROUP'
  /** The rule resolved. */
  | 'RESOLVED'
  /** A test (`sendTestNotification`). */
  | 'TEST'
  /** The weekly digest. */
  | 'WEEKLY_DIGEST';

/** Where a delivery stands. */
export type AlertDeliveryStatus =
  /** A 2xx answer. */
  | 'DELIVERED'
  /** Given up: a non-retryable answer, or 24 h of retries. */
  | 'FAILED'
  /** Queued or waiting for a retry. */
  | 'PENDING';

/** What a destination receives. */
export type AlertDestinationFormat =
  /** The documented JSON payload (docs/alerts.md#payload). */
  | 'JSON'
  /** A Slack-compatible `{"text": …}` message. */
  | 'SLACK';

/** A webhook: http(s), public addresses only unless ALERT_ALLOW_PRIVATE_URLS=1. */
export type AlertDestinationInput = {
  /** Default JSON. */
  format?: AlertDestinationFormat | null | undefined;
  /** An existing destination of the rule, to keep it (and its secret). */
  id?: string | number | null | undefined;
  /** Signing key, 16+ characters; generated when absent. */
  secret?: string | null | undefined;
  /** Where to POST. */
  url: string;
};

/** A rule as a whole (create, and update replaces every field). */
export type AlertRuleInput = {
  /** INCREASE/DECREASE; default ABSOLUTE. */
  changeMode?: AlertChangeMode | null | undefined;
  /** Only this channel. */
  channel?: Channel | null | undefined;
  /** METRIC: when it fires. */
  condition?: AlertCondition | null | undefined;
  /** Window length in UTC days, 1–366 (default 7). */
  days?: number | null | undefined;
  /** 1–10 webhooks. */
  destinations: Array<AlertDestinationInput>;
  /** End the window today (incomplete) instead of yesterday. */
  includeToday?: boolean | null | undefined;
  /** Default METRIC. */
  kind?: AlertRuleKind | null | undefined;
  /** METRIC: one of cdr.rate, cdr.sessions, cdr.dependentSessions, resurrection.rate, resurrection.resurrectedUsers, resurrection.activeUsers, resurrection.viaContextUsers, dauWau.dau, dauWau.avgDau, dauWau.wau, dauWau.mau, dauWau.stickiness, paidConversion.rate, paidConversion.conversions, paidConversion.eligibleUsers, paidConversion.cancellations, paidConversion.paidUsersAtEnd, errorGroup.count, trace.p95Ms. */
  metric?: string | null | undefined;
  /** 1–200 characters. */
  name: string;
  /** NEW_ERROR_GROUP: only CRITICAL first occurrences. */
  onlyCritical?: boolean | null | undefined;
  /** Required for metric `trace.p95Ms` (and only for it): the operation name. */
  operation?: string | null | undefined;
  /** Only this phase. */
  phase?: BetaPhase | null | undefined;
  /** Default HOURLY; WEEKLY_DIGEST rules run (only) WEEKLY. */
  schedule?: AlertSchedule | null | undefined;
  /** Send nothing before this instant. */
  snoozedUntil?: string | null | undefined;
  /** Required for metric `errorGroup.count` (and only for it): the stack hash. */
  stackHash?: string | null | undefined;
  /** METRIC: the value or change. */
  threshold?: number | null | undefined;
};

/** What a rule watches. */
export type AlertRuleKind =
  /** A metric (a KPI summary field, an error group’s count, an operation’s trace p95) against a threshold or its previous window. */
  | 'METRIC'
  /** Fires once for every stack hash seen for the first time. */
  | 'NEW_ERROR_GROUP'
  /** Sends, every Monday 08:00 UTC, both betas’ four KPIs for the last 7 days with their change, the top 5 error groups and the slowest operations. */
  | 'WEEKLY_DIGEST';

/** When a rule is evaluated (UTC). */
export type AlertSchedule =
  /** Every day at 01:00 UTC. */
  | 'DAILY'
  /** At every full hour. */
  | 'HOURLY'
  /** Every Monday at 08:00 UTC (WEEKLY_DIGEST rules only). */
  | 'WEEKLY';

/** What a rule is now. */
export type AlertState =
  /** The last check could not read the metric. */
  | 'ERRORED'
  /** The condition holds. */
  | 'FIRING'
  /** The condition does not hold. */
  | 'OK'
  /** Checked, but nothing is sent until `snoozedUntil`. */
  | 'SNOOZED';

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

/** Where a rejected item was headed: a catalog pipeline, or `LEGACY` for v1 payloads. */
export type FailedItemPipeline =
  /** Wire value `error`. */
  | 'ERROR'
  /** Wire value `event`. */
  | 'EVENT'
  /** Wire value `legacy`. */
  | 'LEGACY'
  /** Wire value `trace`. */
  | 'TRACE';

/** The failed items to replay, as `failedItems` filters them. */
export type FailedItemsFilter = {
  /** Received at or after. */
  from?: string | null | undefined;
  /** Only this pipeline. */
  pipeline?: FailedItemPipeline | null | undefined;
  /** Received before. */
  to?: string | null | undefined;
};

/** A pipeline of the live feed. */
export type LivePipeline =
  /** The errors table. */
  | 'ERROR'
  /** The events table. */
  | 'EVENT'
  /** The traces table. */
  | 'TRACE';

/** What came of sending a failed item again (`replayFailedItems`). */
export type ReplayResult =
  /** It passes the rules now and was stored. */
  | 'ACCEPTED'
  /** It passes the rules now, and its idempotency key was already stored. */
  | 'DUPLICATE'
  /** It still breaks a rule; `reason` says which. */
  | 'FAILED';

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

/** Whether a share link still opens its page. */
export type ShareLinkState =
  /** It opens its page. */
  | 'ACTIVE'
  /** Past `expiresAt`: answers SHARE_LINK_EXPIRED. */
  | 'EXPIRED'
  /** Revoked by an admin: answers SHARE_LINK_REVOKED. */
  | 'REVOKED';

/** Column the tester table is sorted by (ties: by user hash). */
export type TesterSort =
  /** By active_days. */
  | 'ACTIVE_DAYS'
  /** By cdr. */
  | 'CDR'
  /** By first_seen. */
  | 'FIRST_SEEN'
  /** By last_seen. */
  | 'LAST_SEEN'
  /** By paid. */
  | 'PAID'
  /** By sessions. */
  | 'SESSIONS'
  /** By user. */
  | 'USER';

/** The kinds of bearer token (docs/api.md#access). */
export type TokenKind =
  | 'ADMIN'
  | 'INGEST'
  | 'SHARE'
  | 'VIEWER';

export type PreviewAlertRuleQueryVariables = Exact<{
  rule: AlertRuleInput;
}>;


export type PreviewAlertRuleQuery = { previewAlertRule: { state: AlertState, value: number | null, previousValue: number | null, message: string, window: { from: string, to: string, days: number } | null, points: Array<{ windowEnd: string, value: number | null }> } };

export type AlertRuleDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type AlertRuleDetailQuery = { alertRule: { id: string, name: string, kind: AlertRuleKind, metric: string | null, stackHash: string | null, operation: string | null, phase: BetaPhase | null, channel: Channel | null, days: number | null, condition: AlertCondition | null, threshold: number | null, changeMode: AlertChangeMode | null, schedule: AlertSchedule, includeToday: boolean, onlyCritical: boolean, snoozedUntil: string | null, state: AlertState, lastValue: number | null, lastCheckedAt: string | null, nextCheckAt: string, destinations: Array<{ id: string, url: string, format: AlertDestinationFormat, secret: string }>, evaluations: Array<{ evaluatedAt: string, state: AlertState, value: number | null, previousValue: number | null, message: string }>, deliveries: Array<{ id: string, kind: AlertDeliveryKind, status: AlertDeliveryStatus, createdAt: string, nextAttemptAt: string, destinationId: string, attempts: Array<{ attemptedAt: string, statusCode: number | null, error: string | null }> }> } | null };

export type CheckAlertRuleMutationVariables = Exact<{
  id: string | number;
}>;


export type CheckAlertRuleMutation = { checkAlertRule: { state: AlertState, value: number | null, previousValue: number | null, message: string, notified: boolean, evaluatedAt: string } };

export type SendTestNotificationMutationVariables = Exact<{
  id: string | number;
}>;


export type SendTestNotificationMutation = { sendTestNotification: Array<{ id: string, status: AlertDeliveryStatus }> };

export type DeleteAlertRuleMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteAlertRuleMutation = { deleteAlertRule: boolean };

export type CreateAlertRuleMutationVariables = Exact<{
  rule: AlertRuleInput;
}>;


export type CreateAlertRuleMutation = { createAlertRule: { id: string } };

export type UpdateAlertRuleMutationVariables = Exact<{
  id: string | number;
  rule: AlertRuleInput;
}>;


export type UpdateAlertRuleMutation = { updateAlertRule: { id: string } };

export type CreateAnnotationMutationVariables = Exact<{
  day: string;
  text: string;
}>;


export type CreateAnnotationMutation = { createAnnotation: { id: string } };

export type ChannelBreakdownQueryVariables = Exact<{
  days: number;
  asOf: string;
  phase: BetaPhase;
  channel?: Channel | null | undefined;
}>;


export type ChannelBreakdownQuery = { channelBreakdown: Array<{ channel: Channel, activeUsers: number, sessions: number, avgDau: number, series: Array<{ day: string, activeUsers: number, sessions: number }> }> };

export type ErrorOccurrencesQueryVariables = Exact<{
  stackHash: string;
  from: string;
  to: string;
}>;


export type ErrorOccurrencesQuery = { errors: { nodes: Array<{ id: string, timestamp: string, severity: Severity, errorType: string, errorMessage: string, stackTrace: string | null, userIdHash: string, channel: Channel, clientVersion: string | null }> } };

export type EventVolumeQueryVariables = Exact<{
  from: string;
  to: string;
  phase: BetaPhase;
  channel?: Channel | null | undefined;
}>;


export type EventVolumeQuery = { eventCounts: Array<{ eventName: CortexEventName | null, count: number, users: number }> };

export type FailedItemRow_ItemFragment = { receivedAt: string, pipeline: FailedItemPipeline, mutation: string, itemIndex: number, reason: string, payload: string, payloadTruncated: boolean, replayedAt: string | null, replays: Array<{ result: ReplayResult }> } & { ' $fragmentName'?: 'FailedItemRow_ItemFragment' };

export type FailedItemsPageQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  pipeline?: FailedItemPipeline | null | undefined;
}>;


export type FailedItemsPageQuery = { failedItems: { nodes: Array<(
      { id: string }
      & { ' $fragmentRefs'?: { 'FailedItemRow_ItemFragment': FailedItemRow_ItemFragment } }
    )>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type ReplayFailedItemsMutationVariables = Exact<{
  ids?: Array<string | number> | string | number | null | undefined;
  filter?: FailedItemsFilter | null | undefined;
}>;


export type ReplayFailedItemsMutation = { replayFailedItems: { accepted: number, duplicates: number, stillFailing: number } };

export type LifecycleQueryVariables = Exact<{
  days: number;
  asOf: string;
  phase: BetaPhase;
  channel?: Channel | null | undefined;
  period: RetentionPeriod;
}>;


export type LifecycleQuery = { lifecycle: { period: RetentionPeriod, periods: Array<{ start: string, new: number, returning: number, resurrecting: number, dormant: number }> } };

type LiveRow_Item_TelemetryError_Fragment = { __typename: 'TelemetryError', id: string, timestamp: string, receivedAt: string, userIdHash: string, userTier: string | null, isPaidUser: boolean, sessionId: string, channel: Channel, phase: BetaPhase, projectId: string | null, branchId: string | null, contextId: string | null, clientVersion: string | null, metadata: unknown, scrubRules: Array<string> | null, errorType: string, errorMessage: string, stackTrace: string | null, stackHash: string, severity: Severity, relatedEventName: CortexEventName | null } & { ' $fragmentName'?: 'LiveRow_Item_TelemetryError_Fragment' };

type LiveRow_Item_TelemetryEvent_Fragment = { __typename: 'TelemetryEvent', id: string, timestamp: string, receivedAt: string, userIdHash: string, userTier: string | null, isPaidUser: boolean, sessionId: string, channel: Channel, phase: BetaPhase, projectId: string | null, branchId: string | null, contextId: string | null, clientVersion: string | null, metadata: unknown, scrubRules: Array<string> | null, eventName: CortexEventName, result: string, eventDurationMs: number | null } & { ' $fragmentName'?: 'LiveRow_Item_TelemetryEvent_Fragment' };

type LiveRow_Item_TelemetryTrace_Fragment = { __typename: 'TelemetryTrace', id: string, timestamp: string, receivedAt: string, userIdHash: string, userTier: string | null, isPaidUser: boolean, sessionId: string, channel: Channel, phase: BetaPhase, projectId: string | null, branchId: string | null, contextId: string | null, clientVersion: string | null, metadata: unknown, scrubRules: Array<string> | null, operationName: string, durationMs: number, success: boolean, resultCount: number | null } & { ' $fragmentName'?: 'LiveRow_Item_TelemetryTrace_Fragment' };

export type LiveRow_ItemFragment =
  | LiveRow_Item_TelemetryError_Fragment
  | LiveRow_Item_TelemetryEvent_Fragment
  | LiveRow_Item_TelemetryTrace_Fragment
;

export type CreateShareLinkMutationVariables = Exact<{
  path: string;
  expiresInDays: number;
  label?: string | null | undefined;
}>;


export type CreateShareLinkMutation = { createShareLink: { id: string, url: string, expiresAt: string } };

export type ShareLinksQueryVariables = Exact<{ [key: string]: never; }>;


export type ShareLinksQuery = { shareLinks: Array<{ id: string, path: string, label: string | null, expiresAt: string, state: ShareLinkState }> };

export type RevokeShareLinkMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeShareLinkMutation = { revokeShareLink: { id: string, state: ShareLinkState, revokedAt: string | null } | null };

export type BetaTestersQueryVariables = Exact<{
  days: number;
  asOf: string;
  phase: BetaPhase;
  channel?: Channel | null | undefined;
  sort: TesterSort;
  descending: boolean;
  first: number;
  after?: string | null | undefined;
}>;


export type BetaTestersQuery = { betaTesters: { totalCount: number, nodes: Array<{ userIdHash: string, firstSeen: string, lastSeen: string, activeDays: number, sessions: number, dependentSessions: number, cdr: number | null, paidNow: boolean }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type KpiSummariesFragment = { cdr: { rate: number | null, sessions: number, dependentSessions: number }, resurrection: { rate: number | null, resurrectedUsers: number, activeUsers: number, viaContextUsers: number }, dauWau: { dau: number, avgDau: number, wau: number, mau: number, stickiness: number | null }, paidConversion: { rate: number | null, conversions: number, eligibleUsers: number, cancellations: number, paidUsersAtEnd: number } } & { ' $fragmentName'?: 'KpiSummariesFragment' };

export type KpiSeriesFragment = { cdr: { series: Array<{ day: string, rate: number | null, sessions: number, dependentSessions: number }> }, resurrection: { series: Array<{ day: string, resurrectedUsers: number, activeUsers: number }> }, dauWau: { series: Array<{ day: string, dau: number, wau: number, mau: number }> }, paidConversion: { series: Array<{ day: string, conversions: number, cancellations: number }> } } & { ' $fragmentName'?: 'KpiSeriesFragment' };

export type BetaDashboardQueryVariables = Exact<{
  days: number;
  asOf: string;
  phase: BetaPhase;
  channel?: Channel | null | undefined;
}>;


export type BetaDashboardQuery = { current: { ' $fragmentRefs'?: { 'KpiSummariesFragment': KpiSummariesFragment;'KpiSeriesFragment': KpiSeriesFragment } } };

export type PreviousWindowQueryVariables = Exact<{
  days: number;
  asOf: string;
  phase: BetaPhase;
  channel?: Channel | null | undefined;
}>;


export type PreviousWindowQuery = { previous: { ' $fragmentRefs'?: { 'KpiSummariesFragment': KpiSummariesFragment } } };

export type PhaseRangeQueryVariables = Exact<{
  phase: BetaPhase;
}>;


export type PhaseRangeQuery = { phaseRange: { firstDay: string | null, lastDay: string | null } };

export type AlertRulesQueryVariables = Exact<{ [key: string]: never; }>;


export type AlertRulesQuery = { alertRules: Array<{ id: string, name: string, kind: AlertRuleKind, metric: string | null, stackHash: string | null, operation: string | null, condition: AlertCondition | null, threshold: number | null, changeMode: AlertChangeMode | null, days: number | null, onlyCritical: boolean, state: AlertState, lastValue: number | null, lastCheckedAt: string | null, nextCheckAt: string, evaluations: Array<{ evaluatedAt: string, value: number | null }> }> };

export type AnnotationsQueryVariables = Exact<{
  from: string;
  to: string;
}>;


export type AnnotationsQuery = { annotations: Array<{ id: string, day: string, text: string }> };

export type CompareBetasQueryVariables = Exact<{
  days: number;
  closedAsOf: string;
  openAsOf: string;
}>;


export type CompareBetasQuery = { closed: { ' $fragmentRefs'?: { 'KpiSummariesFragment': KpiSummariesFragment } }, open: { ' $fragmentRefs'?: { 'KpiSummariesFragment': KpiSummariesFragment } } };

export type ErrorsOverviewQueryVariables = Exact<{
  from: string;
  to: string;
  channel?: Channel | null | undefined;
}>;


export type ErrorsOverviewQuery = { errorGroups: Array<{ stackHash: string, errorType: string, sampleMessage: string, count: number, usersAffected: number, firstSeen: string, lastSeen: string, worstSeverity: Severity }>, errorDailyCounts: Array<{ stackHash: string, series: Array<{ day: string, count: number }> }> };

export type FunnelStepsFragment = { steps: Array<{ eventName: CortexEventName, users: number, conversionFromStart: number | null, conversionFromPrevious: number | null, medianSecondsFromPrevious: number | null }> } & { ' $fragmentName'?: 'FunnelStepsFragment' };

export type FunnelPageQueryVariables = Exact<{
  days: number;
  asOf: string;
  channel?: Channel | null | undefined;
  steps: Array<CortexEventName> | CortexEventName;
  windowDays: number;
}>;


export type FunnelPageQuery = { closed: { ' $fragmentRefs'?: { 'FunnelStepsFragment': FunnelStepsFragment } }, open: { ' $fragmentRefs'?: { 'FunnelStepsFragment': FunnelStepsFragment } } };

export type LiveFeedQueryVariables = Exact<{
  first: number;
  userIdHash?: string | null | undefined;
  sessionId?: string | null | undefined;
  eventName?: Array<CortexEventName> | CortexEventName | null | undefined;
  pipeline?: Array<LivePipeline> | LivePipeline | null | undefined;
}>;


export type LiveFeedQuery = { liveFeed: { nodes: Array<
      | (
        { __typename: 'TelemetryError', id: string, userIdHash: string }
        & { ' $fragmentRefs'?: { 'LiveRow_Item_TelemetryError_Fragment': LiveRow_Item_TelemetryError_Fragment } }
      )
      | (
        { __typename: 'TelemetryEvent', id: string, userIdHash: string }
        & { ' $fragmentRefs'?: { 'LiveRow_Item_TelemetryEvent_Fragment': LiveRow_Item_TelemetryEvent_Fragment } }
      )
      | (
        { __typename: 'TelemetryTrace', id: string, userIdHash: string }
        & { ' $fragmentRefs'?: { 'LiveRow_Item_TelemetryTrace_Fragment': LiveRow_Item_TelemetryTrace_Fragment } }
      )
    > } };

export type LiveEventNamesQueryVariables = Exact<{ [key: string]: never; }>;


export type LiveEventNamesQuery = { __type: { enumValues: Array<{ name: string }> | null } | null };

export type RetentionPageQueryVariables = Exact<{
  days: number;
  asOf: string;
  channel?: Channel | null | undefined;
  period: RetentionPeriod;
  intervals: number;
  type: RetentionType;
  startEvent?: CortexEventName | null | undefined;
  returnEvent?: CortexEventName | null | undefined;
}>;


export type RetentionPageQuery = { all: { cohorts: Array<{ start: string, size: number, values: Array<number>, incomplete: boolean }>, average: { values: Array<number | null> } }, closed: { average: { values: Array<number | null> } }, open: { average: { values: Array<number | null> } } };

export type ShareLinkPageQueryVariables = Exact<{ [key: string]: never; }>;


export type ShareLinkPageQuery = { shareLink: { path: string, expiresAt: string } | null };

export type SignInCheckQueryVariables = Exact<{ [key: string]: never; }>;


export type SignInCheckQuery = { tokenKind: TokenKind };

export type TraceStatsOverviewQueryVariables = Exact<{
  from: string;
  to: string;
  channel?: Channel | null | undefined;
}>;


export type TraceStatsOverviewQuery = { traceStats: Array<{ operationName: string, count: number, successRate: number, p50: number, p95: number, p99: number, max: number }> };

export type TraceDaysQueryVariables = Exact<{
  operationName: string;
  from: string;
  to: string;
  channel?: Channel | null | undefined;
}>;


export type TraceDaysQuery = { traceDailyStats: Array<{ day: string, count: number, successRate: number, p50: number, p95: number, p99: number, max: number }> };

export const FailedItemRow_ItemFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FailedItemRow_item"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FailedItem"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"pipeline"}},{"kind":"Field","name":{"kind":"Name","value":"mutation"}},{"kind":"Field","name":{"kind":"Name","value":"itemIndex"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}},{"kind":"Field","name":{"kind":"Name","value":"payloadTruncated"}},{"kind":"Field","name":{"kind":"Name","value":"replayedAt"}},{"kind":"Field","name":{"kind":"Name","value":"replays"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"result"}}]}}]}}]} as unknown as DocumentNode<FailedItemRow_ItemFragment, unknown>;
export const LiveRow_ItemFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LiveRow_item"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LiveItem"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TelemetryRecord"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"userIdHash"}},{"kind":"Field","name":{"kind":"Name","value":"userTier"}},{"kind":"Field","name":{"kind":"Name","value":"isPaidUser"}},{"kind":"Field","name":{"kind":"Name","value":"sessionId"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"branchId"}},{"kind":"Field","name":{"kind":"Name","value":"contextId"}},{"kind":"Field","name":{"kind":"Name","value":"clientVersion"}},{"kind":"Field","name":{"kind":"Name","value":"metadata"}},{"kind":"Field","name":{"kind":"Name","value":"scrubRules"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TelemetryEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventName"}},{"kind":"Field","name":{"kind":"Name","value":"result"}},{"kind":"Field","alias":{"kind":"Name","value":"eventDurationMs"},"name":{"kind":"Name","value":"durationMs"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TelemetryError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"errorType"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"stackTrace"}},{"kind":"Field","name":{"kind":"Name","value":"stackHash"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"relatedEventName"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TelemetryTrace"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operationName"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"success"}},{"kind":"Field","name":{"kind":"Name","value":"resultCount"}}]}}]}}]} as unknown as DocumentNode<LiveRow_ItemFragment, unknown>;
export const KpiSummariesFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KpiSummaries"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"KpiReport"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cdr"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rate"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"dependentSessions"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resurrection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rate"}},{"kind":"Field","name":{"kind":"Name","value":"resurrectedUsers"}},{"kind":"Field","name":{"kind":"Name","value":"activeUsers"}},{"kind":"Field","name":{"kind":"Name","value":"viaContextUsers"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dauWau"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dau"}},{"kind":"Field","name":{"kind":"Name","value":"avgDau"}},{"kind":"Field","name":{"kind":"Name","value":"wau"}},{"kind":"Field","name":{"kind":"Name","value":"mau"}},{"kind":"Field","name":{"kind":"Name","value":"stickiness"}}]}},{"kind":"Field","name":{"kind":"Name","value":"paidConversion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rate"}},{"kind":"Field","name":{"kind":"Name","value":"conversions"}},{"kind":"Field","name":{"kind":"Name","value":"eligibleUsers"}},{"kind":"Field","name":{"kind":"Name","value":"cancellations"}},{"kind":"Field","name":{"kind":"Name","value":"paidUsersAtEnd"}}]}}]}}]} as unknown as DocumentNode<KpiSummariesFragment, unknown>;
export const KpiSeriesFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KpiSeries"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"KpiReport"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cdr"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"series"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"rate"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"dependentSessions"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"resurrection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"series"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"resurrectedUsers"}},{"kind":"Field","name":{"kind":"Name","value":"activeUsers"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"dauWau"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"series"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"dau"}},{"kind":"Field","name":{"kind":"Name","value":"wau"}},{"kind":"Field","name":{"kind":"Name","value":"mau"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"paidConversion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"series"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"conversions"}},{"kind":"Field","name":{"kind":"Name","value":"cancellations"}}]}}]}}]}}]} as unknown as DocumentNode<KpiSeriesFragment, unknown>;
export const FunnelStepsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FunnelSteps"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Funnel"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventName"}},{"kind":"Field","name":{"kind":"Name","value":"users"}},{"kind":"Field","name":{"kind":"Name","value":"conversionFromStart"}},{"kind":"Field","name":{"kind":"Name","value":"conversionFromPrevious"}},{"kind":"Field","name":{"kind":"Name","value":"medianSecondsFromPrevious"}}]}}]}}]} as unknown as DocumentNode<FunnelStepsFragment, unknown>;
export const PreviewAlertRuleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PreviewAlertRule"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"rule"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AlertRuleInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"previewAlertRule"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"rule"},"value":{"kind":"Variable","name":{"kind":"Name","value":"rule"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"previousValue"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"window"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"days"}}]}},{"kind":"Field","name":{"kind":"Name","value":"points"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"windowEnd"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]} as unknown as DocumentNode<PreviewAlertRuleQuery, PreviewAlertRuleQueryVariables>;
export const AlertRuleDetailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AlertRuleDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alertRule"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"metric"}},{"kind":"Field","name":{"kind":"Name","value":"stackHash"}},{"kind":"Field","name":{"kind":"Name","value":"operation"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"days"}},{"kind":"Field","name":{"kind":"Name","value":"condition"}},{"kind":"Field","name":{"kind":"Name","value":"threshold"}},{"kind":"Field","name":{"kind":"Name","value":"changeMode"}},{"kind":"Field","name":{"kind":"Name","value":"schedule"}},{"kind":"Field","name":{"kind":"Name","value":"includeToday"}},{"kind":"Field","name":{"kind":"Name","value":"onlyCritical"}},{"kind":"Field","name":{"kind":"Name","value":"snoozedUntil"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"lastValue"}},{"kind":"Field","name":{"kind":"Name","value":"lastCheckedAt"}},{"kind":"Field","name":{"kind":"Name","value":"nextCheckAt"}},{"kind":"Field","name":{"kind":"Name","value":"destinations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"format"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}},{"kind":"Field","name":{"kind":"Name","value":"evaluations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"evaluatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"previousValue"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"deliveries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"destinationId"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"attemptedAt"}},{"kind":"Field","name":{"kind":"Name","value":"statusCode"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]}}]}}]} as unknown as DocumentNode<AlertRuleDetailQuery, AlertRuleDetailQueryVariables>;
export const CheckAlertRuleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CheckAlertRule"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"checkAlertRule"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"previousValue"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"notified"}},{"kind":"Field","name":{"kind":"Name","value":"evaluatedAt"}}]}}]}}]} as unknown as DocumentNode<CheckAlertRuleMutation, CheckAlertRuleMutationVariables>;
export const SendTestNotificationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SendTestNotification"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sendTestNotification"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<SendTestNotificationMutation, SendTestNotificationMutationVariables>;
export const DeleteAlertRuleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteAlertRule"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteAlertRule"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<DeleteAlertRuleMutation, DeleteAlertRuleMutationVariables>;
export const CreateAlertRuleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateAlertRule"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"rule"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AlertRuleInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createAlertRule"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"rule"},"value":{"kind":"Variable","name":{"kind":"Name","value":"rule"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<CreateAlertRuleMutation, CreateAlertRuleMutationVariables>;
export const UpdateAlertRuleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateAlertRule"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"rule"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AlertRuleInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateAlertRule"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"rule"},"value":{"kind":"Variable","name":{"kind":"Name","value":"rule"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<UpdateAlertRuleMutation, UpdateAlertRuleMutationVariables>;
export const CreateAnnotationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateAnnotation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"day"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"text"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createAnnotation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"day"},"value":{"kind":"Variable","name":{"kind":"Name","value":"day"}}},{"kind":"Argument","name":{"kind":"Name","value":"text"},"value":{"kind":"Variable","name":{"kind":"Name","value":"text"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<CreateAnnotationMutation, CreateAnnotationMutationVariables>;
export const ChannelBreakdownDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ChannelBreakdown"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"days"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"phase"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BetaPhase"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"channelBreakdown"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"phase"},"value":{"kind":"Variable","name":{"kind":"Name","value":"phase"}}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"activeUsers"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"avgDau"}},{"kind":"Field","name":{"kind":"Name","value":"series"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"activeUsers"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}}]}}]}}]}}]} as unknown as DocumentNode<ChannelBreakdownQuery, ChannelBreakdownQueryVariables>;
export const ErrorOccurrencesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ErrorOccurrences"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stackHash"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"errors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}},{"kind":"Argument","name":{"kind":"Name","value":"stackHash"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stackHash"}}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"errorType"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"stackTrace"}},{"kind":"Field","name":{"kind":"Name","value":"userIdHash"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"clientVersion"}}]}}]}}]}}]} as unknown as DocumentNode<ErrorOccurrencesQuery, ErrorOccurrencesQueryVariables>;
export const EventVolumeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EventVolume"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"phase"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BetaPhase"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventCounts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"groupBy"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"EVENT_NAME"}]}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"phase"},"value":{"kind":"Variable","name":{"kind":"Name","value":"phase"}}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventName"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"users"}}]}}]}}]} as unknown as DocumentNode<EventVolumeQuery, EventVolumeQueryVariables>;
export const FailedItemsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FailedItemsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"pipeline"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"FailedItemPipeline"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"failedItems"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"pipeline"},"value":{"kind":"Variable","name":{"kind":"Name","value":"pipeline"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"FailedItemRow_item"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FailedItemRow_item"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FailedItem"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"pipeline"}},{"kind":"Field","name":{"kind":"Name","value":"mutation"}},{"kind":"Field","name":{"kind":"Name","value":"itemIndex"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}},{"kind":"Field","name":{"kind":"Name","value":"payloadTruncated"}},{"kind":"Field","name":{"kind":"Name","value":"replayedAt"}},{"kind":"Field","name":{"kind":"Name","value":"replays"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"result"}}]}}]}}]} as unknown as DocumentNode<FailedItemsPageQuery, FailedItemsPageQueryVariables>;
export const ReplayFailedItemsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ReplayFailedItems"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"FailedItemsFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"replayFailedItems"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accepted"}},{"kind":"Field","name":{"kind":"Name","value":"duplicates"}},{"kind":"Field","name":{"kind":"Name","value":"stillFailing"}}]}}]}}]} as unknown as DocumentNode<ReplayFailedItemsMutation, ReplayFailedItemsMutationVariables>;
export const LifecycleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Lifecycle"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"days"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"phase"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BetaPhase"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Channel"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"period"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RetentionPeriod"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lifecycle"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"phase"},"value":{"kind":"Variable","name":{"kind":"Name","value":"phase"}}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}},{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"period"}},{"kind":"Field","name":{"kind":"Name","value":"periods"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"new"}},{"kind":"Field","name":{"kind":"Name","value":"returning"}},{"kind":"Field","name":{"kind":"Name","value":"resurrecting"}},{"kind":"Field","name":{"kind":"Name","value":"dormant"}}]}}]}}]}}]} as unknown as DocumentNode<LifecycleQuery, LifecycleQueryVariables>;
export const CreateShareLinkDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateShareLink"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"path"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expiresInDays"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"label"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createShareLink"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"path"},"value":{"kind":"Variable","name":{"kind":"Name","value":"path"}}},{"kind":"Argument","name":{"kind":"Name","value":"expiresInDays"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expiresInDays"}}},{"kind":"Argument","name":{"kind":"Name","value":"label"},"value":{"kind":"Variable","name":{"kind":"Name","value":"label"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]} as unknown as DocumentNode<CreateShareLinkMutation, CreateShareLinkMutationVariables>;
export const ShareLinksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ShareLinks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"shareLinks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]} as unknown as DocumentNode<ShareLinksQuery, ShareLinksQueryVariables>;
export const RevokeShareLinkDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeShareLink"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeShareLink"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}}]}}]}}]} as unknown as DocumentNode<RevokeShareLinkMutation, RevokeShareLinkMutationVariables>;
export const BetaTestersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BetaTesters"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"days"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"phase"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BetaPhase"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Channel"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sort"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TesterSort"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"descending"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"betaTesters"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"phase"},"value":{"kind":"Variable","name":{"kind":"Name","value":"phase"}}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}},{"kind":"Argument","name":{"kind":"Name","value":"sort"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sort"}}},{"kind":"Argument","name":{"kind":"Name","value":"descending"},"value":{"kind":"Variable","name":{"kind":"Name","value":"descending"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userIdHash"}},{"kind":"Field","name":{"kind":"Name","value":"firstSeen"}},{"kind":"Field","name":{"kind":"Name","value":"lastSeen"}},{"kind":"Field","name":{"kind":"Name","value":"activeDays"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"dependentSessions"}},{"kind":"Field","name":{"kind":"Name","value":"cdr"}},{"kind":"Field","name":{"kind":"Name","value":"paidNow"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}}]}}]}}]}}]} as unknown as DocumentNode<BetaTestersQuery, BetaTestersQueryVariables>;
export const BetaDashboardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BetaDashboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"days"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"phase"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BetaPhase"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"current"},"name":{"kind":"Name","value":"kpis"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"phase"},"value":{"kind":"Variable","name":{"kind":"Name","value":"phase"}}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"KpiSummaries"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"KpiSeries"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KpiSummaries"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"KpiReport"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cdr"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rate"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"dependentSessions"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resurrection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rate"}},{"kind":"Field","name":{"kind":"Name","value":"resurrectedUsers"}},{"kind":"Field","name":{"kind":"Name","value":"activeUsers"}},{"kind":"Field","name":{"kind":"Name","value":"viaContextUsers"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dauWau"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dau"}},{"kind":"Field","name":{"kind":"Name","value":"avgDau"}},{"kind":"Field","name":{"kind":"Name","value":"wau"}},{"kind":"Field","name":{"kind":"Name","value":"mau"}},{"kind":"Field","name":{"kind":"Name","value":"stickiness"}}]}},{"kind":"Field","name":{"kind":"Name","value":"paidConversion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rate"}},{"kind":"Field","name":{"kind":"Name","value":"conversions"}},{"kind":"Field","name":{"kind":"Name","value":"eligibleUsers"}},{"kind":"Field","name":{"kind":"Name","value":"cancellations"}},{"kind":"Field","name":{"kind":"Name","value":"paidUsersAtEnd"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KpiSeries"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"KpiReport"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cdr"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"series"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"rate"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"dependentSessions"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"resurrection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"series"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"resurrectedUsers"}},{"kind":"Field","name":{"kind":"Name","value":"activeUsers"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"dauWau"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"series"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"dau"}},{"kind":"Field","name":{"kind":"Name","value":"wau"}},{"kind":"Field","name":{"kind":"Name","value":"mau"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"paidConversion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"series"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"conversions"}},{"kind":"Field","name":{"kind":"Name","value":"cancellations"}}]}}]}}]}}]} as unknown as DocumentNode<BetaDashboardQuery, BetaDashboardQueryVariables>;
export const PreviousWindowDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PreviousWindow"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"days"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"phase"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BetaPhase"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"previous"},"name":{"kind":"Name","value":"kpis"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"phase"},"value":{"kind":"Variable","name":{"kind":"Name","value":"phase"}}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"KpiSummaries"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KpiSummaries"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"KpiReport"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cdr"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rate"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"dependentSessions"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resurrection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rate"}},{"kind":"Field","name":{"kind":"Name","value":"resurrectedUsers"}},{"kind":"Field","name":{"kind":"Name","value":"activeUsers"}},{"kind":"Field","name":{"kind":"Name","value":"viaContextUsers"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dauWau"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dau"}},{"kind":"Field","name":{"kind":"Name","value":"avgDau"}},{"kind":"Field","name":{"kind":"Name","value":"wau"}},{"kind":"Field","name":{"kind":"Name","value":"mau"}},{"kind":"Field","name":{"kind":"Name","value":"stickiness"}}]}},{"kind":"Field","name":{"kind":"Name","value":"paidConversion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rate"}},{"kind":"Field","name":{"kind":"Name","value":"conversions"}},{"kind":"Field","name":{"kind":"Name","value":"eligibleUsers"}},{"kind":"Field","name":{"kind":"Name","value":"cancellations"}},{"kind":"Field","name":{"kind":"Name","value":"paidUsersAtEnd"}}]}}]}}]} as unknown as DocumentNode<PreviousWindowQuery, PreviousWindowQueryVariables>;
export const PhaseRangeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PhaseRange"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"phase"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BetaPhase"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"phaseRange"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"phase"},"value":{"kind":"Variable","name":{"kind":"Name","value":"phase"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"firstDay"}},{"kind":"Field","name":{"kind":"Name","value":"lastDay"}}]}}]}}]} as unknown as DocumentNode<PhaseRangeQuery, PhaseRangeQueryVariables>;
export const AlertRulesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AlertRules"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alertRules"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"metric"}},{"kind":"Field","name":{"kind":"Name","value":"stackHash"}},{"kind":"Field","name":{"kind":"Name","value":"operation"}},{"kind":"Field","name":{"kind":"Name","value":"condition"}},{"kind":"Field","name":{"kind":"Name","value":"threshold"}},{"kind":"Field","name":{"kind":"Name","value":"changeMode"}},{"kind":"Field","name":{"kind":"Name","value":"days"}},{"kind":"Field","name":{"kind":"Name","value":"onlyCritical"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"lastValue"}},{"kind":"Field","name":{"kind":"Name","value":"lastCheckedAt"}},{"kind":"Field","name":{"kind":"Name","value":"nextCheckAt"}},{"kind":"Field","name":{"kind":"Name","value":"evaluations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"IntValue","value":"14"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"evaluatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]} as unknown as DocumentNode<AlertRulesQuery, AlertRulesQueryVariables>;
export const AnnotationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Annotations"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"annotations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}}]}}]} as unknown as DocumentNode<AnnotationsQuery, AnnotationsQueryVariables>;
export const CompareBetasDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CompareBetas"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"days"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"closedAsOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"openAsOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"closed"},"name":{"kind":"Name","value":"kpis"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"closedAsOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"phase"},"value":{"kind":"EnumValue","value":"CLOSED_BETA"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"KpiSummaries"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"open"},"name":{"kind":"Name","value":"kpis"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"openAsOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"phase"},"value":{"kind":"EnumValue","value":"OPEN_BETA"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"KpiSummaries"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KpiSummaries"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"KpiReport"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cdr"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rate"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"dependentSessions"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resurrection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rate"}},{"kind":"Field","name":{"kind":"Name","value":"resurrectedUsers"}},{"kind":"Field","name":{"kind":"Name","value":"activeUsers"}},{"kind":"Field","name":{"kind":"Name","value":"viaContextUsers"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dauWau"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dau"}},{"kind":"Field","name":{"kind":"Name","value":"avgDau"}},{"kind":"Field","name":{"kind":"Name","value":"wau"}},{"kind":"Field","name":{"kind":"Name","value":"mau"}},{"kind":"Field","name":{"kind":"Name","value":"stickiness"}}]}},{"kind":"Field","name":{"kind":"Name","value":"paidConversion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rate"}},{"kind":"Field","name":{"kind":"Name","value":"conversions"}},{"kind":"Field","name":{"kind":"Name","value":"eligibleUsers"}},{"kind":"Field","name":{"kind":"Name","value":"cancellations"}},{"kind":"Field","name":{"kind":"Name","value":"paidUsersAtEnd"}}]}}]}}]} as unknown as DocumentNode<CompareBetasQuery, CompareBetasQueryVariables>;
export const ErrorsOverviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ErrorsOverview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"errorGroups"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stackHash"}},{"kind":"Field","name":{"kind":"Name","value":"errorType"}},{"kind":"Field","name":{"kind":"Name","value":"sampleMessage"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"usersAffected"}},{"kind":"Field","name":{"kind":"Name","value":"firstSeen"}},{"kind":"Field","name":{"kind":"Name","value":"lastSeen"}},{"kind":"Field","name":{"kind":"Name","value":"worstSeverity"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errorDailyCounts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stackHash"}},{"kind":"Field","name":{"kind":"Name","value":"series"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}}]}}]} as unknown as DocumentNode<ErrorsOverviewQuery, ErrorsOverviewQueryVariables>;
export const FunnelPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FunnelPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"days"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Channel"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"steps"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CortexEventName"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"windowDays"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"closed"},"name":{"kind":"Name","value":"funnel"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"phase"},"value":{"kind":"EnumValue","value":"CLOSED_BETA"}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}},{"kind":"Argument","name":{"kind":"Name","value":"steps"},"value":{"kind":"Variable","name":{"kind":"Name","value":"steps"}}},{"kind":"Argument","name":{"kind":"Name","value":"windowDays"},"value":{"kind":"Variable","name":{"kind":"Name","value":"windowDays"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"FunnelSteps"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"open"},"name":{"kind":"Name","value":"funnel"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"phase"},"value":{"kind":"EnumValue","value":"OPEN_BETA"}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}},{"kind":"Argument","name":{"kind":"Name","value":"steps"},"value":{"kind":"Variable","name":{"kind":"Name","value":"steps"}}},{"kind":"Argument","name":{"kind":"Name","value":"windowDays"},"value":{"kind":"Variable","name":{"kind":"Name","value":"windowDays"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"FunnelSteps"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FunnelSteps"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Funnel"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventName"}},{"kind":"Field","name":{"kind":"Name","value":"users"}},{"kind":"Field","name":{"kind":"Name","value":"conversionFromStart"}},{"kind":"Field","name":{"kind":"Name","value":"conversionFromPrevious"}},{"kind":"Field","name":{"kind":"Name","value":"medianSecondsFromPrevious"}}]}}]}}]} as unknown as DocumentNode<FunnelPageQuery, FunnelPageQueryVariables>;
export const LiveFeedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"LiveFeed"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userIdHash"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sessionId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"eventName"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CortexEventName"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"pipeline"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LivePipeline"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"liveFeed"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"userIdHash"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userIdHash"}}},{"kind":"Argument","name":{"kind":"Name","value":"sessionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sessionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"eventName"},"value":{"kind":"Variable","name":{"kind":"Name","value":"eventName"}}},{"kind":"Argument","name":{"kind":"Name","value":"pipeline"},"value":{"kind":"Variable","name":{"kind":"Name","value":"pipeline"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TelemetryRecord"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"userIdHash"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"LiveRow_item"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LiveRow_item"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LiveItem"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TelemetryRecord"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"userIdHash"}},{"kind":"Field","name":{"kind":"Name","value":"userTier"}},{"kind":"Field","name":{"kind":"Name","value":"isPaidUser"}},{"kind":"Field","name":{"kind":"Name","value":"sessionId"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"branchId"}},{"kind":"Field","name":{"kind":"Name","value":"contextId"}},{"kind":"Field","name":{"kind":"Name","value":"clientVersion"}},{"kind":"Field","name":{"kind":"Name","value":"metadata"}},{"kind":"Field","name":{"kind":"Name","value":"scrubRules"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TelemetryEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventName"}},{"kind":"Field","name":{"kind":"Name","value":"result"}},{"kind":"Field","alias":{"kind":"Name","value":"eventDurationMs"},"name":{"kind":"Name","value":"durationMs"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TelemetryError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"errorType"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"stackTrace"}},{"kind":"Field","name":{"kind":"Name","value":"stackHash"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"relatedEventName"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TelemetryTrace"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operationName"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"success"}},{"kind":"Field","name":{"kind":"Name","value":"resultCount"}}]}}]}}]} as unknown as DocumentNode<LiveFeedQuery, LiveFeedQueryVariables>;
export const LiveEventNamesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"LiveEventNames"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__type"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"StringValue","value":"CortexEventName","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enumValues"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<LiveEventNamesQuery, LiveEventNamesQueryVariables>;
export const RetentionPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RetentionPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"days"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Channel"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"period"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RetentionPeriod"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"intervals"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"type"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RetentionType"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"startEvent"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CortexEventName"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"returnEvent"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CortexEventName"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"all"},"name":{"kind":"Name","value":"retention"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}},{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}},{"kind":"Argument","name":{"kind":"Name","value":"intervals"},"value":{"kind":"Variable","name":{"kind":"Name","value":"intervals"}}},{"kind":"Argument","name":{"kind":"Name","value":"type"},"value":{"kind":"Variable","name":{"kind":"Name","value":"type"}}},{"kind":"Argument","name":{"kind":"Name","value":"startEvent"},"value":{"kind":"Variable","name":{"kind":"Name","value":"startEvent"}}},{"kind":"Argument","name":{"kind":"Name","value":"returnEvent"},"value":{"kind":"Variable","name":{"kind":"Name","value":"returnEvent"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cohorts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"size"}},{"kind":"Field","name":{"kind":"Name","value":"values"}},{"kind":"Field","name":{"kind":"Name","value":"incomplete"}}]}},{"kind":"Field","name":{"kind":"Name","value":"average"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"values"}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"closed"},"name":{"kind":"Name","value":"retention"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"phase"},"value":{"kind":"EnumValue","value":"CLOSED_BETA"}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}},{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}},{"kind":"Argument","name":{"kind":"Name","value":"intervals"},"value":{"kind":"Variable","name":{"kind":"Name","value":"intervals"}}},{"kind":"Argument","name":{"kind":"Name","value":"type"},"value":{"kind":"Variable","name":{"kind":"Name","value":"type"}}},{"kind":"Argument","name":{"kind":"Name","value":"startEvent"},"value":{"kind":"Variable","name":{"kind":"Name","value":"startEvent"}}},{"kind":"Argument","name":{"kind":"Name","value":"returnEvent"},"value":{"kind":"Variable","name":{"kind":"Name","value":"returnEvent"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"average"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"values"}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"open"},"name":{"kind":"Name","value":"retention"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"phase"},"value":{"kind":"EnumValue","value":"OPEN_BETA"}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}},{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}},{"kind":"Argument","name":{"kind":"Name","value":"intervals"},"value":{"kind":"Variable","name":{"kind":"Name","value":"intervals"}}},{"kind":"Argument","name":{"kind":"Name","value":"type"},"value":{"kind":"Variable","name":{"kind":"Name","value":"type"}}},{"kind":"Argument","name":{"kind":"Name","value":"startEvent"},"value":{"kind":"Variable","name":{"kind":"Name","value":"startEvent"}}},{"kind":"Argument","name":{"kind":"Name","value":"returnEvent"},"value":{"kind":"Variable","name":{"kind":"Name","value":"returnEvent"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"average"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"values"}}]}}]}}]}}]} as unknown as DocumentNode<RetentionPageQuery, RetentionPageQueryVariables>;
export const ShareLinkPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ShareLinkPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"shareLink"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]} as unknown as DocumentNode<ShareLinkPageQuery, ShareLinkPageQueryVariables>;
export const SignInCheckDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SignInCheck"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tokenKind"}}]}}]} as unknown as DocumentNode<SignInCheckQuery, SignInCheckQueryVariables>;
export const TraceStatsOverviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TraceStatsOverview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"traceStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operationName"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"successRate"}},{"kind":"Field","name":{"kind":"Name","value":"p50"}},{"kind":"Field","name":{"kind":"Name","value":"p95"}},{"kind":"Field","name":{"kind":"Name","value":"p99"}},{"kind":"Field","name":{"kind":"Name","value":"max"}}]}}]}}]} as unknown as DocumentNode<TraceStatsOverviewQuery, TraceStatsOverviewQueryVariables>;
export const TraceDaysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TraceDays"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"operationName"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"traceDailyStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"operationName"},"value":{"kind":"Variable","name":{"kind":"Name","value":"operationName"}}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"channel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"successRate"}},{"kind":"Field","name":{"kind":"Name","value":"p50"}},{"kind":"Field","name":{"kind":"Name","value":"p95"}},{"kind":"Field","name":{"kind":"Name","value":"p99"}},{"kind":"Field","name":{"kind":"Name","value":"max"}}]}}]}}]} as unknown as DocumentNode<TraceDaysQuery, TraceDaysQueryVariables>;