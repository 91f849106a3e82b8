// The generator: fast, deterministic, shaped as the presets say, variants that encode the same floats,
// and weights that are not degenerate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GgmlType, openGguf, quantize, type GgufFile } from '../../electron/core/engine/gguf/index.ts';
import { GENERATOR_VERSION, PRESETS, isSlidingLayer } from './presets.ts';
import { gemma3Spec, gemma3TensorShapes, generateGemma3, tensorValues, type GenerateOptions } from './generate.ts';
import { SPACE, TokenType } from './vocab.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-synth-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const VARIANTS: GenerateOptions[] = [
  { preset: 'nano', weightType: 'F32' },
  { preset: 'mini', weightType: 'F32' },
  { preset: 'mini', weightType: 'F16' },
  { preset: 'mini', weightType: 'Q8_0' },
];
const paths = new Map<string, string>();
const key = (o: GenerateOptions) => `${o.preset}-${o.weightType}-${o.seed ?? ''}`;

function withFile<T>(path: string, fn: (f: GgufFile) => T): T {
  const f = openGguf(path);
  try {
    return fn(f);
  } finally {
    f.close();
  }
}

test('all test models generate in well under a few seconds', () => {
  const t0 = performance.now();
  for (const o of VARIANTS) {
    const p = join(dir, `${key(o)}.gguf`);
    const ms = generateGemma3(p, o);
    paths.set(key(o), p);
    console.log(`generated ${o.preset} ${o.weightType} in ${ms.toFixed(0)} ms`);
  }
  const total = performance.now() - t0;
  console.log(`all ${VARIANTS.length} test models: ${total.toFixed(0)} ms (generator v${GENERATOR_VERSION})`);
  assert.ok(total < 10_000, `generation took ${total} ms`);
});

test('generation is deterministic in the seed', () => {
  const a = join(dir, 'again.gguf');
  generateGemma3(a, { preset: 'nano', weightType: 'F32' });
  assert.deepEqual(readFileSync(a), readFileSync(paths.get('nano-F32-')!));
  const b = join(dir, 'other-seed.gguf');
  generateGemma3(b, { preset: 'nano', weightType: 'F32', seed: 99 });
  const w1 = withFile(a, (f) => f.readTensorF32('blk.0.attn_q.weight'));
  const w2 = withFile(b, (f) => f.readTensorF32('blk.0.attn_q.weight'));
  assert.notDeepEqual(w1, w2);
});

test('metadata and tensor shapes follow the presets (window, GQA, q dim ≠ hidden, local/global layers)', () => {
  for (const o of VARIANTS) {
    const cfg = PRESETS[o.preset];
    withFile(paths.get(key(o))!, (f) => {
      const m = f.metadata;
      assert.equal(m['general.architecture'], 'gemma3');
      assert.equal(m['gemma3.block_count'], cfg.layers);
      assert.equal(m['gemma3.embedding_length'], cfg.hidden);
      assert.equal(m['gemma3.attention.head_count'], cfg.heads);
      assert.equal(m['gemma3.attention.head_count_kv'], cfg.kvHeads);
      assert.equal(m['gemma3.attention.key_length'], cfg.headDim);
      assert.equal(m['gemma3.attention.sliding_window'], cfg.window);
      assert.equal(m['gemma3.attention.layer_norm_rms_epsilon'], Math.fround(cfg.rmsEps));
      assert.equal(f.typedMetadata['gemma3.block_count'].type, 4 /* u32 */);
      assert.equal(f.tensors.length, 2 + 13 * cfg.layers);
      assert.equal(f.tensor('output.weight'), undefined, 'the head is tied');
      for (const s of gemma3TensorShapes(cfg)) assert.deepEqual(f.tensor(s.name)?.dims, s.dims, s.name);
      assert.notEqual(cfg.heads * cfg.headDim, cfg.hidden);
      assert.ok(cfg.kvHeads < cfg.heads);
    });
  }
  const mini = PRESETS.mini;
  assert.deepEqual(
    Array.from({ length: mini.layers }, (_, i) => isSlidingLayer(mini, i)),
    [true, true, true, true, true, false],
  );
  const nano = PRESETS.nano;
  assert.deepEqual([isSlidingLayer(nano, 0), isSlidingLayer(nano, 1)], [true, false]);
  withFile(paths.get('nano-F32-')!, (f) => assert.equal(f.metadata['gemma3.attention.sliding_window_pattern'], 2));
  withFile(paths.get('mini-F32-')!, (f) => assert.equal(f.metadata['gemma3.attention.sliding_window_pattern'], undefined));
});

test('F16 and Q8_0 variants encode the very same floats as F32; norms stay F32', () => {
  const f32 = openGguf(paths.get('mini-F32-')!);
  const f16 = openGguf(paths.get('mini-F16-')!);
  const q8 = openGguf(paths.get('mini-Q8_0-')!);
  try {
    for (const t of f32.tensors) {
      const x = f32.readTensorF32(t.name);
      const isNorm = t.dims.length === 1;
      assert.equal(f16.tensor(t.name)!.type, isNorm ? GgmlType.F32 : GgmlType.F16, t.name);
      assert.equal(q8.tensor(t.name)!.type, isNorm ? GgmlType.F32 : GgmlType.Q8_0, t.name);
      assert.deepEqual(f16.readTensorBytes(t.name), quantize(f16.tensor(t.name)!.type, x), t.name);
      assert.deepEqual(q8.readTensorBytes(t.name), quantize(q8.tensor(t.name)!.type, x), t.name);
    }
    assert.equal(f16.metadata['general.file_type'], 1);
    assert.equal(q8.metadata['general.file_type'], 7);
  } finally {
    f32.close();
    f16.close();
    q8.close();
  }
});

test('weights are not degenerate: norms spread around their gains, embeddings scaled', () => {
  const cfg = PRESETS.mini;
  withFile(paths.get('mini-F32-')!, (f) => {
    for (const name of ['output_norm.weight', 'blk.0.attn_norm.weight', 'blk.3.attn_q_norm.weight', 'blk.5.post_ffw_norm.weight']) {
      const w = f.readTensorF32(name);
      const min = Math.min(...w),
        max = Math.max(...w);
      assert.ok(max - min > 0.1 * Math.abs(max), `${name} spread ${min}..${max}`);
      assert.ok(min > 0, `${name} gains are positive (GGUF stores 1 + w)`);
    }
    const e = f.readTensorF32('token_embd.weight');
    let ss = 0;
    for (const v of e) ss += v * v;
    const std = Math.sqrt(ss / e.length);
    assert.ok(Math.abs(std - 2.5 / Math.sqrt(cfg.hidden)) < 0.01, `embedding std ${std}`);
    // pure function of (seed, name): the reader sees exactly what tensorValues says
    assert.deepEqual(f.readTensorF32('blk.2.ffn_up.weight'), tensorValues(1234, 'blk.2.ffn_up.weight', cfg.hidden * cfg.ffn, cfg));
  });
});

test('vocabulary: Gemma control ids, byte fallback, ▁ word pieces, no duplicates', () => {
  withFile(paths.get('nano-F32-')!, (f) => {
    const tokens = f.metadata['tokenizer.ggml.tokens'] as string[];
    const types = f.metadata['tokenizer.ggml.token_type'] as number[];
    assert.equal(tokens.length, PRESETS.nano.vocab);
    assert.equal(new Set(tokens).size, tokens.length);
    assert.deepEqual(tokens.slice(0, 4), ['<pad>', '<eos>', '<bos>', '<unk>']);
    assert.equal(tokens[105], '<start_of_turn>');
    assert.equal(tokens[106], '<end_of_turn>');
    assert.equal(types[105], TokenType.CONTROL);
    assert.equal(types[3], TokenType.UNKNOWN);
    for (let b = 0; b < 256; b++) {
      const id = tokens.indexOf(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
      assert.ok(id > 0 && types[id] === TokenType.BYTE, `byte ${b}`);
    }
    assert.ok(tokens.includes(`${SPACE}the`) && tokens.includes(`${SPACE}th`) && tokens.includes(`${SPACE}t`));
    assert.equal(f.metadata['tokenizer.ggml.model'], 'llama');
    assert.equal(f.metadata['tokenizer.ggml.add_bos_token'], true);
    assert.equal(f.metadata['tokenizer.ggml.add_space_prefix'], false);
    assert.match(f.metadata['tokenizer.chat_template'] as string, /<start_of_turn>/);
  });
});

test('the 270M-shape spec has Gemma 3 270M shapes and parameter count (not written here)', () => {
  const spec = gemma3Spec({ preset: 'gemma3-270m', weightType: 'Q8_0' });
  assert.equal(spec.tensors.length, 2 + 13 * 18);
  const params = spec.tensors.reduce((a, t) => a + t.dims.reduce((x, y) => x * y, 1), 0);
  const embd = 262_144 * 640;
  assert.equal(spec.tensors[0].dims.join('x'), '640x262144');
  assert.ok(Math.abs(embd / 1e6 - 167.8) < 0.1, `embedding ${embd}`);
  assert.ok(Math.abs(params / 1e6 - 268.1) < 0.5, `parameters ${params}`);
  assert.deepEqual(spec.tensors.find((t) => t.name === 'blk.0.attn_q.weight')!.dims, [640, 1024]);
  assert.deepEqual(spec.tensors.find((t) => t.name === 'blk.0.attn_k.weight')!.dims, [640, 256]);
  assert.deepEqual(spec.tensors.find((t) => t.name === 'blk.17.ffn_down.weight')!.dims, [2048, 640]);
  // linear weights and embeddings Q8_0, norms F32
  assert.equal(spec.tensors.find((t) => t.name === 'blk.0.ffn_norm.weight')!.type, GgmlType.F32);
  assert.equal(spec.tensors.find((t) => t.name === 'token_embd.weight')!.type, GgmlType.Q8_0);
});

test("the real vocabulary is written as llama.cpp's converter writes Gemma 3 (rv-small and the 270M shape)", async () => {
  const { ensureRealVocabModel } = await import('../models.ts');
  const { gemma3TokenizerFiles } = await import('./gemma3-vocab.ts');
  const { tokenizerJson, tokenizerConfig } = gemma3TokenizerFiles();
  withFile(await ensureRealVocabModel('small'), (f) => {
    const m = f.metadata;
    const tokens = m['tokenizer.ggml.tokens'] as string[];
    const types = m['tokenizer.ggml.token_type'] as number[];
    const scores = m['tokenizer.ggml.scores'] as number[];
    assert.equal(tokens.length, 262_144);
    assert.equal(f.tensor('token_embd.weight')!.dims.join('x'), '64x262144');
    assert.equal(m['tokenizer.ggml.model'], 'llama');
    assert.equal(m['tokenizer.ggml.pre'], 'default');
    assert.deepEqual(
      ['bos', 'eos', 'unknown', 'padding'].map((k) => m[`tokenizer.ggml.${k}_token_id`]),
      [2, 1, 3, 0],
    );
    assert.equal(m['tokenizer.ggml.add_bos_token'], true);
    assert.equal(m['tokenizer.ggml.add_space_prefix'], false);
    assert.equal(m['tokenizer.chat_template'], tokenizerConfig.chat_template);
    // Every id as in tokenizer.json, except user-defined runs of ▁ written back as spaces.
    for (const [text, id] of Object.entries(tokenizerJson.model.vocab)) {
      if (id < 262_144) assert.equal(tokens[id], types[id] === TokenType.USER_DEFINED ? text.replaceAll(SPACE, ' ') : text, `token ${id}`);
    }
    assert.deepEqual(
      [tokens[105], types[105], tokens[106], types[106]],
      ['<start_of_turn>', TokenType.CONTROL, '<end_of_turn>', TokenType.CONTROL],
    );
    assert.deepEqual([types[4], types[6]], [TokenType.CONTROL, TokenType.CONTROL], '<mask>, <unused0> look special to the converter');
    assert.deepEqual([tokens[138], types[138], scores[138]], ['  ', TokenType.USER_DEFINED, -1000]);
    assert.deepEqual([tokens[107], types[107]], ['\n', TokenType.USER_DEFINED]);
    assert.deepEqual([tokens[238], types[238], scores[238]], ['<0x00>', TokenType.BYTE, 0]);
    const counts = new Map<number, number>();
    for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(counts), { 1: 255_474, 3: 6251, 4: 163, 6: 256 });
    // NORMAL pieces score -id: a later piece never outranks an earlier one in llama.cpp's merges.
    assert.deepEqual([scores[506], scores[100_000]], [-506, -100_000]);
  });
  const spec = gemma3Spec({ preset: 'gemma3-270m', weightType: 'Q8_0' });
  assert.equal(
    (spec.metadata['tokenizer.ggml.tokens'] as { value: string[] }).value[9259],
    'Hello',
    'the 270M shape carries the real vocabulary too',
  );
});

test('a config that asks for the real vocabulary with another size is refused', () => {
  assert.throws(
    () => gemma3Spec({ preset: 'rv-small', weightType: 'F32', config: { vocab: 1000 } }),
    /real Gemma 3 vocabulary has 262144 tokens, the config asks for 1000/,
  );
});
