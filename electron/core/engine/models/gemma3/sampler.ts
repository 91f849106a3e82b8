// Next-token choice from logits: greedy (argmax, first maximum wins, as llama.cpp's greedy sampler)
// or sampled with temperature, top-k and top-p from a seeded generator (reproducible runs).
import { mulberry32Step } from '../../tensor/random.ts';
import { softmax } from '../../tensor/ops/softmax.ts';

export { softmax };

export interface SamplingOptions {
  /** 0 = greedy (default) */
  temperature?: number;
  /** keep the k most likely tokens (0 = all) */
  topK?: number;
  /** keep the smallest set whose probability reaches p (1 = all) */
  topP?: number;
  seed?: number;
}

export function argmax(logits: Float32Array, offset = 0, length = logits.length - offset): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    if (logits[offset + i] > bestValue) {
      bestValue = logits[offset + i];
      best = i;
    }
  }
  return best;
}

export class Sampler {
  private state: number;
  constructor(readonly opts: SamplingOptions = {}) {
    this.state = (opts.seed ?? 0x9e3779b9) >>> 0;
  }

  private random(): number {
    const [u, next] = mulberry32Step(this.state);
    this.state = next;
    return u;
  }

  /** Picks a token from one row of logits. */
  sample(logits: Float32Array, offset = 0, length = logits.length - offset): number {
    const temperature = this.opts.temperature ?? 0;
    if (temperature <= 0) return argmax(logits, offset, length);
    const scaled = new Float32Array(length);
    for (let i = 0; i < length; i++) scaled[i] = logits[offset + i] / temperature;
    const p = softmax(scaled);
    let order = Array.from({ length }, (_, i) => i).sort((a, b) => p[b] - p[a]);
    const k = this.opts.topK ?? 0;
    if (k > 0) order = order.slice(0, k);
    const topP = this.opts.topP ?? 1;
    if (topP < 1) {
      let cum = 0;
      let cut = order.length;
      for (let i = 0; i < order.length; i++) {
        cum += p[order[i]];
        if (cum >= topP) {
          cut = i + 1;
          break;
        }
      }
      order = order.slice(0, cut);
    }
    let total = 0;
    for (const i of order) total += p[i];
    let r = this.random() * total;
    for (const i of order) {
      r -= p[i];
      if (r <= 0) return i;
    }
    return order[order.length - 1];
  }
}
