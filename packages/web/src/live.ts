import type { LocationQuery } from 'vue-router';

/**
 * The live page's filters and pause as the URL keeps them
 * (`/live?user=u_3f9a&session=s_1&event=CONTEXT_LOADED&pipeline=EVENT&paused=1`), so a link opens
 * the same view; and the stored record a row opens.
 */
export const LIVE_PIPELINES = ['EVENT', 'ERROR', 'TRACE'] as const;
export type LivePipelineChoice = (typeof LIVE_PIPELINES)[number];

/** How often the page asks for new rows while it is not paused. */
export const LIVE_REFRESH_MS = 2_000;
/** Rows shown: the newest ones, a screenful or two. */
export const LIVE_PAGE_SIZE = 50;

export interface LiveParams {
  user: string | null;
  session: string | null;
  /** A catalog event name, UPPER_CASE as the API spells it. */
  event: string | null;
  pipeline: LivePipelineChoice | null;
  paused: boolean;
}

const first = (value: LocationQuery[string] | undefined) =>
  (Array.isArray(value) ? value[0] : value) ?? null;
const text = (value: LocationQuery[string] | undefined) => first(value)?.trim() || null;
const EVENT_NAME = /^[A-Z][A-Z_]*$/;

/** Unknown or malformed values fall back to no filter, running. */
export function parseLiveParams(query: LocationQuery): LiveParams {
  const event = text(query.event);
  const pipeline = first(query.pipeline);
  return {
    user: text(query.user),
    session: text(query.session),
    event: event && EVENT_NAME.test(event) ? event : null,
    pipeline: (LIVE_PIPELINES as readonly string[]).includes(pipeline ?? '')
      ? (pipeline as LivePipelineChoice)
      : null,
    paused: first(query.paused) === '1',
  };
}

/** The URL query for the params; what is not set is left out so plain links stay short. */
export function liveParamsQuery(p: LiveParams): Record<string, string> {
  return {
    ...(p.user ? { user: p.user } : {}),
    ...(p.session ? { session: p.session } : {}),
    ...(p.event ? { event: p.event } : {}),
    ...(p.pipeline ? { pipeline: p.pipeline } : {}),
    ...(p.paused ? { paused: '1' } : {}),
  };
}

/** A row of the feed as the page's fragment reads it (durations aliased: Int vs Float). */
export interface LiveRecord {
  __typename?: string;
  eventDurationMs?: number | null;
  [field: string]: unknown;
}

const PIPELINE_OF: Record<string, string> = {
  TelemetryEvent: 'event',
  TelemetryError: 'error',
  TelemetryTrace: 'trace',
};

export const pipelineOf = (item: LiveRecord) => PIPELINE_OF[item.__typename ?? ''] ?? 'unknown';

/** The stored item as the API names its fields: what "open the record" shows. */
export function storedRecord(item: LiveRecord): Record<string, unknown> {
  const { __typename, eventDurationMs, ...fields } = item;
  return __typename === 'TelemetryEvent' ? { ...fields, durationMs: eventDurationMs } : fields;
}
