// The activation inspector's engine side. Holds one loaded model and the last few runs (their
// residual streams and attention probabilities) so that lazy views — one attention map, the logit
// lens at a clicked position, an intervention rerun — need no second forward of the prompt.
// Everything returned is plain data for the UI. Runs in the engine worker (see ./tasks.ts).
//
// Legend: T tokens, D hidden, L layers, H heads, F ffn, V vocab, R rows through the lens.
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type {
  AdapterChoice,
  AppliedAdapter,
  AttentionMap,
  CompareResult,
  GradientReportData,
  HeadSummary,
  InspectRun,
  Intervention,
  InterventionResult,
  LayerStats,
  LensAt,
  MlpLayerSummary,
  TokenChange,
  TokenInfo,
  TopToken,
} from '../api/inspect.ts';
import { MAX_INSPECT_TOKENS } from '../api/inspect.ts';
import { headEntropies } from '../engine/models/gemma3/saturation.ts';
import { isSliding, loadGemma3, type Gemma3, type Hook, type LinearAdapter } from '../engine/models/gemma3/index.ts';
import { loadAdapter, type LoadedAdapter } from '../engine/export/adapter.ts';
import { createModelStep } from '../engine/train/model-step.ts';
import { gradientReport, summaryOf } from './gradients.ts';
import { lensLogits } from './lens.ts';
import { buildHooks, steeringVector, type ResolvedIntervention } from './interventions.ts';
import { autoHistogram, gateSummary, topUnits } from './mlp.ts';
import { cosine, histogram, meanRow, rowNorms, tensorStats } from './stats.ts';
import { klDivergence, toTopTokens, topK } from './topk.ts';
import { errorMessage } from '../api/errors.ts';

export type Progress = (fraction: number, message: string) => void;

export interface RunInput {
  modelPath: string;
  prompt: string;
  topK: number;
  addBos: boolean;
  runId?: string;
  /** a LoRA adapter applied to the forward (and so to every view of the run) */
  adapter?: AdapterChoice;
}

/** An adapter ready for the engine's forward: its per-projection hooks, and what the run header says. */
interface Applied {
  adapters: ReadonlyMap<string, LinearAdapter>;
  info: AppliedAdapter;
}

/** Bad input the user can fix (wrong path, prompt too long, layer out of range). */
export class InspectError extends Error {
  override name = 'InspectError';
  constructor(
    readonly code: 'bad_input' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

/** Lens over every position when (L + 1)·T·V·D stays below this many multiply-adds (tiny vocabularies). */
const EAGER_LENS_MACS = 6e8;
const KEEP_RUNS = 4;
/** Runs are also evicted (oldest first, never the newest) past this many bytes of kept activations. */
const KEEP_BYTES = 2 * 1024 ** 3;

interface StoredRun {
  runId: string;
  modelPath: string;
  prompt: string;
  tokens: number[];
  /** L + 1 tensors [T, D]: inp_embd, then l_out of each block */
  resid: Float32Array[];
  /** per layer [H, T, T] */
  probs: Float32Array[];
  /** [V] logits after the last token */
  lastLogits: Float32Array;
  lens: Map<number, LensAt>;
  /** the adapter the run was computed with: interventions rerun with it */
  adapter?: AdapterChoice;
}

export interface InspectorOptions {
  threads?: number;
  /** test seam: how a model is loaded */
  load?: (path: string) => Promise<Gemma3>;
}

export class Inspector {
  private gemma: Gemma3 | null = null;
  private loadedKey = '';
  private readonly runs = new Map<string, StoredRun>();
  private queue: Promise<unknown> = Promise.resolve();
  /** the last adapter file read, keyed by path, size and mtime (reading a large one takes a moment) */
  private adapterFile: { key: string; adapter: LoadedAdapter } | null = null;

  constructor(private readonly options: InspectorOptions = {}) {}

  /** One operation at a time: they share the model and its scratch memory. */
  private exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }

  /** The model at `path`, loaded once (reloaded when the file changed). */
  async model(path: string): Promise<Gemma3> {
    let st;
    try {
      st = statSync(path);
    } catch {
      throw new InspectError('not_found', `no model file at ${path}`);
    }
    if (!st.isFile()) throw new InspectError('bad_input', `${path} is not a file`);
    const key = `${path}:${st.size}:${st.mtimeMs}`;
    if (this.gemma && this.loadedKey === key) return this.gemma;
    this.gemma?.dispose();
    this.gemma = null;
    try {
      this.gemma = await (this.options.load ?? ((p) => loadGemma3(p, { threads: this.options.threads })))(path);
    } catch (err) {
      throw new InspectError('bad_input', `cannot load ${path}: ${errorMessage(err)}`);
    }
    this.loadedKey = key;
    return this.gemma;
  }

  /**
   * The adapter's hooks for model `g`, scaled as llama.cpp scales it (scale·alpha/rank), built the
   * way the CLI's `forward --lora` builds them. An adapter made for another model or shape is refused.
   */
  async applyAdapter(g: Gemma3, choice: AdapterChoice | undefined): Promise<Applied | null> {
    if (!choice) return null;
    const name = basename(choice.path).replace(/\.gguf$/i, '');
    let st;
    try {
      st = statSync(choice.path);
    } catch {
      throw new InspectError('not_found', `no adapter at ${choice.path}`);
    }
    const key = `${choice.path}:${st.size}:${st.mtimeMs}`;
    let adapter = this.adapterFile?.key === key ? this.adapterFile.adapter : null;
    if (!adapter) {
      try {
        adapter = loadAdapter(choice.path);
      } catch (err) {
        throw new InspectError('bad_input', `cannot read the adapter ${name}: ${errorMessage(err)}`);
      }
      this.adapterFile = { key, adapter };
    }
    const modelName = basename(g.path).replace(/\.gguf$/i, '');
    if (adapter.architecture && adapter.architecture !== 'gemma3')
      throw new InspectError('bad_input', `the adapter ${name} is for a ${adapter.architecture} model; ${modelName} is a gemma3 model`);
    const step = await createModelStep(g);
    try {
      const adapters = step.withAdapter({ ...adapter, alpha: adapter.alpha * choice.scale }, (a) => a);
      return { adapters, info: { path: choice.path, name, scale: choice.scale, rank: adapter.rank, alpha: adapter.alpha } };
    } catch (err) {
      throw new InspectError('bad_input', `the adapter ${name} does not fit ${modelName}: ${errorMessage(err)}`);
    } finally {
      step.dispose();
    }
  }

  /** A token as the inspectors show it (the engine's token display): `▁the`, bytes, marked control tokens. */
  tokenInfo(g: Gemma3, id: number): TokenInfo {
    if (id < 0 || id >= g.tokenizer.tokens.length) return { id, text: `<${id}>`, kind: 'unknown' };
    const { text, kind } = g.tokenizer.display(id);
    return { id, text, kind };
  }

  tokenText(g: Gemma3, id: number): string {
    return this.tokenInfo(g, id).text;
  }

  /** Top tokens with their display and kind. */
  private topTokens(g: Gemma3, d: Parameters<typeof toTopTokens>[0]): TopToken[] {
    return toTopTokens(d, (id) => this.tokenText(g, id)).map((t) => ({ ...t, kind: this.tokenInfo(g, t.id).kind }));
  }

  private tokenize(g: Gemma3, prompt: string, addBos: boolean): number[] {
    const ids = g.tokenize(prompt, { addBos, special: true });
    const max = Math.min(g.config.contextLength || MAX_INSPECT_TOKENS, MAX_INSPECT_TOKENS);
    if (ids.length === 0) throw new InspectError('bad_input', 'the prompt has no tokens');
    if (ids.length > max) throw new InspectError('bad_input', `the prompt is ${ids.length} tokens; the inspector takes at most ${max}`);
    return ids;
  }

  /** A forward with every view captured; `runId` reuses an id (a stored run computed again after a restart). */
  run(input: RunInput, progress: Progress = () => {}, signal?: AbortSignal): Promise<InspectRun> {
    return this.exclusive(() => this.runNow(input, progress, signal));
  }

  /** Whether the run's activations are still held here (lazy views need them). */
  holds(runId: string): boolean {
    return this.runs.has(runId);
  }

  /** The run's attention maps, one [H, T, T] per layer, when they fit in `maxBytes` altogether (else null). */
  attentionMaps(runId: string, maxBytes: number): Float32Array[] | null {
    const run = this.stored(runId);
    const bytes = run.probs.reduce((n, p) => n + p.byteLength, 0);
    return bytes <= maxBytes ? run.probs : null;
  }

  private async runNow(input: RunInput, progress: Progress, signal?: AbortSignal): Promise<InspectRun> {
    const t0 = performance.now();
    progress(0, 'loading the model');
    const g = await this.model(input.modelPath);
    const cfg = g.config;
    const { layers: L, hidden: D, heads: H, ffn: F } = cfg;
    const tokens = this.tokenize(g, input.prompt, input.addBos);
    const T = tokens.length;
    const applied = await this.applyAdapter(g, input.adapter);

    // MLP summaries are taken from the live tensors by read-only hooks: no [T, F] copies are kept.
    const mlp: MlpLayerSummary[] = Array.from({ length: L }, (_, layer) => ({
      layer,
      gate: histogram([0], 0, 1, 1),
      gelu: histogram([0], 0, 1, 1),
      flatFraction: 0,
      linearFraction: 0,
      deadUnits: 0,
      topUnits: [],
    }));
    const hooks: Hook[] = [
      { name: 'ffn_gate', fn: ({ layer, data }) => void Object.assign(mlp[layer], gateSummary(data, T, F)) },
      { name: 'ffn_gelu', fn: ({ layer, data }) => void (mlp[layer].gelu = autoHistogram(data)) },
      { name: 'ffn_gate_par', fn: ({ layer, data }) => void (mlp[layer].topUnits = topUnits(data, T, F, 8)) },
      { name: 'l_out', fn: ({ layer }) => void progress(0.05 + (0.75 * (layer + 1)) / L, `layer ${layer + 1} of ${L}`) },
    ];
    progress(0.05, `forward over ${T} tokens`);
    const tf = performance.now();
    const fwd = await g.forwardAsync(tokens, {
      capture: { names: ['inp_embd', 'l_out', 'kq_soft_max'] },
      hooks,
      logitPositions: 'last',
      signal,
      adapters: applied?.adapters,
    });
    const forwardMs = performance.now() - tf;

    const ts = performance.now();
    const resid = [fwd.activations['inp_embd'].data, ...Array.from({ length: L }, (_, l) => fwd.activations[`l_out.${l}`].data)];
    const probs = Array.from({ length: L }, (_, l) => fwd.activations[`kq_soft_max.${l}`].data);
    const residualNorms = resid.map((x) => rowNorms(x, T, D));
    const layerStats: LayerStats[] = resid.map((x, i) => ({ layer: i - 1, ...tensorStats(x) }));
    const heads: HeadSummary[] = probs.flatMap((p, l) =>
      headEntropies(l, p, T, H, isSliding(cfg, l) ? cfg.window : 0).map((h) => ({
        layer: l,
        head: h.head,
        entropy: h.meanEntropy,
        normalizedEntropy: h.normalizedEntropy,
      })),
    );
    const summariesMs = performance.now() - ts;

    const run: StoredRun = {
      runId: input.runId ?? randomUUID(),
      modelPath: input.modelPath,
      prompt: input.prompt,
      tokens,
      resid,
      probs,
      lastLogits: fwd.logits.slice(0, cfg.vocab),
      lens: new Map(),
      adapter: input.adapter,
    };
    this.keep(run);

    signal?.throwIfAborted();
    progress(0.85, 'logit lens');
    const tl = performance.now();
    const eager = (L + 1) * T * cfg.vocab * D <= EAGER_LENS_MACS;
    const lensPositions = eager ? tokens.map((_, t) => t) : [T - 1];
    const lens = this.lensMany(g, run, lensPositions, input.topK);
    const lensMs = performance.now() - tl;

    progress(1, 'done');
    const next = this.topTokens(g, topK(run.lastLogits, input.topK));
    return {
      runId: run.runId,
      prompt: input.prompt,
      model: summaryOf(g),
      adapter: applied?.info ?? null,
      tokens: tokens.map((id) => this.tokenInfo(g, id)),
      residualNorms,
      layerStats,
      mlp,
      heads,
      next,
      lens,
      timing: { forwardMs, summariesMs, lensMs, totalMs: performance.now() - t0 },
    };
  }

  private keep(run: StoredRun): void {
    this.runs.set(run.runId, run);
    const bytes = (r: StoredRun) => [...r.resid, ...r.probs].reduce((n, a) => n + a.byteLength, 0);
    let total = [...this.runs.values()].reduce((n, r) => n + bytes(r), 0);
    for (const [id, r] of this.runs) {
      if (this.runs.size <= 1 || (this.runs.size <= KEEP_RUNS && total <= KEEP_BYTES)) break;
      this.runs.delete(id);
      total -= bytes(r);
    }
  }

  private stored(runId: string): StoredRun {
    const run = this.runs.get(runId);
    if (!run)
      throw new InspectError(
        'not_found',
        `run ${runId} is no longer held by the engine (it keeps the last ${KEEP_RUNS}); run the prompt again`,
      );
    return run;
  }

  private lensMany(g: Gemma3, run: StoredRun, positions: number[], k: number): LensAt[] {
    const { hidden: D, vocab: V } = g.config;
    const todo = positions.filter((p) => !run.lens.has(p));
    const rowsPer = run.resid.length;
    // Gather (position, layer) rows; the lens is row-independent, so any batching gives the same numbers.
    const batch = Math.max(1, Math.floor(256 / rowsPer));
    for (let i = 0; i < todo.length; i += batch) {
      const ps = todo.slice(i, i + batch);
      const xs = new Float32Array(ps.length * rowsPer * D);
      ps.forEach((p, j) => run.resid.forEach((x, r) => xs.set(x.subarray(p * D, (p + 1) * D), (j * rowsPer + r) * D)));
      const logits = lensLogits(g, xs, ps.length * rowsPer);
      ps.forEach((p, j) => {
        run.lens.set(p, {
          position: p,
          layers: run.resid.map((_, r) => {
            const d = topK(logits, k, (j * rowsPer + r) * V, V);
            return { layer: r - 1, top: this.topTokens(g, d), entropy: d.entropy };
          }),
        });
      });
    }
    return positions.map((p) => trimLens(run.lens.get(p)!, k));
  }

  lens(runId: string, position: number, k: number): Promise<LensAt> {
    return this.exclusive(async () => {
      const run = this.stored(runId);
      if (position >= run.tokens.length)
        throw new InspectError('bad_input', `position ${position} is past the prompt's ${run.tokens.length} tokens`);
      const g = await this.model(run.modelPath);
      const cached = run.lens.get(position);
      if (cached && cached.layers[0].top.length < k) run.lens.delete(position);
      return this.lensMany(g, run, [position], k)[0];
    });
  }

  /** The lens at every position of a run, a few positions per step so progress and cancel work (large vocabularies). */
  lensAll(runId: string, k: number, progress: Progress = () => {}, signal?: AbortSignal): Promise<LensAt[]> {
    return this.exclusive(async () => {
      const run = this.stored(runId);
      const g = await this.model(run.modelPath);
      const T = run.tokens.length;
      const step = Math.max(1, Math.floor(256 / run.resid.length));
      for (let p0 = 0; p0 < T; p0 += step) {
        signal?.throwIfAborted();
        progress(p0 / T, `positions ${p0 + 1}–${Math.min(T, p0 + step)} of ${T}`);
        this.lensMany(
          g,
          run,
          Array.from({ length: Math.min(step, T - p0) }, (_, i) => p0 + i),
          k,
        );
        await new Promise((resolve) => setImmediate(resolve)); // let a cancel message in
      }
      progress(1, 'done');
      return this.lensMany(
        g,
        run,
        run.tokens.map((_, t) => t),
        k,
      );
    });
  }

  attention(runId: string, layer: number, head: number): Promise<AttentionMap> {
    return this.exclusive(async () => {
      const run = this.stored(runId);
      const g = await this.model(run.modelPath);
      const cfg = g.config;
      if (layer >= cfg.layers) throw new InspectError('bad_input', `layer ${layer} does not exist (the model has ${cfg.layers})`);
      if (head >= cfg.heads) throw new InspectError('bad_input', `head ${head} does not exist (the model has ${cfg.heads} per layer)`);
      const T = run.tokens.length;
      const sliding = isSliding(cfg, layer);
      return {
        runId,
        layer,
        head,
        queries: T,
        keys: T,
        sliding,
        window: sliding ? cfg.window : 0,
        data: run.probs[layer].slice(head * T * T, (head + 1) * T * T),
      };
    });
  }

  intervene(
    input: { runId: string; interventions: Intervention[]; position?: number; topK: number },
    progress: Progress = () => {},
    signal?: AbortSignal,
  ): Promise<InterventionResult> {
    return this.exclusive(async () => {
      const t0 = performance.now();
      const run = this.stored(input.runId);
      const g = await this.model(run.modelPath);
      const cfg = g.config;
      const T = run.tokens.length;
      const position = input.position ?? T - 1;
      if (position >= T) throw new InspectError('bad_input', `position ${position} is past the prompt's ${T} tokens`);
      const applied = await this.applyAdapter(g, run.adapter);
      const resolved: ResolvedIntervention[] = [];
      const steeringNorms: number[] = [];
      for (const [i, iv] of input.interventions.entries()) {
        checkIntervention(iv, cfg);
        if (iv.kind === 'steer') {
          progress((0.5 * i) / input.interventions.length, `steering vector at layer ${iv.layer}`);
          const v = await steeringVector(g, iv, (p) => this.tokenize(g, p, true), signal, applied?.adapters);
          steeringNorms.push(Math.hypot(...v));
          resolved.push({ ...iv, vector: v });
        } else resolved.push(iv);
      }
      progress(0.5, 'rerunning with the interventions');
      const hooks = buildHooks(resolved, cfg);
      const after = (await g.forwardAsync(run.tokens, { hooks, logitPositions: [position], signal, adapters: applied?.adapters })).logits;
      const before =
        position === T - 1
          ? run.lastLogits
          : lensLogits(g, run.resid[cfg.layers].slice(position * cfg.hidden, (position + 1) * cfg.hidden), 1);
      const text = (id: number) => this.tokenText(g, id);
      const db = topK(before, input.topK),
        da = topK(after, input.topK);
      const ids = [...new Set([...db.ids, ...da.ids])];
      const changes: TokenChange[] = ids
        .map((id) => {
          const b = Math.exp(before[id] - db.logZ),
            a = Math.exp(after[id] - da.logZ);
          return { id, text: text(id), before: b, after: a, delta: a - b };
        })
        .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta));
      progress(1, 'done');
      return {
        runId: run.runId,
        position,
        interventions: input.interventions,
        before: toTopTokens(db, text),
        after: toTopTokens(da, text),
        changes,
        kl: klDivergence(before, after, cfg.vocab),
        steeringNorms,
        timing: { totalMs: performance.now() - t0 },
      };
    });
  }

  async compare(
    input: { modelPath: string; promptA: string; promptB: string; topK: number; addBos: boolean; adapter?: AdapterChoice },
    progress: Progress = () => {},
    signal?: AbortSignal,
  ): Promise<CompareResult> {
    const a = await this.run(
      { modelPath: input.modelPath, prompt: input.promptA, topK: input.topK, addBos: input.addBos, adapter: input.adapter },
      (f, m) => progress(0.5 * f, `A: ${m}`),
      signal,
    );
    const b = await this.run(
      { modelPath: input.modelPath, prompt: input.promptB, topK: input.topK, addBos: input.addBos, adapter: input.adapter },
      (f, m) => progress(0.5 + 0.5 * f, `B: ${m}`),
      signal,
    );
    const ra = this.stored(a.runId),
      rb = this.stored(b.runId);
    const D = a.model.hidden;
    const Ta = ra.tokens.length,
      Tb = rb.tokens.length;
    const similarity = ra.resid.map((xa, i) => {
      const xb = rb.resid[i];
      return {
        layer: i - 1,
        cosineLast: cosine(xa, (Ta - 1) * D, xb, (Tb - 1) * D, D),
        cosineMean: cosine(meanRow(xa, Ta, D), 0, meanRow(xb, Tb, D), 0, D),
      };
    });
    return { a, b, similarity };
  }

  gradients(
    input: { modelPath: string; prompt: string; target: string; addBos: boolean; adapter?: AdapterChoice },
    progress: Progress = () => {},
    signal?: AbortSignal,
  ): Promise<GradientReportData> {
    return this.exclusive(async () => {
      progress(0, 'loading the model');
      const g = await this.model(input.modelPath);
      const applied = await this.applyAdapter(g, input.adapter);
      const ids = this.tokenize(g, input.prompt + input.target, input.addBos);
      if (!input.target && ids.length < 2)
        throw new InspectError('bad_input', 'a next-token loss over the prompt needs at least 2 tokens (or give a target)');
      signal?.throwIfAborted();
      progress(0.05, `forward over ${ids.length} tokens`);
      const L = g.config.layers;
      // The report steps once per block of the forward, once for the loss, once per block of the backward.
      const steps = 2 * L + 1;
      let last = '';
      const onProgress = (f: number) => {
        const done = Math.round(f * steps);
        const message = done <= L ? `forward, ${done} of ${L} layers` : `backward, ${Math.min(L, done - L - 1)} of ${L} layers`;
        if (message === last) return; // the report's closing 100% repeats its last step
        last = message;
        progress(0.05 + 0.95 * f, message);
      };
      const r = await gradientReport(g, input, (id) => this.tokenText(g, id), { signal, onProgress, adapters: applied?.adapters });
      progress(1, 'done');
      return { ...r, adapter: applied?.info ?? null };
    });
  }

  dispose(): void {
    this.gemma?.dispose();
    this.gemma = null;
    this.runs.clear();
  }
}

function trimLens(l: LensAt, k: number): LensAt {
  return { position: l.position, layers: l.layers.map((r) => ({ ...r, top: r.top.slice(0, k) })) };
}

function checkIntervention(iv: Intervention, cfg: Gemma3['config']): void {
  if (iv.layer >= cfg.layers)
    throw new InspectError('bad_input', `layer ${iv.layer} does not exist (the model has ${cfg.layers}: 0…${cfg.layers - 1})`);
  if (iv.kind === 'head' && iv.head >= cfg.heads)
    throw new InspectError('bad_input', `head ${iv.head} does not exist (the model has ${cfg.heads} per layer)`);
  if (iv.kind === 'mlp' && iv.unit >= cfg.ffn)
    throw new InspectError('bad_input', `MLP unit ${iv.unit} does not exist (the model has ${cfg.ffn} per layer)`);
}
