// One playground run as the UI sees it: loaded once, then kept current from the core's events
// (items as they finish, streaming text, status). Pure reducer + a small hook around it.
import { useCallback, useEffect, useState } from 'react';
import type { RunItem, RunResult, RunSummary, RunView } from '../../../../electron/core/api/playground.ts';
import { useApi, useEvent } from '../../api/hooks.ts';
import { errorMessage } from '../../../../electron/core/api/errors.ts';

export interface LiveRun {
  view: RunView;
  /** Text being generated per item key `${index}:${col}` (cleared once the item is stored). */
  streaming: Record<string, string>;
}

export const itemKey = (index: number, col: number) => `${index}:${col}`;

export function applyItem(live: LiveRun, item: RunItem): LiveRun {
  const items = [...live.view.items];
  const at = items.findIndex((i) => i.index === item.index && i.col === item.col);
  if (at >= 0) items[at] = item;
  else {
    items.push(item);
    items.sort((a, b) => a.index - b.index || a.col - b.col);
  }
  const streaming = { ...live.streaming };
  if (item.status === 'done' || item.status === 'failed') delete streaming[itemKey(item.index, item.col)];
  if (item.status === 'running') streaming[itemKey(item.index, item.col)] = '';
  return { view: { ...live.view, items }, streaming };
}

export function applyRun(live: LiveRun, run: RunSummary, result: RunResult | null): LiveRun {
  return { ...live, view: { ...live.view, run, result: result ?? live.view.result } };
}

export function useRun(runId: string | null) {
  const api = useApi();
  const [live, setLive] = useState<LiveRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    if (!runId) return;
    api.playground.get({ runId }).then(
      (view) => (setLive({ view, streaming: {} }), setError(null)),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, [api, runId]);
  useEffect(() => {
    setLive(null);
    reload();
  }, [reload]);
  useEvent('playground.item', (p) => p.runId === runId && setLive((l) => (l ? applyItem(l, p.item) : l)));
  useEvent('playground.run', (p) => {
    if (p.run.id !== runId) return;
    // The final state carries the result; reload once so every item is exactly as stored.
    if (p.run.status !== 'running') reload();
    else setLive((l) => (l ? applyRun(l, p.run, p.result) : l));
  });
  useEvent('playground.delta', (p) => {
    if (p.runId !== runId) return;
    setLive((l) => {
      if (!l) return l;
      if (p.target === 'final') return { ...l, view: { ...l.view, partial: (l.view.partial ?? '') + p.text } };
      const k = itemKey(p.index, p.col);
      return { ...l, streaming: { ...l.streaming, [k]: (l.streaming[k] ?? '') + p.text } };
    });
  });
  return { live, error, reload };
}

/** Job progress for a run (from jobs.update). */
export function useJobProgress(jobId: string | null) {
  const api = useApi();
  const [progress, setProgress] = useState<{ value: number | null; message: string } | null>(null);
  useEffect(() => {
    setProgress(null);
    if (!jobId) return;
    // The job may have reported before this view opened: start from its current state.
    let live = true;
    api.jobs.get({ jobId }).then(
      (j) => live && j.state === 'running' && setProgress({ value: j.progress, message: j.message }),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, jobId]);
  useEvent('jobs.update', (j) => {
    if (j.jobId === jobId) setProgress(j.state === 'running' ? { value: j.progress, message: j.message } : null);
  });
  return progress;
}

export function describe(e: unknown): string {
  return errorMessage(e);
}
