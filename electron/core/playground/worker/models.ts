// The playground's own handle on models in the model worker. Chat keeps one model and context for
// itself (../../llm/worker/runtime.ts) and unloads it when the user switches; the playground loads
// its own LlamaModel per file (weights are memory-mapped, so the same file loaded twice shares its
// pages) and makes a fresh context per run, so a batch never disturbs a chat and vice versa.
import type { Llama, LlamaContext, LlamaContextOptions, LlamaModel } from 'node-llama-cpp';
import { checkAdapterMatchesModel } from '../../engine/export/adapter.ts';
import { ensureBackend } from '../../llm/worker/runtime.ts';
import type { BackendSpec, ModelSpec } from '../../llm/worker/types.ts';
import { TaskError } from '../../workers/task.ts';
import { errorMessage } from '../../api/errors.ts';

const KEEP = 2; // models kept loaded (compare may alternate between two)

let owner: Llama | null = null;
const cache = new Map<string, Promise<LlamaModel>>();

export async function playgroundModel(backend: BackendSpec, spec: ModelSpec): Promise<{ llama: Llama; model: LlamaModel }> {
  const llama = await ensureBackend(backend);
  if (owner !== llama) {
    cache.clear(); // the old Llama disposed its models with it
    owner = llama;
  }
  const key = `${spec.path}\u0000${JSON.stringify(spec.gpuLayers)}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = llama.loadModel({ modelPath: spec.path, gpuLayers: spec.gpuLayers }).catch((err: unknown) => {
      cache.delete(key);
      throw new TaskError('bad_input', `llama.cpp could not load ${spec.name}: ${errorMessage(err)}`);
    });
    cache.set(key, entry);
    while (cache.size > KEEP) {
      const [oldest, p] = cache.entries().next().value!;
      cache.delete(oldest);
      void p.then(
        (m) => m.dispose(),
        () => {},
      );
    }
  } else {
    cache.delete(key); // most recently used last
    cache.set(key, entry);
  }
  const model = await entry;
  if (model.disposed) {
    cache.delete(key);
    return playgroundModel(backend, spec);
  }
  return { llama, model };
}

/**
 * A context for one run, with the spec's LoRA adapter applied at its scale (llama.cpp takes adapters
 * at context creation). An adapter made for another model is refused with the reason first: llama.cpp's
 * own refusal is a bare failure.
 */
export async function playgroundContext(
  model: LlamaModel,
  backend: BackendSpec,
  spec: ModelSpec,
  options: Omit<LlamaContextOptions, 'threads' | 'lora'>,
): Promise<LlamaContext> {
  if (spec.adapter) {
    try {
      checkAdapterMatchesModel(spec.adapter.path, spec.path);
    } catch (err) {
      throw new TaskError('bad_input', `the adapter cannot be used with ${spec.name}: ${errorMessage(err)}`);
    }
  }
  return model.createContext({
    ...options,
    threads: backend.threads > 0 ? backend.threads : undefined,
    ...(spec.adapter ? { lora: { adapters: [{ filePath: spec.adapter.path, scale: spec.adapter.scale }] } } : {}),
  });
}
