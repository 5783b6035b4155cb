/**
 * Charts draw one per main-thread task, after the chart chunk has loaded: apexcharts draws a
 * chart in one go, so four at once would be one long task that holds back the cards, clicks and
 * scrolling. Each draw gets its own task and the browser paints and handles input in between.
 */
export const loadCharts = () => import('./apex');

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

let queue: Promise<void> = Promise.resolve();

/** Runs `draw` (which lets one chart render) in a task of its own, after those queued before. */
export function queueDraw(draw: () => void): void {
  queue = queue.then(async () => {
    // a chunk that fails to load is shown by the chart's own error state: the queue goes on
    await loadCharts().catch(() => undefined);
    await nextTask();
    draw();
  });
}

type IdleHandle = { cancel: () => void };

/** `fn` once the main thread is idle (within `timeout` ms at the latest). */
export function whenIdle(fn: () => void, timeout = 1500): IdleHandle {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(() => fn(), { timeout });
    return { cancel: () => cancelIdleCallback(id) };
  }
  const id = setTimeout(fn, 200);
  return { cancel: () => clearTimeout(id) };
}
