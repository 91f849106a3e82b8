// `npm run glassbox -- tokenize --model M.gguf (--text "…" | --file F) [--no-bos] [--special] [--pieces]`
// Prints the token ids of the text as a JSON array, tokenized by our engine's tokenizer from the model's
// own vocabulary (only the GGUF metadata is read, not the weights). As llama.cpp: BOS is added when the
// model asks for it (add_bos_token) unless --no-bos; control tokens written in the text (<start_of_turn>)
// are parsed only with --special, otherwise they are plain characters. --pieces prints one line per token
// instead: id, then the token as the inspectors show it. A --file is read verbatim (UTF-8).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openGguf } from '../../engine/gguf/index.ts';
import { Tokenizer } from '../../engine/models/gemma3/tokenizer.ts';

export const summary = 'print the token ids of a text (or file) as a JSON array';

const USAGE = 'usage: tokenize --model M.gguf (--text "…" | --file F) [--no-bos] [--special] [--pieces]';

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      text: { type: 'string' },
      file: { type: 'string' },
      'no-bos': { type: 'boolean', default: false },
      special: { type: 'boolean', default: false },
      pieces: { type: 'boolean', default: false },
    },
  });
  if (!values.model || (values.text === undefined) === (values.file === undefined)) throw new Error(USAGE);
  const text = values.file !== undefined ? readText(values.file) : values.text!;
  const file = openGguf(values.model);
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(file.metadata);
  } finally {
    file.close();
  }
  const ids = tokenizer.encode(text, { addBos: values['no-bos'] ? false : tokenizer.addBos, special: values.special });
  if (!values.pieces) {
    process.stdout.write(`${JSON.stringify(ids)}\n`);
    return;
  }
  for (const id of ids) {
    const d = tokenizer.display(id);
    process.stdout.write(`${String(id).padStart(6)}  ${d.marked ? `[${d.kind}] ` : ''}${d.text}\n`);
  }
}

function readText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`--file: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`--file: ${path} is not UTF-8 text`);
  }
}
