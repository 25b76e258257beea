/**
 * Loading one thing from the API for a component: the latest request wins (an older one is aborted),
 * leaving the page aborts it, and `reload` asks again after a change.
 */
import { type DependencyList, useCallback, useEffect, useState } from 'react';
import { isAbort } from './api-client';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/**
 * @example const people = useLoad((signal) => apiFetch<Page<PersonView>>('/api/directory/v1/people', { signal }), []);
 */
export function useLoad<T>(load: ((signal: AbortSignal) => Promise<T>) | undefined, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(load !== undefined);
  const [attempt, setAttempt] = useState(0);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when `load` changes meaning.
  useEffect(() => {
    if (!load) {
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    load(controller.signal)
      .then((value) => {
        setData(value);
        setError(undefined);
        setLoading(false);
      })
      .catch((failure: unknown) => {
        if (isAbort(failure) || controller.signal.aborted) return;
        setError(failure);
        setLoading(false);
      });
    return () => controller.abort();
  }, [...deps, attempt]);

  return { data, error, loading, reload };
}
