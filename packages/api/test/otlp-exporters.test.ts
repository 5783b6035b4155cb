import { SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

/**
 * OpenTelemetry's own SDK and exporters against the real server (docs/api.md#opentelemetry-traces):
 * what a Node service instrumented the standard way sends is stored with its fields.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

/** ExportResultCode of @opentelemetry/core. */
const SUCCESS = 0;
const FAILED = 1;

type Exporter = InstanceType<typeof ProtoExporter> | InstanceType<typeof HttpJsonExporter>;
const exportWith = (exporter: Exporter, spans: ReadableSpan[]) =>
  new Promise<{ code: number; error?: Error }>((done) => exporter.export(spans, done));

/** sha256('alice@example.com') in hex (`printf alice@example.com | sha256sum`). */
const ALICE_HASH = 'ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976';
/** 2026-11-20T10:00:00Z in seconds since 1970. */
const T0 = 1795168800;

/** Spans recorded by a real tracer, kept in memory so the same spans can be exported again. */
function recordSpans(build: (tracer: ReturnType<NodeTracerProvider['getTracer']>) => void) {
  const memory = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'cortex-mcp',
      'service.version': '2.4.0',
      'enduser.id': 'alice@example.com',
    }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  build(provider.getTracer('cortex-tests', '1.0.0'));
  return memory.getFinishedSpans();
}

const traceRows = () =>
  app.sql(`select operation_name, duration_ms, success, user_id_hash, session_id, channel, phase,
      client_version, metadata,
      to_char("timestamp" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ts
    from telemetry_traces order by "timestamp"`);
const errorRows = () =>
  app.sql(`select error_type, error_message, stack_trace, severity, user_id_hash, channel, phase,
      metadata, to_char("timestamp" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ts
    from telemetry_errors order by "timestamp"`);

describe('OTLP exporters → POST /v1/traces', () => {
  const url = () => `${app.baseUrl}/v1/traces`;
  const headers = { Authorization: `Bearer ${INGEST_TOKEN}` };
  let spans: ReadableSpan[];

  it('stores the spans and recorded exceptions the protobuf exporter sends', async () => {
    spans = recordSpans((tracer) => {
      const ok = tracer.startSpan('search_context', {
        startTime: [T0, 0],
        attributes: { 'session.id': 's_otlp', result_count: 3, 'db.system': 'postgresql' },
      });
      ok.end([T0, 150_500_000]);
      const failing = tracer.startSpan('load_context', {
        startTime: [T0 + 1, 0],
        attributes: {
          'enduser.id': 'u_3f9a',
          'cortex.channel': 'extension',
          'cortex.phase': 'closed_beta',
        },
      });
      const error = new TypeError('ctx is undefined');
      error.stack = 'TypeError: ctx is undefined\n    at load (/srv/cortex/dist/index.js:10:5)';
      failing.recordException(error, [T0 + 1, 2_000_000]);
      failing.setStatus({ code: SpanStatusCode.ERROR, message: 'load failed' });
      failing.end([T0 + 1, 40_000_000]);
    });
    expect(spans).toHaveLength(2);
    const [okSpan, failingSpan] = spans.map((s) => s.spanContext());

    const exporter = new ProtoExporter({ url: url(), headers });
    expect((await exportWith(exporter, spans)).code).toBe(SUCCESS);
    await exporter.shutdown();

    expect(await traceRows()).toEqual([
      {
        operation_name: 'search_context',
        duration_ms: 150.5,
        success: true,
        // enduser.id of the resource is an e-mail, not a hash: stored as its SHA-256
        user_id_hash: ALICE_HASH,
        session_id: 's_otlp',
        channel: 'server', // service.name cortex-mcp → mcp → server
        phase: 'open_beta', // after OPEN_BETA_STARTS_AT (2026-10-01) and no cortex.phase
        client_version: '2.4.0',
        metadata: {
          'otel.trace_id': okSpan?.traceId,
          'otel.span_id': okSpan?.spanId,
          'otel.scope.name': 'cortex-tests',
          'service.name': 'cortex-mcp',
          result_count: 3,
          'db.system': 'postgresql',
        },
        ts: '2026-11-20T10:00:00.000Z',
      },
      {
        operation_name: 'load_context',
        duration_ms: 40,
        success: false,
        user_id_hash: 'u_3f9a', // the span's enduser.id wins over the resource's, and is a hash
        session_id: '',
        channel: 'extension',
        phase: 'closed_beta',
        client_version: '2.4.0',
        metadata: {
          'otel.trace_id': failingSpan?.traceId,
          'otel.span_id': failingSpan?.spanId,
          'otel.status_message': 'load failed',
          'otel.scope.name': 'cortex-tests',
          'service.name': 'cortex-mcp',
        },
        ts: '2026-11-20T10:00:01.000Z',
      },
    ]);
    expect(await errorRows()).toEqual([
      {
        error_type: 'TypeError',
        error_message: 'ctx is undefined',
        stack_trace: 'TypeError: ctx is undefined\n    at load (/srv/cortex/dist/index.js:10:5)',
        severity: 'error',
        user_id_hash: 'u_3f9a',
        channel: 'extension',
        phase: 'closed_beta',
        metadata: {
          'otel.trace_id': failingSpan?.traceId,
          'otel.span_id': failingSpan?.spanId,
          'otel.operation': 'load_context',
        },
        ts: '2026-11-20T10:00:01.002Z',
      },
    ]);
  });

  it('stores a re-export once, whichever exporter sends it again', async () => {
    const proto = new ProtoExporter({ url: url(), headers });
    const json = new HttpJsonExporter({ url: url(), headers });
    expect((await exportWith(proto, spans)).code).toBe(SUCCESS);
    expect((await exportWith(json, spans)).code).toBe(SUCCESS);
    await Promise.all([proto.shutdown(), json.shutdown()]);
    const [{ traces }] = await app.sql('select count(*)::int as traces from telemetry_traces');
    const [{ errors }] = await app.sql('select count(*)::int as errors from telemetry_errors');
    expect({ traces, errors }).toEqual({ traces: 2, errors: 1 });
  });

  it('takes the JSON exporter gzipped', async () => {
    const more = recordSpans((tracer) => {
      const span = tracer.startSpan('rag_search', {
        startTime: [T0 + 2, 0],
        attributes: { 'enduser.id': 'u_gzip', 'cortex.channel': 'WEB', 'session.id': 's_gz' },
      });
      span.end([T0 + 2, 7_250_000]);
    });
    const json = new HttpJsonExporter({ url: url(), headers, compression: 'gzip' as never });
    expect((await exportWith(json, more)).code).toBe(SUCCESS);
    await json.shutdown();
    const rows = await app.sql(
      `select operation_name, duration_ms, success, channel, session_id from telemetry_traces
       where user_id_hash = 'u_gzip'`,
    );
    expect(rows).toEqual([
      {
        operation_name: 'rag_search',
        duration_ms: 7.25,
        success: true,
        channel: 'web',
        session_id: 's_gz',
      },
    ]);
  });

  it('refuses a bad token and stores nothing', async () => {
    const more = recordSpans((tracer) => {
      tracer.startSpan('never_stored', { startTime: [T0 + 3, 0] }).end([T0 + 3, 1_000_000]);
    });
    const exporter = new ProtoExporter({ url: url(), headers: { Authorization: 'Bearer nope' } });
    const result = await exportWith(exporter, more);
    await exporter.shutdown();
    expect(result.code).toBe(FAILED);
    const rows = await app.sql(
      `select count(*)::int as n from telemetry_traces where operation_name = 'never_stored'`,
    );
    expect(rows).toEqual([{ n: 0 }]);
  });
});
