// A model on a Llama instance of the task's own (not the chat's shared one), for the lab's
// measurements: a backend and thread count of their own, and both released when the task ends.
import { getLlama, LlamaLogLevel, type LlamaModel } from 'node-llama-cpp';

export async function withOwnModel<R>(
  spec: { modelPath: string; backend: 'cpu' | 'metal' | 'cuda' | 'vulkan'; threads: number },
  use: (model: LlamaModel) => Promise<R>,
): Promise<R> {
  const cpu = spec.backend === 'cpu';
  const llama = await getLlama({
    gpu: spec.backend === 'cpu' ? false : spec.backend,
    maxThreads: spec.threads,
    build: 'never',
    logLevel: LlamaLogLevel.error,
    progressLogs: false,
  });
  try {
    const model = await llama.loadModel({ modelPath: spec.modelPath, gpuLayers: cpu ? 0 : 'max' });
    try {
      return await use(model);
    } finally {
      await model.dispose();
    }
  } finally {
    await llama.dispose();
  }
}
