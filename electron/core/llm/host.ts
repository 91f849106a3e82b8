// The core's side of llama.cpp: which model is active, the backend settings, and every request to the
// model worker that touches the loaded model, serialised (a backend switch never lands in the middle
// of a generation). Keeps the status bar's model/backend up to date.
import type { BackendConfig, BackendReport } from '../api/backend.ts';
import type { ContextPolicy, ContextUsage } from '../api/chat.ts';
import { ServiceError } from '../api/errors.ts';
import type { ModelInfo } from '../api/models.ts';
import type { CoreContext } from '../app/context.ts';
import { ModelsStore } from '../store/models.ts';
import { BackendSettings } from './backend.ts';
import type { BackendState, GenerateEvent, GenerateInput, GenerateResult, Turn } from './worker/types.ts';

export class ModelHost {
  readonly settings: BackendSettings;
  readonly models: ModelsStore;
  private chain: Promise<unknown> = Promise.resolve();
  private lastReport: BackendReport | null = null;

  constructor(private readonly ctx: CoreContext) {
    this.settings = new BackendSettings(ctx);
    this.models = new ModelsStore(ctx.db);
    const active = this.models.active();
    if (active) ctx.setStatus({ model: { name: active.name, path: active.path } });
  }

  get worker() {
    return this.ctx.workers.model;
  }

  /** Runs `fn` after every earlier serialised request has finished. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  active(): ModelInfo | undefined {
    return this.models.active();
  }

  requireActive(): ModelInfo {
    const m = this.models.active();
    if (!m) throw new ServiceError('conflict', 'no chat model is selected: import or download one in Models, then make it active');
    if (!m.fileExists) throw new ServiceError('not_found', `the model file of ${m.name} is gone: ${m.path}`);
    return m;
  }

  private publish(state: BackendState): BackendReport {
    const report = this.settings.report(state);
    this.lastReport = report;
    this.ctx.events.publish('backend.changed', report);
    const active = this.models.active();
    this.ctx.setStatus({
      model: active ? { name: active.name, path: active.path } : null,
      backend: { name: report.name, detail: report.summary },
    });
    return report;
  }

  /** Not serialised: it reads state only, and the spec changes only inside `reconfigure` (serialised). */
  async report(): Promise<BackendReport> {
    return this.publish(await this.worker.request('llmState', { backend: this.settings.spec() }));
  }

  /** Loads `model` (or unloads with null); the previous state stays if loading fails. */
  load(model: ModelInfo | null): Promise<BackendReport> {
    return this.serial(async () => {
      const backend = this.settings.spec();
      const state = model
        ? await this.worker.request('llmLoad', { backend, model: this.settings.modelSpec(model) })
        : await this.worker.request('llmUnload', { backend });
      return this.publish(state);
    });
  }

  /** Saves the backend override, re-creates llama.cpp with it and reloads the active model. */
  reconfigure(patch: Partial<BackendConfig>): Promise<BackendReport> {
    return this.serial(async () => {
      this.settings.save(patch);
      const backend = this.settings.spec();
      const active = this.models.active();
      const state =
        active && active.fileExists
          ? await this.worker.request('llmLoad', { backend, model: this.settings.modelSpec(active) })
          : await this.worker.request('llmState', { backend });
      return this.publish(state);
    });
  }

  generate(
    input: Omit<GenerateInput, 'backend' | 'model'>,
    model: ModelInfo,
    onEvent: (e: GenerateEvent) => void,
    beforeStart: () => boolean,
  ): Promise<GenerateResult | null> {
    return this.serial(async () => {
      if (!beforeStart()) return null; // stopped while waiting for its turn
      const result = await this.worker.request(
        'chatGenerate',
        { ...input, backend: this.settings.spec(), model: this.settings.modelSpec(model) },
        { onEvent: (e) => onEvent(e as GenerateEvent) },
      );
      if (!this.lastReport || this.lastReport.model?.id !== model.id) {
        void this.worker.request('llmState', { backend: this.settings.spec() }).then(
          (s) => this.publish(s),
          () => {},
        );
      }
      return result;
    });
  }

  async stop(genId: string): Promise<void> {
    await this.worker.request('chatStop', { genId });
  }

  countTokens(
    model: ModelInfo,
    systemPrompt: string,
    history: Turn[],
    draft: string,
    maxTokens: number,
    policy: ContextPolicy,
  ): Promise<Omit<ContextUsage, 'modelLoaded'>> {
    return this.worker.request('chatCountTokens', {
      backend: this.settings.spec(),
      model: this.settings.modelSpec(model),
      systemPrompt,
      history,
      draft,
      maxTokens,
      policy,
    });
  }
}
