// The synthetic prompt both engines are timed on: ordinary token ids (no control or byte tokens),
// the same for every configuration, so prefill figures compare like with like.

/** `n` token ids: BOS, then a fixed pseudo-random walk over ordinary ids of a vocabulary of size `vocab`. */
export function benchPrompt(n: number, vocab: number, bos = 2): number[] {
  let s = 12345;
  const first = Math.min(1000, Math.floor(vocab / 4));
  const span = Math.max(1, Math.min(vocab - first, 200_000));
  const ids = [bos];
  while (ids.length < n) {
    s = (s * 1103515245 + 12345) >>> 0;
    ids.push(first + (s % span));
  }
  return ids;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}
