// The core's outgoing event stream. Services publish typed events; each transport (IPC, WebSocket)
// subscribes once and forwards everything to its clients.
import type { ApiEvent, EventName, EventPayload } from '../api/contract.ts';

export type EventListener = (event: ApiEvent) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  publish<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const event = { name, payload } as ApiEvent;
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        console.error(`event listener failed on ${name}:`, err);
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
