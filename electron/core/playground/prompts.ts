// The words the model sees. Kept in one file so a user (or a test) can read exactly what is asked.
import type { Label, SummaryLength, SummaryStyle } from '../api/playground.ts';

export const DEFAULT_TAG_INSTRUCTION = 'Classify the text.';

/**
 * The tagging prompt. The item's text comes last, so every item of a batch shares the prompt up to
 * it: that prefix is evaluated once and copied to every sequence.
 */
export function tagPrompt(labels: readonly Label[], multiLabel: boolean, instruction: string, text: string): string {
  const list = labels.map((l) => `- ${l.name}${l.description?.trim() ? `: ${l.description.trim()}` : ''}`).join('\n');
  return [
    instruction.trim() || DEFAULT_TAG_INSTRUCTION,
    multiLabel ? 'Choose every label that applies, from this list:' : 'Choose exactly one label from this list:',
    list,
    'Answer with JSON: {"labels": [...]}.',
    '',
    'Text:',
    text,
  ].join('\n');
}

/**
 * The answer's start, written for the model (every answer starts so): only the
 * label names and the separators between them are generated, each token of them under the grammar.
 */
export const TAG_ANSWER_START = '{"labels": ["';

/**
 * GBNF for the rest of the answer: listed labels only (as JSON string contents), one when single-label,
 * at most as many as there are labels when multi-label (repeats are dropped afterwards: a grammar
 * cannot say "distinct"), then the closing `"]}`.
 */
export function tagGrammar(labels: readonly Label[], multiLabel: boolean): string {
  const literal = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const names = labels.map((l) => literal(JSON.stringify(l.name).slice(1, -1))).join(' | ');
  const more = multiLabel && labels.length > 1 ? ` (${literal('", "')} label){0,${labels.length - 1}}` : '';
  return [`root ::= label${more} ${literal('"]}')}`, `label ::= ${names}`].join('\n');
}

export const SUMMARY_TOKENS: Record<SummaryLength, number> = { short: 96, medium: 200, long: 400 };
const LENGTH_WORDS: Record<SummaryLength, string> = {
  short: 'in two or three sentences',
  medium: 'in one paragraph',
  long: 'in several paragraphs',
};
const STYLE_WORDS: Record<SummaryStyle, string> = {
  paragraph: 'as plain prose',
  bullets: 'as a bulleted list of the key points',
  tldr: 'as a one-line TL;DR followed by the essentials',
};

export function summaryPrompt(text: string, length: SummaryLength, style: SummaryStyle): string {
  return `Summarize the following document ${LENGTH_WORDS[length]}, ${STYLE_WORDS[style]}.\n\n${text}`;
}

/** Map step: one chunk of a longer document. */
export function chunkPrompt(text: string, index: number, total: number): string {
  return `This is part ${index + 1} of ${total} of a longer document. Summarize this part in a few sentences, keeping names, numbers and conclusions.\n\n${text}`;
}

/** Reduce step: partial summaries of consecutive parts. */
export function reducePrompt(summaries: string, length: SummaryLength, style: SummaryStyle, final: boolean): string {
  return final
    ? `These are summaries of consecutive parts of one document. Write a single summary of the whole document ${LENGTH_WORDS[length]}, ${STYLE_WORDS[style]}.\n\n${summaries}`
    : `These are summaries of consecutive parts of one document. Combine them into one shorter summary that keeps the key points.\n\n${summaries}`;
}
