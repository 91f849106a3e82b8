// The backward's matrix products as SIMD128 WebAssembly (emitter: ./emit.ts), compiled into the
// same module as the forward's kernels (./kernels.ts). The forward's kernel is dot-product shaped (y = x·Wᵀ);
// backward needs the other two shapes, which are both "C += A·B" with B row-major:
//   dX [T, IN]  += dY [T, OUT] · W [OUT, IN]          gemm_nn(A = dY, B = W)
//   dW [OUT, IN] += dYᵀ [OUT, T] · X [T, IN]          gemm_tn(A = dY stored [T, OUT], B = X)
//
//   gemm_nn(A, B, C, M, K, N, m0, m1)   C[m, :] += Σ_k A[m, k] · B[k, :]   A [M, K]
//   gemm_tn(A, B, C, M, K, N, m0, m1)   C[m, :] += Σ_k A[k, m] · B[k, :]   A [K, M]
// for rows m ∈ [m0, m1) (a thread's share), every pointer a byte offset into the shared memory,
// N % 8 == 0. Blocking: K in chunks of KC and rows in chunks of MC so that a B panel (KC × 8) stays
// in L1 across the 16 row tiles that reuse it and the A block stays in L2; each 4 × 8 register
// tile accumulates in 8 SIMD registers and is added into C once per K chunk.
import { Func, type Local } from './emit.ts';

const KC = 256;
const MC_TILES = 16; // row tiles per A block (MC = 16·RT rows)
const RT = 4; // rows per register tile (default; see emitGemm)
const NT = 8; // columns per register tile (two f32x4)

/**
 * `for (v = from; v < to; v += step)` with `from` a local. (The emitter's own `for` takes a
 * local `from` too, but a Local is a number at run time, so it would be emitted as a constant.)
 */
function forFrom(f: Func, v: Local, from: Local, to: Local, step: number, body: () => void): void {
  f.get(from).set(v);
  f.block(() => {
    f.loop(() => {
      f.get(v).get(to).op('i32.ge_s').brIf(1);
      body();
      f.get(v).i32(step).op('i32.add').set(v);
      f.br(0);
    });
  });
}

/** `if (v > limit) v = limit` (signed), over locals: the end of a block that may overrun its range. */
function capAt(f: Func, v: Local, limit: Local): void {
  f.get(v)
    .get(limit)
    .op('i32.gt_s')
    .if(() => {
      f.get(limit).set(v);
    });
}

/**
 * How a thread's share [r0, r1) of the product is cut out:
 * - `rows`: a range of C's rows;
 * - `cols`: a range of C's columns (multiples of 8), every row: for dX = dY·W with few rows (T)
 *   and a wide W, each thread then streams only its own column slab of W once, where a row split
 *   streams all of W once per claim;
 * - `k`: a range of the inner dimension, in slices of KS (the 5th argument, in place of K): slice
 *   s = k / KS adds its whole [M, N] product into its own partial C + s·M·N, which the caller sums
 *   in slice order. For C = Aᵀ·B with a tall A (the tied head's [V, D] against the gradient of V
 *   logits) each thread then streams its rows of A once, contiguously, where a row or column split
 *   reads every row of A in narrow strided pieces once per claim. The slices are fixed by KS alone,
 *   so the sum is the same however the slices are shared out among threads.
 */
export type GemmSplit = 'rows' | 'cols' | 'k';

export function emitGemm(transA: boolean, fma: boolean, RT = 4, suffix = '', split: GemmSplit = 'rows'): Func {
  if (split === 'k' && !transA) throw new Error('emitGemm: the k split is for gemm_tn (A [K, M]: a slice of k is a run of rows)');
  const name = (transA ? 'gemm_tn' : 'gemm_nn') + (split === 'rows' ? '' : `_${split}`) + suffix;
  const f = new Func(name, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [A, B, C0, M, K, N, r0, r1] = f.params;
  const m0 = f.local('i32'),
    m1 = f.local('i32'),
    nStart = f.local('i32'),
    nEnd = f.local('i32');
  // the product's C (split 'k': the current slice's partial) and its range of k
  const C = f.local('i32'),
    kLo = f.local('i32'),
    kHi = f.local('i32');
  if (split === 'cols') {
    f.i32(0).set(m0);
    f.get(M).set(m1);
    f.get(r0).set(nStart);
    f.get(r1).set(nEnd);
  } else if (split === 'rows') {
    f.get(r0).set(m0);
    f.get(r1).set(m1);
    f.i32(0).set(nStart);
    f.get(N).set(nEnd);
  } else {
    f.i32(0).set(m0);
    f.get(M).set(m1);
    f.i32(0).set(nStart);
    f.get(N).set(nEnd);
  }
  f.get(C0).set(C);
  f.i32(0).set(kLo);
  f.get(K).set(kHi);
  const kc0 = f.local('i32'),
    kc1 = f.local('i32'),
    mc0 = f.local('i32'),
    mc1 = f.local('i32');
  const n = f.local('i32'),
    m = f.local('i32'),
    k = f.local('i32'),
    mLim = f.local('i32');
  const nBytes = f.local('i32');
  const bp = f.local('i32');
  const ap = Array.from({ length: RT }, () => f.local('i32'));
  const cp = Array.from({ length: RT }, () => f.local('i32'));
  const b0 = f.local('v128'),
    b1 = f.local('v128'),
    a = f.local('v128');
  const acc = Array.from({ length: RT * 2 }, () => f.local('v128'));
  const aStep = f.local('i32'); // bytes between A[·, k] and A[·, k + 1]

  f.get(N).i32(2).op('i32.shl').set(nBytes);
  if (transA) f.get(M).i32(2).op('i32.shl').set(aStep);
  else f.i32(4).set(aStep);

  const tile = (rt: number) => {
    for (let i = 0; i < rt; i++) {
      // &C[m + i, n]
      f.get(m).i32(i).op('i32.add').get(nBytes).op('i32.mul').get(n).i32(2).op('i32.shl').op('i32.add').get(C).op('i32.add').set(cp[i]);
      f.get(cp[i])
        .simd('load', 0)
        .set(acc[2 * i]);
      f.get(cp[i])
        .simd('load', 16)
        .set(acc[2 * i + 1]);
      // &A[m + i, kc0] (nn) or &A[kc0, m + i] (tn)
      if (transA) {
        // one pointer: A[k, m + i] sits i·4 bytes after A[k, m]
        if (i === 0) f.get(kc0).get(M).op('i32.mul').get(m).op('i32.add').i32(2).op('i32.shl').get(A).op('i32.add').set(ap[0]);
      } else {
        f.get(m).i32(i).op('i32.add').get(K).op('i32.mul').get(kc0).op('i32.add');
        f.i32(2).op('i32.shl').get(A).op('i32.add').set(ap[i]);
      }
    }
    // &B[kc0, n]
    f.get(kc0).get(nBytes).op('i32.mul').get(n).i32(2).op('i32.shl').op('i32.add').get(B).op('i32.add').set(bp);
    forFrom(f, k, kc0, kc1, 1, () => {
      f.get(bp).simd('load', 0).set(b0);
      f.get(bp).simd('load', 16).set(b1);
      for (let i = 0; i < rt; i++) {
        if (transA)
          f.get(ap[0])
            .simd('load32_splat', 4 * i)
            .set(a);
        else f.get(ap[i]).simd('load32_splat', 0).set(a);
        madd(f, fma, acc[2 * i], a, b0);
        madd(f, fma, acc[2 * i + 1], a, b1);
        if (!transA) f.get(ap[i]).get(aStep).op('i32.add').set(ap[i]);
      }
      if (transA) f.get(ap[0]).get(aStep).op('i32.add').set(ap[0]);
      f.get(bp).get(nBytes).op('i32.add').set(bp);
    });
    for (let i = 0; i < rt; i++) {
      f.get(cp[i])
        .get(acc[2 * i])
        .simd('store', 0);
      f.get(cp[i])
        .get(acc[2 * i + 1])
        .simd('store', 16);
    }
  };

  const product = () =>
    forFrom(f, kc0, kLo, kHi, KC, () => {
      f.get(kc0).i32(KC).op('i32.add').set(kc1);
      capAt(f, kc1, kHi);
      forFrom(f, mc0, m0, m1, MC_TILES * RT, () => {
        f.get(mc0)
          .i32(MC_TILES * RT)
          .op('i32.add')
          .set(mc1);
        capAt(f, mc1, m1);
        f.get(mc1)
          .i32(RT - 1)
          .op('i32.sub')
          .set(mLim);
        forFrom(f, n, nStart, nEnd, NT, () => {
          f.get(mc0).set(m);
          f.block(() => {
            f.loop(() => {
              f.get(m).get(mLim).op('i32.ge_s').brIf(1);
              tile(RT);
              f.get(m).i32(RT).op('i32.add').set(m);
              f.br(0);
            });
          });
          f.block(() => {
            f.loop(() => {
              f.get(m).get(mc1).op('i32.ge_s').brIf(1);
              tile(1);
              f.get(m).i32(1).op('i32.add').set(m);
              f.br(0);
            });
          });
        });
      });
    });
  if (split !== 'k') product();
  else {
    // slices from r0 (a multiple of KS) to r1, each [kLo, kHi) into its own partial (K holds KS here)
    const KS = K,
      partBytes = f.local('i32');
    f.get(M).get(N).op('i32.mul').i32(2).op('i32.shl').set(partBytes);
    f.get(r0).set(kLo);
    f.block(() => {
      f.loop(() => {
        f.get(kLo).get(r1).op('i32.ge_s').brIf(1);
        f.get(kLo).get(KS).op('i32.add').set(kHi);
        capAt(f, kHi, r1);
        f.get(kLo).get(KS).op('i32.div_u').get(partBytes).op('i32.mul').get(C0).op('i32.add').set(C);
        product();
        f.get(kHi).set(kLo);
        f.br(0);
      });
    });
  }
  return f;
}

/** acc ← acc + a·b on f32x4 locals: one fused op when relaxed SIMD is available. */
export function madd(f: Func, fma: boolean, acc: Local, a: Local, b: Local): void {
  if (fma) f.get(a).get(b).get(acc).simd('f32x4_relaxed_madd').set(acc);
  else f.get(acc).get(a).get(b).simd('f32x4_mul').simd('f32x4_add').set(acc);
}

/** Row alignment of a thread's share (one register tile). */
export const GEMM_ROW_GRAIN = RT;
/** N (columns of B and C) must be a multiple of this. */
export const GEMM_COL_MULTIPLE = NT;
