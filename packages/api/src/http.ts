import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIMITS } from '@cortex-telemetry/events';
import type { Logger } from 'pino';
import { isApiPath, notFound, type RestHandler } from './admin-rest.js';
import { bearerToken, isShareToken, type TokenSet, tokenKind } from './auth.js';
import type { Config } from './config.js';
import { corsHeaders } from './cors.js';
import { errorResponse } from './errors.js';
import type { createGraphQL } from './graphql.js';
import { BACKLOG_RETRY_AFTER_SECONDS, clientAddress, type Limits } from './limits.js';
import type { OtlpHandler } from './modules/otlp/otlp.http.js';

/**
 * The HTTP front: GraphQL, health probes and the built dashboard. The body is read here, not
 * by Yoga, so an oversized request is refused with 413 before anything parses it.
 */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

class PayloadTooLarge extends Error {}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * How much of an oversized body is read and discarded before the 413, and for how long (as
 * nginx's lingering close): a server that closes with unread bytes in the socket resets the
 * connection, and a client still writing (Node's fetch, Python's urllib) then sees EPIPE instead
 * of the answer. Beyond either bound the 413 goes out and the connection closes anyway.
 */
export const DRAIN_LIMITS = { bytes: 16 * 1024 * 1024, ms: 5000 } as const;

/**
 * The body, or PayloadTooLarge once it passes `limit`; the rest of an oversized body is read
 * and discarded first, within DRAIN_LIMITS, so the client is listening when the 413 comes.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let timer: NodeJS.Timeout | undefined;
    const refuse = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      reject(new PayloadTooLarge());
    };
    const overflow = () => {
      tooLarge = true;
      chunks.length = 0;
      if (declared > DRAIN_LIMITS.bytes) return refuse();
      timer = setTimeout(refuse, DRAIN_LIMITS.ms);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (tooLarge) {
        if (size > DRAIN_LIMITS.bytes) refuse();
        return;
      }
      if (size > limit) return overflow();
      chunks.push(chunk);
    };
    const onEnd = () => {
      clearTimeout(timer);
      if (tooLarge) reject(new PayloadTooLarge());
      else resolve(Buffer.concat(chunks));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (declared > limit) overflow();
  });
}

async function serveStatic(webDir: string, pathname: string, res: ServerResponse): Promise<void> {
  if (isApiPath(pathname)) return writeAnswer(res, notFound(pathname));
  const root = resolve(webDir);
  let file = normalize(join(root, decodeURIComponent(pathname)));
  if (!file.startsWith(root + sep) && file !== root) {
    res.writeHead(404).end();
    return;
  }
  const isFile = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  // single-page app: unknown paths without an extension get index.html
  if (!isFile) {
    if (extname(pathname) !== '') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    file = join(root, 'index.html');
  }
  if (!existsSync(file)) {
    res
      .writeHead(503, { 'content-type': 'text/plain' })
      .end('The dashboard is not built yet: run `npx -y pnpm@12.4.2 build`.');
    return;
  }
  const immutable = pathname.startsWith('/assets/');
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(await readFile(file));
}

function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  config: Config,
  refusal: ReturnType<typeof errorResponse>,
): void {
  res.writeHead(refusal.status, {
    ...refusal.headers,
    ...corsHeaders(config.CORS_ORIGINS, req.headers.origin),
  });
  res.end(refusal.body);
}

/** A whole answer where the request is not at hand (so without CORS headers). */
function writeAnswer(res: ServerResponse, answer: ReturnType<typeof errorResponse>): void {
  res.writeHead(answer.status, answer.headers).end(answer.body);
}

const rateLimited = (what: string, retryAfterSeconds: number) =>
  errorResponse(
    'RATE_LIMITED',
    `rate limit: ${what}; retry after ${retryAfterSeconds} s (Retry-After)`,
    { 'retry-after': String(retryAfterSeconds) },
  );

/** Admission control (limits.ts, BacklogGate): nothing is wrong with the batch; resend it later. */
const backlogRefusal = (limit: number) =>
  errorResponse(
    'SERVICE_UNAVAILABLE',
    `ingest is paused while the KPI fold catches up (more than ${limit} day facts wait, INGEST_BACKLOG_LIMIT); retry after ${BACKLOG_RETRY_AFTER_SECONDS} s (ingest is idempotent by item id)`,
    { 'retry-after': String(BACKLOG_RETRY_AFTER_SECONDS) },
  );

/**
 * The limits of docs/api.md#limits that apply before GraphQL runs: per address, then per ingest
 * token; an ingest request then passes admission control (the fold's backlog). An admin or
 * viewer request then waits for one of the admin slots; the answer is the release.
 */
async function admit(
  req: IncomingMessage,
  config: Config,
  tokens: TokenSet,
  limits: Limits,
): Promise<
  { ok: true; release: () => void } | { ok: false; refusal: ReturnType<typeof errorResponse> }
> {
  const byAddress = limits.address.take(clientAddress(req, config.TRUST_PROXY));
  if (!byAddress.ok) {
    const what = `at most ${config.RATE_LIMIT_ADDRESS_PER_SECOND} requests per second (bursts of ${config.RATE_LIMIT_ADDRESS_BURST}) per client address`;
    return { ok: false, refusal: rateLimited(what, byAddress.retryAfterSeconds) };
  }
  const token = bearerToken(req.headers.authorization ?? null);
  const kind = tokenKind(tokens, token);
  if (kind === 'ingest' && token) {
    const byToken = limits.ingestToken.take(limits.tokenKey(token));
    if (!byToken.ok) {
      const what = `at most ${config.RATE_LIMIT_TOKEN_PER_SECOND} requests per second (bursts of ${config.RATE_LIMIT_TOKEN_BURST}) per ingest token`;
      return { ok: false, refusal: rateLimited(what, byToken.retryAfterSeconds) };
    }
    if (limits.backlog && (await limits.backlog.over())) {
      return { ok: false, refusal: backlogRefusal(limits.backlog.limit) };
    }
  }
  // a viewer (or a share link) reads what an admin reads: the same slots bound them all
  if (kind !== 'admin' && kind !== 'viewer' && !isShareToken(token)) {
    return { ok: true, release: () => {} };
  }
  const release = await limits.adminSlots.acquire();
  if (!release) {
    const what = `${config.ADMIN_CONCURRENCY} admin requests run at once and ${config.ADMIN_QUEUE} more may wait`;
    return { ok: false, refusal: rateLimited(what, 1) };
  }
  return { ok: true, release };
}

export function createHttpServer(options: {
  yoga: ReturnType<typeof createGraphQL>;
  /** The v1 REST paths (`/admin/kpi/…`, admin-rest.ts); without it they are not served. */
  rest?: RestHandler;
  ready: () => Promise<boolean>;
  logger: Logger;
  config: Config;
  tokens: TokenSet;
  limits: Limits;
  /** `POST /v1/traces` (OpenTelemetry); without it the path is not served. */
  otlp?: OtlpHandler;
  webDir?: string;
}) {
  const { yoga, ready, logger, config, tokens, limits, otlp } = options;
  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  // Node refuses a headers timeout longer than the request timeout
  const requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  const headersTimeout = Math.min(config.HTTP_HEADERS_TIMEOUT_MS, requestTimeout);
  const serverOptions = {
    headersTimeout,
    requestTimeout,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    // how often Node looks for connections past those timeouts (its default is 30 s)
    connectionsCheckingInterval: Math.min(1000, headersTimeout),
  };

  const server = createServer(serverOptions, async (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/health') {
      res.once('finish', () => {
        const ms = Math.round(performance.now() - started);
        logger.info(
          { method: req.method, path: url.pathname, status: res.statusCode, ms },
          'request',
        );
      });
    }
    try {
      if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/ready') {
        const ok = await ready();
        return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready' });
      }
      // the same admission as /graphql: each runs a GraphQL field (sendError writes any answer)
      if (options.rest?.serves(url.pathname)) {
        const admitted = await admit(req, config, tokens, limits);
        if (!admitted.ok) return sendError(req, res, config, admitted.refusal);
        try {
          return sendError(req, res, config, await options.rest.answer(req, url));
        } finally {
          admitted.release();
        }
      }
      if (url.pathname === '/graphql') {
        const admitted = await admit(req, config, tokens, limits);
        if (!admitted.ok) return sendError(req, res, config, admitted.refusal);
        try {
          await forwardToYoga(yoga, req, res);
        } finally {
          admitted.release();
        }
        return;
      }
      if (url.pathname === '/v1/traces' && otlp) {
        const admitted = await admit(req, config, tokens, limits);
        if (!admitted.ok) return sendError(req, res, config, admitted.refusal);
        try {
          await otlp(req, res, () => readBody(req, LIMITS.bodyBytes));
        } finally {
          admitted.release();
        }
        return;
      }
      if (req.method === 'GET' || req.method === 'HEAD')
        return await serveStatic(webDir, url.pathname, res);
      if (isApiPath(url.pathname)) return sendError(req, res, config, notFound(url.pathname));
      res.writeHead(405).end();
    } catch (error) {
      if (error instanceof PayloadTooLarge) {
        res.setHeader('connection', 'close');
        return sendError(
          req,
          res,
          config,
          errorResponse(
            'PAYLOAD_TOO_LARGE',
            `request body: must be at most ${LIMITS.bodyBytes / 1024 / 1024} MiB; send smaller batches`,
          ),
        );
      }
      logger.error({ err: error, path: url.pathname }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'internal error' }] });
    }
  });
  server.maxConnections = config.HTTP_MAX_CONNECTIONS;
  server.on('close', limits.stop);
  return server;
}

async function forwardToYoga(
  yoga: ReturnType<typeof createGraphQL>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const body = hasBody ? await readBody(req, LIMITS.bodyBytes) : undefined;
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === 'string') headers.set(k, v);
    else if (Array.isArray(v)) headers.set(k, v.join(', '));
  }
  const response = await yoga.fetch(`http://localhost${req.url}`, {
    method: req.method,
    headers,
    body,
  });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}
