// Top-k of a next-token distribution without sorting the vocabulary (262k entries for Gemma 3):
// one pass for max and log-sum-exp, one pass keeping the k best in a small sorted buffer.
import type { TopToken } from '../api/inspect.ts';

export interface Distribution {
  /** indices of the k largest logits, best first */
  ids: number[];
  logits: number[];
  probs: number[];
  /** entropy of the whole softmax, nats */
  entropy: number;
  /** log Σ exp(logit): prob(i) = exp(logit_i − logZ) */
  logZ: number;
}

/** softmax over logits[off .. off+V) summarised by its top k. */
export function topK(logits: ArrayLike<number>, k: number, off = 0, V = logits.length - off): Distribution {
  let max = -Infinity;
  for (let i = 0; i < V; i++) if (logits[off + i] > max) max = logits[off + i];
  let z = 0,
    zx = 0;
  for (let i = 0; i < V; i++) {
    const d = logits[off + i] - max;
    const e = Math.exp(d);
    z += e;
    zx += e * d;
  }
  const logZ = max + Math.log(z);
  // H = −Σ p log p = logZ' − Σ p·d  with d = logit − max, logZ' = log z
  const entropy = Math.log(z) - zx / z;

  const kk = Math.min(k, V);
  const ids: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < V; i++) {
    const v = logits[off + i];
    if (ids.length === kk && v <= vals[kk - 1]) continue;
    let j = ids.length === kk ? kk - 1 : ids.length;
    if (ids.length < kk) {
      ids.push(0);
      vals.push(0);
    }
    while (j > 0 && vals[j - 1] < v) {
      ids[j] = ids[j - 1];
      vals[j] = vals[j - 1];
      j--;
    }
    ids[j] = i;
    vals[j] = v;
  }
  return { ids, logits: vals, probs: vals.map((v) => Math.exp(v - logZ)), entropy, logZ };
}

export function toTopTokens(d: Distribution, text: (id: number) => string): TopToken[] {
  return d.ids.map((id, i) => ({ id, text: text(id), prob: d.probs[i], logit: d.logits[i] }));
}

/** KL(p ‖ q) in nats between the softmaxes of two logit rows of length V. */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>, V = p.length): number {
  const lp = logSumExp(p, V),
    lq = logSumExp(q, V);
  let kl = 0;
  for (let i = 0; i < V; i++) {
    const a = p[i] - lp;
    kl += Math.exp(a) * (a - (q[i] - lq));
  }
  return Math.max(0, kl);
}

export function logSumExp(x: ArrayLike<number>, V = x.length): number {
  let max = -Infinity;
  for (let i = 0; i < V; i++) if (x[i] > max) max = x[i];
  let s = 0;
  for (let i = 0; i < V; i++) s += Math.exp(x[i] - max);
  return max + Math.log(s);
}
