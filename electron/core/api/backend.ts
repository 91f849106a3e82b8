// backend.*: which llama.cpp backend runs chat (Metal, CUDA, Vulkan or CPU), on which devices, with how
// much memory, how many layers are offloaded, and why it fell back when it did. The user can override.
import { z } from 'zod';
import { event, method } from './define.ts';

export const gpuChoices = ['auto', 'cuda', 'vulkan', 'metal', 'cpu'] as const;
export type GpuChoice = (typeof gpuChoices)[number];
export type BackendName = 'cuda' | 'vulkan' | 'metal' | 'cpu';

export interface BackendConfig {
  /** 'auto' lets llama.cpp pick (Metal on Apple silicon, else CUDA, then Vulkan, then CPU). */
  gpu: GpuChoice;
  /** CPU threads for llama.cpp; null = the machine's physical core count (2 in test mode). */
  threads: number | null;
  /** Layers offloaded to the GPU: 'auto' fits what memory allows, 'max' all, or a number. */
  gpuLayers: 'auto' | 'max' | number;
  /** Context window in tokens for chat; null = min(model's trained length, 8192). */
  contextSize: number | null;
}

export interface MemoryInfo {
  totalBytes: number;
  usedBytes: number;
  freeBytes: number;
}

export interface BackendReport {
  /** What the config asked for. */
  requested: GpuChoice;
  /** What actually runs. */
  name: BackendName;
  /** GPU device names as llama.cpp reports them ([] on CPU). */
  devices: string[];
  /** GPU memory (null on CPU). */
  vram: MemoryInfo | null;
  /** System RAM. */
  ram: MemoryInfo;
  threads: number;
  /** Why the backend is not what was asked for (e.g. "CUDA binaries failed to load; using CPU"), else null. */
  fallbackReason: string | null;
  /** llama.cpp build tag shipped with node-llama-cpp, e.g. "b6000". */
  llamaCppRelease: string;
  /** The loaded chat model, if any. */
  model: {
    id: string;
    name: string;
    gpuLayers: number;
    totalLayers: number;
    contextSize: number;
    /** Bytes of model weights in VRAM (0 on CPU). */
    vramBytes: number;
  } | null;
  /** One line for the status bar, e.g. "CUDA · RTX 4090 · 24 GiB · 19/19 layers" or "CPU · 8 threads". */
  summary: string;
}

export const backendConfigInput = z
  .object({
    gpu: z.enum(gpuChoices).optional(),
    threads: z.number().int().min(1).max(256).nullable().optional(),
    gpuLayers: z.union([z.literal('auto'), z.literal('max'), z.number().int().min(0).max(10_000)]).optional(),
    contextSize: z.number().int().min(64).max(1_048_576).nullable().optional(),
  })
  .strict();

export const backendMethods = {
  /** Initialises llama.cpp in the model worker if needed, then reports. */
  report: method(z.object({}).strict()).returns<BackendReport>(),
  getConfig: method(z.object({}).strict()).returns<BackendConfig>(),
  /** Saves the override and reinitialises llama.cpp (reloading the active model); resolves with the new report. */
  setConfig: method(backendConfigInput).returns<{ config: BackendConfig; report: BackendReport }>(),
};

export const backendEvents = {
  /** After every (re)initialisation or model load/unload. */
  changed: event<BackendReport>(),
};
