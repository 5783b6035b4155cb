import { describe, expect, it } from 'vitest';
import {
  BETA_PHASES,
  CHANNEL_USAGE_EVENTS,
  CHANNELS,
  CONTEXT_LIFECYCLE_EVENTS,
  DEPENDENCY_EVENTS,
  EVENT_GROUPS,
  EVENT_NAMES,
  fromEnumValue,
  isEventName,
  isPaidTier,
  MONETIZATION_EVENTS,
  PAID_TIERS,
  SESSION_EVENTS,
  SEVERITIES,
  toEnumValue,
} from './catalog.js';

describe('event catalog (docs/api.md#the-event-catalog)', () => {
  it('holds the 7 context lifecycle events', () => {
    expect(CONTEXT_LIFECYCLE_EVENTS).toEqual([
      'context_created',
      'context_auto_created',
      'context_loaded',
      'context_resumed',
      'context_modified',
      'context_merged',
      'context_deleted',
    ]);
  });

  it('holds the 3 dependency / protection events', () => {
    expect(DEPENDENCY_EVENTS).toEqual([
      'context_protection_triggered',
      'context_protection_blocked',
      'context_override_manual',
    ]);
  });

  it('holds the 2 session continuity events', () => {
    expect(SESSION_EVENTS).toEqual(['session_started', 'session_resumed_from_context']);
  });

  it('holds the 3 channel usage events', () => {
    expect(CHANNEL_USAGE_EVENTS).toEqual([
      'extension_activated',
      'server_operation_called',
      'web_view_opened',
    ]);
  });

  it('holds the 2 monetization events', () => {
    expect(MONETIZATION_EVENTS).toEqual([
      'paid_subscription_started',
      'paid_subscription_canceled',
    ]);
  });

  it('is exactly the 17 events of the five groups, with no duplicates', () => {
    expect(EVENT_NAMES).toHaveLength(17);
    expect(new Set(EVENT_NAMES).size).toBe(17);
    expect(EVENT_NAMES).toEqual([
      ...CONTEXT_LIFECYCLE_EVENTS,
      ...DEPENDENCY_EVENTS,
      ...SESSION_EVENTS,
      ...CHANNEL_USAGE_EVENTS,
      ...MONETIZATION_EVENTS,
    ]);
    expect(Object.values(EVENT_GROUPS).flat()).toEqual([...EVENT_NAMES]);
    expect(Object.values(EVENT_GROUPS).map((group) => group.length)).toEqual([7, 3, 2, 3, 2]);
  });

  it('uses snake_case wire values', () => {
    for (const name of EVENT_NAMES) expect(name).toMatch(/^[a-z]+(?:_[a-z]+)*$/);
  });

  it('does not contain session_ended (a session end is derived, not an event)', () => {
    expect(EVENT_NAMES).not.toContain('session_ended');
  });
});

describe('other lists (docs/api.md#the-event-catalog)', () => {
  it('has the channels, severities and beta phases', () => {
    expect(CHANNELS).toEqual(['extension', 'server', 'web']);
    expect(SEVERITIES).toEqual(['info', 'warning', 'error', 'critical']);
    expect(BETA_PHASES).toEqual(['closed_beta', 'open_beta']);
  });

  it('has the paid tiers of docs/api.md#pipelines', () => {
    expect([...PAID_TIERS].sort()).toEqual(['enterprise', 'paid', 'pro']);
  });
});

describe('isEventName', () => {
  it('accepts every catalog name', () => {
    for (const name of EVENT_NAMES) expect(isEventName(name)).toBe(true);
  });

  it('rejects names outside the catalog, other casings and non-strings', () => {
    for (const value of [
      'session_ended',
      'feature_usage',
      'tool_call',
      'CONTEXT_LOADED',
      'context_loaded ',
      '',
      'toString',
      'constructor',
      '__proto__',
      null,
      undefined,
      17,
      {},
      ['context_loaded'],
    ]) {
      expect(isEventName(value)).toBe(false);
    }
  });
});

describe('isPaidTier', () => {
  it('is true for paid, pro and enterprise', () => {
    expect(isPaidTier('paid')).toBe(true);
    expect(isPaidTier('pro')).toBe(true);
    expect(isPaidTier('enterprise')).toBe(true);
  });

  it('is false for other tiers, the empty string and absent tiers', () => {
    expect(isPaidTier('free')).toBe(false);
    expect(isPaidTier('trial')).toBe(false);
    expect(isPaidTier('')).toBe(false);
    expect(isPaidTier(null)).toBe(false);
    expect(isPaidTier(undefined)).toBe(false);
  });
});

describe('toEnumValue', () => {
  it('gives the UPPER_CASE GraphQL enum value of a wire value', () => {
    expect(toEnumValue('context_loaded')).toBe('CONTEXT_LOADED');
    expect(toEnumValue('session_resumed_from_context')).toBe('SESSION_RESUMED_FROM_CONTEXT');
    expect(toEnumValue('closed_beta')).toBe('CLOSED_BETA');
    expect(toEnumValue('server')).toBe('SERVER');
  });

  it('maps the 17 events to 17 distinct enum values', () => {
    const values = EVENT_NAMES.map(toEnumValue);
    expect(new Set(values).size).toBe(17);
    expect(values).toContain('PAID_SUBSCRIPTION_CANCELED');
  });
});

describe('fromEnumValue', () => {
  it('gives the wire value of a CortexEventName value, and anything else back unchanged', () => {
    expect(fromEnumValue('CONTEXT_LOADED')).toBe('context_loaded');
    expect(fromEnumValue('PAID_SUBSCRIPTION_CANCELED')).toBe('paid_subscription_canceled');
    expect(fromEnumValue('SESSION_ENDED')).toBe('SESSION_ENDED');
    expect(fromEnumValue('Context_Loaded')).toBe('Context_Loaded');
    expect(fromEnumValue(null)).toBe(null);
    expect(fromEnumValue(undefined)).toBe(undefined);
  });
});
