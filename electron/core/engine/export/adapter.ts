// Adapter files: a GGUF LoRA adapter for llama.cpp and the PEFT folder for Python tools, and the
// loader that reads either back (a .gguf file, or a folder with adapter_config.json).
//
// PEFT form: adapter_config.json (peft_type LORA, r, lora_alpha, target_modules) and
// adapter_model.safetensors with
//   base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight  [r, in]
//   base_model.model.model.layers.N.self_attn.q_proj.lora_B.weight  [out, r]
// (mlp.gate_proj / up_proj / down_proj for the MLP), which is what `peft` writes for Gemma 3.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openGguf } from '../gguf/reader.ts';
import { loraAdapterSpec, readLoraAdapter, type LoraPair } from '../gguf/lora.ts';
import { writeGguf, type MetadataInput } from '../gguf/writer.ts';
import { readSafetensors, writeSafetensors, type SafetensorsEntry } from './safetensors.ts';

export interface AdapterData {
  rank: number;
  alpha: number;
  pairs: LoraPair[];
}

export interface LoadedAdapter extends AdapterData {
  architecture: string;
  format: 'gguf' | 'peft';
}

const GGUF_TO_PEFT: Record<string, string> = {
  attn_q: 'self_attn.q_proj',
  attn_k: 'self_attn.k_proj',
  attn_v: 'self_attn.v_proj',
  attn_output: 'self_attn.o_proj',
  ffn_gate: 'mlp.gate_proj',
  ffn_up: 'mlp.up_proj',
  ffn_down: 'mlp.down_proj',
};
const PEFT_TO_GGUF = Object.fromEntries(Object.entries(GGUF_TO_PEFT).map(([g, p]) => [p, g]));

/** "blk.3.attn_q.weight" → "base_model.model.model.layers.3.self_attn.q_proj" */
export function peftModuleName(base: string): string {
  const m = /^blk\.(\d+)\.(\w+)\.weight$/.exec(base);
  const mod = m ? GGUF_TO_PEFT[m[2]] : undefined;
  if (!m || !mod) throw new Error(`${base} has no PEFT name (only the q, k, v, o, gate, up, down projections do)`);
  return `base_model.model.model.layers.${m[1]}.${mod}`;
}

export function writeGgufAdapter(
  path: string,
  a: AdapterData,
  opts: { architecture: string; name?: string; metadata?: Record<string, MetadataInput> },
): void {
  writeGguf(
    path,
    loraAdapterSpec({ architecture: opts.architecture, alpha: a.alpha, pairs: a.pairs, name: opts.name, metadata: opts.metadata }),
  );
}

/** Writes the PEFT folder (created if needed); files are written to temporaries and renamed. */
export function writePeftAdapter(dir: string, a: AdapterData, opts: { baseModel?: string } = {}): void {
  mkdirSync(dir, { recursive: true });
  const entries: SafetensorsEntry[] = [];
  const modules = new Set<string>();
  for (const p of a.pairs) {
    const name = peftModuleName(p.base);
    modules.add(name.split('.').pop()!);
    entries.push({ name: `${name}.lora_A.weight`, shape: [p.rank, p.inDim], data: p.a });
    entries.push({ name: `${name}.lora_B.weight`, shape: [p.outDim, p.rank], data: p.b });
  }
  const config = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: opts.baseModel ?? null,
    r: a.rank,
    lora_alpha: a.alpha,
    lora_dropout: 0,
    bias: 'none',
    fan_in_fan_out: false,
    use_rslora: false,
    inference_mode: true,
    target_modules: [...modules].sort(),
  };
  const st = join(dir, 'adapter_model.safetensors');
  writeSafetensors(`${st}.tmp`, entries, { format: 'pt' });
  renameSync(`${st}.tmp`, st);
  writeFileSync(join(dir, 'adapter_config.json.tmp'), JSON.stringify(config, null, 2) + '\n');
  renameSync(join(dir, 'adapter_config.json.tmp'), join(dir, 'adapter_config.json'));
}

export function readPeftAdapter(dir: string): LoadedAdapter {
  const cfgPath = join(dir, 'adapter_config.json');
  if (!existsSync(cfgPath)) throw new Error(`${dir} has no adapter_config.json: not a PEFT adapter folder`);
  const cfg = JSON.parse(readFileSync(cfgPath, 'utf8')) as { peft_type?: string; r?: number; lora_alpha?: number; use_rslora?: boolean };
  if (cfg.peft_type !== 'LORA') throw new Error(`${cfgPath}: peft_type is ${String(cfg.peft_type)}, only LORA is supported`);
  if (!(Number.isInteger(cfg.r) && cfg.r! > 0 && Number(cfg.lora_alpha) > 0))
    throw new Error(`${cfgPath}: r and lora_alpha must be positive`);
  if (cfg.use_rslora) throw new Error(`${cfgPath}: rsLoRA scaling (alpha/√r) is not what llama.cpp applies; not supported`);
  const tensors = readSafetensors(readFileSync(join(dir, 'adapter_model.safetensors')));
  const pairs: LoraPair[] = [];
  for (const [name, ta] of Object.entries(tensors)) {
    const m = /^base_model\.model\.model\.layers\.(\d+)\.(self_attn\.\w+|mlp\.\w+)\.lora_A\.weight$/.exec(name);
    if (!m) {
      if (!/\.lora_B\.weight$/.test(name)) throw new Error(`${dir}: unexpected tensor ${name}`);
      continue;
    }
    const gg = PEFT_TO_GGUF[m[2]];
    if (!gg) throw new Error(`${dir}: ${name} adapts ${m[2]}, which is not one of the seven projections`);
    const tb = tensors[name.replace('.lora_A.', '.lora_B.')];
    if (!tb) throw new Error(`${dir}: ${name} has no matching lora_B`);
    const [rank, inDim] = ta.shape;
    const [outDim, rankB] = tb.shape;
    if (rank !== cfg.r || rankB !== cfg.r) throw new Error(`${dir}: ${name} has rank ${rank}/${rankB}, the config says r = ${cfg.r}`);
    pairs.push({ base: `blk.${m[1]}.${gg}.weight`, inDim, outDim, rank, a: ta.data, b: tb.data });
  }
  if (pairs.length === 0) throw new Error(`${dir}: the adapter has no LoRA tensors`);
  return { architecture: 'gemma3', format: 'peft', rank: cfg.r!, alpha: Number(cfg.lora_alpha), pairs };
}

/** Reads a GGUF adapter file or a PEFT folder. */
export function loadAdapter(path: string): LoadedAdapter {
  if (statSync(path).isDirectory()) return readPeftAdapter(path);
  const f = openGguf(path);
  try {
    const r = readLoraAdapter(f);
    return { architecture: r.architecture, format: 'gguf', rank: r.rank, alpha: r.alpha, pairs: r.pairs };
  } finally {
    f.close();
  }
}

/**
 * Checks an adapter against a model file before llama.cpp is asked to load it (llama.cpp's own
 * refusal is a bare "failed to apply lora adapter"): same architecture, every adapted tensor
 * present with the adapter's [in, out]. Throws an Error that says what does not fit.
 */
export function checkAdapterMatchesModel(adapterPath: string, modelPath: string): LoadedAdapter {
  const a = loadAdapter(adapterPath);
  const f = openGguf(modelPath);
  try {
    const arch = String(f.metadata['general.architecture'] ?? '');
    if (a.architecture && arch !== a.architecture) {
      throw new Error(`the adapter is for a ${a.architecture} model, this model is ${arch || 'of unknown architecture'}`);
    }
    for (const p of a.pairs) {
      const t = f.tensor(p.base);
      if (!t) throw new Error(`the adapter adapts ${p.base}, which this model does not have (made for another model)`);
      if (t.dims[0] !== p.inDim || t.dims[1] !== p.outDim) {
        throw new Error(
          `the adapter's ${p.base} is [in ${p.inDim}, out ${p.outDim}] but the model's is [in ${t.dims[0]}, out ${t.dims[1]}]: the adapter was made for another model`,
        );
      }
    }
    return a;
  } finally {
    f.close();
  }
}
