// `npm run glassbox -- grad --model M.gguf (--tokens 2,17,… | --text "…") [--target "…" | --target-tokens …] --out grads.safetensors`
// One forward + backward through our Gemma 3 engine. The loss is the mean next-token cross-entropy
// over all positions, or, with a target, over the target tokens only (appended after the prompt).
// With --lora A.gguf (or a PEFT folder): the gradients of the adapter's tensors only, named as in the
// GGUF adapter (blk.N.attn_q.weight.lora_a [r, in], ….lora_b [out, r]: PEFT's layouts), the base frozen.
// Writes, as F32 safetensors:
//   loss                 [1]
//   tokens               [T]      prompt (+ target) token ids, as floats
//   loss_positions       [P]      positions whose next-token prediction carries the loss
//   <GGUF tensor name>   dL/dW for every weight, e.g. blk.0.attn_q.weight [H·Dh, D], blk.0.attn_norm.weight [D]
//                        (matrices as [rows = out, cols = in], i.e. GGUF's ne reversed, numpy order)
import { parseArgs } from 'node:util';
import { completionTargets, computeGradients, loadGemma3, nextTokenTargets } from '../../engine/models/gemma3/index.ts';
import { writeSafetensors, type SafetensorsEntry } from '../../engine/export/safetensors.ts';
import { loadAdapter } from '../../engine/export/adapter.ts';
import { createModelStep } from '../../engine/train/model-step.ts';
import { inputFlags, parseIds, parseThreads, promptIds } from '../flags.ts';

export const summary = 'loss and the gradient of every weight (named by GGUF tensor name) as safetensors';

const USAGE =
  'usage: grad --model M.gguf (--tokens 2,17,… | --text "…") [--target "…" | --target-tokens 5,9,…] --out grads.safetensors [--threads N] [--lora A.gguf|peft-folder]';

type SequenceFlags = { tokens?: string; text?: string; target?: string; 'target-tokens'?: string };

/** The prompt (ids or text) and the optional target appended after it, as one sequence. */
function promptAndTarget(g: Awaited<ReturnType<typeof loadGemma3>>, values: SequenceFlags) {
  const prompt = promptIds(values, (text) => g.tokenize(text));
  const target = values['target-tokens']
    ? parseIds('--target-tokens', values['target-tokens'])
    : values.target !== undefined
      ? g.tokenize(values.target, { addBos: false })
      : [];
  const tokens = [...prompt, ...target];
  if (tokens.length < 2) throw new Error('need at least 2 tokens in all (a loss predicts a next token)');
  return { prompt, target, tokens };
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { ...inputFlags, target: { type: 'string' }, 'target-tokens': { type: 'string' } },
  });
  if (!values.model || !values.out || (!values.tokens && values.text === undefined)) throw new Error(USAGE);
  if (values.target !== undefined && values['target-tokens']) throw new Error('give --target or --target-tokens, not both');
  const threads = parseThreads(values.threads);

  // exact numerics and float Q8_0 inputs: the forward the backward differentiates
  const g = await loadGemma3(values.model, { threads, numerics: 'exact', q8Activations: false });
  if (values.lora) {
    try {
      await loraGrads(g, values.lora, values.out, values);
    } finally {
      g.dispose();
    }
    return;
  }
  try {
    const { prompt, target, tokens } = promptAndTarget(g, values);
    if (values.target !== undefined && target.length === 0) throw new Error('--target tokenized to nothing');
    const targets = target.length > 0 ? completionTargets(tokens, prompt.length) : undefined;
    const { report, grads } = computeGradients(g.model, { tokens, targets });

    const entries: SafetensorsEntry[] = [
      { name: 'loss', shape: [1], data: Float32Array.of(report.loss) },
      { name: 'tokens', shape: [tokens.length], data: Float32Array.from(tokens) },
      { name: 'loss_positions', shape: [report.targets.positions.length], data: Float32Array.from(report.targets.positions) },
    ];
    for (const spec of grads.specs) {
      const d = grads.get(spec.name);
      entries.push({
        name: spec.name,
        shape: spec.rows === 1 ? [spec.cols] : [spec.rows, spec.cols],
        data: d instanceof Float32Array ? d : Float32Array.from(d),
      });
    }
    writeSafetensors(values.out, entries, { model: values.model, engine: 'glassbox-gemma3', loss: String(report.loss) });
    const top = [...report.perTensor].sort((a, b) => b.gradNorm - a.gradNorm).slice(0, 3);
    console.log(
      `wrote ${values.out}: loss ${report.loss.toFixed(6)} over ${report.targets.positions.length} positions, ` +
        `${grads.specs.length} gradients (largest ‖g‖: ${top.map((t) => `${t.name} ${t.gradNorm.toExponential(2)}`).join(', ')}); ` +
        `forward ${report.timing.forward.toFixed(0)} ms, backward ${report.timing.backward.toFixed(0)} ms`,
    );
  } finally {
    g.dispose();
  }
}

async function loraGrads(
  g: Awaited<ReturnType<typeof loadGemma3>>,
  loraPath: string,
  out: string,
  values: SequenceFlags & { model?: string },
): Promise<void> {
  const adapter = loadAdapter(loraPath);
  const step = await createModelStep(g);
  try {
    const { prompt, target, tokens } = promptAndTarget(g, values);
    const loss = target.length > 0 ? completionTargets(tokens, prompt.length) : nextTokenTargets(tokens);
    const t0 = performance.now();
    const r = await step.lossAndGrads(adapter, [{ tokens, loss }]);
    const entries: SafetensorsEntry[] = [
      { name: 'loss', shape: [1], data: Float32Array.of(r.loss) },
      { name: 'tokens', shape: [tokens.length], data: Float32Array.from(tokens) },
      { name: 'loss_positions', shape: [loss.positions.length], data: Float32Array.from(loss.positions) },
    ];
    for (const p of adapter.pairs) {
      const gr = r.grads.get(p.base)!;
      entries.push({ name: `${p.base}.lora_a`, shape: [p.rank, p.inDim], data: gr.a });
      entries.push({ name: `${p.base}.lora_b`, shape: [p.outDim, p.rank], data: gr.b });
    }
    writeSafetensors(out, entries, { model: values.model ?? '', adapter: loraPath, engine: 'glassbox-gemma3', loss: String(r.loss) });
    console.log(
      `wrote ${out}: loss ${r.loss.toFixed(6)} over ${loss.positions.length} positions, gradients of ${adapter.pairs.length} LoRA pairs in ${(performance.now() - t0).toFixed(0)} ms`,
    );
  } finally {
    step.dispose();
  }
}
