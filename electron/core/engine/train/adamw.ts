// AdamW (Loshchilov & Hutter): Adam moments with bias correction, weight decay applied to the
// parameter directly (decoupled), as torch.optim.AdamW does. State is flat Float32Arrays so a
// checkpoint stores it as is.

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const ADAMW_DEFAULTS: AdamWOptions = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

export interface AdamWState {
  /** optimizer steps taken */
  t: number;
  /** first and second moments, one pair of arrays per parameter array */
  m: Float32Array[];
  v: Float32Array[];
}

export function newAdamWState(params: Float32Array[]): AdamWState {
  return { t: 0, m: params.map((p) => new Float32Array(p.length)), v: params.map((p) => new Float32Array(p.length)) };
}

/** One AdamW update of every parameter array in place; grads are read, not changed. */
export function adamwStep(params: Float32Array[], grads: Float32Array[], state: AdamWState, lr: number, o: AdamWOptions): void {
  state.t += 1;
  const bc1 = 1 - o.beta1 ** state.t;
  const bc2 = 1 - o.beta2 ** state.t;
  for (let j = 0; j < params.length; j++) {
    const p = params[j],
      g = grads[j],
      m = state.m[j],
      v = state.v[j];
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      m[i] = o.beta1 * m[i] + (1 - o.beta1) * gi;
      v[i] = o.beta2 * v[i] + (1 - o.beta2) * gi * gi;
      const update = m[i] / bc1 / (Math.sqrt(v[i] / bc2) + o.eps);
      p[i] -= lr * (update + o.weightDecay * p[i]);
    }
  }
}

/** Global L2 norm; scales grads down to maxNorm when above it (torch's clip_grad_norm_). Returns the norm before clipping. */
export function clipGradNorm(grads: Float32Array[], maxNorm: number): number {
  let s = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  const norm = Math.sqrt(s);
  if (maxNorm > 0 && norm > maxNorm) {
    const k = maxNorm / (norm + 1e-6);
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= k;
  }
  return norm;
}
