import { describe, expect, it } from 'vitest';
import { liveParamsQuery, parseLiveParams, pipelineOf, storedRecord } from '../src/live';

/** The live page's URL-kept filters and pause, and the record a row opens. */
describe('live params', () => {
  it('reads the URL, dropping what is malformed', () => {
    expect(
      parseLiveParams({
        user: ' u_3f9a ',
        session: 's_1',
        event: 'CONTEXT_LOADED',
        pipeline: 'ERROR',
        paused: '1',
      }),
    ).toEqual({
      user: 'u_3f9a',
      session: 's_1',
      event: 'CONTEXT_LOADED',
      pipeline: 'ERROR',
      paused: true,
    });
    expect(
      parseLiveParams({ user: '', event: 'context loaded;', pipeline: 'LEGACY', paused: 'yes' }),
    ).toEqual({ user: null, session: null, event: null, pipeline: null, paused: false });
  });

  it('writes only what is set, so a plain link stays /live', () => {
    const none = { user: null, session: null, event: null, pipeline: null, paused: false };
    expect(liveParamsQuery(none)).toEqual({});
    expect(liveParamsQuery({ ...none, user: 'u_1', pipeline: 'TRACE', paused: true })).toEqual({
      user: 'u_1',
      pipeline: 'TRACE',
      paused: '1',
    });
  });

  it('shows the stored record under the API field names', () => {
    const event = { __typename: 'TelemetryEvent', id: 'e', eventName: 'X', eventDurationMs: 12 };
    expect(pipelineOf(event)).toBe('event');
    expect(storedRecord(event)).toEqual({ id: 'e', eventName: 'X', durationMs: 12 });
    const trace = { __typename: 'TelemetryTrace', id: 't', durationMs: 1.5 };
    expect(pipelineOf(trace)).toBe('trace');
    expect(storedRecord(trace)).toEqual({ id: 't', durationMs: 1.5 });
  });
});
