import { defineEntity } from '@mikro-orm/core';

/**
 * The three pipeline tables (docs/api.md#pipelines). Rows are written set-based by ingest.sql.ts; the
 * entities serve reads (analyst lists) and keep the ORM's metadata in step with migrations.
 */
const commonProperties = (p: typeof defineEntity.properties) => ({
  userIdHash: p.text().primary(),
  id: p.uuid().primary(),
  timestamp: p.datetime().columnType('timestamptz'),
  receivedAt: p.datetime().columnType('timestamptz'),
  userTier: p.text().nullable(),
  isPaidUser: p.boolean(),
  sessionId: p.text(),
  channel: p.text(),
  phase: p.text(),
  projectId: p.text().nullable(),
  branchId: p.text().nullable(),
  contextId: p.text().nullable(),
  clientVersion: p.text().nullable(),
  metadata: p.json<Record<string, unknown>>().nullable(),
});

export const TelemetryEvent = defineEntity({
  name: 'TelemetryEvent',
  tableName: 'telemetry_events',
  properties: (p) => ({
    ...commonProperties(p),
    eventName: p.text(),
    result: p.text(),
    durationMs: p.integer().nullable(),
  }),
});

export const TelemetryError = defineEntity({
  name: 'TelemetryError',
  tableName: 'telemetry_errors',
  properties: (p) => ({
    ...commonProperties(p),
    errorType: p.text(),
    errorMessage: p.text(),
    stackTrace: p.text().nullable(),
    stackHash: p.text(),
    severity: p.text(),
    relatedEventName: p.text().nullable(),
  }),
});

export const TelemetryTrace = defineEntity({
  name: 'TelemetryTrace',
  tableName: 'telemetry_traces',
  properties: (p) => ({
    ...commonProperties(p),
    operationName: p.text(),
    durationMs: p.double().columnType('double precision'),
    success: p.boolean(),
    resultCount: p.integer().nullable(),
  }),
});

export const FailedItem = defineEntity({
  name: 'FailedItem',
  tableName: 'telemetry_failed_items',
  properties: (p) => ({
    id: p.bigint('string').primary().autoincrement(),
    receivedAt: p.datetime().columnType('timestamptz'),
    pipeline: p.text(),
    mutation: p.text(),
    itemIndex: p.integer(),
    reason: p.text(),
    payload: p.text(),
    payloadTruncated: p.boolean(),
  }),
});

export const entities = [TelemetryEvent, TelemetryError, TelemetryTrace, FailedItem];
