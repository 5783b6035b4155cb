/**
 * Seeded synthetic Cortex usage for the benchmarks: the same seed and options always give the
 * same events (ids included, so a re-run is all duplicates). Each user has a heavy-tailed event
 * budget, joins some day, is active in streaks with short and week-long gaps, works in sessions
 * that open with the channel's activity event and carry context events, and a few percent of
 * users subscribe (some cancel). Events stream user by user, in time order per user.
 */
import { mulberry32 } from '@cortex-telemetry/api/seed';

export interface SyntheticEvent {
  eventId: string;
  /** Wire value (`context_loaded`). */
  eventName: string;
  timestamp: Date;
  userIdHash: string;
  /** '' for events outside a session. */
  sessionId: string;
  channel: 'extension' | 'server' | 'web';
  phase: 'closed_beta' | 'open_beta';
  userTier: string;
  isPaidUser: boolean;
}

export interface SyntheticOptions {
  /** Exactly this many events are produced. */
  events: number;
  users?: number;
  /** Days of history, ending with `lastDay`. */
  days?: number;
  /** The last day with events, YYYY-MM-DD (UTC). */
  lastDay?: string;
  /** Events from this instant on are `open_beta`; default: the middle of the history. */
  openBetaStartsAt?: Date;
  seed?: number;
}

export const DEFAULT_LAST_DAY = '2026-11-25';
const DAY_MS = 86_400_000;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Cumulative weights → a picker; the body of a session after its opening event. */
function weighted<T>(table: readonly (readonly [T, number])[]): (r: number) => T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let acc = 0;
  const cut = table.map(([v, w]) => {
    acc += w / total;
    return [v, acc] as const;
  });
  return (r) => cut.find(([, c]) => r < c)?.[0] ?? cut[cut.length - 1]![0];
}

const bodyEvent = weighted([
  ['server_operation_called', 32],
  ['context_loaded', 14],
  ['context_modified', 10],
  ['context_created', 6],
  ['context_auto_created', 4],
  ['context_resumed', 5],
  ['context_merged', 1.5],
  ['context_deleted', 1],
  ['context_protection_triggered', 1.5],
  ['context_protection_blocked', 0.7],
  ['context_override_manual', 0.3],
  ['session_resumed_from_context', 1.5],
  ['extension_activated', 1.5],
  ['web_view_opened', 1],
  ['session_started', 1],
]);
const channelOf = weighted([
  ['extension', 45],
  ['server', 40],
  ['web', 15],
] as const);
const tierOf = weighted([
  ['free', 80],
  ['pro', 15],
  ['enterprise', 5],
]);
const OPENER = {
  extension: 'extension_activated',
  server: 'session_started',
  web: 'web_view_opened',
} as const;

export function* syntheticEvents(options: SyntheticOptions): Generator<SyntheticEvent> {
  const random = mulberry32(options.seed ?? 20261126);
  const users = options.users ?? 50_000;
  const days = options.days ?? 180;
  const lastDay = Date.parse(`${options.lastDay ?? DEFAULT_LAST_DAY}T00:00:00Z`) / DAY_MS;
  const firstDay = lastDay - days + 1;
  const openBeta = options.openBetaStartsAt?.getTime() ?? (firstDay + days / 2) * DAY_MS;
  const uuid = () => {
    const h = Array.from({ length: 16 }, () => HEX[Math.floor(random() * 256)]!);
    h[6] = `4${h[6]!.slice(1)}`;
    h[8] = `a${h[8]!.slice(1)}`;
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  };

  // heavy-tailed budgets (log-normal), scaled so they add up to exactly `events`
  const weights = new Float64Array(users);
  let weightSum = 0;
  for (let u = 0; u < users; u++) {
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    weights[u] = Math.exp(1.2 * normal);
    weightSum += weights[u]!;
  }
  const budgets = Array.from(weights, (w) => Math.floor((options.events * w) / weightSum));
  let missing = options.events - budgets.reduce((a, b) => a + b, 0);
  for (let u = 0; missing > 0; u = (u + 1) % users, missing--) budgets[u]!++;

  for (let u = 0; u < users; u++) {
    const budget = budgets[u]!;
    if (budget === 0) continue;
    const userIdHash = `u${u.toString(36).padStart(6, '0')}`;
    const userTier = tierOf(random());
    const home = channelOf(random());

    // active days: mostly consecutive, some short gaps, some of a week or more
    const joinDay = firstDay + Math.floor(random() ** 1.5 * days * 0.9);
    const activeDays: number[] = [];
    for (let d = joinDay; d <= lastDay; ) {
      activeDays.push(d);
      const r = random();
      d +=
        r < 0.6
          ? 1
          : r < 0.8
            ? 2 + Math.floor(random() * 2)
            : r < 0.92
              ? 4 + Math.floor(random() * 3)
              : 7 + Math.floor(random() * 15);
    }
    // light users churn early: at least ~3 events per active day
    activeDays.length = Math.max(1, Math.min(activeDays.length, Math.ceil(budget / 3)));
    const perDay = activeDays.map(() => 0.5 + random());
    const perDaySum = perDay.reduce((a, b) => a + b, 0);
    const counts = perDay.map((w) => Math.max(1, Math.floor((budget * w) / perDaySum)));
    let rest = budget - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; rest !== 0; i = (i + 1) % counts.length) {
      const step = rest > 0 ? 1 : counts[i]! > 1 ? -1 : 0;
      counts[i]! += step;
      rest -= step;
    }

    const subscribes = random() < 0.05;
    const subscribeAt = Math.floor(random() * budget);
    const cancelAt =
      subscribes && random() < 0.3
        ? subscribeAt + 1 + Math.floor(random() * Math.max(1, budget - subscribeAt - 1))
        : -1;
    let emitted = 0;
    let sessionNo = 0;
    let previousDay = activeDays[0]!;

    for (let i = 0; i < activeDays.length; i++) {
      const day = activeDays[i]!;
      // back after a week or more: often resumes from a saved context, in the day's first session
      let comeback = day - previousDay > 7 && random() < 0.5;
      previousDay = day;
      let left = counts[i]!;
      let clock = day * DAY_MS + (7 + random() * 12) * 3_600_000;
      while (left > 0) {
        const size = Math.min(left, 3 + Math.floor(random() * 15));
        left -= size;
        const channel = random() < 0.85 ? home : channelOf(random());
        const sessionId = random() < 0.03 ? '' : `${userIdHash}-s${(sessionNo++).toString(36)}`;
        for (let k = 0; k < size; k++) {
          let eventName: string =
            k === 0
              ? OPENER[channel]
              : comeback && k <= 2
                ? k === 1
                  ? 'context_resumed'
                  : 'session_resumed_from_context'
                : bodyEvent(random());
          if (subscribes && emitted === subscribeAt) eventName = 'paid_subscription_started';
          if (emitted === cancelAt) eventName = 'paid_subscription_canceled';
          clock = Math.min(clock + 1000 + random() * 240_000, (day + 1) * DAY_MS - 1);
          emitted++;
          yield {
            eventId: uuid(),
            eventName,
            timestamp: new Date(Math.floor(clock)),
            userIdHash,
            sessionId,
            channel,
            phase: clock >= openBeta ? 'open_beta' : 'closed_beta',
            userTier,
            isPaidUser: userTier !== 'free',
          };
        }
        comeback = false;
        clock += random() * 3 * 3_600_000; // a pause between sessions
      }
    }
  }
}
