import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

/**
 * OTLP/HTTP bodies in and out (docs/api.md#opentelemetry-traces). Both encodings are turned into
 * one shape, the OTLP JSON form (lowerCamelCase keys, hex trace and span ids, int64 as decimal
 * strings, enums as integers), so the mapping (otlp-map.ts) reads one thing and a refused span is
 * kept in the failed-items store as JSON that could be sent to `/v1/traces` again.
 */
export type OtlpEncoding = 'protobuf' | 'json';

export const CONTENT_TYPES: Record<OtlpEncoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** A body that is not an ExportTraceServiceRequest: 400, not retryable. */
export class OtlpDecodeError extends Error {}

// the descriptor ships beside the compiled file (the build copies it into dist)
const root = protobuf.parse(readFileSync(new URL('./otlp.proto', import.meta.url), 'utf8')).root;
const Request = root.lookupType('cortex.otlp.ExportTraceServiceRequest');
const Response = root.lookupType('cortex.otlp.ExportTraceServiceResponse');
const RpcStatus = root.lookupType('cortex.otlp.RpcStatus');

/** The content type's encoding, or null for one OTLP/HTTP does not define (415). */
export function encodingOf(contentType: string | undefined): OtlpEncoding | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === CONTENT_TYPES.protobuf) return 'protobuf';
  if (type === CONTENT_TYPES.json) return 'json';
  return null;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** protobufjs writes `bytes` as base64; the JSON form spells trace and span ids in hex. */
function idsToHex(o: Json): void {
  for (const key of ['traceId', 'spanId', 'parentSpanId']) {
    if (typeof o[key] === 'string') o[key] = Buffer.from(o[key], 'base64').toString('hex');
  }
}

export function decodeRequest(body: Buffer, encoding: OtlpEncoding): Json {
  if (encoding === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new OtlpDecodeError(`body: not JSON (${(error as Error).message})`);
    }
    if (!isObject(parsed)) throw new OtlpDecodeError('body: must be a JSON object');
    return parsed;
  }
  let message: protobuf.Message;
  try {
    message = Request.decode(body);
  } catch (error) {
    throw new OtlpDecodeError(
      `body: not an ExportTraceServiceRequest (${(error as Error).message})`,
    );
  }
  const request = Request.toObject(message, { longs: String, enums: Number, bytes: String });
  for (const rs of list(request.resourceSpans)) {
    for (const ss of list((rs as Json).scopeSpans)) {
      for (const span of list((ss as Json).spans)) {
        idsToHex(span as Json);
        for (const link of list((span as Json).links)) idsToHex(link as Json);
      }
    }
  }
  return request;
}

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/** An empty ExportTraceServiceResponse when every span was taken, else its partialSuccess. */
export function encodeResponse(encoding: OtlpEncoding, partial: PartialSuccess | null): Buffer {
  if (encoding === 'json') {
    const body = partial
      ? {
          partialSuccess: {
            rejectedSpans: String(partial.rejectedSpans),
            errorMessage: partial.errorMessage,
          },
        }
      : {};
    return Buffer.from(JSON.stringify(body));
  }
  const message = Response.fromObject(partial ? { partialSuccess: partial } : {});
  return Buffer.from(Response.encode(message).finish());
}

/** google.rpc.Status, the body OTLP/HTTP gives a refused request (`code` is gRPC's). */
export function encodeStatus(encoding: OtlpEncoding, code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return Buffer.from(RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish());
}
