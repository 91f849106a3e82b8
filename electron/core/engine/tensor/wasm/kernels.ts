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
import { emitGemm, madd } from './gemm.ts';

const F32_TILE = { rt: 4, rn: 2 };
const Q8_TILE = { rt: 2, rn: 2 };
// Inner dimensions with their own unrolled code (Gemma 3 sizes: hidden 640/1152/2560, q 1024/2048,
// head dim 256, FFN 2048); any other multiple of 8 takes the general path.
const SPECIALIZED_K = [256, 512, 640, 1024, 1152, 2048, 2560];
// Decoding (T = 1) is a stream through W: more rows per tile keep more loads in flight.
const DECODE_RN = 4;

/** Horizontal sum of an f32x4 on the stack → f32 on the stack. */
function hsum(f: Func, v: Local): void {
  f.get(v).lane('f32x4_extract', 0).get(v).lane('f32x4_extract', 1).op('f32.add');
  f.get(v).lane('f32x4_extract', 2).get(v).lane('f32x4_extract', 3).op('f32.add');
  f.op('f32.add');
}

function emitMmF32(fma: boolean): Func {
  const f = new Func('mm_f32', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [x, w, y, T, K, N, n0, n1] = f.params;
  const n = f.local('i32');
  const t = f.local('i32');
  const kb = f.local('i32');
  const kBytes = f.local('i32');
  const lim = f.local('i32');
  const maxRn = Math.max(F32_TILE.rn, DECODE_RN);
  const xs = Array.from({ length: F32_TILE.rt }, () => f.local('i32'));
  const ws = Array.from({ length: maxRn }, () => f.local('i32'));
  const xv = Array.from({ length: F32_TILE.rt }, () => f.local('v128'));
  const wv = f.local('v128');
  const acc = Array.from({ length: F32_TILE.rt * maxRn }, () => f.local('v128'));

  const px = f.local('i32');
  const pw = f.local('i32');
  const end = f.local('i32');

  f.get(K).i32(4).op('i32.mul').set(kBytes);

  const store = (rt: number, rn: number) => {
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

  // One rt×rn tile at (t, n), any K: a pointer per row, the k loop unrolled ×2.
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
            madd(f, fma, acc[i * rn + j], xv[i], wv);
          }
        }
      }
    });
    store(rt, rn);
  };

  // The same tile for a K known when the code is generated: rows i and j sit at constant distances
  // i·K·4 and j·K·4 from the first, so one pointer for x and one for W serve every load through
  // the instruction's offset field (two adds per step instead of one per row).
  const tileK = (kc: number) => (rt: number, rn: number) => {
    const rowBytes = kc * 4;
    f.get(t).i32(rowBytes).op('i32.mul').get(x).op('i32.add').tee(px).i32(rowBytes).op('i32.add').set(end);
    f.get(n).i32(rowBytes).op('i32.mul').get(w).op('i32.add').set(pw);
    for (let a = 0; a < rt * rn; a++) f.v128Zero().set(acc[a]);
    f.loop(() => {
      for (const off of [0, 16]) {
        for (let i = 0; i < rt; i++)
          f.get(px)
            .simd('load', i * rowBytes + off)
            .set(xv[i]);
        for (let j = 0; j < rn; j++) {
          f.get(pw)
            .simd('load', j * rowBytes + off)
            .set(wv);
          for (let i = 0; i < rt; i++) madd(f, fma, acc[i * rn + j], xv[i], wv);
        }
      }
      f.get(pw).i32(32).op('i32.add').set(pw);
      f.get(px).i32(32).op('i32.add').tee(px).get(end).op('i32.lt_u').brIf(0);
    });
    store(rt, rn);
  };

  for (const kc of SPECIALIZED_K) {
    f.get(K).i32(kc).op('i32.eq');
    f.if(() => {
      emitTiledLoops(f, { n, t, T, n0, n1, lim }, F32_TILE, tileK(kc));
      f.op('return');
    });
  }
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
  // T = 1: rows of W in groups of DECODE_RN, then the leftovers one at a time.
  f.get(T).i32(1).op('i32.eq');
  f.if(() => {
    f.i32(0).set(t);
    f.get(n1)
      .i32(DECODE_RN - 1)
      .op('i32.sub')
      .set(lim);
    f.get(n0).set(n);
    f.block(() => {
      f.loop(() => {
        f.get(n).get(lim).op('i32.ge_s').brIf(1);
        tile(1, DECODE_RN);
        f.get(n).i32(DECODE_RN).op('i32.add').set(n);
        f.br(0);
      });
    });
    f.block(() => {
      f.loop(() => {
        f.get(n).get(n1).op('i32.ge_s').brIf(1);
        tile(1, 1);
        f.get(n).i32(1).op('i32.add').set(n);
        f.br(0);
      });
    });
    f.op('return');
  });
  f.get(T)
    .i32(rt - 1)
    .op('i32.sub')
    .set(tLim); // t + rt <= T  ⇔  t < T - rt + 1
  f.get(n1)
    .i32(rn - 1)
    .op('i32.sub')
    .set(lim);
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

function emitMmQ8(fma: boolean): Func {
  const f = new Func('mm_q8', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [xq, xd, wq, wd, y, T, K, N, n0, n1] = f.params;
  const n = f.local('i32');
  const t = f.local('i32');
  const b = f.local('i32');
  const nb = f.local('i32');
  const lim = f.local('i32');
  const { rt: RT, rn: RN } = Q8_TILE;
  const maxRn = Math.max(RN, DECODE_RN);
  const xqs = Array.from({ length: RT }, () => f.local('i32'));
  const xds = Array.from({ length: RT }, () => f.local('i32'));
  const wqs = Array.from({ length: maxRn }, () => f.local('i32'));
  const wds = Array.from({ length: maxRn }, () => f.local('i32'));
  const xv = Array.from({ length: RT }, () => f.local('v128'));
  const wv = Array.from({ length: maxRn }, () => f.local('v128'));
  const isum = Array.from({ length: RT * maxRn }, () => f.local('v128'));
  const facc = Array.from({ length: RT * maxRn }, () => f.local('v128'));
  const dx = Array.from({ length: RT }, () => f.local('f32'));
  const conv = f.local('v128');
  const scale = f.local('v128');

  f.get(K).i32(5).op('i32.shr_u').set(nb);

  // One rt×rn tile. With `kc` (K known when generating) a single pointer per operand serves all
  // rows through constant load offsets; otherwise each row has its own pointer.
  const tileFor = (kc: number | null) => (rt: number, rn: number) => {
    const nbc = kc === null ? 0 : kc / 32;
    // [pointer local, constant offset] of row i of xq/xd and row j of wq/wd
    const xqAt = (i: number): [Local, number] => (kc === null ? [xqs[i], 0] : [xqs[0], i * kc * 2]);
    const xdAt = (i: number): [Local, number] => (kc === null ? [xds[i], 0] : [xds[0], i * nbc * 4]);
    const wqAt = (j: number): [Local, number] => (kc === null ? [wqs[j], 0] : [wqs[0], j * kc]);
    const wdAt = (j: number): [Local, number] => (kc === null ? [wds[j], 0] : [wds[0], j * nbc * 4]);
    const rowsX = kc === null ? rt : 1;
    const rowsW = kc === null ? rn : 1;
    // Row pointers: xq row = xq + (t+i)·K·2, xd row = xd + (t+i)·nb·4, wq row = wq + (n+j)·K, wd row = wd + (n+j)·nb·4.
    for (let i = 0; i < rowsX; i++) {
      f.get(t).i32(i).op('i32.add').get(K).op('i32.mul').i32(1).op('i32.shl').get(xq).op('i32.add').set(xqs[i]);
      f.get(t).i32(i).op('i32.add').get(nb).op('i32.mul').i32(2).op('i32.shl').get(xd).op('i32.add').set(xds[i]);
    }
    for (let j = 0; j < rowsW; j++) {
      f.get(n).i32(j).op('i32.add').get(K).op('i32.mul').get(wq).op('i32.add').set(wqs[j]);
      f.get(n).i32(j).op('i32.add').get(nb).op('i32.mul').i32(2).op('i32.shl').get(wd).op('i32.add').set(wds[j]);
    }
    for (let a = 0; a < rt * rn; a++) f.v128Zero().set(facc[a]);
    f.for(b, 0, nb, 1, () => {
      // Integer dot of one 32-block for each (i, j), in four 8-wide steps.
      for (let s = 0; s < 4; s++) {
        for (let i = 0; i < rt; i++) {
          const [p, o] = xqAt(i);
          f.get(p)
            .simd('load', o + s * 16)
            .set(xv[i]);
        }
        for (let j = 0; j < rn; j++) {
          const [p, o] = wqAt(j);
          f.get(p)
            .simd('load8x8_s', o + s * 8)
            .set(wv[j]);
        }
        for (let i = 0; i < rt; i++) {
          for (let j = 0; j < rn; j++) {
            const a = isum[i * rn + j];
            if (s === 0) f.get(xv[i]).get(wv[j]).simd('i32x4_dot_i16x8_s').set(a);
            else f.get(a).get(xv[i]).get(wv[j]).simd('i32x4_dot_i16x8_s').simd('i32x4_add').set(a);
          }
        }
      }
      for (let i = 0; i < rt; i++) {
        const [p, o] = xdAt(i);
        f.get(p).mem('f32.load', o).set(dx[i]);
      }
      for (let i = 0; i < rt; i++) {
        for (let j = 0; j < rn; j++) {
          const a = i * rn + j;
          const [p, o] = wdAt(j);
          f.get(isum[a]).simd('f32x4_convert_i32x4_s').set(conv);
          f.get(dx[i]).get(p).mem('f32.load', o).op('f32.mul').simd('f32x4_splat').set(scale);
          madd(f, fma, facc[a], conv, scale);
        }
      }
      for (let i = 0; i < rowsX; i++) {
        f.get(xqs[i]).i32(64).op('i32.add').set(xqs[i]);
        f.get(xds[i]).i32(4).op('i32.add').set(xds[i]);
      }
      for (let j = 0; j < rowsW; j++) {
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

  for (const kc of SPECIALIZED_K) {
    f.get(K).i32(kc).op('i32.eq');
    f.if(() => {
      emitTiledLoops(f, { n, t, T, n0, n1, lim }, Q8_TILE, tileFor(kc));
      f.op('return');
    });
  }
  const tile = tileFor(null);
  emitTiledLoops(f, { n, t, T, n0, n1, lim }, Q8_TILE, tile);
  return f;
}

/**
 * gelu(x, n0, n1): x[i] ← GELU-tanh(x[i]) = x / (1 + exp(−2·√(2/π)·x·(1 + 0.044715·x²))) for
 * i ∈ [n0, n1), n1 − n0 a multiple of 4. exp by Cody–Waite reduction to r ∈ [−ln2/2, ln2/2] and a
 * degree-6 Taylor polynomial (relative error < 2e-7, about one float32 ulp).
 */
function emitGelu(): Func {
  const f = new Func('gelu', ['i32', 'i32', 'i32']);
  const [x, n0, n1] = f.params;
  const p = f.local('i32');
  const end = f.local('i32');
  const v = f.local('v128');
  const z = f.local('v128');
  const k = f.local('v128');
  const r = f.local('v128');
  const e = f.local('v128');
  const splat = (c: number) => f.f32(c).simd('f32x4_splat');
  f.get(n0).i32(2).op('i32.shl').get(x).op('i32.add').set(p);
  f.get(n1).i32(2).op('i32.shl').get(x).op('i32.add').set(end);
  f.block(() => {
    f.loop(() => {
      f.get(p).get(end).op('i32.ge_u').brIf(1);
      f.get(p).simd('load').set(v);
      // z = −2·√(2/π)·v·(1 + a·v²), clamped so exp stays finite
      f.get(v).get(v).simd('f32x4_mul');
      splat(0.044715).simd('f32x4_mul');
      splat(1).simd('f32x4_add');
      f.get(v).simd('f32x4_mul');
      splat(-2 * 0.7978845608028654).simd('f32x4_mul');
      splat(88).simd('f32x4_min');
      splat(-87).simd('f32x4_max').set(z);
      pushExp(f, z, k, r);
      f.set(e);
      // v / (1 + e)
      f.get(p).get(v).get(e);
      splat(1).simd('f32x4_add').simd('f32x4_div');
      f.simd('store');
      f.get(p).i32(16).op('i32.add').set(p);
      f.br(0);
    });
  });
  return f;
}

/**
 * Pushes e^z for the f32x4 local z (already clamped to [−87, 88]): Cody–Waite reduction to
 * r ∈ [−ln2/2, ln2/2] and a degree-6 Taylor polynomial (relative error < 2e-7). k, r: scratch locals.
 */
function pushExp(f: Func, z: Local, k: Local, r: Local): void {
  const splat = (c: number) => f.f32(c).simd('f32x4_splat');
  // k = nearest(z / ln2); r = z − k·ln2 (ln2 split in two for exactness)
  f.get(z).f32(1.4426950408889634).simd('f32x4_splat').simd('f32x4_mul').simd('f32x4_nearest').set(k);
  f.get(z).get(k).f32(0.693145751953125).simd('f32x4_splat').simd('f32x4_mul').simd('f32x4_sub');
  f.get(k).f32(1.428606765330187e-6).simd('f32x4_splat').simd('f32x4_mul').simd('f32x4_sub').set(r);
  // e^r ≈ 1 + r(1 + r(1/2 + r(1/6 + r(1/24 + r(1/120 + r/720)))))
  splat(1 / 720);
  for (const c of [1 / 120, 1 / 24, 1 / 6, 1 / 2, 1, 1]) {
    f.get(r).simd('f32x4_mul');
    splat(c).simd('f32x4_add');
  }
  // · 2^k, built from the exponent bits
  f.get(k).simd('i32x4_trunc_sat_f32x4_s').i32(127).simd('i32x4_splat').simd('i32x4_add').i32(23).simd('i32x4_shl');
  f.simd('f32x4_mul');
}

/**
 * gelu_bwd(dgate, dup, dh, gate, up, n0, n1): the gated GELU's backward for i ∈ [n0, n1) (multiples
 * of 4), ADDING into dgate and dup: with s = σ(2u), u = √(2/π)·g·(1 + 0.044715·g²) (so ½(1 + tanh u) = s
 * and 1 − tanh²u = 4s(1 − s)):
 *   dgate += dh·up·(s + 2·g·s(1 − s)·√(2/π)(1 + 3·0.044715·g²))     dup += dh·g·s
 */
function emitGeluBackward(): Func {
  const f = new Func('gelu_bwd', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [dgate, dup, dh, gate, up, n0, n1] = f.params;
  const o = f.local('i32'),
    end = f.local('i32');
  const g = f.local('v128'),
    g2 = f.local('v128'),
    z = f.local('v128'),
    k = f.local('v128'),
    r = f.local('v128'),
    sg = f.local('v128'),
    d = f.local('v128');
  const splat = (c: number) => f.f32(c).simd('f32x4_splat');
  const C = 0.7978845608028654,
    A = 0.044715;
  f.get(n0).i32(2).op('i32.shl').set(o);
  f.get(n1).i32(2).op('i32.shl').set(end);
  f.block(() => {
    f.loop(() => {
      f.get(o).get(end).op('i32.ge_u').brIf(1);
      f.get(o).get(gate).op('i32.add').simd('load').set(g);
      f.get(g).get(g).simd('f32x4_mul').set(g2);
      // z = −2u, clamped so exp stays finite
      f.get(g2);
      splat(A).simd('f32x4_mul');
      splat(1).simd('f32x4_add');
      f.get(g).simd('f32x4_mul');
      splat(-2 * C).simd('f32x4_mul');
      splat(88).simd('f32x4_min');
      splat(-87).simd('f32x4_max').set(z);
      // s = 1 / (1 + e^z)
      splat(1);
      pushExp(f, z, k, r);
      splat(1).simd('f32x4_add');
      f.simd('f32x4_div').set(sg);
      // d = dh
      f.get(o).get(dh).op('i32.add').simd('load').set(d);
      // dup += dh·g·s
      f.get(o).get(dup).op('i32.add');
      f.get(o).get(dup).op('i32.add').simd('load');
      f.get(d).get(g).simd('f32x4_mul').get(sg).simd('f32x4_mul');
      f.simd('f32x4_add').simd('store');
      // dgate += dh·up·(s + 2g·s(1 − s)·C(1 + 3A·g²))
      f.get(o).get(dgate).op('i32.add');
      f.get(o).get(dgate).op('i32.add').simd('load');
      f.get(d);
      f.get(o).get(up).op('i32.add').simd('load');
      f.simd('f32x4_mul');
      f.get(g2);
      splat(3 * A).simd('f32x4_mul');
      splat(1).simd('f32x4_add');
      splat(2 * C).simd('f32x4_mul');
      f.get(g).simd('f32x4_mul');
      f.get(sg).simd('f32x4_mul');
      splat(1).get(sg).simd('f32x4_sub');
      f.simd('f32x4_mul');
      f.get(sg).simd('f32x4_add');
      f.simd('f32x4_mul');
      f.simd('f32x4_add').simd('store');
      f.get(o).i32(16).op('i32.add').set(o);
      f.br(0);
    });
  });
  return f;
}

/** Elements per partial sum of ce_lse (the caller adds the partials in float64). */
export const CE_SUM_BLOCK = 256;

/**
 * ce_lse(z, V, mx, part, p0, p1): for rows p ∈ [p0, p1) of z f32 [P, V] (V % 4 == 0), mx[p] = the
 * row's max and part[p, b] = Σ exp(z − max) over its b-th block of CE_SUM_BLOCK entries (float32; the
 * caller sums the partials in float64 and takes the log): the cross-entropy's log-sum-exp on SIMD.
 */
function emitCeLse(): Func {
  const f = new Func('ce_lse', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [z, V, mx, part, p0, p1] = f.params;
  const p = f.local('i32'),
    q = f.local('i32'),
    end = f.local('i32'),
    bEnd = f.local('i32'),
    out = f.local('i32');
  const m = f.local('v128'),
    acc = f.local('v128'),
    v = f.local('v128'),
    k = f.local('v128'),
    r = f.local('v128');
  const nb = f.local('i32');
  // partial sums per row: ceil(V / BLOCK)
  f.get(V)
    .i32(CE_SUM_BLOCK - 1)
    .op('i32.add')
    .i32(Math.log2(CE_SUM_BLOCK))
    .op('i32.shr_u')
    .set(nb);
  forRange(f, p, p0, p1, () => {
    // row bounds
    f.get(p).get(V).op('i32.mul').i32(2).op('i32.shl').get(z).op('i32.add').set(q);
    f.get(q).get(V).i32(2).op('i32.shl').op('i32.add').set(end);
    // pass 1: the max
    f.f32(-Infinity).simd('f32x4_splat').set(m);
    f.block(() => {
      f.loop(() => {
        f.get(q).get(end).op('i32.ge_u').brIf(1);
        f.get(m).get(q).simd('load').simd('f32x4_max').set(m);
        f.get(q).i32(16).op('i32.add').set(q);
        f.br(0);
      });
    });
    f.get(m).lane('f32x4_extract', 0).get(m).lane('f32x4_extract', 1).op('f32.max');
    f.get(m).lane('f32x4_extract', 2).get(m).lane('f32x4_extract', 3).op('f32.max');
    f.op('f32.max').simd('f32x4_splat').set(m);
    f.get(p).i32(2).op('i32.shl').get(mx).op('i32.add').get(m).lane('f32x4_extract', 0).mem('f32.store');
    // pass 2: Σ exp(z − max) per block
    f.get(p).get(V).op('i32.mul').i32(2).op('i32.shl').get(z).op('i32.add').set(q);
    f.get(p).get(nb).op('i32.mul').i32(2).op('i32.shl').get(part).op('i32.add').set(out);
    f.block(() => {
      f.loop(() => {
        f.get(q).get(end).op('i32.ge_u').brIf(1);
        f.get(q)
          .i32(CE_SUM_BLOCK * 4)
          .op('i32.add')
          .set(bEnd);
        f.get(bEnd)
          .get(end)
          .op('i32.gt_u')
          .if(() => {
            f.get(end).set(bEnd);
          });
        f.v128Zero().set(acc);
        f.block(() => {
          f.loop(() => {
            f.get(q).get(bEnd).op('i32.ge_u').brIf(1);
            f.get(q).simd('load').get(m).simd('f32x4_sub');
            f.f32(-87).simd('f32x4_splat').simd('f32x4_max').set(v);
            pushExp(f, v, k, r);
            f.get(acc).simd('f32x4_add').set(acc);
            f.get(q).i32(16).op('i32.add').set(q);
            f.br(0);
          });
        });
        f.get(out);
        f.get(acc).lane('f32x4_extract', 0).get(acc).lane('f32x4_extract', 1).op('f32.add');
        f.get(acc).lane('f32x4_extract', 2).get(acc).lane('f32x4_extract', 3).op('f32.add');
        f.op('f32.add').mem('f32.store');
        f.get(out).i32(4).op('i32.add').set(out);
        f.br(0);
      });
    });
  });
  return f;
}

/**
 * ce_grad_t(z, coef, dzT, V, Pp, P, i0, i1): the cross-entropy gradient without its one-hot part,
 * written transposed: dzT[i·Pp + p] = exp(z[p, i] − lse_p) · w_p for vocabulary entries i ∈ [i0, i1)
 * (multiples of 4) and rows p < P, with coef f32 [P, 2] = (lse_p, w_p). The caller subtracts w_p at
 * each target.
 */
function emitCeGradT(): Func {
  const f = new Func('ce_grad_t', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [z, coef, dzT, V, Pp, P, i0, i1] = f.params;
  const i = f.local('i32'),
    p = f.local('i32'),
    zp = f.local('i32'),
    dp = f.local('i32'),
    cp = f.local('i32'),
    vBytes = f.local('i32'),
    ppBytes = f.local('i32');
  const v = f.local('v128'),
    k = f.local('v128'),
    r = f.local('v128'),
    e = f.local('v128');
  f.get(V).i32(2).op('i32.shl').set(vBytes);
  f.get(Pp).i32(2).op('i32.shl').set(ppBytes);
  forRange(
    f,
    i,
    i0,
    i1,
    () => {
      f.get(i).i32(2).op('i32.shl').get(z).op('i32.add').set(zp);
      f.get(i).get(ppBytes).op('i32.mul').get(dzT).op('i32.add').set(dp);
      f.get(coef).set(cp);
      f.i32(0).set(p);
      f.block(() => {
        f.loop(() => {
          f.get(p).get(P).op('i32.ge_s').brIf(1);
          f.get(zp).simd('load').get(cp).simd('load32_splat', 0).simd('f32x4_sub');
          f.f32(-87).simd('f32x4_splat').simd('f32x4_max').set(v);
          pushExp(f, v, k, r);
          f.get(cp).simd('load32_splat', 4).simd('f32x4_mul').set(e);
          for (let j = 0; j < 4; j++) {
            f.get(dp);
            for (let s = 0; s < j; s++) f.get(ppBytes).op('i32.add');
            f.get(e).lane('f32x4_extract', j).mem('f32.store');
          }
          f.get(zp).get(vBytes).op('i32.add').set(zp);
          f.get(dp).i32(4).op('i32.add').set(dp);
          f.get(cp).i32(8).op('i32.add').set(cp);
          f.get(p).i32(1).op('i32.add').set(p);
          f.br(0);
        });
      });
    },
    4,
  );
  return f;
}

/** `for (v = from; v < to; v += step)` over locals. */
function forRange(f: Func, v: Local, from: Local, to: Local, body: () => void, step = 1): void {
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

export interface KernelExports {
  gelu(x: number, n0: number, n1: number): void;
  mm_f32(x: number, w: number, y: number, T: number, K: number, N: number, n0: number, n1: number): void;
  mm_q8(xq: number, xd: number, wq: number, wd: number, y: number, T: number, K: number, N: number, n0: number, n1: number): void;
  /** C[m, :] += A[m, :]·B for rows m ∈ [m0, m1) (see gemm.ts) */
  gemm_nn(A: number, B: number, C: number, M: number, K: number, N: number, m0: number, m1: number): void;
  /** C[m, :] += Aᵀ[m, :]·B, A stored [K, M] */
  gemm_tn(A: number, B: number, C: number, M: number, K: number, N: number, m0: number, m1: number): void;
  gelu_bwd(dgate: number, dup: number, dh: number, gate: number, up: number, n0: number, n1: number): void;
  ce_lse(z: number, V: number, mx: number, part: number, p0: number, p1: number): void;
  ce_grad_t(z: number, coef: number, dzT: number, V: number, Pp: number, P: number, i0: number, i1: number): void;
  /** gemm_nn over columns [n0, n1) of C (multiples of 8), every row */
  gemm_nn_cols(A: number, B: number, C: number, M: number, K: number, N: number, n0: number, n1: number): void;
  /** gemm_tn over k ∈ [k0, k1) (k0 a multiple of KS), slice k / KS adding into partial C + (k / KS)·M·N */
  gemm_tn_k(A: number, B: number, C: number, M: number, KS: number, N: number, k0: number, k1: number): void;
}

/** Row alignment the kernels want from a thread's share of output rows. */
export const ROW_GRAIN = Math.max(F32_TILE.rn, Q8_TILE.rn, DECODE_RN);

let relaxed: boolean | undefined;
/** Whether this V8 accepts relaxed SIMD (f32x4.relaxed_madd): probed once with a one-function module. */
export function hasRelaxedSimd(): boolean {
  if (relaxed !== undefined) return relaxed;
  const f = new Func('probe', ['v128'], ['v128']);
  f.get(f.params[0]).get(f.params[0]).get(f.params[0]).simd('f32x4_relaxed_madd');
  return (relaxed = WebAssembly.validate(buildModule([f], { initialPages: 1, maximumPages: 1 })));
}

const compiled = new Map<boolean, WebAssembly.Module>();
/**
 * The compiled kernel module (once per process and variant; workers receive it by postMessage):
 * the forward's matmuls, GELU and the backward's gemms. Uses fused multiply-add when V8 has relaxed
 * SIMD (Node 24 and Electron do by default), unless `fma` is false: then plain mul + add, the same
 * results on every machine (LoadOptions.fma = false; the benchmark and tests run both variants).
 */
export function kernelModule(fma = hasRelaxedSimd()): WebAssembly.Module {
  if (fma && !hasRelaxedSimd()) throw new Error('fused multiply-add kernels asked for, but this V8 has no relaxed SIMD');
  let m = compiled.get(fma);
  if (!m) {
    const funcs = [
      emitMmF32(fma),
      emitMmQ8(fma),
      emitGelu(),
      emitGemm(false, fma),
      emitGemm(true, fma),
      emitGemm(false, fma, 4, '', 'cols'),
      emitGemm(true, fma, 4, '', 'k'),
      emitCeLse(),
      emitCeGradT(),
      emitGeluBackward(),
    ];
    m = new WebAssembly.Module(buildModule(funcs, { initialPages: 1, maximumPages: 65536 }));
    compiled.set(fma, m);
  }
  return m;
}
