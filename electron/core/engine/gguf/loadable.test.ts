// Model metadata llama.cpp aborts or refuses on is refused by us first, with the key and the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GgufError } from './errors.ts';
import { assertLlamaLoadable, LLAMA_MAX_LAYERS } from './loadable.ts';
import { f32Arr, i32Arr, str, strArr, u32, u32Arr } from './meta.ts';
import { openGgufBuffer } from './reader.ts';
import { GgmlType } from './types.ts';
import { encodeGguf, type MetadataInput } from './writer.ts';

const base = (): Record<string, MetadataInput> => ({
  'general.architecture': str('gemma3'),
  'gemma3.block_count': u32(2),
  'gemma3.context_length': u32(128),
  'gemma3.embedding_length': u32(8),
  'gemma3.feed_forward_length': u32(16),
  'gemma3.attention.head_count': u32(4),
  'gemma3.attention.head_count_kv': u32(2),
  'tokenizer.ggml.tokens': strArr(['<pad>', '<eos>', 'a']),
  'tokenizer.ggml.scores': f32Arr([0, 0, 0]),
  'tokenizer.ggml.token_type': i32Arr([3, 3, 1]),
});

function check(metadata: Record<string, MetadataInput>): void {
  const f = openGgufBuffer(encodeGguf({ metadata, tensors: [{ name: 'w', dims: [8], type: GgmlType.F32, data: new Float32Array(8) }] }));
  assertLlamaLoadable(f);
}

function refuses(change: (m: Record<string, MetadataInput>) => void, pattern: RegExp) {
  const m = base();
  change(m);
  assert.throws(
    () => check(m),
    (e: unknown) => e instanceof GgufError && e.code === 'BAD_METADATA' && pattern.test(e.message),
  );
}

test('a well-formed model passes', () => {
  assert.doesNotThrow(() => check(base()));
});

test('block_count outside 1..512 (llama.cpp GGML_ASSERT in load_hparams)', () => {
  refuses((m) => (m['gemma3.block_count'] = u32(0)), /block_count is 0/);
  refuses((m) => (m['gemma3.block_count'] = u32(LLAMA_MAX_LAYERS + 1)), /1 to 512 layers/);
  refuses((m) => delete m['gemma3.block_count'], /block_count is missing/);
  refuses((m) => (m['gemma3.block_count'] = str('2')), /must be an integer/);
});

test('zero sizes and head counts that do not divide', () => {
  refuses((m) => (m['gemma3.embedding_length'] = u32(0)), /embedding_length is 0/);
  refuses((m) => (m['gemma3.attention.head_count_kv'] = u32(3)), /4 attention heads and 3 KV heads/);
  refuses((m) => (m['gemma3.attention.head_count_kv'] = u32(0)), /and 0 KV heads/);
  refuses((m) => (m['gemma3.attention.head_count'] = u32Arr([4, 4, 4])), /3 entries for 2 layers/);
  // Shapes llama.cpp derives from the metadata must have every dimension ≥ 1 (create_tensor asserts).
  refuses((m) => (m['gemma3.feed_forward_length'] = u32Arr([16, 0])), /feed_forward_length must be at least 1/);
  refuses((m) => (m['gemma3.attention.key_length'] = u32(0)), /key_length is 0; it must be at least 1/);
  refuses(
    (m) => (m['gemma3.attention.head_count'] = u32(16)) && (m['gemma3.attention.head_count_kv'] = u32(16)),
    /key_length is 0 \(embedding_length \/ head_count\)/,
  );
});

test('tokenizer arrays of the wrong type or too short', () => {
  refuses((m) => (m['tokenizer.ggml.scores'] = f32Arr([0, 0])), /scores has 2 entries for 3 tokens/);
  refuses((m) => (m['tokenizer.ggml.token_type'] = u32Arr([3, 3, 1])), /token_type must be an array of i32/);
  refuses((m) => (m['tokenizer.ggml.tokens'] = strArr([])), /tokens is empty/);
  refuses((m) => (m['tokenizer.ggml.tokens'] = strArr(['<pad>', 'a', 'a'])), /holds "a" twice \(tokens 1 and 2\)/);
  refuses((m) => (m['tokenizer.ggml.tokens'] = strArr(['', '[EMPTY_0]', 'a'])), /holds "\[EMPTY_0\]" twice/);
  refuses((m) => (m['tokenizer.ggml.tokens'] = strArr(['<pad>', 'a\0b', 'a'])), /holds "a" twice \(tokens 1 and 2\)/);
  refuses((m) => (m['gemma3.rope.scaling.type'] = str('warp')), /rope\.scaling\.type is "warp"/);
});
