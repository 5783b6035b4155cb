import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp, VIEWER_TOKEN } from './helpers/app.js';

/** POST /v1/traces by hand: the OTLP/HTTP answers, the JSON form's spellings, refusals. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const root = protobuf.parse(
  readFileSync(new URL('../src/modules/otlp/otlp.proto', import.meta.url), 'utf8'),
).root;
const Request = root.lookupType('cortex.otlp.ExportTraceServiceRequest');
const Response = root.lookupType('cortex.otlp.ExportTraceServiceResponse');
const RpcStatus = root.lookupType('cortex.otlp.RpcStatus');

const post = (body: Buffer | string, headers: Record<string, string>) =>
  fetch(`${app.baseUrl}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${INGEST_TOKEN}`, ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
const JSON_TYPE = { 'content-type': 'application/json' };
const PROTO_TYPE = { 'content-type': 'application/x-protobuf' };

const kv = (key: string, value: Record<string, unknown>) => ({ key, value });
const str = (key: string, value: string) => kv(key, { stringValue: value });
/** One span of the JSON form; 2026-11-20T10:00:00Z is 1795168800 s since 1970. */
const span = (over: Record<string, unknown>) => ({
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: 'eee19b7ec3c1b174',
  name: 'rag_search',
  kind: 2,
  startTimeUnixNano: '1795168800000000000',
  endTimeUnixNano: '1795168800123456789',
  attributes: [str('enduser.id', 'u_json'), str('cortex.channel', 'server')],
  ...over,
});
const request = (spans: unknown[], resourceAttributes: unknown[] = []) => ({
  resourceSpans: [
    {
      resource: { attributes: resourceAttributes },
      scopeSpans: [{ scope: { name: 'manual' }, spans }],
    },
  ],
});

describe('POST /v1/traces, JSON', () => {
  it('reads int64 as strings and as numbers, enums as integers, ignores unknown fields', async () => {
    const body = request([
      span({
        name: 'as_strings',
        status: { code: 2, message: 'timeout' },
        attributes: [
          str('enduser.id', 'u_json'),
          str('cortex.channel', 'server'),
          kv('hits', { intValue: '42' }),
          kv('big', { intValue: '9007199254740993' }), // 2^53 + 1: kept exact, as text
          kv('ratio', { doubleValue: 0.5 }),
          kv('tags', { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }] } }),
          kv('nested', { kvlistValue: { values: [kv('k', { intValue: 7 })] } }),
        ],
        someFutureField: { ignored: true },
      }),
      span({
        spanId: 'eee19b7ec3c1b175',
        name: 'as_numbers',
        status: { code: 1 },
        // 1795168800000000000 and +256 ms are multiples of 256, so JSON's doubles hold them exactly
        startTimeUnixNano: 1795168800000000000,
        endTimeUnixNano: 1795168800256000000,
        attributes: [
          str('enduser.id', 'u_json'),
          str('cortex.channel', 'server'),
          kv('hits', { intValue: 42 }),
        ],
      }),
    ]);
    const res = await post(JSON.stringify({ ...body, unknownTopLevel: 1 }), JSON_TYPE);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({});
    const rows = await app.sql(
      `select operation_name, duration_ms, success, metadata - 'otel.trace_id' - 'otel.span_id'
         - 'otel.scope.name' as attributes
       from telemetry_traces where user_id_hash = 'u_json' order by operation_name`,
    );
    expect(rows).toEqual([
      { operation_name: 'as_numbers', duration_ms: 256, success: true, attributes: { hits: 42 } },
      {
        operation_name: 'as_strings',
        duration_ms: 123.456789,
        success: false,
        attributes: {
          'otel.status_message': 'timeout',
          hits: 42,
          big: '9007199254740993',
          ratio: 0.5,
          tags: ['a', true],
          nested: { k: 7 },
        },
      },
    ]);
  });

  it('answers partialSuccess for refused spans and keeps them in the failed-items store', async () => {
    const body = request(
      [
        span({ spanId: '0000000000000001', name: 'kept' }),
        span({ spanId: '0000000000000002', name: 'no_user', attributes: [] }),
        span({
          spanId: '0000000000000003',
          name: 'unknown_service',
          attributes: [str('enduser.id', 'u_p')],
        }),
        span({
          spanId: '0000000000000004',
          name: '',
          attributes: [str('enduser.id', 'u_p'), str('cortex.channel', 'web')],
        }),
        span({ spanId: '0000000000000005', name: 'no_user_either', attributes: [] }),
      ],
      [str('service.name', 'billing')],
    );
    const res = await post(JSON.stringify(body), JSON_TYPE);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '4',
        errorMessage:
          'span 1: userIdHash: no enduser.id attribute on the span or resource; ' +
          'span 2: channel: set the cortex.channel attribute (extension, server, web) or a service.name of mcp, server, extension, web, website (got "billing"); ' +
          'span 3: operationName: must not be empty; the rest are in failedItems',
      },
    });
    const failed = await app.sql(
      `select pipeline, mutation, item_index, reason, payload::jsonb as payload
       from telemetry_failed_items order by item_index`,
    );
    expect(failed.map((f: { item_index: number }) => f.item_index)).toEqual([1, 2, 3, 4]);
    expect(failed[0]).toMatchObject({ pipeline: 'trace', mutation: 'POST /v1/traces' });
    // the payload is a request of that one span: it can be sent to /v1/traces again
    expect(failed[0].payload).toEqual(
      request(
        [span({ spanId: '0000000000000002', name: 'no_user', attributes: [] })],
        [str('service.name', 'billing')],
      ),
    );
  });
});

describe('POST /v1/traces, protobuf', () => {
  it('answers in protobuf, with partialSuccess', async () => {
    const hex = (h: string) => Buffer.from(h, 'hex');
    const message = Request.fromObject({
      resourceSpans: [
        {
          resource: { attributes: [str('service.name', 'extension'), str('enduser.id', 'u_pb')] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: hex('0af7651916cd43dd8448eb211c80319c'),
                  spanId: hex('b7ad6b7169203331'),
                  name: 'open_panel',
                  startTimeUnixNano: '1795168800000000000',
                  endTimeUnixNano: '1795168800005000000',
                },
                {
                  traceId: hex('0af7651916cd43dd8448eb211c80319c'),
                  spanId: hex('b7ad6b7169203332'),
                  name: 'ends_before_it_starts',
                  startTimeUnixNano: '1795168800005000000',
                  endTimeUnixNano: '1795168800000000000',
                },
              ],
            },
          ],
        },
      ],
    });
    const res = await post(Buffer.from(Request.encode(message).finish()), PROTO_TYPE);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const answer = Response.toObject(Response.decode(new Uint8Array(await res.arrayBuffer())), {
      longs: Number,
    });
    expect(answer).toEqual({
      partialSuccess: { rejectedSpans: 1, errorMessage: 'span 1: durationMs: must be ≥ 0' },
    });
    const rows = await app.sql(
      `select operation_name, duration_ms, channel, metadata->>'otel.span_id' as span_id
       from telemetry_traces where user_id_hash = 'u_pb'`,
    );
    expect(rows).toEqual([
      {
        operation_name: 'open_panel',
        duration_ms: 5,
        channel: 'extension',
        span_id: 'b7ad6b7169203331',
      },
    ]);
  });
});

describe('POST /v1/traces refusals', () => {
  const status = async (res: Response) =>
    RpcStatus.toObject(RpcStatus.decode(new Uint8Array(await res.arrayBuffer())));

  it('400 for a body that does not decode, in the request’s encoding', async () => {
    const notJson = await post('{"resourceSpans": [', JSON_TYPE);
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { code: number }).code).toBe(3);
    const wrongShape = await post(JSON.stringify({ resourceSpans: 'all of them' }), JSON_TYPE);
    expect(wrongShape.status).toBe(400);
    expect(await wrongShape.json()).toEqual({
      code: 3,
      message: 'resourceSpans: must be a list of objects',
    });
    const garbage = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), PROTO_TYPE);
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await status(garbage)).code).toBe(3);
    const notGzip = await post('plain', { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect(notGzip.status).toBe(400);
  });

  it('413 over the body limit, before or after gunzip', async () => {
    const big = await post(Buffer.alloc(2 * 1024 * 1024 + 1, 0x20), JSON_TYPE);
    expect(big.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(3 * 1024 * 1024, 0x20)); // ~3 KiB that inflate to 3 MiB
    const inflated = await post(bomb, { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect(inflated.status).toBe(413);
    expect(await inflated.json()).toEqual({
      code: 3,
      message: 'request body: must be at most 2 MiB after gunzip; export smaller batches',
    });
  });

  it('415 for another content type or encoding, 401 without a token', async () => {
    const text = await post('hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(await text.json()).toEqual({
      code: 3,
      message: 'Content-Type: must be application/x-protobuf or application/json',
    });
    const brotli = await post('{}', { ...JSON_TYPE, 'content-encoding': 'br' });
    expect(brotli.status).toBe(415);
    const anonymous = await fetch(`${app.baseUrl}/v1/traces`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify(request([span({})])),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await anonymous.json()) as { code: number }).code).toBe(16);
    // a viewer token is read-only: it may not record spans
    const viewer = await post(JSON.stringify(request([span({})])), {
      ...JSON_TYPE,
      authorization: `Bearer ${VIEWER_TOKEN}`,
    });
    expect(viewer.status).toBe(403);
    expect(await viewer.json()).toEqual({
      code: 7,
      message: 'Authorization: a viewer token may only read; send an ingest token',
    });
  });
});

describe('POST /v1/traces from a browser', () => {
  it('answers the preflight and exposes Retry-After to the page (docs/api.md#cors)', async () => {
    const origin = 'vscode-webview://cortex';
    const preflight = await fetch(`${app.baseUrl}/v1/traces`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(Object.fromEntries(preflight.headers)).toMatchObject({
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'authorization, content-type, content-encoding',
      'access-control-expose-headers': 'retry-after',
    });
    const res = await post(JSON.stringify(request([])), { ...JSON_TYPE, origin });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
  });
});

describe('POST /v1/traces under the rate limit', () => {
  it('429 + Retry-After past the ingest token’s bucket', async () => {
    const limited = await startTestApp({
      RATE_LIMIT_TOKEN_PER_SECOND: '0.01',
      RATE_LIMIT_TOKEN_BURST: '1',
    });
    try {
      const send = () =>
        fetch(`${limited.baseUrl}/v1/traces`, {
          method: 'POST',
          headers: { authorization: `Bearer ${INGEST_TOKEN}`, ...JSON_TYPE },
          body: JSON.stringify(request([])),
        });
      expect((await send()).status).toBe(200);
      const refused = await send();
      expect(refused.status).toBe(429);
      // one token per 100 s at 0.01 per second
      expect(refused.headers.get('retry-after')).toBe('100');
    } finally {
      await limited.close();
    }
  });
});
