import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { LIMITS } from '@cortex-telemetry/events';
import type { Logger } from 'pino';
import { bearerToken, type TokenSet, tokenKind } from '../../auth.js';
import type { Config } from '../../config.js';
import { corsHeaders } from '../../cors.js';
import type { Orm } from '../../orm.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../../unavailable.js';
import { exportTraces } from './otlp.service.js';
import {
  CONTENT_TYPES,
  decodeRequest,
  encodeResponse,
  encodeStatus,
  encodingOf,
  OtlpDecodeError,
  type OtlpEncoding,
} from './otlp-codec.js';

/**
 * `POST /v1/traces` (docs/api.md#opentelemetry-traces). http.ts has already applied the rate
 * limits; `readBody` is its bounded reader (413 past the body limit). Refusals are answered as
 * OTLP/HTTP says: a google.rpc.Status in the request's encoding, with the status codes its
 * exporters retry (429, 502, 503, 504) only where retrying can help.
 */
export type OtlpHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  readBody: () => Promise<Buffer>,
) => Promise<void>;

/** gRPC codes for google.rpc.Status.code. */
const GRPC = {
  INVALID_ARGUMENT: 3,
  PERMISSION_DENIED: 7,
  UNAUTHENTICATED: 16,
  UNAVAILABLE: 14,
  UNIMPLEMENTED: 12,
};

/** What a browser's preflight for an allowed origin is told (docs/api.md#cors). */
const PREFLIGHT = {
  'access-control-allow-methods': 'POST',
  'access-control-allow-headers': 'authorization, content-type, content-encoding',
  'access-control-max-age': '600',
};

/** A gzip body that inflates past the body limit: 413, like a plain body over it. */
class InflatedTooLarge extends Error {}

function send(
  res: ServerResponse,
  status: number,
  encoding: OtlpEncoding,
  body: Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': CONTENT_TYPES[encoding], ...headers });
  res.end(body);
}

function inflate(body: Buffer, contentEncoding: string): Buffer {
  if (contentEncoding === '' || contentEncoding === 'identity') return body;
  try {
    return gunzipSync(body, { maxOutputLength: LIMITS.bodyBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new InflatedTooLarge();
    throw new OtlpDecodeError(`body: not gzip (${(error as Error).message})`);
  }
}

export function createOtlpHandler(options: {
  orm: Orm;
  config: Config;
  tokens: TokenSet;
  logger: Logger;
}): OtlpHandler {
  const { orm, config, tokens, logger } = options;
  return async (req, res, readBody) => {
    // browser exporters (a web view's) read every answer, refusals and Retry-After included
    const cors = corsHeaders(config.CORS_ORIGINS, req.headers.origin);
    for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
    if (req.method === 'OPTIONS') {
      const preflight = Object.keys(cors).length > 0 ? PREFLIGHT : {};
      res.writeHead(204, preflight).end();
      return;
    }
    const encoding = encodingOf(req.headers['content-type']);
    const refuse = (status: number, code: number, message: string, headers = {}) =>
      send(
        res,
        status,
        encoding ?? 'json',
        encodeStatus(encoding ?? 'json', code, message),
        headers,
      );
    if (req.method !== 'POST') {
      return refuse(405, GRPC.UNIMPLEMENTED, 'method: only POST', { allow: 'POST' });
    }
    const kind = tokenKind(tokens, bearerToken(req.headers.authorization ?? null));
    if (kind === null) {
      return refuse(
        401,
        GRPC.UNAUTHENTICATED,
        'Authorization: send `Bearer <ingest token>` (OTEL_EXPORTER_OTLP_HEADERS)',
        { 'www-authenticate': 'Bearer' },
      );
    }
    if (kind === 'viewer') {
      return refuse(
        403,
        GRPC.PERMISSION_DENIED,
        'Authorization: a viewer token may only read; send an ingest token',
      );
    }
    if (!encoding) {
      return refuse(
        415,
        GRPC.INVALID_ARGUMENT,
        `Content-Type: must be ${CONTENT_TYPES.protobuf} or ${CONTENT_TYPES.json}`,
      );
    }
    const contentEncoding = String(req.headers['content-encoding'] ?? '')
      .trim()
      .toLowerCase();
    if (!['', 'identity', 'gzip'].includes(contentEncoding)) {
      return refuse(415, GRPC.INVALID_ARGUMENT, 'Content-Encoding: must be gzip or none');
    }
    try {
      const request = decodeRequest(inflate(await readBody(), contentEncoding), encoding);
      const { result, partial } = await exportTraces(orm.em.fork(), request, {
        receivedAt: new Date(),
        openBetaStartsAt: config.OPEN_BETA_STARTS_AT,
        scrubber: config.scrubber,
      });
      logger.debug({ otlp: result }, 'otlp traces');
      send(res, 200, encoding, encodeResponse(encoding, partial));
    } catch (error) {
      if (error instanceof OtlpDecodeError) {
        return refuse(400, GRPC.INVALID_ARGUMENT, error.message);
      }
      if (error instanceof InflatedTooLarge) {
        res.setHeader('connection', 'close');
        return refuse(
          413,
          GRPC.INVALID_ARGUMENT,
          `request body: must be at most ${LIMITS.bodyBytes / 1024 / 1024} MiB after gunzip; export smaller batches`,
        );
      }
      if (isDatabaseUnavailable(error)) {
        return refuse(
          503,
          GRPC.UNAVAILABLE,
          `the database is unavailable; retry after ${RETRY_AFTER_SECONDS} s (spans are idempotent by trace and span id)`,
          { 'retry-after': String(RETRY_AFTER_SECONDS) },
        );
      }
      throw error;
    }
  };
}
