// Random Gemma 3 parameters for tests: every tensor nonzero, norm weights around 1 (as GGUF stores
// 1 + w), linear layers scaled by 1/√in so activations stay O(1) and no unit is trivially dead.
import { randn, rng } from '../gradcheck.ts';
import { allocFlat, type FlatParams } from './params.ts';
import type { Gemma3Shape } from './shape.ts';

export const tinyShape: Gemma3Shape = {
  D: 8, H: 2, Hkv: 1, Dh: 4, F: 12, V: 11, L: 3, eps: 1e-6,
  ropeBaseGlobal: 1e6, ropeBaseLocal: 1e4, window: 2, slidingPattern: 2, attnScale: 0.5, softcap: 0,
};

export function randomParams(s: Gemma3Shape, seed: number, kind: 'f32' | 'f64' = 'f64'): FlatParams {
  const p = allocFlat(s, kind);
  const rand = rng(seed);
  for (const spec of p.specs) {
    const v = p.get(spec.name);
    const isNorm = spec.rows === 1;
    const r = randn(rand, v.length, isNorm ? 0.3 : spec.name === 'token_embd.weight' ? 1 : 1 / Math.sqrt(spec.cols), isNorm ? 1 : 0);
    v.set(r);
  }
  return p;
}
