import { BETA_PHASES, CHANNELS, EVENT_NAMES, SEVERITIES } from '@cortex-telemetry/events';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { type ArgBuilder, builder } from '../builder.js';
import type { PageInfo } from './shared/pagination.js';

/** Scalars and enums shared by every module; enum values map UPPER_CASE ↔ wire values. */
/**
 * graphql-scalars' DateTime, which also takes a time without seconds (`2026-11-25T09:00Z`, as
 * docs/kpis.md writes it): it means second 0 of that minute.
 */
const NO_SECONDS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(Z|[+-]\d{2}:\d{2})$/i;
const withSeconds = (value: unknown) =>
  typeof value === 'string' ? value.replace(NO_SECONDS, '$1:00$2') : value;
const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  description: `${DateTimeResolver.description} Seconds may be left out (\`2026-11-25T09:00Z\`).`,
  parseValue: (value) => DateTimeResolver.parseValue(withSeconds(value)),
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
