// All service implementations, composed into the dispatcher's handler table. To add a service:
// implement `xxxHandlers(ctx): ServiceHandlers<'xxx'>` (in your own folder, e.g. electron/core/llm/)
// and spread it here; TypeScript fails until every method of the contract has a handler.
import { labHandlers } from '../lab/handlers.ts';
import { documentsHandlers } from '../docs/handlers.ts';
import { llmHandlers } from '../llm/handlers.ts';
import { playgroundHandlers } from '../playground/service.ts';
import type { CoreContext } from './context.ts';
import type { Handlers } from './dispatcher.ts';
import { inspectHandlers } from '../inspect/service.ts';
import { jobsHandlers } from './services/jobs.ts';
import { sessionsHandlers } from './services/sessions.ts';
import { settingsHandlers } from './services/settings.ts';
import { systemHandlers } from './services/system.ts';
import { workersHandlers } from './services/workers.ts';
import { datasetsHandlers } from '../datasets/service.ts';
import { finetuneHandlers } from '../finetune/service.ts';

export function createHandlers(ctx: CoreContext): Handlers {
  return {
    ...systemHandlers(ctx),
    ...sessionsHandlers(ctx),
    ...settingsHandlers(ctx),
    ...jobsHandlers(ctx),
    ...workersHandlers(ctx),
    ...inspectHandlers(ctx),
    ...llmHandlers(ctx),
    ...labHandlers(ctx),
    ...documentsHandlers(ctx),
    ...playgroundHandlers(ctx),
    ...datasetsHandlers(ctx),
    ...finetuneHandlers(ctx),
  } satisfies Handlers;
}
