// What the engine commands (forward, grad) read alike: the model, its input as token ids or as text,
// the output file, threads and an adapter (train reads --threads here too). Bad input throws an
// error that names the flag.
import type { ParseArgsOptionsConfig } from 'node:util';

/** The flags forward and grad share; each command adds its own. */
export const inputFlags = {
  model: { type: 'string' },
  tokens: { type: 'string' },
  text: { type: 'string' },
  out: { type: 'string' },
  threads: { type: 'string' },
  lora: { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

/** `2,17,40` → [2, 17, 40]; a part that is not a whole number ≥ 0 is named with its flag. */
export function parseIds(flag: string, s: string): number[] {
  return s.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag}: '${part}' is not a token id`);
    return n;
  });
}

/** --threads: absent means the engine's default. */
export function parseThreads(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`--threads must be a positive integer`);
  return n;
}

/** The prompt's ids: --tokens as given, else --text through the model's own tokenizer. */
export function promptIds(values: { tokens?: string; text?: string }, tokenize: (text: string) => number[]): number[] {
  return values.tokens ? parseIds('--tokens', values.tokens) : tokenize(values.text ?? '');
}
