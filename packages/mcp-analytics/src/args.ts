import { BETA_PHASES, CHANNELS, EVENT_NAMES, SEVERITIES } from '@cortex-telemetry/events';
import { z } from 'zod';

/**
 * The tools' arguments: the GraphQL arguments of the fields they read
 * (packages/schema/schema.graphql), described for the assistant. Types are checked here; ranges
 * and windows are the server's rules, so a bad value comes back as its BAD_USER_INPUT error.
 */

/** The GraphQL enums are the `packages/events` tuples in upper case (as the server builds them). */
const upper = <T extends string>(values: readonly T[]) =>
  values.map((v) => v.toUpperCase() as Uppercase<T>) as [Uppercase<T>, ...Uppercase<T>[]];

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A bare `YYYY-MM-DD` is that UTC day's midnight; anything else goes to the server as written. */
export const toDateTime = (value: string | undefined) =>
  value !== undefined && ISO_DAY.test(value) ? `${value}T00:00:00Z` : value;

const phase = z
  .enum(upper(BETA_PHASES))
  .optional()
  .describe('Only this beta phase (CLOSED_BETA or OPEN_BETA); default both.');
const channel = z
  .enum(upper(CHANNELS))
  .optional()
  .describe('Only this channel (EXTENSION, SERVER or WEB); default all.');
const instant = (what: string) =>
  z
    .string()
    .optional()
    .describe(
      `${what}: an ISO date-time (2026-11-30T12:00:00Z) or a UTC day (2026-11-30 = its midnight).`,
    );

/** `kpis(days, asOf, phase, channel)`. */
export const kpiArgs = {
  days: z
    .number()
    .int()
    .optional()
    .describe('Window length in UTC days, 1–366; default 7 (as the `kpis` field).'),
  asOf: z
    .string()
    .optional()
    .describe(
      'Last UTC day of the window (inclusive), YYYY-MM-DD or an ISO date-time; default today (still filling up).',
    ),
  phase,
  channel,
  series: z
    .boolean()
    .default(false)
    .describe('Also return the zero-filled daily series of every KPI (one point per day).'),
};

/** The two `kpis` of the comparison: same days and channel, each phase its own end. */
export const compareArgs = {
  days: kpiArgs.days,
  asOf: z
    .string()
    .optional()
    .describe(
      "Last UTC day of the open beta's window, YYYY-MM-DD or an ISO date-time; default today. The closed beta's window ends on its last day with events.",
    ),
  channel,
  series: kpiArgs.series,
};

/** The analyst window `[from, to)` and filters of `errorGroups` / `traceStats`. */
const analystWindow = {
  from: instant('Window start (inclusive); default `to` − 30 days'),
  to: instant('Window end (exclusive); default now. At most 366 days after `from`'),
  channel,
  phase,
};
const person = {
  userIdHash: z.string().optional().describe('Only rows of this user.'),
  sessionId: z
    .string()
    .optional()
    .describe('Only rows of this session ("" selects rows sent without a session).'),
};

export const errorGroupsArgs = {
  ...analystWindow,
  first: z
    .number()
    .int()
    .optional()
    .describe('At most this many groups, 1–500; default 50. The most frequent come first.'),
  severity: z
    .array(z.enum(upper(SEVERITIES)))
    .optional()
    .describe(
      'Only errors of these severities (INFO, WARNING, ERROR, CRITICAL); a non-empty list.',
    ),
  errorType: z.string().optional().describe('Only errors of this type (exact match).'),
  ...person,
};

export const errorGroupArgs = {
  stackHash: z.string().describe('The group: its `stackHash` from list_error_groups.'),
  latest: z
    .number()
    .int()
    .optional()
    .describe('How many of its latest occurrences to return, 1–500; default 10.'),
  ...analystWindow,
};

export const traceStatsArgs = {
  ...analystWindow,
  operationName: z
    .string()
    .optional()
    .describe('Only this operation (exact match); also returns its figures per UTC day.'),
  ...person,
};

/** A `CortexEventName` value: the catalog's wire names in upper case. */
const catalogEvent = z.enum(upper(EVENT_NAMES));
const eventName = (what: string) =>
  catalogEvent
    .optional()
    .describe(
      `${what}: an event of the catalog in upper case (CONTEXT_LOADED, …); default any activity.`,
    );

const period = (what: string, fallback: 'DAY' | 'WEEK') =>
  z
    .enum(['DAY', 'WEEK'])
    .optional()
    .describe(
      `${what}: DAY (UTC days) or WEEK (ISO weeks from Monday 00:00 UTC); default ${fallback}.`,
    );

/** `retention(period, intervals, type, startEvent, returnEvent, days, asOf, phase, channel)`. */
export const retentionArgs = {
  period: period('Cohort period', 'WEEK'),
  intervals: z
    .number()
    .int()
    .optional()
    .describe("Periods after the cohort's to measure, 1–26: values[0…intervals]; default 12."),
  type: z
    .enum(['FIRST_TIME', 'RECURRING'])
    .optional()
    .describe(
      "FIRST_TIME: a user is in the cohort of their first-ever start; RECURRING: in every period's cohort they started in. Default FIRST_TIME.",
    ),
  startEvent: eventName('The event that puts a user in a cohort'),
  returnEvent: eventName('The event that counts as coming back'),
  days: z
    .number()
    .int()
    .optional()
    .describe('Window length in UTC days, 1–366; its periods are the cohorts. Default 90.'),
  asOf: kpiArgs.asOf,
  phase,
  channel,
};

/** `lifecycle(period, days, asOf, phase, channel)`. */
export const lifecycleArgs = {
  period: period('Lifecycle period', 'DAY'),
  days: z
    .number()
    .int()
    .optional()
    .describe('Window length in UTC days, 1–366; one row per period starting in it. Default 30.'),
  asOf: kpiArgs.asOf,
  phase,
  channel,
};

/** `funnel(steps, windowDays, days, asOf, phase, channel)`. */
export const funnelArgs = {
  steps: z
    .array(catalogEvent)
    .describe(
      'The steps in order, 2–6 catalog events in upper case (EXTENSION_ACTIVATED, CONTEXT_CREATED, …); an event may repeat.',
    ),
  windowDays: z
    .number()
    .int()
    .optional()
    .describe(
      "1–90: every step must come within windowDays × 24 h of the user's first step; default 14.",
    ),
  days: z
    .number()
    .int()
    .optional()
    .describe(
      'Window length in UTC days, 1–366: users enter with their earliest first step in it, and later steps must be in it too. Default 30.',
    ),
  asOf: kpiArgs.asOf,
  phase,
  channel,
};
