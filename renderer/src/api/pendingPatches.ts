// Changes sent to the core that it has not answered yet. A screen saves each field as it is
// committed, so several saves can be in flight; the core's answer to an older one (its reply, or the
// event it publishes) must not undo a newer change on screen. Every state that comes from the core is
// shown with the still-unanswered patches laid over it, in the order they were made.
import type { QueryClient } from '@tanstack/react-query';
import type { Settings } from '../../../electron/core/api/settings.ts';

export class PendingPatches<T extends object> {
  private patches: { seq: number; patch: Partial<T> }[] = [];
  private next = 0;

  /** Records a patch about to be sent; returns its ticket for `answered`/`failed`. */
  add(patch: Partial<T>): number {
    const seq = ++this.next;
    this.patches.push({ seq, patch });
    return seq;
  }

  /** The core answered `seq`: it saw this patch and every earlier one (it handles them in order). */
  answered(seq: number): void {
    this.patches = this.patches.filter((p) => p.seq > seq);
  }

  failed(seq: number): void {
    this.patches = this.patches.filter((p) => p.seq !== seq);
  }

  /** `state` as it will be once the unanswered patches are saved. */
  over(state: T): T {
    return Object.assign({ ...state }, ...this.patches.map((p) => p.patch)) as T;
  }
}

/** The app settings' unanswered changes, one list per query cache (useSetSetting and the event bridge share it). */
const pendingSettingsOf = new WeakMap<QueryClient, PendingPatches<Settings>>();
export function pendingSettings(queries: QueryClient): PendingPatches<Settings> {
  let p = pendingSettingsOf.get(queries);
  if (!p) pendingSettingsOf.set(queries, (p = new PendingPatches<Settings>()));
  return p;
}
