// One shared WebAssembly memory holding the weights (permanent, bump-allocated) and a scratch area
// above them for the activations of the matmul in flight. Shared so that every worker thread's
// kernel instance reads the same bytes without copies.

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB: the wasm32 limit

export class HeapError extends Error {
  override name = 'HeapError';
}

export class SharedHeap {
  readonly memory: WebAssembly.Memory;
  private top = 64; // keep address 0 unused so a zero pointer is always a bug

  constructor(initialBytes = 16 * PAGE) {
    this.memory = new WebAssembly.Memory({
      initial: Math.ceil(initialBytes / PAGE),
      maximum: MAX_PAGES,
      shared: true,
    });
  }

  get bytesUsed(): number {
    return this.top;
  }

  /** Grows the memory so that [0, end) is addressable. */
  ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) {
      throw new HeapError(`engine memory would exceed 4 GiB (needs ${(end / 2 ** 30).toFixed(2)} GiB)`);
    }
    this.memory.grow(pages);
  }

  /** Permanent allocation (weights). Returns a byte offset. */
  alloc(bytes: number, align = 64): number {
    const ptr = Math.ceil(this.top / align) * align;
    this.ensure(ptr + bytes);
    this.top = ptr + bytes;
    return ptr;
  }

  /**
   * Grows a permanent allocation to `bytes`: in place when it is the last one made (nothing was
   * allocated after it), else as a new allocation (the old bytes stay unused: the heap never frees).
   */
  grow(ptr: number, oldBytes: number, bytes: number, align = 64): number {
    if (ptr !== 0 && ptr + oldBytes === this.top && bytes >= oldBytes) {
      this.ensure(ptr + bytes);
      this.top = ptr + bytes;
      return ptr;
    }
    return this.alloc(bytes, align);
  }

  /** Scratch space above the permanent area, valid until the next alloc(). Offsets are 64-byte aligned. */
  scratch(sizes: number[]): number[] {
    let p = Math.ceil(this.top / 64) * 64;
    const out: number[] = [];
    for (const s of sizes) {
      out.push(p);
      p = Math.ceil((p + s) / 64) * 64;
    }
    this.ensure(p);
    return out;
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }
  i16(ptr: number, length: number): Int16Array {
    return new Int16Array(this.memory.buffer, ptr, length);
  }
  u8(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length);
  }
}
