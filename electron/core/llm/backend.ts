// The backend override (settings table, key "llm.backend") and the specs the core sends the model
// worker, plus the report Settings and the status bar show.
import type { BackendConfig, BackendReport, GpuChoice } from '../api/backend.ts';
import type { ModelInfo } from '../api/models.ts';
import type { CoreContext } from '../app/context.ts';
import { SettingsStore } from '../store/settings.ts';
import type { BackendSpec, BackendState, ModelSpec } from './worker/types.ts';

const SETTINGS_KEY = 'llm.backend';
const DEFAULT_CONFIG: BackendConfig = { gpu: 'auto', threads: null, gpuLayers: 'auto', contextSize: null };

/** Threads when the user has not set any: GLASSBOX_THREADS, else 2 in test mode (CI machines), else 0 = physical cores. */
export function defaultThreads(testMode: boolean, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.GLASSBOX_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return testMode ? 2 : 0;
}

export function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(bytes >= 10 * 2 ** 30 ? 0 : 1)} GiB`;
}

export function summarize(requested: GpuChoice, s: BackendState): string {
  const parts: string[] = [s.name === 'cpu' ? 'CPU' : s.name === 'cuda' ? 'CUDA' : s.name === 'metal' ? 'Metal' : 'Vulkan'];
  if (s.devices.length) parts.push(s.devices.join(', '));
  if (s.vram && s.vram.totalBytes > 0) parts.push(gib(s.vram.totalBytes));
  if (s.name === 'cpu') parts.push(`${s.threads} thread${s.threads === 1 ? '' : 's'}`);
  if (s.model && s.name !== 'cpu') parts.push(`${s.model.gpuLayers}/${s.model.totalLayers} layers`);
  if (s.fallbackReason && requested !== 'cpu') parts.push(requested === 'auto' ? 'no GPU found' : `${requested} not available`);
  return parts.join(' · ');
}

export class BackendSettings {
  private readonly store: SettingsStore;
  constructor(private readonly ctx: CoreContext) {
    this.store = new SettingsStore(ctx.db);
  }

  config(): BackendConfig {
    const saved = this.store.getAll().get(SETTINGS_KEY);
    return { ...DEFAULT_CONFIG, ...(saved && typeof saved === 'object' ? (saved as Partial<BackendConfig>) : {}) };
  }

  save(patch: Partial<BackendConfig>): BackendConfig {
    const next = { ...this.config(), ...patch };
    this.store.set(SETTINGS_KEY, next);
    return next;
  }

  spec(): BackendSpec {
    const c = this.config();
    return { gpu: c.gpu, threads: c.threads ?? defaultThreads(this.ctx.testMode) };
  }

  modelSpec(m: ModelInfo): ModelSpec {
    const c = this.config();
    // the adapter chosen on the Fine-tune screen ("chat with this adapter"), if it is for this model
    const adapter = this.store.getAll().get('chat.adapter') as { path: string; scale: number; modelPath: string } | undefined;
    const withAdapter = adapter && adapter.modelPath === m.path ? { adapter: { path: adapter.path, scale: adapter.scale } } : {};
    return { id: m.id, name: m.name, path: m.path, gpuLayers: c.gpuLayers, contextSize: c.contextSize, ...withAdapter };
  }

  report(state: BackendState): BackendReport {
    const requested = this.config().gpu;
    return { requested, ...state, summary: summarize(requested, state) };
  }
}
