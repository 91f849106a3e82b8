import type { CoreContext, ServiceHandlers } from '../context.ts';

export function jobsHandlers(ctx: CoreContext): ServiceHandlers<'jobs'> {
  return {
    'jobs.list': () => ctx.jobs.list(),
    'jobs.get': ({ jobId }) => ctx.jobs.get(jobId),
    'jobs.cancel': ({ jobId }) => ctx.jobs.cancel(jobId),
  };
}
