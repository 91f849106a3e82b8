// The SIMD128 matmul kernels, generated as WebAssembly at load time (see emit.ts).
// Both compute y[t, n] = Σ_k x[t, k] · W[n, k] for output rows n ∈ [n0, n1) and every t, so a
// thread pool can split a matmul by output rows. All pointers are byte offsets into the shared memory.
//
//   mm_f32(x, w, y, T, K, N, n0, n1)      x f32 [T, K], W f32 [N, K], y f32 [T, N]; K % 8 == 0
//   mm_q8(xq, xd, wq, wd, y, T, K, N, n0, n1)
//        llama.cpp's Q8_0 × Q8_0 product: x quantized per 32-block (xq i16 [T, K], xd f32 [T, K/32]),
//        W as int8 quants (wq i8 [N, K]) and per-block scales (wd f32 [N, K/32]); integer dot per
//        block, then scaled by xd·wd in float. K % 32 == 0.
//
// Register tiles: each inner loop keeps an RT×RN block of accumulators in SIMD registers, so every
// load of x or W feeds several multiply-adds (x86 has 16 vector registers; the tiles stay below).
import { Func, buildModule, type Local } from './emit.ts';

const F32_TILE = { rt: 4, rn: 2 };
const Q8_TILE = { rt: 2, rn: 2 };

/** Horizontal sum of an f32x4 on the stack → f32 on the stack. */
function hsum(f: Func, v: Local): void {
  f.get(v).lane('f32x4_extract', 0).get(v).lane('f32x4_extract', 1).op('f32.add');
  f.get(v).lane('f32x4_extract', 2).get(v).lane('f32x4_extract', 3).op('f32.add');
  f.op('f32.add');
}

function emitMmF32(): Func {
  const f = new Func('mm_f32', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [x, w, y, T, K, N, n0, n1] = f.params;
  const n = f.local('i32');
  const t = f.local('i32');
  const kb = f.local('i32');
  const kBytes = f.local('i32');
  const lim = f.local('i32');
  const xs = Array.from({ length: F32_TILE.rt }, () => f.local('i32'));
  const ws = Array.from({ length: F32_TILE.rn }, () => f.local('i32'));
  const xv = Array.from({ length: F32_TILE.rt }, () => f.local('v128'));
  const wv = f.local('v128');
  const acc = Array.from({ length: F32_TILE.rt * F32_TILE.rn }, () => f.local('v128'));

  f.get(K).i32(4).op('i32.mul').set(kBytes);

  // One rt×rn tile at (t, n): pointers, zeroed accumulators, the k loop (unrolled ×2), stores.
  const tile = (rt: number, rn: number) => {
    for (let i = 0; i < rt; i++) f.get(t).i32(i).op('i32.add').get(kBytes).op('i32.mul').get(x).op('i32.add').set(xs[i]);
    for (let j = 0; j < rn; j++) f.get(n).i32(j).op('i32.add').get(kBytes).op('i32.mul').get(w).op('i32.add').set(ws[j]);
    for (let a = 0; a < rt * rn; a++) f.v128Zero().set(acc[a]);
    f.for(kb, 0, kBytes, 32, () => {
      for (const off of [0, 16]) {
        for (let i = 0; i < rt; i++) f.get(xs[i]).get(kb).op('i32.add').simd('load', off).set(xv[i]);
        for (let j = 0; j < rn; j++) {
          f.get(ws[j]).get(kb).op('i32.add').simd('load', off).set(wv);
          for (let i = 0; i < rt; i++) {
            const a = acc[i * rn + j];
            f.get(a).get(xv[i]).get(wv).simd('f32x4_mul').simd('f32x4_add').set(a);
          }
        }
      }
    });
    for (let i = 0; i < rt; i++) {
      for (let j = 0; j < rn; j++) {
        // &y[t+i, n+j]
        f.get(t).i32(i).op('i32.add').get(N).op('i32.mul').get(n).op('i32.add').i32(j).op('i32.add');
        f.i32(2).op('i32.shl').get(y).op('i32.add');
        hsum(f, acc[i * rn + j]);
        f.mem('f32.store');
      }
    }
  };

  emitTiledLoops(f, { n, t, T, n0, n1, lim }, F32_TILE, tile);
  return f;
}

/**
 * The loop nest shared by both kernels: output rows in groups of rn, and inside that, token rows in
 * groups of rt (then singles); leftover output rows one at a time.
 */
function emitTiledLoops(
  f: Func,
  v: { n: Local; t: Local; T: Local; n0: Local; n1: Local; lim: Local },
  shape: { rt: number; rn: number },
  tile: (rt: number, rn: number) => void,
): void {
  const { n, t, T, n0, n1, lim } = v;
  const { rt, rn } = shape;
  const tLim = f.local('i32');
  f.get(T).i32(rt - 1).op('i32.sub').set(tLim); // t + rt <= T  ⇔  t < T - rt + 1
  f.get(n1).i32(rn - 1).op('i32.sub').set(lim);
  f.get(n0).set(n);
  f.block(() => {
    f.loop(() => {
      f.get(n).get(lim).op('i32.ge_s').brIf(1);
      f.i32(0).set(t);
      f.block(() => {
        f.loop(() => {
          f.get(t).get(tLim).op('i32.ge_s').brIf(1);
          tile(rt, rn);
          f.get(t).i32(rt).op('i32.add').set(t);
          f.br(0);
        });
      });
      f.block(() => {
        f.loop(() => {
          f.get(t).get(T).op('i32.ge_s').brIf(1);
          tile(1, rn);
          f.get(t).i32(1).op('i32.add').set(t);
          f.br(0);
        });
      });
      f.get(n).i32(rn).op('i32.add').set(n);
      f.br(0);
    });
  });
  f.block(() => {
    f.loop(() => {
      f.get(n).get(n1).op('i32.ge_s').brIf(1);
      f.i32(0).set(t);
      f.block(() => {
        f.loop(() => {
          f.get(t).get(T).op('i32.ge_s').brIf(1);
          tile(1, 1);
          f.get(t).i32(1).op('i32.add').set(t);
          f.br(0);
        });
      });
      f.get(n).i32(1).op('i32.add').set(n);
      f.br(0);
    });
  });
}

function emitMmQ8(): Func {
  const f = new Func('mm_q8', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [xq, xd, wq, wd, y, T, K, N, n0, n1] = f.params;
  const n = f.local('i32');
  const t = f.local('i32');
  const b = f.local('i32');
  const nb = f.local('i32');
  const lim = f.local('i32');
  const { rt: RT, rn: RN } = Q8_TILE;
  const xqs = Array.from({ length: RT }, () => f.local('i32'));
  const xds = Array.from({ length: RT }, () => f.local('i32'));
  const wqs = Array.from({ length: RN }, () => f.local('i32'));
  const wds = Array.from({ length: RN }, () => f.local('i32'));
  const xv = Array.from({ length: RT }, () => f.local('v128'));
  const wv = Array.from({ length: RN }, () => f.local('v128'));
  const isum = Array.from({ length: RT * RN }, () => f.local('v128'));
  const facc = Array.from({ length: RT * RN }, () => f.local('v128'));
  const dx = Array.from({ length: RT }, () => f.local('f32'));

  f.get(K).i32(5).op('i32.shr_u').set(nb);

  const tile = (rt: number, rn: number) => {
    // Row pointers: xq row = xq + (t+i)·K·2, xd row = xd + (t+i)·nb·4, wq row = wq + (n+j)·K, wd row = wd + (n+j)·nb·4.
    for (let i = 0; i < rt; i++) {
      f.get(t).i32(i).op('i32.add').get(K).op('i32.mul').i32(1).op('i32.shl').get(xq).op('i32.add').set(xqs[i]);
      f.get(t).i32(i).op('i32.add').get(nb).op('i32.mul').i32(2).op('i32.shl').get(xd).op('i32.add').set(xds[i]);
    }
    for (let j = 0; j < rn; j++) {
      f.get(n).i32(j).op('i32.add').get(K).op('i32.mul').get(wq).op('i32.add').set(wqs[j]);
      f.get(n).i32(j).op('i32.add').get(nb).op('i32.mul').i32(2).op('i32.shl').get(wd).op('i32.add').set(wds[j]);
    }
    for (let a = 0; a < rt * rn; a++) f.v128Zero().set(facc[a]);
    f.for(b, 0, nb, 1, () => {
      // Integer dot of one 32-block for each (i, j), in four 8-wide steps.
      for (let s = 0; s < 4; s++) {
        for (let i = 0; i < rt; i++) f.get(xqs[i]).simd('load', s * 16).set(xv[i]);
        for (let j = 0; j < rn; j++) f.get(wqs[j]).simd('load8x8_s', s * 8).set(wv[j]);
        for (let i = 0; i < rt; i++) {
          for (let j = 0; j < rn; j++) {
            const a = isum[i * rn + j];
            if (s === 0) f.get(xv[i]).get(wv[j]).simd('i32x4_dot_i16x8_s').set(a);
            else f.get(a).get(xv[i]).get(wv[j]).simd('i32x4_dot_i16x8_s').simd('i32x4_add').set(a);
          }
        }
      }
      for (let i = 0; i < rt; i++) f.get(xds[i]).mem('f32.load').set(dx[i]);
      for (let i = 0; i < rt; i++) {
        for (let j = 0; j < rn; j++) {
          const a = i * rn + j;
          f.get(facc[a]).get(isum[a]).simd('f32x4_convert_i32x4_s');
          f.get(dx[i]).get(wds[j]).mem('f32.load').op('f32.mul').simd('f32x4_splat');
          f.simd('f32x4_mul').simd('f32x4_add').set(facc[a]);
        }
      }
      for (let i = 0; i < rt; i++) {
        f.get(xqs[i]).i32(64).op('i32.add').set(xqs[i]);
        f.get(xds[i]).i32(4).op('i32.add').set(xds[i]);
      }
      for (let j = 0; j < rn; j++) {
        f.get(wqs[j]).i32(32).op('i32.add').set(wqs[j]);
        f.get(wds[j]).i32(4).op('i32.add').set(wds[j]);
      }
    });
    for (let i = 0; i < rt; i++) {
      for (let j = 0; j < rn; j++) {
        f.get(t).i32(i).op('i32.add').get(N).op('i32.mul').get(n).op('i32.add').i32(j).op('i32.add');
        f.i32(2).op('i32.shl').get(y).op('i32.add');
        hsum(f, facc[i * rn + j]);
        f.mem('f32.store');
      }
    }
  };

  emitTiledLoops(f, { n, t, T, n0, n1, lim }, Q8_TILE, tile);
  return f;
}

export interface KernelExports {
  mm_f32(x: number, w: number, y: number, T: number, K: number, N: number, n0: number, n1: number): void;
  mm_q8(xq: number, xd: number, wq: number, wd: number, y: number, T: number, K: number, N: number, n0: number, n1: number): void;
}

/** Row alignment the kernels want from a thread's share of output rows. */
export const ROW_GRAIN = Math.max(F32_TILE.rn, Q8_TILE.rn);

let compiled: WebAssembly.Module | undefined;
/** The compiled kernel module (compiled once per process; workers receive it by postMessage). */
export function kernelModule(): WebAssembly.Module {
  if (!compiled) compiled = new WebAssembly.Module(buildModule([emitMmF32(), emitMmQ8()], { initialPages: 1, maximumPages: 65536 }));
  return compiled;
}
