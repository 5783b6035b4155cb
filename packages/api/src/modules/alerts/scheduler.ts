import type { EntityManager } from '@mikro-orm/postgresql';
import type { AlertSettings } from './alerts.service.js';
import { alertService } from './alerts.service.js';
import { deliverDue } from './delivery.js';

/** Where the alert scheduler reads the time: the system clock, or a test's. */
export interface Clock {
  now: () => Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface AlertScheduler {
  /** Runs the rules due now, then delivers what is due now; resolves when both are done. */
  tick: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * The alert scheduler (docs/alerts.md#schedule): every `intervalMs` it evaluates the rules whose
 * run is due (HOURLY: each full hour; DAILY: 01:00 UTC) and delivers the due outbox rows. Time
 * comes from `clock`, so a test advances it and calls `tick()` itself (`intervalMs: null` starts
 * no timer). Stopped on shutdown like the day-set folder; a delivery interrupted by the stop or
 * a crash stays in the outbox and is sent after the restart.
 */
export function startAlertScheduler(options: {
  newEm: () => EntityManager;
  settings: AlertSettings;
  clock?: Clock;
  intervalMs?: number | null;
  onError?: (error: unknown) => void;
}): AlertScheduler {
  const clock = options.clock ?? systemClock;
  const onError = options.onError ?? (() => {});
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const once = async () => {
    const now = clock.now();
    const em = options.newEm();
    try {
      await alertService.runDue(em, options.settings, now, (error) => onError(error));
    } catch (error) {
      onError(error);
    }
    try {
      // a batch at a time until nothing is due (bounded: `Retry-After: 0` keeps a row due)
      for (let batch = 0; batch < 50 && !stopped; batch++) {
        if ((await deliverDue(options.newEm(), now, options.settings)) === 0) break;
      }
    } catch (error) {
      onError(error);
    }
  };
  const tick = () => {
    running = running.then(once);
    return running;
  };
  const interval = options.intervalMs === undefined ? 15_000 : options.intervalMs;
  if (interval !== null) {
    const loop = () => {
      void tick().then(() => {
        if (!stopped) timer = setTimeout(loop, interval);
      });
    };
    timer = setTimeout(loop, 0);
  }
  return {
    tick,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
