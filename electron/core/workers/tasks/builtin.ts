// Tasks every worker kind has: a liveness check, a cancellable job with progress, and (test mode
// only) a hard crash so the supervisor's recovery is tested for real, and a gate that holds new tasks.
import { defineTasks, delay, TaskError } from '../task.ts';
import { setHeld } from '../test-gate.ts';

const startedAt = Date.now();

export const builtinTasks = defineTasks({
  ping: (input: { text: string }) => ({ pong: input.text, pid: process.pid, uptimeMs: Date.now() - startedAt }),

  sleep: async (input: { ms: number; steps: number }, ctx) => {
    for (let step = 1; step <= input.steps; step++) {
      await delay(input.ms / input.steps, ctx.signal);
      ctx.emit({ progress: step / input.steps, message: `step ${step} of ${input.steps}` });
    }
    return { slept: input.ms };
  },

  /** Holds (or lets go of) every new task but this one and ping before it starts, as a busy worker would. */
  holdForTest: (input: { hold: boolean }) => {
    if (process.env.GLASSBOX_TEST !== '1') throw new TaskError('unavailable', 'holdForTest is a test-only task (GLASSBOX_TEST=1)');
    setHeld(input.hold);
    return { held: input.hold };
  },

  crash: () => {
    if (process.env.GLASSBOX_TEST !== '1') throw new TaskError('unavailable', 'crash is a test-only task (GLASSBOX_TEST=1)');
    // SIGKILL: no cleanup, no exit handlers — like the OOM killer or a segfault in native code.
    process.kill(process.pid, 'SIGKILL');
    return new Promise<never>(() => {});
  },
});
