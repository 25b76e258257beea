/**
 * Background work on a timer: one run at a time, the next timed from the end of the last, so a slow
 * run is never overlapped by the next. A failed run is handed to `onError` and the next one tries again.
 */

export interface PeriodicTaskOptions {
  intervalMs: number;
  /** Wait before the first run; without it the first run starts at once. */
  firstDelayMs?: number;
  onError: (error: unknown) => void;
}

/**
 * Starts running `task`; the returned function stops it and resolves once a run in progress has ended.
 * @example const stop = startPeriodicTask(sweep, { intervalMs: 15 * 60_000, onError: (err) => logger.error({ err }, 'sweep failed') });
 */
export function startPeriodicTask(task: () => Promise<void>, options: PeriodicTaskOptions): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    running = task()
      .catch(options.onError)
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(run, options.intervalMs).unref();
      });
  };
  if (options.firstDelayMs === undefined) run();
  else timer = setTimeout(run, options.firstDelayMs).unref();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
