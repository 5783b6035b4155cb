/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation CreateAnnotation($day: Date!, $text: String!) {\n    createAnnotation(day: $day, text: $text) {\n      id\n    }\n  }\n": typeof types.CreateAnnotationDocument,
    "\n  query ChannelBreakdown($days: Int!, $asOf: DateTime!, $phase: BetaPhase!, $channel: Channel) {\n    channelBreakdown(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {\n      channel\n      activeUsers\n      sessions\n      avgDau\n      series {\n        day\n        activeUsers\n        sessions\n      }\n    }\n  }\n": typeof types.ChannelBreakdownDocument,
    "\n  query ErrorOccurrences($stackHash: String!, $from: DateTime!, $to: DateTime!) {\n    errors(first: 10, stackHash: $stackHash, from: $from, to: $to) {\n      nodes {\n        id\n        timestamp\n        severity\n        errorType\n        errorMessage\n        stackTrace\n        userIdHash\n        channel\n        clientVersion\n      }\n    }\n  }\n": typeof types.ErrorOccurrencesDocument,
    "\n  query EventVolume($from: DateTime!, $to: DateTime!, $phase: BetaPhase!, $channel: Channel) {\n    eventCounts(groupBy: [EVENT_NAME], from: $from, to: $to, phase: $phase, channel: $channel) {\n      eventName\n      count\n      users\n    }\n  }\n": typeof types.EventVolumeDocument,
    "\n  fragment FailedItemRow_item on FailedItem {\n    receivedAt\n    pipeline\n    mutation\n    itemIndex\n    reason\n    payload\n    payloadTruncated\n  }\n": typeof types.FailedItemRow_ItemFragmentDoc,
    "\n  query FailedItemsPage($first: Int!, $after: String, $pipeline: FailedItemPipeline) {\n    failedItems(first: $first, after: $after, pipeline: $pipeline) {\n      nodes {\n        id\n        ...FailedItemRow_item\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n": typeof types.FailedItemsPageDocument,
    "\n  query BetaTesters(\n    $days: Int!\n    $asOf: DateTime!\n    $phase: BetaPhase!\n    $channel: Channel\n    $sort: TesterSort!\n    $descending: Boolean!\n    $first: Int!\n    $after: String\n  ) {\n    betaTesters(\n      days: $days\n      asOf: $asOf\n      phase: $phase\n      channel: $channel\n      sort: $sort\n      descending: $descending\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      nodes {\n        userIdHash\n        firstSeen\n        lastSeen\n        activeDays\n        sessions\n        dependentSessions\n        cdr\n        paidNow\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n": typeof types.BetaTestersDocument,
    "\n  fragment KpiSummaries on KpiReport {\n    cdr {\n      rate\n      sessions\n      dependentSessions\n    }\n    resurrection {\n      rate\n      resurrectedUsers\n      activeUsers\n      viaContextUsers\n    }\n    dauWau {\n      dau\n      avgDau\n      wau\n      mau\n      stickiness\n    }\n    paidConversion {\n      rate\n      conversions\n      eligibleUsers\n      cancellations\n      paidUsersAtEnd\n    }\n  }\n": typeof types.KpiSummariesFragmentDoc,
    "\n  fragment KpiSeries on KpiReport {\n    cdr {\n      series {\n        day\n        rate\n        sessions\n        dependentSessions\n      }\n    }\n    resurrection {\n      series {\n        day\n        resurrectedUsers\n        activeUsers\n      }\n    }\n    dauWau {\n      series {\n        day\n        dau\n        wau\n        mau\n      }\n    }\n    paidConversion {\n      series {\n        day\n        conversions\n        cancellations\n      }\n    }\n  }\n": typeof types.KpiSeriesFragmentDoc,
    "\n  query BetaDashboard(\n    $days: Int!\n    $asOf: DateTime!\n    $previousAsOf: DateTime!\n    $phase: BetaPhase!\n    $channel: Channel\n  ) {\n    current: kpis(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {\n      ...KpiSummaries\n      ...KpiSeries\n    }\n    previous: kpis(days: $days, asOf: $previousAsOf, phase: $phase, channel: $channel) {\n      ...KpiSummaries\n    }\n  }\n": typeof types.BetaDashboardDocument,
    "\n  query PhaseRange($phase: BetaPhase!) {\n    phaseRange(phase: $phase) {\n      firstDay\n      lastDay\n    }\n  }\n": typeof types.PhaseRangeDocument,
    "\n  query Annotations($from: Date!, $to: Date!) {\n    annotations(from: $from, to: $to) {\n      id\n      day\n      text\n    }\n  }\n": typeof types.AnnotationsDocument,
    "\n  query CompareBetas($days: Int!, $closedAsOf: DateTime!, $openAsOf: DateTime!) {\n    closed: kpis(days: $days, asOf: $closedAsOf, phase: CLOSED_BETA) {\n      ...KpiSummaries\n    }\n    open: kpis(days: $days, asOf: $openAsOf, phase: OPEN_BETA) {\n      ...KpiSummaries\n    }\n  }\n": typeof types.CompareBetasDocument,
    "\n  query ErrorsOverview($from: DateTime!, $to: DateTime!, $channel: Channel) {\n    errorGroups(first: 50, from: $from, to: $to, channel: $channel) {\n      stackHash\n      errorType\n      sampleMessage\n      count\n      usersAffected\n      firstSeen\n      lastSeen\n      worstSeverity\n    }\n    errorDailyCounts(from: $from, to: $to, channel: $channel) {\n      stackHash\n      series {\n        day\n        count\n      }\n    }\n  }\n": typeof types.ErrorsOverviewDocument,
    "\n  query SignInCheck {\n    tokenKind\n  }\n": typeof types.SignInCheckDocument,
    "\n  query TraceStatsOverview($from: DateTime!, $to: DateTime!, $channel: Channel) {\n    traceStats(from: $from, to: $to, channel: $channel) {\n      operationName\n      count\n      successRate\n      p50\n      p95\n      p99\n      max\n    }\n  }\n": typeof types.TraceStatsOverviewDocument,
    "\n  query TraceDays($operationName: String!, $from: DateTime!, $to: DateTime!, $channel: Channel) {\n    traceDailyStats(operationName: $operationName, from: $from, to: $to, channel: $channel) {\n      day\n      count\n      successRate\n      p50\n      p95\n      p99\n      max\n    }\n  }\n": typeof types.TraceDaysDocument,
};
const documents: Documents = {
    "\n  mutation CreateAnnotation($day: Date!, $text: String!) {\n    createAnnotation(day: $day, text: $text) {\n      id\n    }\n  }\n": types.CreateAnnotationDocument,
    "\n  query ChannelBreakdown($days: Int!, $asOf: DateTime!, $phase: BetaPhase!, $channel: Channel) {\n    channelBreakdown(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {\n      channel\n      activeUsers\n      sessions\n      avgDau\n      series {\n        day\n        activeUsers\n        sessions\n      }\n    }\n  }\n": types.ChannelBreakdownDocument,
    "\n  query ErrorOccurrences($stackHash: String!, $from: DateTime!, $to: DateTime!) {\n    errors(first: 10, stackHash: $stackHash, from: $from, to: $to) {\n      nodes {\n        id\n        timestamp\n        severity\n        errorType\n        errorMessage\n        stackTrace\n        userIdHash\n        channel\n        clientVersion\n      }\n    }\n  }\n": types.ErrorOccurrencesDocument,
    "\n  query EventVolume($from: DateTime!, $to: DateTime!, $phase: BetaPhase!, $channel: Channel) {\n    eventCounts(groupBy: [EVENT_NAME], from: $from, to: $to, phase: $phase, channel: $channel) {\n      eventName\n      count\n      users\n    }\n  }\n": types.EventVolumeDocument,
    "\n  fragment FailedItemRow_item on FailedItem {\n    receivedAt\n    pipeline\n    mutation\n    itemIndex\n    reason\n    payload\n    payloadTruncated\n  }\n": types.FailedItemRow_ItemFragmentDoc,
    "\n  query FailedItemsPage($first: Int!, $after: String, $pipeline: FailedItemPipeline) {\n    failedItems(first: $first, after: $after, pipeline: $pipeline) {\n      nodes {\n        id\n        ...FailedItemRow_item\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n": types.FailedItemsPageDocument,
    "\n  query BetaTesters(\n    $days: Int!\n    $asOf: DateTime!\n    $phase: BetaPhase!\n    $channel: Channel\n    $sort: TesterSort!\n    $descending: Boolean!\n    $first: Int!\n    $after: String\n  ) {\n    betaTesters(\n      days: $days\n      asOf: $asOf\n      phase: $phase\n      channel: $channel\n      sort: $sort\n      descending: $descending\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      nodes {\n        userIdHash\n        firstSeen\n        lastSeen\n        activeDays\n        sessions\n        dependentSessions\n        cdr\n        paidNow\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n": types.BetaTestersDocument,
    "\n  fragment KpiSummaries on KpiReport {\n    cdr {\n      rate\n      sessions\n      dependentSessions\n    }\n    resurrection {\n      rate\n      resurrectedUsers\n      activeUsers\n      viaContextUsers\n    }\n    dauWau {\n      dau\n      avgDau\n      wau\n      mau\n      stickiness\n    }\n    paidConversion {\n      rate\n      conversions\n      eligibleUsers\n      cancellations\n      paidUsersAtEnd\n    }\n  }\n": types.KpiSummariesFragmentDoc,
    "\n  fragment KpiSeries on KpiReport {\n    cdr {\n      series {\n        day\n        rate\n        sessions\n        dependentSessions\n      }\n    }\n    resurrection {\n      series {\n        day\n        resurrectedUsers\n        activeUsers\n      }\n    }\n    dauWau {\n      series {\n        day\n        dau\n        wau\n        mau\n      }\n    }\n    paidConversion {\n      series {\n        day\n        conversions\n        cancellations\n      }\n    }\n  }\n": types.KpiSeriesFragmentDoc,
    "\n  query BetaDashboard(\n    $days: Int!\n    $asOf: DateTime!\n    $previousAsOf: DateTime!\n    $phase: BetaPhase!\n    $channel: Channel\n  ) {\n    current: kpis(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {\n      ...KpiSummaries\n      ...KpiSeries\n    }\n    previous: kpis(days: $days, asOf: $previousAsOf, phase: $phase, channel: $channel) {\n      ...KpiSummaries\n    }\n  }\n": types.BetaDashboardDocument,
    "\n  query PhaseRange($phase: BetaPhase!) {\n    phaseRange(phase: $phase) {\n      firstDay\n      lastDay\n    }\n  }\n": types.PhaseRangeDocument,
    "\n  query Annotations($from: Date!, $to: Date!) {\n    annotations(from: $from, to: $to) {\n      id\n      day\n      text\n    }\n  }\n": types.AnnotationsDocument,
    "\n  query CompareBetas($days: Int!, $closedAsOf: DateTime!, $openAsOf: DateTime!) {\n    closed: kpis(days: $days, asOf: $closedAsOf, phase: CLOSED_BETA) {\n      ...KpiSummaries\n    }\n    open: kpis(days: $days, asOf: $openAsOf, phase: OPEN_BETA) {\n      ...KpiSummaries\n    }\n  }\n": types.CompareBetasDocument,
    "\n  query ErrorsOverview($from: DateTime!, $to: DateTime!, $channel: Channel) {\n    errorGroups(first: 50, from: $from, to: $to, channel: $channel) {\n      stackHash\n      errorType\n      sampleMessage\n      count\n      usersAffected\n      firstSeen\n      lastSeen\n      worstSeverity\n    }\n    errorDailyCounts(from: $from, to: $to, channel: $channel) {\n      stackHash\n      series {\n        day\n        count\n      }\n    }\n  }\n": types.ErrorsOverviewDocument,
    "\n  query SignInCheck {\n    tokenKind\n  }\n": types.SignInCheckDocument,
    "\n  query TraceStatsOverview($from: DateTime!, $to: DateTime!, $channel: Channel) {\n    traceStats(from: $from, to: $to, channel: $channel) {\n      operationName\n      count\n      successRate\n      p50\n      p95\n      p99\n      max\n    }\n  }\n": types.TraceStatsOverviewDocument,
    "\n  query TraceDays($operationName: String!, $from: DateTime!, $to: DateTime!, $channel: Channel) {\n    traceDailyStats(operationName: $operationName, from: $from, to: $to, channel: $channel) {\n      day\n      count\n      successRate\n      p50\n      p95\n      p99\n      max\n    }\n  }\n": types.TraceDaysDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAnnotation($day: Date!, $text: String!) {\n    createAnnotation(day: $day, text: $text) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAnnotation($day: Date!, $text: String!) {\n    createAnnotation(day: $day, text: $text) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ChannelBreakdown($days: Int!, $asOf: DateTime!, $phase: BetaPhase!, $channel: Channel) {\n    channelBreakdown(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {\n      channel\n      activeUsers\n      sessions\n      avgDau\n      series {\n        day\n        activeUsers\n        sessions\n      }\n    }\n  }\n"): (typeof documents)["\n  query ChannelBreakdown($days: Int!, $asOf: DateTime!, $phase: BetaPhase!, $channel: Channel) {\n    channelBreakdown(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {\n      channel\n      activeUsers\n      sessions\n      avgDau\n      series {\n        day\n        activeUsers\n        sessions\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ErrorOccurrences($stackHash: String!, $from: DateTime!, $to: DateTime!) {\n    errors(first: 10, stackHash: $stackHash, from: $from, to: $to) {\n      nodes {\n        id\n        timestamp\n        severity\n        errorType\n        errorMessage\n        stackTrace\n        userIdHash\n        channel\n        clientVersion\n      }\n    }\n  }\n"): (typeof documents)["\n  query ErrorOccurrences($stackHash: String!, $from: DateTime!, $to: DateTime!) {\n    errors(first: 10, stackHash: $stackHash, from: $from, to: $to) {\n      nodes {\n        id\n        timestamp\n        severity\n        errorType\n        errorMessage\n        stackTrace\n        userIdHash\n        channel\n        clientVersion\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EventVolume($from: DateTime!, $to: DateTime!, $phase: BetaPhase!, $channel: Channel) {\n    eventCounts(groupBy: [EVENT_NAME], from: $from, to: $to, phase: $phase, channel: $channel) {\n      eventName\n      count\n      users\n    }\n  }\n"): (typeof documents)["\n  query EventVolume($from: DateTime!, $to: DateTime!, $phase: BetaPhase!, $channel: Channel) {\n    eventCounts(groupBy: [EVENT_NAME], from: $from, to: $to, phase: $phase, channel: $channel) {\n      eventName\n      count\n      users\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment FailedItemRow_item on FailedItem {\n    receivedAt\n    pipeline\n    mutation\n    itemIndex\n    reason\n    payload\n    payloadTruncated\n  }\n"): (typeof documents)["\n  fragment FailedItemRow_item on FailedItem {\n    receivedAt\n    pipeline\n    mutation\n    itemIndex\n    reason\n    payload\n    payloadTruncated\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FailedItemsPage($first: Int!, $after: String, $pipeline: FailedItemPipeline) {\n    failedItems(first: $first, after: $after, pipeline: $pipeline) {\n      nodes {\n        id\n        ...FailedItemRow_item\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n"): (typeof documents)["\n  query FailedItemsPage($first: Int!, $after: String, $pipeline: FailedItemPipeline) {\n    failedItems(first: $first, after: $after, pipeline: $pipeline) {\n      nodes {\n        id\n        ...FailedItemRow_item\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BetaTesters(\n    $days: Int!\n    $asOf: DateTime!\n    $phase: BetaPhase!\n    $channel: Channel\n    $sort: TesterSort!\n    $descending: Boolean!\n    $first: Int!\n    $after: String\n  ) {\n    betaTesters(\n      days: $days\n      asOf: $asOf\n      phase: $phase\n      channel: $channel\n      sort: $sort\n      descending: $descending\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      nodes {\n        userIdHash\n        firstSeen\n        lastSeen\n        activeDays\n        sessions\n        dependentSessions\n        cdr\n        paidNow\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n"): (typeof documents)["\n  query BetaTesters(\n    $days: Int!\n    $asOf: DateTime!\n    $phase: BetaPhase!\n    $channel: Channel\n    $sort: TesterSort!\n    $descending: Boolean!\n    $first: Int!\n    $after: String\n  ) {\n    betaTesters(\n      days: $days\n      asOf: $asOf\n      phase: $phase\n      channel: $channel\n      sort: $sort\n      descending: $descending\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      nodes {\n        userIdHash\n        firstSeen\n        lastSeen\n        activeDays\n        sessions\n        dependentSessions\n        cdr\n        paidNow\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment KpiSummaries on KpiReport {\n    cdr {\n      rate\n      sessions\n      dependentSessions\n    }\n    resurrection {\n      rate\n      resurrectedUsers\n      activeUsers\n      viaContextUsers\n    }\n    dauWau {\n      dau\n      avgDau\n      wau\n      mau\n      stickiness\n    }\n    paidConversion {\n      rate\n      conversions\n      eligibleUsers\n      cancellations\n      paidUsersAtEnd\n    }\n  }\n"): (typeof documents)["\n  fragment KpiSummaries on KpiReport {\n    cdr {\n      rate\n      sessions\n      dependentSessions\n    }\n    resurrection {\n      rate\n      resurrectedUsers\n      activeUsers\n      viaContextUsers\n    }\n    dauWau {\n      dau\n      avgDau\n      wau\n      mau\n      stickiness\n    }\n    paidConversion {\n      rate\n      conversions\n      eligibleUsers\n      cancellations\n      paidUsersAtEnd\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment KpiSeries on KpiReport {\n    cdr {\n      series {\n        day\n        rate\n        sessions\n        dependentSessions\n      }\n    }\n    resurrection {\n      series {\n        day\n        resurrectedUsers\n        activeUsers\n      }\n    }\n    dauWau {\n      series {\n        day\n        dau\n        wau\n        mau\n      }\n    }\n    paidConversion {\n      series {\n        day\n        conversions\n        cancellations\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment KpiSeries on KpiReport {\n    cdr {\n      series {\n        day\n        rate\n        sessions\n        dependentSessions\n      }\n    }\n    resurrection {\n      series {\n        day\n        resurrectedUsers\n        activeUsers\n      }\n    }\n    dauWau {\n      series {\n        day\n        dau\n        wau\n        mau\n      }\n    }\n    paidConversion {\n      series {\n        day\n        conversions\n        cancellations\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BetaDashboard(\n    $days: Int!\n    $asOf: DateTime!\n    $previousAsOf: DateTime!\n    $phase: BetaPhase!\n    $channel: Channel\n  ) {\n    current: kpis(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {\n      ...KpiSummaries\n      ...KpiSeries\n    }\n    previous: kpis(days: $days, asOf: $previousAsOf, phase: $phase, channel: $channel) {\n      ...KpiSummaries\n    }\n  }\n"): (typeof documents)["\n  query BetaDashboard(\n    $days: Int!\n    $asOf: DateTime!\n    $previousAsOf: DateTime!\n    $phase: BetaPhase!\n    $channel: Channel\n  ) {\n    current: kpis(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {\n      ...KpiSummaries\n      ...KpiSeries\n    }\n    previous: kpis(days: $days, asOf: $previousAsOf, phase: $phase, channel: $channel) {\n      ...KpiSummaries\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PhaseRange($phase: BetaPhase!) {\n    phaseRange(phase: $phase) {\n      firstDay\n      lastDay\n    }\n  }\n"): (typeof documents)["\n  query PhaseRange($phase: BetaPhase!) {\n    phaseRange(phase: $phase) {\n      firstDay\n      lastDay\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Annotations($from: Date!, $to: Date!) {\n    annotations(from: $from, to: $to) {\n      id\n      day\n      text\n    }\n  }\n"): (typeof documents)["\n  query Annotations($from: Date!, $to: Date!) {\n    annotations(from: $from, to: $to) {\n      id\n      day\n      text\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CompareBetas($days: Int!, $closedAsOf: DateTime!, $openAsOf: DateTime!) {\n    closed: kpis(days: $days, asOf: $closedAsOf, phase: CLOSED_BETA) {\n      ...KpiSummaries\n    }\n    open: kpis(days: $days, asOf: $openAsOf, phase: OPEN_BETA) {\n      ...KpiSummaries\n    }\n  }\n"): (typeof documents)["\n  query CompareBetas($days: Int!, $closedAsOf: DateTime!, $openAsOf: DateTime!) {\n    closed: kpis(days: $days, asOf: $closedAsOf, phase: CLOSED_BETA) {\n      ...KpiSummaries\n    }\n    open: kpis(days: $days, asOf: $openAsOf, phase: OPEN_BETA) {\n      ...KpiSummaries\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ErrorsOverview($from: DateTime!, $to: DateTime!, $channel: Channel) {\n    errorGroups(first: 50, from: $from, to: $to, channel: $channel) {\n      stackHash\n      errorType\n      sampleMessage\n      count\n      usersAffected\n      firstSeen\n      lastSeen\n      worstSeverity\n    }\n    errorDailyCounts(from: $from, to: $to, channel: $channel) {\n      stackHash\n      series {\n        day\n        count\n      }\n    }\n  }\n"): (typeof documents)["\n  query ErrorsOverview($from: DateTime!, $to: DateTime!, $channel: Channel) {\n    errorGroups(first: 50, from: $from, to: $to, channel: $channel) {\n      stackHash\n      errorType\n      sampleMessage\n      count\n      usersAffected\n      firstSeen\n      lastSeen\n      worstSeverity\n    }\n    errorDailyCounts(from: $from, to: $to, channel: $channel) {\n      stackHash\n      series {\n        day\n        count\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SignInCheck {\n    tokenKind\n  }\n"): (typeof documents)["\n  query SignInCheck {\n    tokenKind\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TraceStatsOverview($from: DateTime!, $to: DateTime!, $channel: Channel) {\n    traceStats(from: $from, to: $to, channel: $channel) {\n      operationName\n      count\n      successRate\n      p50\n      p95\n      p99\n      max\n    }\n  }\n"): (typeof documents)["\n  query TraceStatsOverview($from: DateTime!, $to: DateTime!, $channel: Channel) {\n    traceStats(from: $from, to: $to, channel: $channel) {\n      operationName\n      count\n      successRate\n      p50\n      p95\n      p99\n      max\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TraceDays($operationName: String!, $from: DateTime!, $to: DateTime!, $channel: Channel) {\n    traceDailyStats(operationName: $operationName, from: $from, to: $to, channel: $channel) {\n      day\n      count\n      successRate\n      p50\n      p95\n      p99\n      max\n    }\n  }\n"): (typeof documents)["\n  query TraceDays($operationName: String!, $from: DateTime!, $to: DateTime!, $channel: Channel) {\n    traceDailyStats(operationName: $operationName, from: $from, to: $to, channel: $channel) {\n      day\n      count\n      successRate\n      p50\n      p95\n      p99\n      max\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;