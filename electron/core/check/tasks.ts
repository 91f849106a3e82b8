// The model check as an engine-worker task: llama.cpp (CPU, its own Llama instance) and our engine
// side by side in one process, so the comparison never crosses a process boundary.
import { getLlama, type Llama } from 'node-llama-cpp';
import { defineTasks } from '../workers/task.ts';
import { runModelCheck } from './run.ts';

let cpuLlama: Promise<Llama> | null = null;

export const checkTasks = defineTasks({
  checkModel: async (input: { modelPath: string; quantization: string; prompts?: string[]; threads: number }, { signal, emit }) => {
    cpuLlama ??= getLlama({ gpu: false, maxThreads: input.threads, build: 'never', logLevel: 'error' as never, progressLogs: false });
    return runModelCheck({
      llama: await cpuLlama,
      modelPath: input.modelPath,
      quantization: input.quantization,
      prompts: input.prompts,
      threads: input.threads,
      signal,
      onProgress: (done, total, what) => emit({ progress: done / total, message: what }),
    });
  },
});
