import { builder, type TypedObjectRef } from '../../builder.js';
import {
  BetaPhaseEnum,
  ChannelEnum,
  EventNameEnum,
  PageInfoRef,
  SeverityEnum,
} from '../common.schema.js';
import type {
  Connection,
  TelemetryErrorRow,
  TelemetryEventRow,
  TelemetryRecordRow,
  TelemetryTraceRow,
} from './lists.service.js';

/** The stored rows of the three pipelines (docs/api.md#pipelines), as analysts read them. */
const TelemetryRecordRef = builder.interfaceRef<TelemetryRecordRow>('TelemetryRecord').implement({
  description: 'The columns every pipeline (events, errors, traces) shares.',
  fields: (t) => ({
    id: t.exposeID('id', {
      description: 'The client-given `eventId`/`errorId`/`traceId`, or one generated at ingest.',
    }),
    timestamp: t.expose('timestamp', {
      type: 'DateTime',
      description: 'When it happened, after clock-skew correction.',
    }),
    receivedAt: t.expose('receivedAt', {
      type: 'DateTime',
      description: 'Server clock at ingest.',
    }),
    userIdHash: t.exposeString('userIdHash', { description: 'Hashed user id.' }),
    userTier: t.exposeString('userTier', {
      nullable: true,
      description: 'Plan tier as sent (`free`, `pro`, …); null when not sent.',
    }),
    isPaidUser: t.exposeBoolean('isPaidUser', {
      description: 'Paying user: as sent, else derived from the tier.',
    }),
    sessionId: t.exposeString('sessionId', {
      description: 'Session id; empty when the item carried none.',
    }),
    channel: t.expose('channel', { type: ChannelEnum, description: 'Channel.' }),
    phase: t.expose('phase', {
      type: BetaPhaseEnum,
      description: 'Beta phase: as sent, else stamped from the timestamp at ingest.',
    }),
    projectId: t.exposeString('projectId', { nullable: true, description: 'Cortex project.' }),
    branchId: t.exposeString('branchId', { nullable: true, description: 'Cortex branch.' }),
    contextId: t.exposeString('contextId', { nullable: true, description: 'Cortex context.' }),
    clientVersion: t.exposeString('clientVersion', {
      nullable: true,
      description: 'Version of the sending client.',
    }),
    metadata: t.expose('metadata', {
      type: 'JSON',
      nullable: true,
      description: 'The JSON object sent as metadata; null when none.',
    }),
    scrubRules: t.exposeStringList('scrubRules', {
      nullable: true,
      description:
        'The scrubbing rules that changed this item before it was stored (docs/privacy.md); null when none did.',
    }),
  }),
});

export const TelemetryEventRef = builder.objectRef<TelemetryEventRow>('TelemetryEvent').implement({
  description: 'A stored usage event (`telemetry_events`).',
  interfaces: [TelemetryRecordRef],
  fields: (t) => ({
    eventName: t.expose('eventName', {
      type: EventNameEnum,
      description: 'Catalog event.',
    }),
    result: t.exposeString('result', { description: 'Outcome; `success` unless sent.' }),
    durationMs: t.exposeInt('durationMs', {
      nullable: true,
      description: 'Duration in milliseconds, when sent.',
    }),
  }),
});

export const TelemetryErrorRef = builder.objectRef<TelemetryErrorRow>('TelemetryError').implement({
  description: 'A stored error report (`telemetry_errors`).',
  interfaces: [TelemetryRecordRef],
  fields: (t) => ({
    errorType: t.exposeString('errorType', { description: 'Error class.' }),
    errorMessage: t.exposeString('errorMessage', { description: 'Error message.' }),
    stackTrace: t.exposeString('stackTrace', {
      nullable: true,
      description: 'Stack trace, when sent.',
    }),
    stackHash: t.exposeString('stackHash', {
      description: 'Grouping key: as sent, else computed from the type and top frames.',
    }),
    severity: t.expose('severity', { type: SeverityEnum, description: 'Severity.' }),
    relatedEventName: t.expose('relatedEventName', {
      type: EventNameEnum,
      nullable: true,
      description: 'The catalog event during which the error happened, when sent.',
    }),
  }),
});

export const TelemetryTraceRef = builder.objectRef<TelemetryTraceRow>('TelemetryTrace').implement({
  description: 'A stored timed operation (`telemetry_traces`).',
  interfaces: [TelemetryRecordRef],
  fields: (t) => ({
    operationName: t.exposeString('operationName', { description: 'Operation (or MCP tool).' }),
    durationMs: t.exposeFloat('durationMs', { description: 'Duration in milliseconds.' }),
    success: t.exposeBoolean('success', { description: 'Whether the operation succeeded.' }),
    resultCount: t.exposeInt('resultCount', {
      nullable: true,
      description: 'Number of results, when sent.',
    }),
  }),
});

function connectionRef<T>(name: string, node: TypedObjectRef<T>, what: string) {
  return builder.objectRef<Connection<T>>(name).implement({
    description: `A page of ${what}, newest first by (timestamp, id).`,
    fields: (t) => ({
      nodes: t.expose('nodes', {
        type: [node],
        description: `The ${what} of this page.`,
      }),
      pageInfo: t.expose('pageInfo', {
        type: PageInfoRef,
        description: 'Where this page ends and whether more follow.',
      }),
    }),
  });
}

export const TelemetryEventConnectionRef = connectionRef(
  'TelemetryEventConnection',
  TelemetryEventRef,
  'events',
);
export const TelemetryErrorConnectionRef = connectionRef(
  'TelemetryErrorConnection',
  TelemetryErrorRef,
  'errors',
);
export const TelemetryTraceConnectionRef = connectionRef(
  'TelemetryTraceConnection',
  TelemetryTraceRef,
  'traces',
);
