// The chat, models and backend services, composed for ../app/services.ts.
import type { CoreContext, ServiceHandlers } from '../app/context.ts';
import { chatHandlers } from './chat.ts';
import { ModelHost } from './host.ts';
import { backendHandlers, modelsHandlers } from './models.ts';

export function llmHandlers(ctx: CoreContext): ServiceHandlers<'chat'> & ServiceHandlers<'models'> & ServiceHandlers<'backend'> {
  const host = new ModelHost(ctx);
  // Warm start: load the chat model chosen last time in the background, so the status bar shows the
  // backend and the first reply does not wait for loading. A failure shows up on first use.
  const active = host.active();
  if (active?.fileExists) void host.load(active).catch(() => {});
  return {
    ...chatHandlers(ctx, host),
    ...modelsHandlers(ctx, host),
    ...backendHandlers(host),
  };
}
