// Follows one core job from the UI: start it, watch `jobs.update` for progress, cancel it, and get
// its typed result. Events may arrive before the start call returns, so every update is remembered.
// `start` takes the job method's call: its JobId<R> (declared in the contract) types the result, so
// `useJob<InspectRun>().start(() => api.inspect.gradients(…))` does not compile.
import { useCallback, useRef, useState } from 'react';
import { snapshotOf, type JobId, type JobSnapshot, type JobStarted } from '../../../../electron/core/api/jobs.ts';
import { useApi, useEvent } from '../../api/hooks.ts';
import { errorMessage } from '../../../../electron/core/api/errors.ts';

export interface JobView<R> {
  state: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: number | null;
  message: string;
  result: R | null;
  error: string | null;
  jobId: string | null;
  start(begin: () => Promise<JobStarted<R>>): Promise<R | null>;
  cancel(): void;
}

export function useJob<R>(): JobView<R> {
  const api = useApi();
  const seen = useRef(new Map<string, JobSnapshot>());
  const waiters = useRef(new Map<string, (s: JobSnapshot<R>) => void>());
  const [jobId, setJobId] = useState<string | null>(null);
  const current = useRef<JobId<R> | null>(null);
  /** Cancel pressed before the core answered with the job's id: cancel as soon as it does. */
  const cancelPending = useRef(false);
  const [snap, setSnap] = useState<{
    state: JobView<R>['state'];
    progress: number | null;
    message: string;
    result: R | null;
    error: string | null;
  }>({
    state: 'idle',
    progress: null,
    message: '',
    result: null,
    error: null,
  });

  const apply = useCallback((any: JobSnapshot) => {
    if (current.current === null || any.jobId !== current.current) return;
    const s = snapshotOf(current.current, any);
    setSnap({
      state: s.state,
      progress: s.progress,
      message: s.message,
      result: s.state === 'done' ? s.result : null,
      error: s.error?.message ?? null,
    });
    if (s.state !== 'running') waiters.current.get(s.jobId)?.(s);
  }, []);

  useEvent('jobs.update', (s) => {
    seen.current.set(s.jobId, s);
    if (seen.current.size > 100) seen.current.delete(seen.current.keys().next().value!);
    apply(s);
  });

  const start = useCallback(
    async (begin: () => Promise<JobStarted<R>>): Promise<R | null> => {
      setSnap({ state: 'running', progress: 0, message: 'starting', result: null, error: null });
      cancelPending.current = false;
      current.current = null;
      let id: JobId<R>;
      try {
        id = (await begin()).jobId;
      } catch (err) {
        setSnap({ state: 'failed', progress: null, message: '', result: null, error: errorMessage(err) });
        return null;
      }
      current.current = id;
      setJobId(id);
      if (cancelPending.current) void api.jobs.cancel({ jobId: id }).then(apply, () => {});
      const done = new Promise<JobSnapshot<R>>((resolve) => waiters.current.set(id, resolve));
      const early = seen.current.get(id);
      if (early) apply(early);
      // The job may have finished before we were listening for its id.
      void api.jobs.get({ jobId: id }).then(apply, () => {});
      const final = await done;
      waiters.current.delete(id);
      return final.state === 'done' ? final.result : null;
    },
    [api, apply],
  );

  const cancel = useCallback(() => {
    if (current.current) void api.jobs.cancel({ jobId: current.current }).then(apply, () => {});
    else cancelPending.current = true;
  }, [api, apply]);

  return { ...snap, jobId, start, cancel };
}
