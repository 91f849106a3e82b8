// LinearKernels over the forward engine's shared heap: the forward product runs on the engine's own
// SIMD kernel (MatmulEngine.linear), the two backward products on ./gemm.ts. Arrays that live in the
// heap (weights, gradient buffers made by allocHeapFlat) are used in place; other operands
// (activations, O(T·IN)) are copied into a workspace.
import type { Gemma3Shape, ParamSpec } from '../model/shape.ts';
import { paramSpecs } from '../model/shape.ts';
import type { FlatParams } from '../model/params.ts';
import type { LinearKernels } from '../model/kernels.ts';
import { naiveKernels } from '../model/kernels.ts';
import { AutogradError, type Vec } from '../types.ts';
import type { MatmulEngine } from '../../tensor/matmul.ts';
import { GemmPool } from './pool.ts';
import { GEMM_COL_MULTIPLE } from './gemm.ts';

// Which arrays are views of which engine heap, and where: shared by every HeapKernels so views made
// once (weights, gradient buffers) serve later kernel instances over the same heap.
const heapViews = new WeakMap<Vec, { memory: WebAssembly.Memory; ptr: number }>();
// One operand workspace per heap (kernel calls are synchronous, so they never overlap).
const workspaces = new WeakMap<WebAssembly.Memory, { ptr: number; bytes: number }>();

export class HeapKernels implements LinearKernels {
  private constructor(readonly engine: MatmulEngine, readonly pool: GemmPool) {}

  static async create(engine: MatmulEngine, threads?: number): Promise<HeapKernels> {
    return new HeapKernels(engine, await GemmPool.create(engine.heap.memory, threads ?? engine.options.threads));
  }

  /** A Float32Array view of heap bytes [ptr, ptr + 4n), remembered so kernels use it in place. */
  view(ptr: number, n: number): Float32Array {
    const v = this.engine.heap.f32(ptr, n);
    heapViews.set(v, { memory: this.engine.heap.memory, ptr });
    return v;
  }

  /** Parameters or gradients laid out like allocFlat, but inside the heap (zeroed). */
  allocHeapFlat(shape: Gemma3Shape, specs: ParamSpec[] = paramSpecs(shape)): FlatParams<Float32Array> {
    const total = specs.reduce((n, s) => n + s.rows * s.cols, 0);
    const ptr = this.engine.heap.alloc(total * 4);
    const flat = this.view(ptr, total);
    flat.fill(0);
    const views = new Map<string, Float32Array>();
    let off = 0;
    for (const s of specs) {
      const n = s.rows * s.cols;
      views.set(s.name, this.view(ptr + off * 4, n));
      off += n;
    }
    return {
      flat, specs, views,
      get(name: string) {
        const v = views.get(name);
        if (!v) throw new AutogradError(`no parameter named ${name}`);
        return v;
      },
    };
  }

  private workspace(bytes: number): number {
    const heap = this.engine.heap;
    let ws = workspaces.get(heap.memory);
    if (!ws || bytes > ws.bytes) {
      // permanent bump allocation; an outgrown block is abandoned (it grows a few times at most)
      const size = Math.max(bytes, (ws?.bytes ?? 0) * 2);
      ws = { ptr: heap.alloc(size), bytes: size };
      workspaces.set(heap.memory, ws);
    }
    return ws.ptr;
  }

  private ptrOf(v: Vec): number | undefined {
    const p = heapViews.get(v);
    return p && p.memory === this.engine.heap.memory && v instanceof Float32Array ? p.ptr : undefined;
  }

  forward(y: Vec, x: Vec, w: Vec, T: number, IN: number, OUT: number): void {
    let wp = this.ptrOf(w);
    if (!(x instanceof Float32Array) || !(y instanceof Float32Array) || !(w instanceof Float32Array)) {
      naiveKernels.forward(y, x, w, T, IN, OUT);
      return;
    }
    if (wp === undefined) {
      // an operand matrix (e.g. a head's V in the attention backward): copy it into the workspace
      wp = this.workspace(OUT * IN * 4);
      this.engine.heap.f32(wp, OUT * IN).set(w.subarray(0, OUT * IN));
    }
    this.engine.linear({ layout: 'f32', source: 'F32', rows: OUT, cols: IN, ptr: wp, scalesPtr: 0 }, x, T, y);
  }

  backward(dx: Vec | null, dw: Vec | null, dy: Vec, x: Vec, w: Vec, T: number, IN: number, OUT: number): void {
    const f32 = [dx, dw, dy, x, w].every((v) => v === null || v instanceof Float32Array);
    if (!f32 || IN % GEMM_COL_MULTIPLE !== 0) {
      naiveKernels.backward(dx, dw, dy, x, w, T, IN, OUT);
      return;
    }
    const heap = this.engine.heap;
    const wIn = this.ptrOf(w), dwIn = dw ? this.ptrOf(dw) : undefined;
    // workspace layout: dy [T, OUT] | x [T, IN] | dx [T, IN] | W [OUT, IN] if not in heap | dW if not in heap
    const sizes = [T * OUT, T * IN, T * IN, wIn === undefined ? OUT * IN : 0, dw && dwIn === undefined ? OUT * IN : 0];
    const base = this.workspace(sizes.reduce((a, b) => a + b, 0) * 4 + 64 * sizes.length);
    const ptrs: number[] = [];
    let p = base;
    for (const s of sizes) { ptrs.push(p); p = Math.ceil((p + s * 4) / 64) * 64; }
    const [dyP, xP, dxP, wTmp, dwTmp] = ptrs;
    heap.f32(dyP, T * OUT).set((dy as Float32Array).subarray(0, T * OUT));
    const wP = wIn ?? (heap.f32(wTmp, OUT * IN).set((w as Float32Array).subarray(0, OUT * IN)), wTmp);
    if (dx) {
      const d = heap.f32(dxP, T * IN);
      d.set((dx as Float32Array).subarray(0, T * IN));
      this.pool.run('gemm_nn', dyP, wP, dxP, T, OUT, IN);
      (dx as Float32Array).set(heap.f32(dxP, T * IN));
    }
    if (dw) {
      heap.f32(xP, T * IN).set((x as Float32Array).subarray(0, T * IN));
      let dwP = dwIn;
      if (dwP === undefined) { heap.f32(dwTmp, OUT * IN).set((dw as Float32Array).subarray(0, OUT * IN)); dwP = dwTmp; }
      this.pool.run('gemm_tn', dyP, xP, dwP, OUT, T, IN);
      if (dwIn === undefined) (dw as Float32Array).set(heap.f32(dwTmp, OUT * IN));
    }
  }

  dispose(): void {
    this.pool.dispose();
  }
}
