// The model worker's llama.cpp state: one Llama (backend), at most one loaded model with one context
// and sequence for chat. Everything is (re)created on demand from the spec the core sends with each
// request, so a restarted worker heals itself on the next request.
import { freemem, totalmem } from 'node:os';
import {
  getLlama,
  LlamaLogLevel,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
} from 'node-llama-cpp';
import type { BackendName } from '../../api/backend.ts';
import { DEFAULT_CHAT_CONTEXT } from '../../api/chat.ts';
import { TaskError } from '../../workers/task.ts';
import type { BackendSpec, BackendState, ModelSpec } from './types.ts';
import { checkAdapterMatchesModel } from '../../engine/export/adapter.ts';
import { chatWrapperFor } from './prompt.ts';
import { errorMessage } from '../../api/errors.ts';

/** Context size when the user has not chosen one: enough for long chats, small enough for any machine. */
export const DEFAULT_CONTEXT = DEFAULT_CHAT_CONTEXT;

export interface Loaded {
  spec: ModelSpec;
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  wrapper: ChatWrapper;
}

let llama: Llama | null = null;
let backendKey = '';
let fallbackReason: string | null = null;
let threads = 1;
let loaded: Loaded | null = null;
let loading: Promise<Loaded> | null = null;

const keyOf = (o: object) => JSON.stringify(o);

async function createLlama(spec: BackendSpec): Promise<{ llama: Llama; reason: string | null }> {
  const notes: string[] = [];
  const logger = (level: LlamaLogLevel, message: string) => {
    // node-llama-cpp logs why it skipped a GPU binary ("... falling back to ..."): keep it as the reason.
    if (/fall(ing)? ?back|failed to load|not (found|supported)|no .*(gpu|device)/i.test(message)) notes.push(message.trim());
    if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) console.error(`[llama.cpp] ${message}`);
  };
  const common = {
    maxThreads: spec.threads, // 0 = no cap
    build: 'never' as const,
    logLevel: LlamaLogLevel.warn,
    logger,
    progressLogs: false,
  };
  if (spec.gpu === 'cpu') return { llama: await getLlama({ ...common, gpu: false }), reason: null };
  try {
    const l = await getLlama({ ...common, gpu: spec.gpu });
    if (l.gpu === false) {
      const why = notes.length ? notes.join('; ') : 'no supported GPU (Metal, CUDA or Vulkan) was found';
      return { llama: l, reason: spec.gpu === 'auto' ? why : `${spec.gpu} was requested but ${why}` };
    }
    return { llama: l, reason: null };
  } catch (err) {
    // An explicit backend whose binaries are missing or fail to load: fall back to CPU and say why.
    const why = errorMessage(err);
    return { llama: await getLlama({ ...common, gpu: false }), reason: `${spec.gpu} is not available here (${why}); using the CPU` };
  }
}

export async function ensureBackend(spec: BackendSpec): Promise<Llama> {
  const key = keyOf(spec);
  if (llama && backendKey === key) return llama;
  await unloadModel();
  if (llama) await llama.dispose();
  llama = null;
  const made = await createLlama(spec);
  llama = made.llama;
  fallbackReason = made.reason;
  backendKey = key;
  threads = spec.threads > 0 ? spec.threads : llama.cpuMathCores;
  return llama;
}

export async function unloadModel(): Promise<void> {
  const l = loaded;
  loaded = null;
  if (l) await l.model.dispose(); // disposes its contexts too
}

export async function ensureModel(backend: BackendSpec, spec: ModelSpec): Promise<Loaded> {
  const lm = await ensureBackend(backend);
  if (loaded && keyOf(loaded.spec) === keyOf(spec)) return loaded;
  while (loading) await loading.catch(() => {});
  if (loaded && keyOf(loaded.spec) === keyOf(spec)) return loaded;
  await unloadModel();
  loading = (async () => {
    let model: LlamaModel;
    try {
      model = await lm.loadModel({ modelPath: spec.path, gpuLayers: spec.gpuLayers });
    } catch (err) {
      throw new TaskError('bad_input', `llama.cpp could not load ${spec.name}: ${errorMessage(err)}`);
    }
    try {
      const contextSize = spec.contextSize ?? Math.min(model.trainContextSize, DEFAULT_CONTEXT);
      // swaFullCache: Gemma 3's sliding-window layers would otherwise forget the early KV entries, and
      // a follow-up message could not reuse the evaluated prefix of the conversation.
      if (spec.adapter) {
        // llama.cpp's own refusal of a mismatched adapter is a bare failure: check first, say why
        try {
          checkAdapterMatchesModel(spec.adapter.path, spec.path);
        } catch (err) {
          throw new TaskError('bad_input', `the adapter cannot be used with ${spec.name}: ${errorMessage(err)}`);
        }
      }
      const lora = spec.adapter ? { lora: { adapters: [{ filePath: spec.adapter.path, scale: spec.adapter.scale }] } } : {};
      const context = await model.createContext({ contextSize, threads, swaFullCache: true, ...lora });
      const sequence = context.getSequence();
      const wrapper = chatWrapperFor(model);
      return { spec, model, context, sequence, wrapper };
    } catch (err) {
      await model.dispose();
      if (err instanceof TaskError) throw err;
      throw new TaskError('unavailable', `could not create a context for ${spec.name}: ${errorMessage(err)}`);
    }
  })();
  try {
    loaded = await loading;
    return loaded;
  } finally {
    loading = null;
  }
}

export function currentModel(): Loaded | null {
  return loaded;
}

export async function backendState(spec: BackendSpec): Promise<BackendState> {
  const l = await ensureBackend(spec);
  const name: BackendName = l.gpu === false ? 'cpu' : l.gpu;
  const vram = l.gpu === false ? null : await l.getVramState();
  const m = loaded;
  return {
    name,
    devices: l.gpu === false ? [] : await l.getGpuDeviceNames(),
    vram: vram ? { totalBytes: vram.total, usedBytes: vram.used, freeBytes: vram.free } : null,
    ram: { totalBytes: totalmem(), usedBytes: totalmem() - freemem(), freeBytes: freemem() },
    threads,
    fallbackReason,
    llamaCppRelease: l.llamaCppRelease.release,
    model: m
      ? {
          id: m.spec.id,
          name: m.spec.name,
          gpuLayers: m.model.gpuLayers,
          totalLayers: m.model.fileInsights.totalLayers,
          contextSize: m.context.contextSize,
          // Approximate: weights are spread evenly enough over layers for a status line.
          vramBytes: l.gpu === false ? 0 : Math.round((m.model.size * m.model.gpuLayers) / Math.max(1, m.model.fileInsights.totalLayers)),
        }
      : null,
  };
}
