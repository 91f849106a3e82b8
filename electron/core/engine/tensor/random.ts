// The engine's one seeded pseudo-random generator (mulberry32): sampling, test data, finite-difference
// probes. Small, fast, reproducible; not for cryptography.

/** One mulberry32 step from a 32-bit state: returns [uniform in [0, 1), next state]. */
export function mulberry32Step(state: number): [number, number] {
  const s = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(s ^ (s >>> 15), s | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, s];
}

/** A generator of uniform numbers in [0, 1) from a seed. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    const [u, next] = mulberry32Step(state);
    state = next;
    return u;
  };
}

/** n standard-normal draws (Box–Muller) scaled to `std` around `mean`, in float64. */
export function randn(rand: () => number, n: number, std = 1, mean = 0): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(rand(), 1e-12),
      v = rand();
    out[i] = mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

/** n uniform numbers in [-scale, scale) as float32. */
export function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (r() * 2 - 1) * scale;
  return a;
}
