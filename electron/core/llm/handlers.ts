// The chat, models and backend services, composed for ../app/services.ts.
import type { CoreContext, ServiceHandlers } from '../app/context.ts';
import { chatHandlers } from './chat.ts';
import { ModelHost } from './host.ts';
import { backendHandlers, modelsHandlers } from './models.ts';

export function llmHandlers(ctx: CoreContext): ServiceHandlers<'chat'> & ServiceHandlers<'models'> & ServiceHandlers<'backend'> {
  const host = new ModelHost(ctx);
  return {
    ...chatHandlers(ctx, host),
    ...modelsHandlers(ctx, host),
    ...backendHandlers(host),
  };
}
