// `npm run glassbox -- forward --model M.gguf (--tokens 2,17,… | --text "…") --out out.safetensors`
// Runs our Gemma 3 engine once and writes, as F32 safetensors:
//   logits        [T, V]   next-token logits at every position
//   resid.<i>     [T, D]   residual stream after block i (llama.cpp's l_out)
//   tokens        [T]      the token ids (as floats), so the file says what it is about
import { loadGemma3, type LinearAdapter } from '../../engine/models/gemma3/index.ts';
import { writeSafetensors, type SafetensorsEntry } from '../../engine/export/safetensors.ts';
import { parseArgs } from 'node:util';
import { loadAdapter } from '../../engine/export/adapter.ts';
import { createModelStep, type ModelStep } from '../../engine/train/model-step.ts';
import { inputFlags, parseThreads, promptIds } from '../flags.ts';

export const summary = 'run the engine on tokens or text; write logits and residuals as safetensors';

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { ...inputFlags, numerics: { type: 'string' }, 'lora-scale': { type: 'string' } },
  });
  if (!values.model || !values.out || (!values.tokens && values.text === undefined)) {
    throw new Error(
      'usage: forward --model M.gguf (--tokens 2,17,… | --text "…") --out out.safetensors [--threads N] [--numerics exact|llama] [--lora A.gguf|peft-folder [--lora-scale S]]',
    );
  }
  if (values.numerics && values.numerics !== 'exact' && values.numerics !== 'llama') throw new Error(`--numerics must be exact or llama`);
  const model = await loadGemma3(values.model, {
    threads: parseThreads(values.threads),
    numerics: values.numerics as 'exact' | 'llama' | undefined,
  });
  let step: ModelStep | undefined;
  try {
    // --lora: y += scale·(alpha/r)·B(A·x) on every adapted projection, as llama.cpp applies an adapter
    const adapter = values.lora ? loadAdapter(values.lora) : undefined;
    const loraScale = values['lora-scale'] === undefined ? 1 : Number(values['lora-scale']);
    if (!Number.isFinite(loraScale)) throw new Error('--lora-scale must be a number');
    if (adapter) step = await createModelStep(model);
    const tokens = promptIds(values, (text) => model.tokenize(text));
    const fwd = (adapters?: ReadonlyMap<string, LinearAdapter>) =>
      model.forward(tokens, { logitPositions: 'all', capture: { names: ['l_out'] }, adapters });
    const { logits, activations } = adapter && step ? step.withAdapter({ ...adapter, alpha: adapter.alpha * loraScale }, fwd) : fwd();
    const { vocab: V, hidden: D, layers: L } = model.config;
    const T = tokens.length;
    const entries: SafetensorsEntry[] = [
      { name: 'tokens', shape: [T], data: Float32Array.from(tokens) },
      { name: 'logits', shape: [T, V], data: logits },
    ];
    for (let l = 0; l < L; l++) entries.push({ name: `resid.${l}`, shape: [T, D], data: activations[`l_out.${l}`].data });
    writeSafetensors(values.out, entries, { model: values.model, engine: 'glassbox-gemma3' });
    console.log(`wrote ${values.out}: tokens [${T}], logits [${T}, ${V}], resid.0…${L - 1} [${T}, ${D}]`);
  } finally {
    step?.dispose();
    model.dispose();
  }
}
