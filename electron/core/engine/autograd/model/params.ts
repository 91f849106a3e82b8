// One flat buffer with a named view per GGUF tensor (llm.c's layout): zero-grad, norms, AdamW and
// save are single loops, and the same layout serves parameters and their gradients.
// Buffers are backed by a SharedArrayBuffer when asked, so kernel workers read them without copies.
import { AutogradError, type Vec } from '../types.ts';
import { paramSpecs, type Gemma3Shape, type ParamSpec } from './shape.ts';

export interface FlatParams<T extends Vec = Vec> {
  flat: T;
  specs: ParamSpec[];
  /** name → view into flat */
  views: Map<string, T>;
  get(name: string): T;
}

export function allocFlat<T extends Vec>(
  shape: Gemma3Shape, kind: 'f32' | 'f64', shared = false, specs: ParamSpec[] = paramSpecs(shape),
): FlatParams<T> {
  const total = specs.reduce((n, s) => n + s.rows * s.cols, 0);
  const bytes = total * (kind === 'f32' ? 4 : 8);
  const buf = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const flat = (kind === 'f32' ? new Float32Array(buf) : new Float64Array(buf)) as T;
  const views = new Map<string, T>();
  let off = 0;
  for (const s of specs) {
    const n = s.rows * s.cols;
    views.set(s.name, flat.subarray(off, off + n) as T);
    off += n;
  }
  return {
    flat, specs, views,
    get(name: string): T {
      const v = views.get(name);
      if (!v) throw new AutogradError(`no parameter named ${name}`);
      return v;
    },
  };
}

/** Read-only access to weights by GGUF name: a FlatParams, or the forward engine's own tensors. */
export type WeightSource<T extends Vec = Vec> = (name: string) => T;
