// Reads what the library records about a GGUF file with our own reader, before llama.cpp ever sees
// it: a file that is not a GGUF, is truncated, or lacks what a chat model needs is refused with a
// reason the user can act on.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { GgmlType, isGgufError, openGguf, type GgufFile } from '../engine/gguf/index.ts';
import { assertLlamaLoadable } from '../engine/gguf/loadable.ts';
import { errorMessage } from '../api/errors.ts';

export class ModelFileError extends Error {
  /** The reason alone, without the file name ("it is not a GGUF file (it looks like a PNG image)"). */
  readonly reason: string;
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'ModelFileError';
    this.reason = reason;
  }
}

export interface ModelFileFacts {
  name: string;
  architecture: string;
  parameterCount: number;
  quantization: string;
  contextLength: number | null;
  sizeBytes: number;
  hasChatTemplate: boolean;
}

// llama.cpp's LLAMA_FTYPE_MOSTLY_* values (general.file_type).
const FILE_TYPES: Record<number, string> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  7: 'Q8_0',
  8: 'Q5_0',
  9: 'Q5_1',
  10: 'Q2_K',
  11: 'Q3_K_S',
  12: 'Q3_K_M',
  13: 'Q3_K_L',
  14: 'Q4_K_S',
  15: 'Q4_K_M',
  16: 'Q5_K_S',
  17: 'Q5_K_M',
  18: 'Q6_K',
  19: 'IQ2_XXS',
  20: 'IQ2_XS',
  21: 'Q2_K_S',
  22: 'IQ3_XS',
  23: 'IQ3_XXS',
  24: 'IQ1_S',
  25: 'IQ4_NL',
  26: 'IQ3_S',
  27: 'IQ3_M',
  28: 'IQ2_S',
  29: 'IQ2_M',
  30: 'IQ4_XS',
  31: 'IQ1_M',
  32: 'BF16',
  36: 'TQ1_0',
  37: 'TQ2_0',
  38: 'MXFP4_MOE',
};

/** The weight type holding the most bytes among matrices (norms and biases are F32 in every file). */
function dominantType(f: GgufFile): string {
  const bytes = new Map<string, number>();
  for (const t of f.tensors) {
    if (t.dims.filter((d) => d > 1).length < 2) continue;
    bytes.set(t.typeName, (bytes.get(t.typeName) ?? 0) + t.byteSize);
  }
  let best = 'unknown';
  let most = -1;
  for (const [name, b] of bytes) {
    if (b > most) {
      best = name;
      most = b;
    }
  }
  return best;
}

export function quantizationOf(f: GgufFile): string {
  const ft = f.metadata['general.file_type'];
  if (typeof ft === 'number' && FILE_TYPES[ft]) return FILE_TYPES[ft];
  return dominantType(f);
}

/** Opens `path` with our GGUF reader and checks it is a loadable chat model; throws ModelFileError with the reason. */
export function inspectModelFile(path: string): ModelFileFacts {
  let f: GgufFile;
  try {
    f = openGguf(path);
    try {
      assertLlamaLoadable(f);
    } catch (err) {
      f.close();
      throw err;
    }
  } catch (err) {
    if (isGgufError(err)) {
      // One sentence: the reason in words, plus the reader's detail only where it adds something.
      const looksLike = /this looks like (.+?)(?: \(at byte \d+\))?$/.exec(err.message)?.[1];
      const why: Record<string, string> = {
        EMPTY_FILE: 'the file is empty',
        NOT_A_FILE: 'there is no such file (or it is a folder)',
        BAD_MAGIC: `it is not a GGUF file${looksLike ? ` (it looks like ${looksLike})` : ''}`,
        TRUNCATED: 'the file is cut short (an incomplete download?)',
        UNSUPPORTED_VERSION: `its GGUF version is not supported (${err.message})`,
        BAD_SHAPE: `a tensor has a shape llama.cpp cannot load (${err.message})`,
        BAD_METADATA: `its settings are ones llama.cpp cannot load (${err.message})`,
      };
      throw new ModelFileError(basename(path), why[err.code] ?? `the GGUF file is damaged (${err.message})`);
    }
    throw new ModelFileError(basename(path), `the file cannot be read (${errorMessage(err)})`);
  }
  try {
    const meta = f.metadata;
    const arch = meta['general.architecture'];
    if (typeof arch !== 'string' || arch.length === 0)
      throw new ModelFileError(basename(path), `the GGUF has no general.architecture: not a model file`);
    if (f.tensors.length === 0) throw new ModelFileError(basename(path), `the GGUF holds no tensors (a vocabulary-only or adapter file?)`);
    if (meta['adapter.type'] !== undefined) throw new ModelFileError(basename(path), `this is a LoRA adapter, not a model`);
    if (!Array.isArray(meta['tokenizer.ggml.tokens']))
      throw new ModelFileError(basename(path), `the GGUF has no tokenizer (tokenizer.ggml.tokens), so it cannot chat`);
    const end = Math.max(...f.tensors.map((t) => t.offset + t.byteSize));
    if (end > f.fileSize)
      throw new ModelFileError(basename(path), `the file is cut short: tensor data ends at byte ${end} but the file has ${f.fileSize}`);
    for (const t of f.tensors)
      if (!Object.values(GgmlType).includes(t.type)) throw new ModelFileError(basename(path), `tensor ${t.name} has an unknown type`);
    const ctx = meta[`${arch}.context_length`];
    const generalName = meta['general.name'];
    const quantization = quantizationOf(f);
    const baseName = typeof generalName === 'string' && generalName.trim() ? generalName.trim() : basename(path).replace(/\.gguf$/i, '');
    return {
      name: baseName.toUpperCase().includes(quantization.toUpperCase()) ? baseName : `${baseName} ${quantization}`,
      architecture: arch,
      parameterCount: f.tensors.reduce((s, t) => s + t.elementCount, 0),
      quantization,
      contextLength: typeof ctx === 'number' ? ctx : typeof ctx === 'bigint' ? Number(ctx) : null,
      sizeBytes: statSync(path).size,
      hasChatTemplate: typeof meta['tokenizer.chat_template'] === 'string',
    };
  } finally {
    f.close();
  }
}
