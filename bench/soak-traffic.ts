/**
 * The operations of the soak (bench/soak.bench.ts): what a beta's clients and its analysts send,
 * plus the abuse the limits exist for. Each call records its latency and outcome in `Stats`.
 */
export const SOAK_INGEST_TOKEN = 'soak-ingest-token';
export const SOAK_BURST_TOKEN = 'soak-burst-token';
export const SOAK_ADMIN_TOKEN = 'soak-admin-token';

export type Outcome = 'ok' | '4xx' | '429' | '5xx' | 'network';

/** Latencies and outcomes per operation, for one minute of the soak. */
export class Stats {
  readonly latencies = new Map<string, number[]>();
  readonly outcomes = new Map<string, Record<Outcome, number>>();
  /**
   * Per operation and HTTP status, for answers ≥ 500 and GraphQL errors of calls that expect
   * none: how many, and the first answer's error, to say which operation fails and why.
   */
  readonly failures = new Map<string, { count: number; sample: string }>();
  /** 503s of admission control (ingest paused while the fold catches up), among the 5xx. */
  paused = 0;

  fail(op: string, status: number, body: string): void {
    const key = `${op} ${status}`;
    const seen = this.failures.get(key);
    if (seen) seen.count++;
    else this.failures.set(key, { count: 1, sample: body.slice(0, 300) });
  }

  record(op: string, ms: number, outcome: Outcome): void {
    const list = this.latencies.get(op) ?? [];
    list.push(ms);
    this.latencies.set(op, list);
    const counts = this.outcomes.get(op) ?? { ok: 0, '4xx': 0, '429': 0, '5xx': 0, network: 0 };
    counts[outcome]++;
    this.outcomes.set(op, counts);
  }

  percentile(op: string, p: number): number | null {
    const sorted = [...(this.latencies.get(op) ?? [])].sort((a, b) => a - b);
    if (sorted.length === 0) return null;
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
  }

  total(outcome: Outcome): number {
    let n = 0;
    for (const counts of this.outcomes.values()) n += counts[outcome];
    return n;
  }
}

export interface Target {
  url: string;
  stats: () => Stats;
}

/**
 * Where a request comes from, as the server sees it behind `TRUST_PROXY=1`: the beta's clients
 * are 1,000 addresses sending little each; the burst comes from one.
 */
export const clientAddress = () =>
  `10.0.${Math.floor(Math.random() * 4)}.${Math.floor(Math.random() * 250)}`;
export const BURST_ADDRESS = '10.99.0.1';

/** One GraphQL POST; classifies the answer. A GraphQL error inside a 200 is a 4xx-kind outcome. */
export async function call(
  target: Target,
  op: string,
  token: string,
  body: string,
  expectRejections = false,
  from = clientAddress(),
): Promise<Outcome> {
  const started = performance.now();
  let outcome: Outcome;
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-forwarded-for': from,
      },
      body,
    });
    const text = await res.text();
    if (res.status === 429) outcome = '429';
    else if (res.status >= 500) {
      outcome = '5xx';
      target.stats().fail(op, res.status, text);
      if (res.status === 503 && text.includes('ingest is paused')) target.stats().paused++;
    } else if (res.status >= 400) {
      outcome = '4xx';
      if (!expectRejections) target.stats().fail(op, res.status, text);
    } else if (text.includes('"errors":[') && !expectRejections) {
      outcome = '4xx';
      target.stats().fail(op, res.status, text);
    } else outcome = 'ok';
  } catch {
    outcome = 'network';
  }
  target.stats().record(op, performance.now() - started, outcome);
  return outcome;
}

const EVENT_NAMES = [
  'session_started',
  'extension_activated',
  'server_operation_called',
  'web_view_opened',
  'context_loaded',
  'context_resumed',
  'context_created',
  'session_resumed_from_context',
  'context_modified',
];
const CHANNELS = ['EXTENSION', 'SERVER', 'WEB'];

/** Events of 5,000 users over the last 30 days; ids are fresh, so every item is stored. */
export function eventBatch(size: number, now = Date.now()): string {
  const events = Array.from({ length: size }, () => {
    const user = Math.floor(Math.random() * 5000);
    return {
      eventId: crypto.randomUUID(),
      eventName: EVENT_NAMES[Math.floor(Math.random() * EVENT_NAMES.length)]?.toUpperCase(),
      timestamp: new Date(now - Math.floor(Math.random() * 30 * 86_400_000)).toISOString(),
      userIdHash: `soak_${user}`,
      sessionId: `s_${user}_${Math.floor(Math.random() * 20)}`,
      channel: CHANNELS[user % 3],
      userTier: user % 10 === 0 ? 'pro' : 'free',
    };
  });
  return JSON.stringify({
    query:
      'mutation ($es: [EventInput!]!) { recordEvents(events: $es) { accepted duplicates rejected } }',
    variables: { es: events },
  });
}

/** Half good, half broken items (an e-mail as user, a future timestamp): rejected one by one. */
export function badBatch(size: number): string {
  const body = JSON.parse(eventBatch(size)) as { variables: { es: Record<string, unknown>[] } };
  body.variables.es.forEach((e, i) => {
    if (i % 4 === 1) e.userIdHash = 'someone@example.com';
    if (i % 4 === 3) e.timestamp = new Date(Date.now() + 3 * 3_600_000).toISOString();
  });
  return JSON.stringify(body);
}

export const MALFORMED = JSON.stringify({
  query: 'mutation ($es: [EventInput!]!) { recordEvents(events: $es) { accepted } }',
  variables: { es: [{ eventName: 'NOT_AN_EVENT', timestamp: 'yesterday' }] },
});

export const TINY_EVENT = JSON.stringify({
  query: 'mutation ($e: EventInput!) { recordEvent(event: $e) { accepted } }',
  variables: {
    e: {
      eventName: 'SESSION_STARTED',
      timestamp: new Date().toISOString(),
      userIdHash: 'soak_burst',
      channel: 'WEB',
    },
  },
});

const since = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** What the dashboard and an analyst ask, over fixed-size windows so cost does not grow. */
export const KPI_QUERY = () =>
  JSON.stringify({
    query:
      '{ kpis(days: 30) { cdr { rate sessions } dauWau { dau wau mau } resurrection { rate } paidConversion { rate } } }',
  });

export const ANALYST_QUERIES: (() => string)[] = [
  () =>
    JSON.stringify({
      query: `{ events(first: 50, userIdHash: "soak_${Math.floor(Math.random() * 5000)}") { nodes { id timestamp eventName } pageInfo { hasNextPage } } }`,
    }),
  () =>
    JSON.stringify({
      query: `{ eventCounts(groupBy: [EVENT_NAME], from: "${since(60 * 24)}", to: "${since(60 * 23)}") { eventName count users } }`,
    }),
  () => JSON.stringify({ query: '{ failedItems(first: 20) { nodes { reason } } }' }),
  () =>
    JSON.stringify({
      query: `{ events(first: 100, from: "${since(2)}") { nodes { id } pageInfo { endCursor } } }`,
    }),
];
