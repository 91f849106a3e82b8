// Multi-turn chats with a system prompt, on the real Gemma 3 vocabulary: the prompt the Chat screen
// sends to llama.cpp (the model's own jinja chat template, rendered by node-llama-cpp) and our engine's
// chat template give identical token ids, and our prompt text is what Hugging Face's jinja renders from
// the template on the messages themselves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
// The jinja engine node-llama-cpp itself depends on; here it renders the template on the real messages
// (node-llama-cpp renders it around placeholders), so the template's own `trim` is exercised.
import { Template } from '@huggingface/jinja';
import { getLlama, LlamaLogLevel, resolveChatWrapper, type Llama, type LlamaModel } from 'node-llama-cpp';
import { openGguf } from '../../engine/gguf/index.ts';
import { ensureRealVocabModel } from '../../../../test-support/models.ts';
import { chatWrapperFor, promptTokens } from './prompt.ts';
import type { Turn } from './types.ts';
import { Tokenizer } from '../../engine/models/gemma3/tokenizer.ts';
import { encodeGemma3Chat, gemma3ChatSegments, type ChatMessage } from '../../engine/models/gemma3/tokenizer-chat.ts';

interface Chat {
  name: string;
  system: string;
  turns: Turn[];
}

const CHATS: Chat[] = [
  {
    name: 'three user turns',
    system: 'You are a terse assistant. Answer in one sentence.',
    turns: [
      { role: 'user', content: 'What is the capital of France?' },
      { role: 'assistant', content: 'Paris.' },
      { role: 'user', content: 'And of Japan? Write it in kanji too.' },
      { role: 'assistant', content: 'Tokyo (東京).' },
      { role: 'user', content: 'Thanks! 🙂' },
    ],
  },
  {
    name: 'code, tabs and a control token written as text',
    system: 'Review code.\nBe kind.',
    turns: [
      { role: 'user', content: 'Is this ok?\n\nfor x in xs:\n\tprint(x)  # two spaces' },
      { role: 'assistant', content: 'Yes, though `print` in a loop is slow.' },
      { role: 'user', content: 'My prompt had <start_of_turn>user in it, is that a problem?' },
    ],
  },
  { name: 'one turn', system: 'Système: répondez en français.', turns: [{ role: 'user', content: '  Bonjour, ça va ?\n' }] },
];

const messagesOf = (c: Chat): ChatMessage[] => [
  { role: 'system', content: c.system },
  ...c.turns.map((t): ChatMessage => ({ role: t.role === 'user' ? 'user' : 'model', content: t.content })),
];

let llama: Llama;
let lm: LlamaModel;
let tok: Tokenizer;
let template: string;
before(async () => {
  const path = await ensureRealVocabModel('small');
  llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error });
  lm = await llama.loadModel({ modelPath: path, vocabOnly: true });
  const file = openGguf(path);
  tok = new Tokenizer(file.metadata);
  file.close();
  template = lm.fileInfo.metadata.tokenizer.chat_template!;
  assert.equal(typeof template, 'string', 'the real-vocabulary model carries a chat template');
});
after(async () => {
  await lm?.dispose();
  await llama?.dispose();
});

test("the Chat screen's prompt (the model's template, rendered by node-llama-cpp) and our engine give the same ids", () => {
  const wrapper = chatWrapperFor(lm);
  assert.equal(wrapper.wrapperName, 'JinjaTemplate', "the app renders the model's own template");
  for (const c of CHATS) {
    const theirs: number[] = promptTokens(lm, wrapper, c.system, c.turns).map(Number);
    const ours = encodeGemma3Chat(tok, messagesOf(c));
    assert.deepEqual(ours, theirs, c.name);
    assert.equal(
      ours.filter((t) => t === 105).length,
      Math.ceil(c.turns.length / 2) + Math.floor(c.turns.length / 2) + 1,
      `${c.name}: one turn marker per turn and one for the open model turn`,
    );
  }
});

test("our engine's prompt text is Hugging Face's rendering of the model's template", () => {
  const jinja = new Template(template);
  for (const c of CHATS) {
    const messages = messagesOf(c).map((m) => ({ role: m.role === 'model' ? 'assistant' : m.role, content: m.content }));
    const rendered = jinja.render({ messages, bos_token: '<bos>', eos_token: '<eos>', add_generation_prompt: true });
    const ours = gemma3ChatSegments(messagesOf(c))
      .map((s) => s.text)
      .join('');
    assert.equal(ours, rendered, c.name);
  }
});

test('the system prompt opens the first user turn followed by a blank line, not the "---" of the Gemma wrapper', () => {
  const [c] = CHATS;
  const text = gemma3ChatSegments(messagesOf(c))
    .map((s) => s.text)
    .join('');
  assert.ok(text.startsWith(`<bos><start_of_turn>user\n${c.system}\n\nWhat is`), text.slice(0, 120));
  const app = lm.detokenize(promptTokens(lm, chatWrapperFor(lm), c.system, c.turns), true);
  assert.ok(!app.includes('---'), "the app does not use the Gemma wrapper's separator");
  // What node-llama-cpp alone would pick, kept here so a version that changes it is noticed.
  const guessed = lm.detokenize(promptTokens(lm, resolveChatWrapper(lm), c.system, c.turns), true);
  assert.ok(guessed.includes(`${c.system}\n\n---\n\n`), 'resolveChatWrapper still guesses the Gemma wrapper');
});

test('message text is never parsed for control tokens; the template text is', () => {
  const ids = encodeGemma3Chat(tok, [{ role: 'user', content: '<end_of_turn>' }]);
  assert.deepEqual(ids.slice(0, 3), [2, 105, tok.idOf('user')]);
  assert.equal(ids.filter((t) => t === 106).length, 1, 'only the template closes the turn');
  assert.equal(tok.decode(ids, { special: true }), '<bos><start_of_turn>user\n<end_of_turn><end_of_turn>\n<start_of_turn>model\n');
});

test('a chat the template cannot express is refused with a clear error', () => {
  assert.throws(() => gemma3ChatSegments([{ role: 'model', content: 'hi' }]), /roles must alternate/);
  assert.throws(
    () =>
      gemma3ChatSegments([
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
      ]),
    /message 2 is 'user'/,
  );
});
