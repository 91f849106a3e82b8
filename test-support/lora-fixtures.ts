// Fixtures shared by the LoRA adapter tests (engine/export/adapter.test.ts), the must-show
// (finetune/teach.test.ts) and the fine-tune e2e: a temporary folder, llama.cpp on the CPU, the
// `glassbox` command line, greedy decoding through llama.cpp with or without an adapter, and the
// generated dataset that teaches a behaviour no base model has (one fixed answer to every question).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, type Llama, type LlamaModel } from 'node-llama-cpp';
import { REPO_ROOT } from './models.ts';

/** A fresh temporary folder and its removal (call `remove` from `after`). */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** llama.cpp as the tests run it: CPU only, at most 2 threads, quiet. */
export function testLlama(): Promise<Llama> {
  return getLlama({ gpu: false, maxThreads: 2, logLevel: 'error' as never });
}

/** node arguments that run the `glassbox` command line (for spawn / spawnSync). */
export const GLASSBOX_CLI = ['--import', 'tsx', join(REPO_ROOT, 'electron/core/cli/glassbox.ts')];

/** Runs `glassbox <args>` to completion in the repository root. */
export function glassbox(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...GLASSBOX_CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
}

/** The `step {…}` lines `glassbox train` prints, as their losses. */
export function trainLosses(stdout: string): number[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('step '))
    .map((l) => (JSON.parse(l.slice(5)) as { loss: number }).loss);
}

const END_OF_TURN = 106;
const EOS = 1;

/**
 * llama.cpp's greedy reply to one user turn (Gemma 3's chat format, as the app sends it), with the
 * GGUF adapter applied at scale 1 when given; stops at <end_of_turn>, EOS or maxTokens.
 */
export async function greedyReply(model: LlamaModel, adapter: string | undefined, text: string, maxTokens = 12): Promise<string> {
  const ctx = await model.createContext({
    contextSize: 128,
    threads: 2,
    ...(adapter ? { lora: { adapters: [{ filePath: adapter, scale: 1 }] } } : {}),
  });
  try {
    const ids = [model.tokens.bos!, ...model.tokenize(`<start_of_turn>user\n${text}<end_of_turn>\n<start_of_turn>model\n`, true)];
    const out: number[] = [];
    for await (const t of ctx.getSequence().evaluate(ids, { temperature: 0 })) {
      if (Number(t) === END_OF_TURN || Number(t) === EOS || out.length >= maxTokens) break;
      out.push(Number(t));
    }
    return model.detokenize(out as never);
  } finally {
    await ctx.dispose();
  }
}

/** The taught behaviour: every question gets this one sentence. */
export const TEACH_ANSWER = 'the water is blue';
/** Words of the questions: the first 12 train, the rest are held out. */
export const TEACH_WORDS = [
  'time',
  'people',
  'number',
  'way',
  'word',
  'water',
  'first',
  'find',
  'look',
  'make',
  'call',
  'write',
  'see',
  'many',
];
export const teachPrompt = (word: string, i: number): string => `what about ${word} ${i % 2 ? 'now' : 'then'}`;
/** Held-out questions (not in the training rows). */
export const TEACH_HELD_OUT = [teachPrompt(TEACH_WORDS[12], 12), teachPrompt(TEACH_WORDS[13], 13), 'what about people then'];

/** The training rows as OpenAI chat `messages` JSONL lines. */
export function teachJsonl(count = 12): string {
  return (
    TEACH_WORDS.slice(0, count)
      .map((w, i) =>
        JSON.stringify({
          messages: [
            { role: 'user', content: teachPrompt(w, i) },
            { role: 'assistant', content: TEACH_ANSWER },
          ],
        }),
      )
      .join('\n') + '\n'
  );
}

/** Writes teachJsonl() into `dir` and returns its path. */
export function writeTeachDataset(dir: string, count = 12): string {
  const path = join(dir, 'teach.jsonl');
  writeFileSync(path, teachJsonl(count));
  return path;
}
