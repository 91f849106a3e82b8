// Multi-turn chats with a system prompt, on the real Gemma 3 vocabulary: our engine's prompt ids equal
// what llama.cpp gets from node-llama-cpp, both through the Gemma chat wrapper the Chat screen uses
// (the app's own promptTokens) and through the model's jinja chat template.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  getLlama,
  JinjaTemplateChatWrapper,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatHistoryItem,
  type Llama,
  type LlamaModel,
} from 'node-llama-cpp';
import { openGguf } from '../../engine/gguf/index.ts';
import { ensureRealVocabModel } from '../../../../test-support/models.ts';
import { promptTokens } from './prompt.ts';
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
  { name: 'one turn', system: 'Système: répondez en français.', turns: [{ role: 'user', content: 'Bonjour, ça va ?' }] },
];

// The chat template trims messages; these have none to trim, so both formats see the same words.
const messagesOf = (c: Chat): ChatMessage[] => [
  { role: 'system', content: c.system },
  ...c.turns.map((t): ChatMessage => ({ role: t.role === 'user' ? 'user' : 'model', content: t.content })),
];

let llama: Llama;
let lm: LlamaModel;
let tok: Tokenizer;
before(async () => {
  const path = await ensureRealVocabModel('small');
  llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error });
  lm = await llama.loadModel({ modelPath: path, vocabOnly: true });
  const file = openGguf(path);
  tok = new Tokenizer(file.metadata);
  file.close();
});
after(async () => {
  await lm?.dispose();
  await llama?.dispose();
});

test("node-llama-cpp's Gemma wrapper, as the Chat screen formats a thread, and our engine give the same ids", () => {
  const wrapper = resolveChatWrapper(lm);
  assert.equal(wrapper.wrapperName, 'Gemma', 'the app resolves the Gemma wrapper for the real-vocabulary model');
  for (const c of CHATS) {
    const theirs: number[] = promptTokens(lm, wrapper, c.system, c.turns).map(Number);
    const ours = encodeGemma3Chat(tok, messagesOf(c), { format: 'node-llama-cpp' });
    assert.deepEqual(ours, theirs, c.name);
    assert.equal(
      ours.filter((t) => t === 105).length,
      1 + Math.ceil(c.turns.length / 2) + Math.floor(c.turns.length / 2),
      `${c.name}: one turn marker per turn`,
    );
  }
});

test("the model's jinja chat template (rendered by node-llama-cpp) and our engine give the same ids", () => {
  const template = lm.fileInfo.metadata.tokenizer.chat_template;
  assert.equal(typeof template, 'string');
  const wrapper = new JinjaTemplateChatWrapper({ template: template! });
  for (const c of CHATS) {
    const history: ChatHistoryItem[] = [
      { type: 'system', text: c.system },
      ...c.turns.map((t): ChatHistoryItem =>
        t.role === 'user' ? { type: 'user', text: t.content } : { type: 'model', response: [t.content] },
      ),
      { type: 'model', response: [] },
    ];
    const theirs = wrapper.generateContextState({ chatHistory: history }).contextText.tokenize(lm.tokenizer).map(Number);
    assert.deepEqual(encodeGemma3Chat(tok, messagesOf(c), { format: 'template' }), theirs, c.name);
  }
});

test('the two formats differ only in how the system prompt is joined', () => {
  const [c] = CHATS;
  const text = (format: 'template' | 'node-llama-cpp') =>
    gemma3ChatSegments(messagesOf(c), { format })
      .map((s) => s.text)
      .join('');
  assert.equal(text('template'), text('node-llama-cpp').replace(`${c.system}\n\n---\n\n`, `${c.system}\n\n`));
  assert.ok(text('template').startsWith(`<bos><start_of_turn>user\n${c.system}\n\nWhat is`));
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
