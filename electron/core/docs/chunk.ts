// Splits a document into chunks of at most `maxTokens` tokens (counted by the model's own tokenizer)
// at the largest boundary that fits: paragraphs, else sentences, else words. Chunks are packed
// greedily, so a document becomes as few chunks as its boundaries allow; every chunk is re-counted
// as a whole, so the limit holds even where tokens merge across a join.

export type CountTokens = (text: string) => number;

export interface Chunk {
  index: number;
  text: string;
  tokens: number;
}

const PARAGRAPH = /\n[ \t]*\n+/;
// A sentence ends at . ! ? (or their CJK forms) followed by space, keeping the mark with the sentence.
const SENTENCE = /(?<=[.!?。！？])\s+/;

export function chunkByTokens(text: string, maxTokens: number, count: CountTokens): Chunk[] {
  if (maxTokens < 8) throw new Error(`chunks of ${maxTokens} tokens are too small to summarize`);
  const pieces = text
    .split(PARAGRAPH)
    .map((p) => p.trim())
    .filter(Boolean)
    .flatMap((p) => fit(p, maxTokens, count, 0));
  const chunks: Chunk[] = [];
  let current: string[] = [];
  let currentTokens = 0;
  const push = () => {
    if (current.length === 0) return;
    const text = current.join('\n\n');
    chunks.push({ index: chunks.length, text, tokens: count(text) });
    current = [];
    currentTokens = 0;
  };
  for (const piece of pieces) {
    const tokens = count(piece.text);
    if (current.length > 0 && currentTokens + tokens + 2 > maxTokens) push();
    current.push(piece.text);
    currentTokens += tokens + 2;
    // Re-count the whole: joins can merge or split tokens.
    if (current.length > 1) {
      const joined = current.join('\n\n');
      const real = count(joined);
      if (real > maxTokens) {
        current.pop();
        push();
        current.push(piece.text);
        currentTokens = tokens;
      } else currentTokens = real;
    }
  }
  push();
  return chunks;
}

/** A paragraph that fits, or its sentences (then words) grouped to fit. */
function fit(text: string, maxTokens: number, count: CountTokens, level: 0 | 1 | 2): { text: string }[] {
  if (count(text) <= maxTokens) return [{ text }];
  const parts = level === 0 ? text.split(SENTENCE) : level === 1 ? text.split(/(?<=\s)/) : [...text];
  if (parts.length <= 1) return level < 2 ? fit(text, maxTokens, count, (level + 1) as 1 | 2) : [{ text }];
  // Pack the smaller parts back together up to the limit (joined with a space for sentences).
  const sep = level === 0 ? ' ' : '';
  const out: { text: string }[] = [];
  let cur = '';
  for (const part of parts) {
    const next = cur ? cur + sep + part : part;
    if (cur && count(next) > maxTokens) {
      out.push(...fit(cur, maxTokens, count, Math.min(2, level + 1) as 1 | 2));
      cur = part;
    } else cur = next;
  }
  if (cur) out.push(...(count(cur) <= maxTokens ? [{ text: cur }] : fit(cur, maxTokens, count, Math.min(2, level + 1) as 1 | 2)));
  return out;
}
