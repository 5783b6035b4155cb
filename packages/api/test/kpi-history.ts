import { EVENT_NAMES } from '@cortex-telemetry/events';
import { mulberry32 } from '../seed/random.js';
import type { RefEvent } from './kpi-reference.js';

/** Seeded random event histories for the KPI property test. */
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2026, 7, 20) / DAY_MS; // 2026-08-20
const DATA_DAYS = 60;

export interface GeneratedEvent extends RefEvent {
  eventId: string;
}

/**
 * ~2,500 events of 20 users over 60 days (2026-08-20 … 2026-10-18): streaks and gaps of up to
 * two weeks, all 17 events, empty session ids, one session id shared by u0 and u1, sessions
 * spanning channels, phases mostly by date, subscription moves incl. a start and a cancel at the
 * same instant, and monetization events placed exactly on the given `boundaries` instants.
 */
export function generateHistory(seed: number, boundaries: readonly number[]): GeneratedEvent[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const uuid = () =>
    'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () =>
      Math.floor(random() * 16).toString(16),
    );
  const channels = ['extension', 'server', 'web'];
  const events: GeneratedEvent[] = [];
  const add = (e: Omit<GeneratedEvent, 'eventId' | 'phase'> & { phase?: string }) => {
    // mostly the phase the date implies, sometimes the other one, as clients may say so
    const byDate = e.timestamp.getTime() >= Date.UTC(2026, 9, 1) ? 'open_beta' : 'closed_beta';
    const other = byDate === 'open_beta' ? 'closed_beta' : 'open_beta';
    events.push({ eventId: uuid(), ...e, phase: e.phase ?? (random() < 0.85 ? byDate : other) });
  };
  const timeOn = (day: number) => {
    const r = random();
    if (r < 0.05) return new Date(day * DAY_MS);
    if (r < 0.1) return new Date((day + 1) * DAY_MS - 1);
    return new Date(day * DAY_MS + Math.floor(random() * DAY_MS));
  };

  for (let u = 0; u < 20; u++) {
    const user = `u${u}`;
    const activeRate = 0.15 + random() * 0.6;
    let idle = 0;
    for (let day = FIRST_DAY; day < FIRST_DAY + DATA_DAYS; day++) {
      if (random() < 0.06) idle = 1 + Math.floor(random() * 14); // a gap of up to two weeks
      if (idle > 0) {
        idle--;
        continue;
      }
      if (random() > activeRate) continue;
      const sessions = 1 + Math.floor(random() * 3);
      for (let s = 0; s < sessions; s++) {
        const r = random();
        // u0 and u1 share one session id: two sessions by docs/kpis.md
        const sessionId =
          r < 0.12 ? '' : u < 2 && r < 0.3 ? 'shared-session' : `s-${u}-${Math.floor(r * 6)}`;
        const channel = pick(channels);
        const count = 1 + Math.floor(random() * 6);
        for (let i = 0; i < count; i++) {
          // mostly the session's channel, sometimes another: a session spanning channels
          const eventChannel = random() < 0.85 ? channel : pick(channels);
          const eventName = random() < 0.35 ? 'server_operation_called' : pick(EVENT_NAMES);
          add({
            eventName,
            timestamp: timeOn(day),
            userIdHash: user,
            sessionId,
            channel: eventChannel,
          });
        }
      }
    }
  }

  // subscriptions: starts, cancels, re-starts, a start and a cancel at the same instant
  for (let u = 0; u < 20; u++) {
    const userIdHash = `u${u}`;
    const moves = Math.floor(random() * 4);
    for (let m = 0; m < moves; m++) {
      const r = random();
      const timestamp =
        r < 0.3 ? new Date(pick(boundaries)) : timeOn(FIRST_DAY + Math.floor(random() * DATA_DAYS));
      const base = { timestamp, userIdHash, sessionId: '', channel: pick(channels) };
      if (r < 0.2 || random() < 0.5) add({ ...base, eventName: 'paid_subscription_started' });
      if (r < 0.2 || random() < 0.4) add({ ...base, eventName: 'paid_subscription_canceled' });
    }
  }

  // the cases every seed must have, whatever the dice said above
  const day = FIRST_DAY + Math.floor(random() * DATA_DAYS);
  for (const userIdHash of ['u0', 'u1']) {
    add({
      eventName: 'context_loaded',
      timestamp: timeOn(day),
      userIdHash,
      sessionId: 'shared-session',
      channel: 'server',
    });
  }
  const instant = { timestamp: timeOn(day), userIdHash: 'u2', sessionId: '', channel: 'web' };
  add({ ...instant, eventName: 'paid_subscription_started' });
  add({ ...instant, eventName: 'paid_subscription_canceled' });
  return events;
}
