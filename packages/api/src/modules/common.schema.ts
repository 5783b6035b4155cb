import { BETA_PHASES, CHANNELS, EVENT_NAMES, SEVERITIES } from '@cortex-telemetry/events';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { type ArgBuilder, builder } from '../builder.js';
import { CanonicalInstant } from './shared/instant.js';
import type { PageInfo } from './shared/pagination.js';

/** Scalars and enums shared by every module; enum values map UPPER_CASE ↔ wire values. */
/**
 * graphql-scalars' DateTime, which also takes a time without seconds (`2026-11-25T09:00Z`, as
 * docs/kpis.md writes it): it means second 0 of that minute.
 */
const NO_SECONDS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(Z|[+-]\d{2}:\d{2})$/i;
const withSeconds = (value: unknown) =>
  typeof value === 'string' ? value.replace(NO_SECONDS, '$1:00$2') : value;
const DIGIT_AT = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];
const digits = (s: string, from: number, count: number) => {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
};
const daysIn = (year: number, month: number) =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/**
 * The instant of the form every client's `toISOString` sends (`2026-11-25T09:00:00.000Z`), read
 * by hand, or null for any other text. graphql-scalars accepts every such text and reads it the
 * same; its regexes, `Date.parse` and re-validation cost a few microseconds per item, 500 times
 * a batch (issue #19). Years before 100 are left to it (Date.UTC maps them to 19xx).
 */
export function canonicalInstant(s: string): Date | null {
  if (s.length !== 24 || s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':') {
    return null;
  }
  if (s[16] !== ':' || s[19] !== '.' || s[23] !== 'Z') return null;
  for (const i of DIGIT_AT) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, digits(s, 20, 3));
  // the text is what toISOString writes for this instant (years 100–9999), so it is kept
  return new CanonicalInstant(ms, s);
}

const parseDateTime = (value: unknown): unknown =>
  (typeof value === 'string' && canonicalInstant(value)) ||
  DateTimeResolver.parseValue(withSeconds(value));

const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  description: `${DateTimeResolver.description} Seconds may be left out (\`2026-11-25T09:00Z\`).`,
  parseValue: parseDateTime,
  parseLiteral: (ast, variables) =>
    ast.kind === Kind.STRING
      ? DateTimeResolver.parseValue(withSeconds(ast.value))
      : DateTimeResolver.parseLiteral(ast, variables),
});
builder.addScalarType('DateTime', DateTime);
builder.addScalarType('JSON', JSONResolver);

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const parseDay = (value: unknown): string => {
  if (typeof value !== 'string' || !ISO_DAY.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError(
      `Date: must be a calendar day YYYY-MM-DD (got ${JSON.stringify(value)})`,
    );
  }
  return value;
};
builder.addScalarType(
  'Date',
  new GraphQLScalarType<string, string>({
    name: 'Date',
    description: 'A UTC calendar day, `YYYY-MM-DD`.',
    serialize: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : parseDay(v)),
    parseValue: parseDay,
    parseLiteral: (ast) => parseDay(ast.kind === Kind.STRING ? ast.value : null),
  }),
);

const enumValues = <T extends string>(values: readonly T[], describe: (v: T) => string) =>
  Object.fromEntries(values.map((v) => [v.toUpperCase(), { value: v, description: describe(v) }]));

export const EventNameEnum = builder.enumType('CortexEventName', {
  description:
    'The 17 events of the Cortex catalog (docs/api.md#the-event-catalog); stored as the lower-case wire value.',
  values: enumValues(EVENT_NAMES, (v) => `Wire value \`${v}\`.`) as Record<
    string,
    { value: (typeof EVENT_NAMES)[number] }
  >,
});

export const ChannelEnum = builder.enumType('Channel', {
  description: 'Where the event came from.',
  values: enumValues(CHANNELS, (v) => `The Cortex ${v}.`) as Record<
    string,
    { value: (typeof CHANNELS)[number] }
  >,
});

export const SeverityEnum = builder.enumType('Severity', {
  description: 'Severity of an error.',
  values: enumValues(SEVERITIES, (v) => `Severity \`${v}\`.`) as Record<
    string,
    { value: (typeof SEVERITIES)[number] }
  >,
});

export const BetaPhaseEnum = builder.enumType('BetaPhase', {
  description: 'Beta phase; stamped from `OPEN_BETA_STARTS_AT` when the client does not say.',
  values: enumValues(BETA_PHASES, (v) => `The ${v.replace('_', ' ')}.`) as Record<
    string,
    { value: (typeof BETA_PHASES)[number] }
  >,
});

export const PageInfoRef = builder.objectRef<PageInfo>('PageInfo').implement({
  description: 'Keyset pagination: pass `endCursor` as `after` to get the next page.',
  fields: (t) => ({
    endCursor: t.exposeString('endCursor', {
      nullable: true,
      description: 'Cursor of the last item of this page; null when the page is empty.',
    }),
    hasNextPage: t.exposeBoolean('hasNextPage', { description: 'Whether more items follow.' }),
  }),
});

/**
 * The arguments of a KPI window (modules/shared/window.ts), taken by the KPIs and the dashboard
 * tables alike; each field says its default length.
 */
export function kpiArgs(arg: ArgBuilder, defaultDays: number) {
  return {
    days: arg.int({
      defaultValue: defaultDays,
      description: 'Window length in UTC days, 1–366.',
    }),
    asOf: arg({
      type: 'DateTime',
      description: "The window ends with asOf's UTC day (inclusive); default now.",
    }),
    phase: arg({ type: BetaPhaseEnum, description: 'Only events of this beta phase.' }),
    channel: arg({ type: ChannelEnum, description: 'Only events of this channel.' }),
  };
}

export const toKpiArgs = (
  args: {
    days?: number | null;
    asOf?: Date | null;
    phase?: string | null;
    channel?: string | null;
  },
  defaultDays: number,
) => ({
  days: args.days ?? defaultDays,
  asOf: args.asOf ?? new Date(),
  phase: args.phase ?? null,
  channel: args.channel ?? null,
});
