// Settings changes the core has not answered yet. The panel saves each field as it is committed, so
// several saves can be in flight; the core's answer to an older one (its reply, or the
// chat.sessionChanged it publishes) must not undo a newer change on screen. Every config that comes
// from the core is shown with the still-unanswered patches laid over it, in the order they were made.
import type { SessionConfig } from '../../../../electron/core/api/chat.ts';

export class PendingConfig {
  private patches: { seq: number; patch: Partial<SessionConfig> }[] = [];
  private next = 0;

  /** Records a patch about to be sent; returns its ticket for `answered`/`failed`. */
  add(patch: Partial<SessionConfig>): number {
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

  /** `config` as it will be once the unanswered patches are saved. */
  over(config: SessionConfig): SessionConfig {
    return Object.assign({ ...config }, ...this.patches.map((p) => p.patch)) as SessionConfig;
  }
}
