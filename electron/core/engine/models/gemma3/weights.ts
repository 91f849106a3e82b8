// Loads Gemma 3 weights from a GGUF file into the engine's shared heap, tensor by tensor, in chunks
// of rows, so no whole-tensor temporary is ever held (the 270M embedding is 168M values).
// Q8_0 stays Q8_0 (the model needs about 1.1 bytes per weight); F32 stays F32; F16, BF16 and
// the K-quants are dequantized once to F32. Norm vectors are small and kept as Float32Arrays.
import { closeSync, openSync, readSync } from 'node:fs';
import { GgmlType, readTensorRangeF32, type GgufFile, type GgufTensorInfo } from '../../gguf/index.ts';
import type { LinearWeight, MatmulEngine } from '../../tensor/matmul.ts';
import { Q8_BLOCK_BYTES } from '../../tensor/matmul-naive.ts';
import { ModelLoadError, type Gemma3Config } from './config.ts';

/** One weight tensor of the model as the engine indexes it: a linear layer is OUT rows of IN values. */
export interface TensorSpec {
  /** GGUF tensor name */
  name: string;
  rows: number;
  cols: number;
  /** block index, or -1 for the embedding, the final norm and an untied head */
  layer: number;
  kind: 'matrix' | 'vector';
}

/** The GGUF name of a block's weight, e.g. blockWeight(3, 'attn_q') = 'blk.3.attn_q.weight'. */
export function blockWeight(layer: number, tensor: string): string {
  return `blk.${layer}.${tensor}.weight`;
}

/** Every weight of a Gemma 3 in GGUF order (token_embd, blocks…, output_norm[, output]). */
export function tensorSpecs(cfg: Gemma3Config, untiedHead = false): TensorSpec[] {
  const { hidden: D, heads: H, kvHeads: Hkv, headDim: Dh, ffn: F, vocab: V } = cfg;
  const specs: TensorSpec[] = [{ name: 'token_embd.weight', rows: V, cols: D, layer: -1, kind: 'matrix' }];
  for (let l = 0; l < cfg.layers; l++) {
    const m = (t: string, rows: number, cols: number) => specs.push({ name: blockWeight(l, t), rows, cols, layer: l, kind: 'matrix' });
    const v = (t: string, n: number) => specs.push({ name: blockWeight(l, t), rows: 1, cols: n, layer: l, kind: 'vector' });
    v('attn_norm', D);
    m('attn_q', H * Dh, D);
    m('attn_k', Hkv * Dh, D);
    m('attn_v', Hkv * Dh, D);
    v('attn_q_norm', Dh);
    v('attn_k_norm', Dh);
    m('attn_output', D, H * Dh);
    v('post_attention_norm', D);
    v('ffn_norm', D);
    m('ffn_gate', F, D);
    m('ffn_up', F, D);
    m('ffn_down', D, F);
    v('post_ffw_norm', D);
  }
  specs.push({ name: 'output_norm.weight', rows: 1, cols: D, layer: -1, kind: 'vector' });
  if (untiedHead) specs.push({ name: 'output.weight', rows: V, cols: D, layer: -1, kind: 'matrix' });
  return specs;
}

/** The loaded weights, by GGUF tensor name. */
export class Gemma3Weights {
  constructor(
    readonly specs: readonly TensorSpec[],
    private readonly matrices: ReadonlyMap<string, LinearWeight>,
    private readonly vectors: ReadonlyMap<string, Float32Array>,
  ) {}

  /** A linear layer's matrix in the engine's heap. */
  matrix(name: string): LinearWeight {
    const w = this.matrices.get(name);
    if (!w) throw new RangeError(`the model has no weight matrix named ${name}`);
    return w;
  }

  /** A norm's weight vector. */
  vector(name: string): Float32Array {
    const v = this.vectors.get(name);
    if (!v) throw new RangeError(`the model has no weight vector named ${name}`);
    return v;
  }

  /** GGUF name of the output head: output.weight, or the tied token_embd.weight. */
  get headName(): string {
    return this.matrices.has('output.weight') ? 'output.weight' : 'token_embd.weight';
  }
}

const CHUNK_BYTES = 8 << 20;

function info(file: GgufFile, name: string): GgufTensorInfo {
  const t = file.tensor(name);
  if (!t) throw new ModelLoadError(`tensor '${name}' is missing`);
  return t;
}

function vector(file: GgufFile, name: string, length: number): Float32Array {
  const t = info(file, name);
  if (t.elementCount !== length) throw new ModelLoadError(`tensor '${name}' has ${t.elementCount} values, expected ${length}`);
  return file.readTensorF32(name);
}

function matrix(file: GgufFile, eng: MatmulEngine, name: string, rows: number, cols: number): LinearWeight {
  const t = info(file, name);
  if (t.dims.length !== 2 || t.dims[0] !== cols || t.dims[1] !== rows) {
    throw new ModelLoadError(`tensor '${name}' has shape [${t.dims.join(', ')}], expected [${cols}, ${rows}] (ne order)`);
  }
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / (cols * 4)));
  if (t.type === GgmlType.Q8_0) {
    const w = eng.allocate(t.typeName, rows, cols, 'q8_0');
    const rowBytes = (cols / 32) * Q8_BLOCK_BYTES;
    const fd = file.path !== '<buffer>' ? openSync(file.path, 'r') : -1;
    try {
      const whole = fd < 0 ? file.readTensorBytes(name) : undefined;
      for (let r = 0; r < rows; r += rowsPerChunk) {
        const n = Math.min(rowsPerChunk, rows - r);
        let bytes: Uint8Array;
        if (whole) bytes = whole.subarray(r * rowBytes, (r + n) * rowBytes);
        else {
          bytes = new Uint8Array(n * rowBytes);
          readSync(fd, bytes, 0, bytes.length, t.offset + r * rowBytes);
        }
        eng.writeRowsQ8(w, r, bytes);
      }
    } finally {
      if (fd >= 0) closeSync(fd);
    }
    return w;
  }
  const w = eng.allocate(t.typeName, rows, cols, 'f32');
  const chunk = new Float32Array(rowsPerChunk * cols);
  for (let r = 0; r < rows; r += rowsPerChunk) {
    const n = Math.min(rowsPerChunk, rows - r);
    const part = chunk.subarray(0, n * cols);
    readTensorRangeF32(file, name, r * cols, n * cols, part);
    eng.writeRowsF32(w, r, part);
  }
  return w;
}

export function loadWeights(file: GgufFile, cfg: Gemma3Config, eng: MatmulEngine): Gemma3Weights {
  const specs = tensorSpecs(cfg, file.tensor('output.weight') !== undefined);
  const matrices = new Map<string, LinearWeight>();
  const vectors = new Map<string, Float32Array>();
  for (const s of specs) {
    if (s.kind === 'matrix') matrices.set(s.name, matrix(file, eng, s.name, s.rows, s.cols));
    else vectors.set(s.name, vector(file, s.name, s.cols));
  }
  return new Gemma3Weights(specs, matrices, vectors);
}
