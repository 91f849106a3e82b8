// Mutations of a GGUF file for fuzz tests: bit flips, boundary integers in counts, dims, types and
// offsets, truncation, deleted, inserted and copied slices. Deterministic for a given rng.

export function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

const U64S = [
  0n,
  1n,
  2n,
  7n,
  12n,
  13n,
  31n,
  32n,
  255n,
  256n,
  65535n,
  2n ** 31n,
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 63n,
  2n ** 64n - 1n,
];
const U32S = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 30, 31, 39, 43, 64, 0x7fffffff, 0xffffffff];

export function mutate(base: Uint8Array, headerEnd: number, r: (n: number) => number): Uint8Array {
  let b = Uint8Array.from(base);
  const pos = () => (r(10) < 8 ? r(headerEnd) : r(b.length));
  const ops = 1 + r(3);
  for (let k = 0; k < ops; k++) {
    switch (r(8)) {
      case 0: // flip bits
        for (let i = 1 + r(4); i > 0; i--) b[pos()] ^= 1 << r(8);
        break;
      case 1: {
        // a boundary u64 (counts, lengths, dims, offsets)
        const p = Math.min(pos(), b.length - 8);
        if (p >= 0) new DataView(b.buffer).setBigUint64(p, U64S[r(U64S.length)], true);
        break;
      }
      case 2: {
        // a boundary u32 (value types, ggml types, n_dims, versions)
        const p = Math.min(pos(), b.length - 4);
        if (p >= 0) new DataView(b.buffer).setUint32(p, U32S[r(U32S.length)], true);
        break;
      }
      case 3: // truncate
        b = b.subarray(0, r(b.length + 1));
        break;
      case 4: {
        // delete a slice
        const p = pos(),
          n = 1 + r(16);
        b = Uint8Array.from([...b.subarray(0, p), ...b.subarray(p + n)]);
        break;
      }
      case 5: {
        // insert random bytes
        const p = pos(),
          n = 1 + r(16);
        const ins = Array.from({ length: n }, () => r(256));
        b = Uint8Array.from([...b.subarray(0, p), ...ins, ...b.subarray(p)]);
        break;
      }
      case 6: {
        // copy a region over another (duplicated keys, names)
        const from = pos(),
          to = pos(),
          n = 1 + r(32);
        b.copyWithin(to, from, from + n);
        break;
      }
      default: // random byte
        b[pos()] = r(256);
    }
    if (b.length === 0) break;
  }
  return b;
}
