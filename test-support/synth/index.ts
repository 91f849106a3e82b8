// Synthetic Gemma 3 models: presets, vocabulary, chat template, deterministic generator.
export { PRESETS, GENERATOR_VERSION, DEFAULT_SEED, isSlidingLayer, type Gemma3Config, type PresetName } from './presets.ts';
export {
  generateGemma3,
  gemma3Spec,
  gemma3Metadata,
  gemma3TensorShapes,
  tensorValues,
  tensorTypeFor,
  initFor,
  modelFileName,
  vocabFor,
  resolveConfig,
  type GenerateOptions,
  type WeightType,
} from './generate.ts';
export { buildVocab, TokenType, SPACE, type Vocab } from './vocab.ts';
export { GEMMA3_CHAT_TEMPLATE } from './chat-template.ts';
export { gemma3Vocab, gemma3TokenizerFiles, looksSpecial, GEMMA3_VOCAB_SIZE, type Gemma3Vocab } from './gemma3-vocab.ts';
export { Rng, hashString } from './prng.ts';
