import type { ItemKind, TelemetryItem } from './types.js';

/**
 * One request per batch: the three batch mutations share one GraphQL document (only those with
 * items), so a mixed batch costs one round trip. Items are JSON-encoded once and spliced into
 * the body; `sentAt` is stamped on every attempt so the server corrects clock skew.
 */
const MUTATION: Record<ItemKind, { field: string; arg: string; type: string; variable: string }> = {
  event: { field: 'recordEvents', arg: 'events', type: 'EventInput', variable: 'e' },
  error: { field: 'recordErrors', arg: 'errors', type: 'ErrorInput', variable: 'r' },
  trace: { field: 'recordTraces', arg: 'traces', type: 'TraceInput', variable: 't' },
};
const KINDS: readonly ItemKind[] = ['event', 'error', 'trace'];

const documents = new Map<string, string>();
function documentFor(kinds: readonly ItemKind[]): string {
  const key = kinds.join(',');
  let doc = documents.get(key);
  if (!doc) {
    const vars = kinds.map((k) => `$${MUTATION[k].variable}: [${MUTATION[k].type}!]!`);
    const fields = kinds.map(
      (k) =>
        `${k}: ${MUTATION[k].field}(${MUTATION[k].arg}: $${MUTATION[k].variable}, sentAt: $at) { accepted duplicates rejected errors { index message } }`,
    );
    doc = `mutation CortexTelemetryBatch(${vars.join(', ')}, $at: DateTime) { ${fields.join(' ')} }`;
    documents.set(key, doc);
  }
  return doc;
}

/** A batch ready to send: its items and their encoded JSON, grouped by pipeline. */
export interface Batch {
  items: TelemetryItem[];
  /** `wireJson` of each item, in the same order. */
  json: string[];
}

export function requestBody(batch: Batch, sentAt: Date): string {
  const byKind: Record<ItemKind, string[]> = { event: [], error: [], trace: [] };
  batch.items.forEach((item, i) => {
    byKind[item.kind].push(batch.json[i]!);
  });
  const kinds = KINDS.filter((k) => byKind[k].length > 0);
  const vars = kinds.map((k) => `"${MUTATION[k].variable}":[${byKind[k].join(',')}]`);
  const query = JSON.stringify(documentFor(kinds));
  return `{"query":${query},"variables":{${vars.join(',')},"at":"${sentAt.toISOString()}"}}`;
}

interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: { index: number; message: string }[];
}

/** What the delivery loop does next with a batch (docs/sdk.md "What is retried"). */
export type Outcome =
  | { type: 'stored'; rejected: { item: TelemetryItem; message: string }[] }
  | { type: 'retry'; retryAfterMs: number | null; reason: string }
  /** The request as a whole was refused for its content: bisect to find the bad item. */
  | { type: 'refused'; reason: string }
  /** Wrong token or endpoint: no item is at fault and retrying cannot help. */
  | {
      type: 'misconfigured';
      code: 'UNAUTHORIZED' | 'WRONG_ENDPOINT';
      status: number;
      reason: string;
    };

/** Codes of GraphQL errors that say "try again later" (the server's docs list them). */
const RETRYABLE_CODES = new Set(['SERVICE_UNAVAILABLE', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR']);
const CONFIG_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

/** `Retry-After` as seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value == null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

type GraphQLBody = {
  data?: Record<string, IngestResult | null> | null;
  errors?: { message?: string; extensions?: { code?: string } }[];
};

export async function classify(response: Response, batch: Batch): Promise<Outcome> {
  const status = response.status;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  if (status === 429 || status === 408 || status >= 500) {
    return { type: 'retry', retryAfterMs, reason: `HTTP ${status}` };
  }
  if (status === 401 || status === 403) {
    const reason = `HTTP ${status}: ${await safeText(response)}`;
    return { type: 'misconfigured', code: 'UNAUTHORIZED', status, reason };
  }
  if (status === 404 || status === 405) {
    // nothing at this URL takes a GraphQL POST: a wrong path, not a wrong token
    const reason = `HTTP ${status} from ${response.url || 'the endpoint'}: not a GraphQL endpoint (it ends in /graphql) ${await safeText(response)}`;
    return { type: 'misconfigured', code: 'WRONG_ENDPOINT', status, reason: reason.trimEnd() };
  }
  let body: GraphQLBody;
  try {
    body = (await response.json()) as GraphQLBody;
  } catch {
    return status === 200
      ? { type: 'retry', retryAfterMs, reason: 'unreadable answer' }
      : { type: 'refused', reason: `HTTP ${status}` };
  }
  const errors = body.errors ?? [];
  const codes = errors.map((e) => e.extensions?.code ?? '');
  const reason = errors.map((e) => e.message).join('; ') || `HTTP ${status}`;
  if (codes.some((c) => RETRYABLE_CODES.has(c))) return { type: 'retry', retryAfterMs, reason };
  if (codes.some((c) => CONFIG_CODES.has(c))) {
    return { type: 'misconfigured', code: 'UNAUTHORIZED', status, reason };
  }
  if (status !== 200 || errors.length > 0 || !body.data) return { type: 'refused', reason };

  const positions: Record<ItemKind, TelemetryItem[]> = { event: [], error: [], trace: [] };
  for (const item of batch.items) positions[item.kind].push(item);
  const rejected: { item: TelemetryItem; message: string }[] = [];
  for (const kind of KINDS) {
    if (positions[kind].length === 0) continue;
    const result = body.data[kind];
    if (!result) return { type: 'retry', retryAfterMs, reason: `no result for ${kind}s` };
    for (const e of result.errors) {
      const item = positions[kind][e.index];
      if (item) rejected.push({ item, message: e.message });
    }
  }
  return { type: 'stored', rejected };
}

async function safeText(response: Response): Promise<string> {
  try {
    return (await response.text()).slice(0, 500);
  } catch {
    return '';
  }
}
