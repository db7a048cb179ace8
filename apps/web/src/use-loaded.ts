/**
 * Something a screen reads over the live channel and keeps: read on every (re)connect (pushes are
 * not replayed, so what changed while offline is only seen by reading again), and again whenever
 * the screen calls `reload`. A failed read keeps what was read before and shows why beside it.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ErrorBody, Result } from '@classconnect/contracts';
import type { Live } from './live.js';

export interface Loaded<T> {
  /** The last answer read, or null before the first one. */
  data: T | null;
  /** Why the last read failed; null once a read succeeds. */
  error: ErrorBody | null;
  reload: () => Promise<void>;
}

/** `load` should be stable (useCallback): a new one reads again. */
export function useLoaded<T>(live: Live, load: () => Promise<Result<T>>): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const reload = useCallback(async () => {
    const res = await load();
    if (res.ok) {
      setData(res.data);
      setError(null);
    } else setError(res.error);
  }, [load]);
  useEffect(() => live.onConnect(() => void reload()), [live, reload]);
  return { data, error, reload };
}
