import type { BetaPhase, Channel } from '@cortex-telemetry/events';
import type { ArgBuilder } from '../../builder.js';
import { BetaPhaseEnum, ChannelEnum } from '../common.schema.js';
import type { RowFilter } from './filters.sql.js';

/** The filters every analyst query takes (the common columns of docs/api.md#pipelines), described once. */
export function commonFilterArgs(arg: ArgBuilder) {
  return {
    from: arg({
      type: 'DateTime',
      description: 'Only rows whose `timestamp` is at or after this instant.',
    }),
    to: arg({
      type: 'DateTime',
      description: 'Only rows whose `timestamp` is before this instant (exclusive).',
    }),
    userIdHash: arg.string({ description: 'Only rows of this user.' }),
    sessionId: arg.string({
      description: 'Only rows of this session (`""` selects rows sent without a session).',
    }),
    channel: arg({ type: ChannelEnum, description: 'Only rows from this channel.' }),
    phase: arg({ type: BetaPhaseEnum, description: 'Only rows of this beta phase.' }),
  };
}

export interface CommonFilterArgs {
  from?: Date | null;
  to?: Date | null;
  userIdHash?: string | null;
  sessionId?: string | null;
  channel?: Channel | null;
  phase?: BetaPhase | null;
}

export const commonFilter = (args: CommonFilterArgs): RowFilter => ({
  from: args.from ?? null,
  to: args.to ?? null,
  userIdHash: args.userIdHash ?? null,
  sessionId: args.sessionId ?? null,
  channel: args.channel ?? null,
  phase: args.phase ?? null,
});
