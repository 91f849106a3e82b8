// A random LoRA adapter for a given model file, for tests: A as PEFT initialises it, B random (a
// trained adapter's B is not zero), all seven projections, rank 4. Shapes are read from the model's
// own GGUF metadata, so it fits whatever model it is made for. Never trained: it only has to change
// the model's output, which is what the playground's adapter tests check.
import { openGguf } from '../engine/gguf/reader.ts';
import { writeGgufAdapter } from '../engine/export/adapter.ts';
import { initAdapter, LORA_TARGETS } from '../engine/train/lora.ts';
import { mulberry32 } from '../engine/train/random.ts';

export function writeRandomAdapter(modelPath: string, outPath: string, opts: { seed?: number; scaleB?: number; rank?: number } = {}) {
  const { seed = 7, scaleB = 0.5, rank = 4 } = opts;
  const f = openGguf(modelPath);
  let shape;
  let arch: string;
  try {
    arch = String(f.metadata['general.architecture']);
    const n = (k: string) => Number(f.metadata[`${arch}.${k}`]);
    const headDim = n('attention.key_length');
    shape = {
      layers: n('block_count'),
      hidden: n('embedding_length'),
      qDim: n('attention.head_count') * headDim,
      kvDim: n('attention.head_count_kv') * headDim,
      ffn: n('feed_forward_length'),
    };
  } finally {
    f.close();
  }
  const adapter = initAdapter(shape, { targets: LORA_TARGETS, rank, alpha: 2 * rank, seed });
  const rnd = mulberry32(seed + 1);
  for (const p of adapter.pairs) for (let i = 0; i < p.b.length; i++) p.b[i] = (rnd() - 0.5) * scaleB;
  writeGgufAdapter(outPath, adapter, { architecture: arch });
  return { rank, alpha: 2 * rank };
}
