// Whether a chat reply is being generated right now, read from the core's own event stream (a
// message is 'streaming' from its first save to its last), so the lab can wait its turn without the
// chat service knowing about it.
import type { EventBus } from '../app/events.ts';

export class ChatActivity {
  private readonly streaming = new Set<string>();
  private waiters: (() => void)[] = [];
  readonly dispose: () => void;

  constructor(events: EventBus) {
    this.dispose = events.subscribe((e) => {
      if (e.name !== 'chat.message') return;
      const m = (e.payload as { message: { id: string; status: string } }).message;
      if (m.status === 'streaming') this.streaming.add(m.id);
      else if (this.streaming.delete(m.id) && this.streaming.size === 0) this.release();
    });
  }

  get busy(): boolean {
    return this.streaming.size > 0;
  }

  /** Resolves once no reply is streaming (at once when none is); rejects when `signal` aborts. */
  idle(signal?: AbortSignal): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal!.reason ?? new Error('cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  private release(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
