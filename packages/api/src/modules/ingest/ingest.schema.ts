import { fromEnumValue, type Pipeline } from '@cortex-telemetry/events';
import { builder, type InputFieldBuilder } from '../../builder.js';
import type { Context } from '../../context.js';
import { BetaPhaseEnum, ChannelEnum, SeverityEnum } from '../common.schema.js';
import { callableBy } from '../shared/access.js';
import { type IngestResult, ingestItems, ingestLegacy } from './ingest.service.js';

const IngestItemErrorRef = builder
  .objectRef<{ index: number; message: string }>('IngestItemError')
  .implement({
    description:
      'Why one item of a batch was rejected. The item is kept in the failed-items store.',
    fields: (t) => ({
      index: t.exposeInt('index', { description: 'Zero-based position of the item in the batch.' }),
      message: t.exposeString('message', { description: 'The field and the rule it broke.' }),
    }),
  });

const IngestResultRef = builder.objectRef<IngestResult>('IngestResult').implement({
  description: 'Outcome of a `record*` mutation, counted per item of the batch.',
  fields: (t) => ({
    accepted: t.exposeInt('accepted', { description: 'Items stored now.' }),
    duplicates: t.exposeInt('duplicates', {
      description: 'Items whose id was already stored: not stored again, not an error.',
    }),
    rejected: t.exposeInt('rejected', { description: 'Items that broke a rule; see `errors`.' }),
    errors: t.expose('errors', {
      type: [IngestItemErrorRef],
      description: 'One entry per rejected item.',
    }),
  }),
});

/** Fields every pipeline shares (docs/api.md#pipelines). */
function sharedInputFields(t: InputFieldBuilder) {
  return {
    timestamp: t.field({
      type: 'DateTime',
      required: true,
      description: 'When it happened (client clock; corrected by `sentAt` on batches).',
    }),
    userIdHash: t.string({
      required: true,
      description: 'Hashed user id: 1–128 characters of [A-Za-z0-9_.:-]; never an e-mail.',
    }),
    sessionId: t.string({ description: 'Session id, ≤ 128 characters.' }),
    channel: t.field({ type: ChannelEnum, required: true, description: 'Source channel.' }),
    userTier: t.string({ description: 'Plan tier (`free`, `pro`, …), ≤ 32 characters.' }),
    isPaidUser: t.boolean({
      description: 'Paying user; defaults to tier ∈ {paid, pro, enterprise}.',
    }),
    phase: t.field({
      type: BetaPhaseEnum,
      description: 'Beta phase; defaults from the timestamp and `OPEN_BETA_STARTS_AT`.',
    }),
    projectId: t.string({ description: 'Cortex project, ≤ 128 characters.' }),
    branchId: t.string({ description: 'Cortex branch, ≤ 128 characters.' }),
    contextId: t.string({ description: 'Cortex context, ≤ 128 characters.' }),
    clientVersion: t.string({ description: 'Version of the sending client, ≤ 64 characters.' }),
    metadata: t.field({ type: 'JSON', description: 'A JSON object, ≤ 16 KiB serialised.' }),
  };
}

/**
 * Event names come in as strings, checked per item: an enum would be checked by GraphQL while
 * coercing the variables, and one name outside the catalog (a client built against a newer
 * catalog) would fail the whole batch instead of its item (issue #17).
 */
const EVENT_NAME_DESCRIPTION =
  'A `CortexEventName` value (`CONTEXT_LOADED`); a name outside the catalog rejects this item only, which is kept in the failed-items store.';

/** The field of each pipeline's input holding an event name, and its wire value. */
const EVENT_NAME_FIELD: Partial<Record<Pipeline, string>> = {
  event: 'eventName',
  error: 'relatedEventName',
};

/**
 * In place: the items are this request's own coerced input objects, and a copy of each of a
 * 500-item batch was garbage the collector then had to sweep (issue #19's profile).
 */
function withWireEventNames(pipeline: Pipeline, items: unknown[]): unknown[] {
  const field = EVENT_NAME_FIELD[pipeline];
  if (!field) return items;
  for (const item of items) {
    const fields = item as Record<string, unknown>;
    fields[field] = fromEnumValue(fields[field]);
  }
  return items;
}

const EventInput = builder.inputType('EventInput', {
  description: 'One usage event of the catalog.',
  fields: (t) => ({
    eventId: t.id({ description: 'Client-generated UUID; the idempotency key.' }),
    eventName: t.string({
      required: true,
      description: EVENT_NAME_DESCRIPTION,
    }),
    result: t.string({ description: 'Outcome, ≤ 32 characters; default `success`.' }),
    durationMs: t.int({ description: 'Duration in milliseconds, ≥ 0.' }),
    ...sharedInputFields(t),
  }),
});

const ErrorInput = builder.inputType('ErrorInput', {
  description: 'One error report.',
  fields: (t) => ({
    errorId: t.id({ description: 'Client-generated UUID; the idempotency key.' }),
    errorType: t.string({ required: true, description: 'Error class, ≤ 256 characters.' }),
    errorMessage: t.string({ required: true, description: 'Message, ≤ 8 KiB.' }),
    stackTrace: t.string({ description: 'Stack trace, ≤ 64 KiB.' }),
    stackHash: t.string({
      description: 'Grouping key; computed from the type and top frames when absent.',
    }),
    severity: t.field({ type: SeverityEnum, required: true, description: 'Severity.' }),
    relatedEventName: t.string({
      description: `The catalog event during which the error happened. ${EVENT_NAME_DESCRIPTION}`,
    }),
    ...sharedInputFields(t),
  }),
});

const TraceInput = builder.inputType('TraceInput', {
  description: 'One timed operation.',
  fields: (t) => ({
    traceId: t.id({ description: 'Client-generated UUID; the idempotency key.' }),
    operationName: t.string({ required: true, description: 'Operation, ≤ 256 characters.' }),
    durationMs: t.float({ required: true, description: 'Duration in milliseconds, ≥ 0.' }),
    success: t.boolean({ required: true, description: 'Whether the operation succeeded.' }),
    resultCount: t.int({ description: 'Number of results, ≥ 0.' }),
    ...sharedInputFields(t),
  }),
});

const SENT_AT_DESCRIPTION =
  'Client clock when the batch was sent; every timestamp is shifted by receivedAt − sentAt.';

function options(ctx: Context, mutation: string, argument: string, sentAt?: Date | null) {
  return {
    receivedAt: ctx.receivedAt,
    sentAt: sentAt ?? null,
    openBetaStartsAt: ctx.openBetaStartsAt,
    mutation,
    argument,
    scrubber: ctx.scrubber,
  };
}

const pipelines: {
  pipeline: Pipeline;
  one: string;
  many: string;
  input: typeof EventInput | typeof ErrorInput | typeof TraceInput;
  arg: string;
  args: string;
  what: string;
}[] = [
  {
    pipeline: 'event',
    one: 'recordEvent',
    many: 'recordEvents',
    input: EventInput,
    arg: 'event',
    args: 'events',
    what: 'usage event',
  },
  {
    pipeline: 'error',
    one: 'recordError',
    many: 'recordErrors',
    input: ErrorInput,
    arg: 'error',
    args: 'errors',
    what: 'error',
  },
  {
    pipeline: 'trace',
    one: 'recordTrace',
    many: 'recordTraces',
    input: TraceInput,
    arg: 'trace',
    args: 'traces',
    what: 'trace',
  },
];

for (const p of pipelines) {
  builder.mutationField(p.one, (t) =>
    t.field({
      type: IngestResultRef,
      extensions: callableBy('ingest'),
      description: `Record one ${p.what}. A rule violation is reported in \`errors\`, not thrown.`,
      args: { [p.arg]: t.arg({ type: p.input as typeof EventInput, required: true }) },
      resolve: (_root, args, ctx) =>
        ingestItems(
          ctx.em,
          p.pipeline,
          withWireEventNames(p.pipeline, [args[p.arg]]),
          options(ctx, p.one, p.arg),
        ),
    }),
  );
  builder.mutationField(p.many, (t) =>
    t.field({
      type: IngestResultRef,
      extensions: callableBy('ingest'),
      description: `Record a batch of at most 1,000 ${p.what}s; each item is accepted or rejected on its own.`,
      args: {
        [p.args]: t.arg({ type: [p.input as typeof EventInput], required: true }),
        sentAt: t.arg({ type: 'DateTime', description: SENT_AT_DESCRIPTION }),
      },
      resolve: (_root, args, ctx) =>
        ingestItems(
          ctx.em,
          p.pipeline,
          withWireEventNames(p.pipeline, args[p.args] as unknown[]),
          options(ctx, p.many, p.args, args.sentAt as Date | null),
        ),
    }),
  );
}

builder.mutationField('recordLegacyEvents', (t) =>
  t.field({
    type: IngestResultRef,
    extensions: callableBy('ingest'),
    description:
      'Record payloads of the v1 telemetry client. Each is normalised (docs/api.md#ingest-rules); one item may store an event and a trace but counts once. Unknown v1 event types go to the failed-items store.',
    args: {
      events: t.arg({ type: ['JSON'], required: true }),
      sentAt: t.arg({ type: 'DateTime', description: SENT_AT_DESCRIPTION }),
    },
    resolve: (_root, args, ctx) =>
      ingestLegacy(ctx.em, args.events, options(ctx, 'recordLegacyEvents', 'events', args.sentAt)),
  }),
);
