import { describe, expect, it } from 'vitest';
import { EVENT_NAMES } from './catalog.js';
import {
  ACTIVITY_EVENTS,
  DEPENDENCY_SIGNAL_EVENTS,
  KPI_EVENTS,
  RESURRECTION_SIGNAL_EVENTS,
  SUBSCRIPTION_CANCEL,
  SUBSCRIPTION_START,
} from './kpi-mapping.js';

describe('KPI mapping (docs/api.md#the-event-catalog)', () => {
  it('has exactly the four KPIs', () => {
    expect(Object.keys(KPI_EVENTS).sort()).toEqual([
      'cdr',
      'dauWau',
      'paidConversion',
      'resurrection',
    ]);
  });

  it('CDR: context_loaded, context_resumed', () => {
    expect(KPI_EVENTS.cdr).toEqual(['context_loaded', 'context_resumed']);
    expect(DEPENDENCY_SIGNAL_EVENTS).toEqual(['context_loaded', 'context_resumed']);
  });

  it('DAU/WAU: the activity set', () => {
    expect(KPI_EVENTS.dauWau).toEqual([
      'session_started',
      'extension_activated',
      'server_operation_called',
      'web_view_opened',
    ]);
    expect(ACTIVITY_EVENTS).toEqual(KPI_EVENTS.dauWau);
  });

  it('Resurrection: session_resumed_from_context plus the activity set', () => {
    expect(RESURRECTION_SIGNAL_EVENTS).toEqual(['session_resumed_from_context']);
    expect(KPI_EVENTS.resurrection).toEqual([
      'session_resumed_from_context',
      'session_started',
      'extension_activated',
      'server_operation_called',
      'web_view_opened',
    ]);
  });

  it('session_resumed_from_context is not itself activity (docs/kpis.md)', () => {
    expect(ACTIVITY_EVENTS).not.toContain('session_resumed_from_context');
  });

  it('Paid conversion: paid_subscription_started, paid_subscription_canceled', () => {
    expect(KPI_EVENTS.paidConversion).toEqual([
      'paid_subscription_started',
      'paid_subscription_canceled',
    ]);
    expect(SUBSCRIPTION_START).toBe('paid_subscription_started');
    expect(SUBSCRIPTION_CANCEL).toBe('paid_subscription_canceled');
  });

  it('only names catalog events', () => {
    for (const names of Object.values(KPI_EVENTS)) {
      for (const name of names) expect(EVENT_NAMES).toContain(name);
    }
  });
});
