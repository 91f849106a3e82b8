// A tiny WebAssembly binary emitter: just enough of the format (types, one imported shared memory,
// functions, exports, scalar and SIMD128 instructions) to write our kernels as TypeScript that
// unrolls loops at generation time. Generating at load time keeps the kernels readable, needs no
// toolchain or build step, and lets the unroll factors be plain numbers in the kernel code.
// Opcode numbers follow the WebAssembly core spec (SIMD: the 0xFD prefix table).

export type ValType = 'i32' | 'f32' | 'v128';
const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

function sleb(n: number, out: number[]): void {
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

function name(s: string, out: number[]): void {
  const bytes = new TextEncoder().encode(s);
  uleb(bytes.length, out);
  out.push(...bytes);
}

/** A local variable index, typed so generated code reads like the kernel it is. */
export type Local = number & { readonly __local: unique symbol };

const SIMD = {
  load: 0,
  load8x8_s: 1,
  load16x4_u: 4,
  load32_splat: 9,
  store: 11,
  const: 12,
  i32x4_splat: 17,
  f32x4_splat: 19,
  i32x4_extract: 27,
  f32x4_extract: 31,
  and: 78,
  or: 80,
  i16x8_extend_low_i8x16_s: 135,
  i16x8_extend_high_i8x16_s: 136,
  i32x4_extend_low_i16x8_s: 167,
  i32x4_extend_high_i16x8_s: 168,
  i32x4_extend_low_i16x8_u: 169,
  i32x4_extend_high_i16x8_u: 170,
  i32x4_shl: 171,
  i32x4_add: 174,
  i32x4_dot_i16x8_s: 186,
  f32x4_nearest: 106,
  f32x4_add: 228,
  f32x4_sub: 229,
  f32x4_mul: 230,
  f32x4_div: 231,
  f32x4_min: 232,
  f32x4_max: 233,
  i32x4_trunc_sat_f32x4_s: 248,
  f32x4_convert_i32x4_s: 250,
  // relaxed SIMD (V8 ≥ 11.4 by default; Node 20 behind --experimental-wasm-relaxed-simd): a·b + c,
  // fused where the CPU has FMA
  f32x4_relaxed_madd: 261,
} as const;
export type SimdOp = keyof typeof SIMD;

const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  return: 0x0f,
  'local.get': 0x20,
  'local.set': 0x21,
  'local.tee': 0x22,
  'i32.load': 0x28,
  'f32.load': 0x2a,
  'i32.load8_s': 0x2c,
  'i32.load16_u': 0x2f,
  'i32.store': 0x36,
  'f32.store': 0x38,
  'i32.store8': 0x3a,
  'i32.const': 0x41,
  'f32.const': 0x43,
  'i32.eqz': 0x45,
  'i32.eq': 0x46,
  'i32.ne': 0x47,
  'i32.lt_s': 0x48,
  'i32.lt_u': 0x49,
  'i32.gt_s': 0x4a,
  'i32.gt_u': 0x4b,
  'i32.ge_s': 0x4e,
  'i32.ge_u': 0x4f,
  'i32.le_s': 0x4c,
  'f32.lt': 0x5d,
  'f32.gt': 0x5e,
  'i32.add': 0x6a,
  'i32.sub': 0x6b,
  'i32.mul': 0x6c,
  'i32.div_u': 0x6e,
  'i32.and': 0x71,
  'i32.or': 0x72,
  'i32.shl': 0x74,
  'i32.shr_s': 0x75,
  'i32.shr_u': 0x76,
  'f32.abs': 0x8b,
  'f32.neg': 0x8c,
  'f32.nearest': 0x90,
  'f32.sqrt': 0x91,
  'f32.add': 0x92,
  'f32.sub': 0x93,
  'f32.mul': 0x94,
  'f32.div': 0x95,
  'f32.min': 0x96,
  'f32.max': 0x97,
  'i32.trunc_f32_s': 0xa8,
  'f32.convert_i32_s': 0xb2,
  'i32.reinterpret_f32': 0xbc,
  'f32.reinterpret_i32': 0xbe,
} as const;
export type ScalarOp = keyof typeof OP;

/** Builds one function body. Methods push instructions; `i`/`simd` are the raw escape hatches. */
export class Func {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];
  readonly params: Local[];

  constructor(
    readonly exportName: string,
    readonly paramTypes: ValType[],
    readonly resultTypes: ValType[] = [],
  ) {
    this.params = paramTypes.map((_, i) => i as Local);
  }

  local(type: ValType): Local {
    this.localTypes.push(type);
    return (this.paramTypes.length + this.localTypes.length - 1) as Local;
  }

  op(o: ScalarOp): this {
    this.code.push(OP[o]);
    return this;
  }
  get(l: Local): this {
    this.code.push(OP['local.get']);
    uleb(l, this.code);
    return this;
  }
  set(l: Local): this {
    this.code.push(OP['local.set']);
    uleb(l, this.code);
    return this;
  }
  tee(l: Local): this {
    this.code.push(OP['local.tee']);
    uleb(l, this.code);
    return this;
  }
  i32(n: number): this {
    this.code.push(OP['i32.const']);
    sleb(n | 0, this.code);
    return this;
  }
  f32(x: number): this {
    this.code.push(OP['f32.const']);
    const b = new Uint8Array(new Float32Array([x]).buffer);
    this.code.push(...b);
    return this;
  }
  /** A memory access with a constant byte offset (alignment hint 0: our data is often unaligned). */
  mem(o: 'i32.load' | 'f32.load' | 'i32.load8_s' | 'i32.load16_u' | 'i32.store' | 'f32.store' | 'i32.store8', offset = 0): this {
    this.code.push(OP[o], 0);
    uleb(offset, this.code);
    return this;
  }
  simd(o: SimdOp, offset?: number): this {
    this.code.push(0xfd);
    uleb(SIMD[o], this.code);
    if (o === 'load' || o === 'store' || o === 'load8x8_s' || o === 'load16x4_u' || o === 'load32_splat') {
      this.code.push(0);
      uleb(offset ?? 0, this.code);
    }
    return this;
  }
  lane(o: 'i32x4_extract' | 'f32x4_extract', lane: number): this {
    this.simd(o);
    this.code.push(lane);
    return this;
  }
  v128Zero(): this {
    this.code.push(0xfd);
    uleb(SIMD.const, this.code);
    for (let i = 0; i < 16; i++) this.code.push(0);
    return this;
  }
  block(body: () => void): this {
    this.code.push(OP.block, 0x40);
    body();
    this.code.push(OP.end);
    return this;
  }
  loop(body: () => void): this {
    this.code.push(OP.loop, 0x40);
    body();
    this.code.push(OP.end);
    return this;
  }
  if(body: () => void, orElse?: () => void): this {
    this.code.push(OP.if, 0x40);
    body();
    if (orElse) {
      this.code.push(OP.else);
      orElse();
    }
    this.code.push(OP.end);
    return this;
  }
  br(depth: number): this {
    this.code.push(OP.br);
    uleb(depth, this.code);
    return this;
  }
  brIf(depth: number): this {
    this.code.push(OP.br_if);
    uleb(depth, this.code);
    return this;
  }

  /**
   * `for (v = from; v < to; v += step) body()` where `to` is a local; `from` a local or constant.
   * Emits block { loop { if !(v < to) break; body; v += step; continue } }.
   */
  for(v: Local, from: Local | number, to: Local, step: number, body: () => void): this {
    if (typeof from === 'number') this.i32(from);
    else this.get(from);
    this.set(v);
    this.block(() => {
      this.loop(() => {
        this.get(v).get(to).op('i32.ge_s').brIf(1);
        body();
        this.get(v).i32(step).op('i32.add').set(v);
        this.br(0);
      });
    });
    return this;
  }

  encodeBody(): number[] {
    const out: number[] = [];
    uleb(this.localTypes.length, out);
    for (const t of this.localTypes) {
      out.push(1, VALTYPE[t]);
    }
    out.push(...this.code, OP.end);
    const sized: number[] = [];
    uleb(out.length, sized);
    return sized.concat(out);
  }
}

function section(id: number, body: number[], out: number[]): void {
  out.push(id);
  uleb(body.length, out);
  for (const b of body) out.push(b);
}

/** A module importing one shared memory `env.memory` and exporting every function by name. */
export function buildModule(funcs: Func[], memory: { initialPages: number; maximumPages: number }): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(funcs.length, types);
  for (const f of funcs) {
    types.push(0x60);
    uleb(f.paramTypes.length, types);
    for (const p of f.paramTypes) types.push(VALTYPE[p]);
    uleb(f.resultTypes.length, types);
    for (const r of f.resultTypes) types.push(VALTYPE[r]);
  }
  section(1, types, out);
  const imports: number[] = [1];
  name('env', imports);
  name('memory', imports);
  imports.push(0x02, 0x03);
  uleb(memory.initialPages, imports);
  uleb(memory.maximumPages, imports);
  section(2, imports, out);
  const fsec: number[] = [];
  uleb(funcs.length, fsec);
  funcs.forEach((_, i) => uleb(i, fsec));
  section(3, fsec, out);
  const exps: number[] = [];
  uleb(funcs.length, exps);
  funcs.forEach((f, i) => {
    name(f.exportName, exps);
    exps.push(0x00);
    uleb(i, exps);
  });
  section(7, exps, out);
  const code: number[] = [];
  uleb(funcs.length, code);
  for (const f of funcs) for (const b of f.encodeBody()) code.push(b);
  section(10, code, out);
  return new Uint8Array(out) as Uint8Array<ArrayBuffer>;
}
