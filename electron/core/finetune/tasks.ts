// The training task of the engine worker process. Events: {kind: 'prepared' | 'step' | 'eval' |
// 'checkpoint', …}. Cancel arrives as the signal (the last checkpoint stays); stop-and-save is a
// STOP file in the run folder, polled between optimizer steps (a request cannot reach a running task).
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainConfig } from '../engine/train/config.ts';
import { defineTasks, TaskError } from '../workers/task.ts';
import { PrepareError, type OverflowPolicy } from '../datasets/prepare.ts';
import type { RowMessages } from '../datasets/rows.ts';
import { runTraining } from './pipeline.ts';

export interface TrainTaskInput {
  modelPath: string;
  rows: { id: string; messages: RowMessages; split?: 'train' | 'validation' }[];
  config: TrainConfig;
  overflow: OverflowPolicy;
  valFraction: number;
  runDir: string;
  resume: boolean;
}

export interface TrainTaskOutput {
  reason: string;
  steps: number;
  totalSteps: number;
  bestValLoss: number | null;
  ggufPath: string;
  peftPath: string;
}

export const stopFile = (runDir: string) => join(runDir, 'STOP');

function envThreads(): number | undefined {
  const n = Number(process.env.GLASSBOX_ENGINE_THREADS);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export const finetuneTasks = defineTasks({
  finetuneTrain: async (input: TrainTaskInput, ctx): Promise<TrainTaskOutput> => {
    rmSync(stopFile(input.runDir), { force: true });
    try {
      const out = await runTraining(
        { ...input, threads: envThreads() },
        {
          signal: ctx.signal,
          stopRequested: () => existsSync(stopFile(input.runDir)),
          onPrepared: (p) =>
            ctx.emit({ kind: 'prepared', trainRows: p.trainRows, validationRows: p.validationRows, totalSteps: p.totalSteps }),
          onStep: (m) => ctx.emit({ kind: 'step', metrics: m }),
          onEval: (m) => ctx.emit({ kind: 'eval', metrics: m }),
          onCheckpoint: (step) => ctx.emit({ kind: 'checkpoint', step }),
        },
      );
      const r = out.result;
      return {
        reason: r.reason,
        steps: r.steps,
        totalSteps: r.totalSteps,
        bestValLoss: r.bestValLoss,
        ggufPath: out.ggufPath,
        peftPath: out.peftPath,
      };
    } catch (err) {
      if (ctx.signal.aborted) throw new TaskError('cancelled', 'cancelled');
      if (err instanceof PrepareError) throw new TaskError('bad_input', err.message);
      if (err instanceof Error && /^training config|checkpoint|the training split/.test(err.message))
        throw new TaskError('bad_input', err.message);
      throw err;
    } finally {
      rmSync(stopFile(input.runDir), { force: true });
    }
  },
});
