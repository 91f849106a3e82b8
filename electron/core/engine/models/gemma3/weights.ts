// Loads Gemma 3 weights from a GGUF file into the engine's shared heap, tensor by tensor, in chunks
// of rows, so no whole-tensor temporary is ever held (the 270M embedding is 168M values).
// Q8_0 stays Q8_0 (the model needs about 1.1 bytes per weight); F32 stays F32; F16, BF16 and
// the K-quants are dequantized once to F32. Norm vectors are small and kept as Float32Arrays.
import { closeSync, openSync, readSync } from 'node:fs';
import { GgmlType, readTensorRangeF32, type GgufFile, type GgufTensorInfo } from '../../gguf/index.ts';
import type { LinearWeight, MatmulEngine } from '../../tensor/matmul.ts';
import { Q8_BLOCK_BYTES } from '../../tensor/matmul-naive.ts';
import { ModelLoadError, type Gemma3Config } from './config.ts';

export interface BlockWeights {
  attnNorm: Float32Array; // [D]
  wq: LinearWeight; // [H·Dh, D]
  wk: LinearWeight; // [Hkv·Dh, D]
  wv: LinearWeight; // [Hkv·Dh, D]
  qNorm: Float32Array; // [Dh]
  kNorm: Float32Array; // [Dh]
  wo: LinearWeight; // [D, H·Dh]
  postAttnNorm: Float32Array; // [D]
  ffnNorm: Float32Array; // [D]
  wGate: LinearWeight; // [F, D]
  wUp: LinearWeight; // [F, D]
  wDown: LinearWeight; // [D, F]
  postFfnNorm: Float32Array; // [D]
}

export interface Gemma3Weights {
  embedding: LinearWeight; // [V, D], also the output head when the file has no output.weight
  output: LinearWeight; // [V, D]
  outputNorm: Float32Array; // [D]
  blocks: BlockWeights[];
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
  const { hidden: D, heads: H, kvHeads: Hkv, headDim: Dh, ffn: F, vocab: V } = cfg;
  const embedding = matrix(file, eng, 'token_embd.weight', V, D);
  const output = file.tensor('output.weight') ? matrix(file, eng, 'output.weight', V, D) : embedding;
  const blocks: BlockWeights[] = [];
  for (let i = 0; i < cfg.layers; i++) {
    const p = `blk.${i}.`;
    blocks.push({
      attnNorm: vector(file, `${p}attn_norm.weight`, D),
      wq: matrix(file, eng, `${p}attn_q.weight`, H * Dh, D),
      wk: matrix(file, eng, `${p}attn_k.weight`, Hkv * Dh, D),
      wv: matrix(file, eng, `${p}attn_v.weight`, Hkv * Dh, D),
      qNorm: vector(file, `${p}attn_q_norm.weight`, Dh),
      kNorm: vector(file, `${p}attn_k_norm.weight`, Dh),
      wo: matrix(file, eng, `${p}attn_output.weight`, D, H * Dh),
      postAttnNorm: vector(file, `${p}post_attention_norm.weight`, D),
      ffnNorm: vector(file, `${p}ffn_norm.weight`, D),
      wGate: matrix(file, eng, `${p}ffn_gate.weight`, F, D),
      wUp: matrix(file, eng, `${p}ffn_up.weight`, F, D),
      wDown: matrix(file, eng, `${p}ffn_down.weight`, D, F),
      postFfnNorm: vector(file, `${p}post_ffw_norm.weight`, D),
    });
  }
  return { embedding, output, outputNorm: vector(file, 'output_norm.weight', D), blocks };
}
