// system.*: what the status bar and Settings show about the running app.
import { z } from 'zod';
import { event, method } from './define.ts';
import type { WorkerStatus } from './workers.ts';

export interface ModelStatus {
  /** Display name of the loaded chat model, e.g. "gemma-3-270m-it Q8_0". */
  name: string;
  path: string;
}

export interface BackendStatus {
  /** metal | cuda | vulkan | cpu, as llama.cpp reports it. */
  name: string;
  /** One line for the status bar, e.g. "CUDA · RTX 4090 · 24 GiB" or why it fell back. */
  detail: string;
}

export interface SystemStatus {
  appVersion: string;
  /** desktop = Electron window over IPC; browser = headless host over WebSocket. */
  mode: 'desktop' | 'browser';
  platform: string;
  arch: string;
  /** null until a model is loaded (the llm service fills this in). */
  model: ModelStatus | null;
  /** null until llama.cpp has been initialised. */
  backend: BackendStatus | null;
  workers: WorkerStatus[];
  database: { path: string; schemaVersion: number };
  dataDir: string;
  modelsDir: string;
  /** True when test-only methods (e.g. workers.crashForTest) are enabled. */
  testMode: boolean;
}

export const systemMethods = {
  status: method(z.object({}).strict()).returns<SystemStatus>(),
};

export const systemEvents = {
  /** A fresh snapshot whenever any part of the status changes. */
  status: event<SystemStatus>(),
};
