import { ServiceError } from '../../api/errors.ts';
import type { CoreContext, ServiceHandlers } from '../context.ts';
import { startWorkerJob } from '../workerJob.ts';

export function workersHandlers(ctx: CoreContext): ServiceHandlers<'workers'> {
  return {
    'workers.list': () => [ctx.workers.model.snapshot, ctx.workers.engine.snapshot],
    'workers.ping': async ({ worker, text }) => {
      const t0 = performance.now();
      const r = await ctx.workerByName(worker).request('ping', { text });
      return { pong: r.pong, pid: r.pid, roundTripMs: performance.now() - t0 };
    },
    'workers.sleep': ({ worker, ms, steps }) => ({
      jobId: startWorkerJob(
        ctx.jobs,
        { kind: 'workers.sleep', title: `Sleep ${ms} ms in the ${worker} worker` },
        ctx.workerByName(worker),
        'sleep',
        { ms, steps },
      ).jobId,
    }),
    'workers.holdForTest': ({ worker, hold }) => {
      if (!ctx.testMode) throw new ServiceError('unavailable', 'workers.holdForTest is enabled only in test mode (GLASSBOX_TEST=1)');
      return ctx.workerByName(worker).request('holdForTest', { hold });
    },
    'workers.crashForTest': async ({ worker }) => {
      if (!ctx.testMode) throw new ServiceError('unavailable', 'workers.crashForTest is enabled only in test mode (GLASSBOX_TEST=1)');
      try {
        await ctx.workerByName(worker).request('crash', {} as never);
      } catch (err) {
        if (err instanceof ServiceError && err.code === 'worker_crashed') return { crashed: true as const };
        throw err;
      }
      throw new ServiceError('internal', 'the crash task returned instead of killing its worker');
    },
  };
}
