// Tokens as the inspectors show them, on Gemma 3's real vocabulary.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openGguf } from '../../gguf/index.ts';
import { ensureRealVocabModel } from '../../../../../test-support/models.ts';
import { Tokenizer } from './tokenizer.ts';
import { displayToken, escapeTokenText, TokenType } from './tokenizer-display.ts';

let tok: Tokenizer;
before(async () => {
  const file = openGguf(await ensureRealVocabModel('small'));
  tok = new Tokenizer(file.metadata);
  file.close();
});

test('word pieces keep SentencePiece\'s visible space: "▁the"', () => {
  const ids = tok.encode('Hello the world', { addBos: false });
  assert.deepEqual(
    ids.map((id) => tok.display(id).text),
    ['Hello', '▁the', '▁world'],
  );
  assert.deepEqual(
    ids.map((id) => tok.display(id).kind),
    ['normal', 'normal', 'normal'],
  );
});

test('byte-fallback tokens show their byte: <0x0A> as \\n, bytes of a UTF-8 character as \\xHH', () => {
  const nl = tok.idOf('<0x0A>')!;
  assert.deepEqual(tok.display(nl), { text: '\\n', kind: 'byte', marked: false, byte: 0x0a });
  assert.deepEqual(tok.display(tok.idOf('<0x41>')!), { text: 'A', kind: 'byte', marked: false, byte: 0x41 });
  assert.deepEqual(tok.display(tok.idOf('<0x07>')!).text, '\\x07');
  // A character outside the vocabulary falls back to its UTF-8 bytes, shown one by one.
  const ids = tok.encode('\u{10FFFD}', { addBos: false });
  assert.deepEqual(
    ids.map((id) => tok.display(id).text),
    ['\\xF4', '\\x8F', '\\xBF', '\\xBD'],
  );
  assert.ok(ids.every((id) => tok.typeOf(id) === TokenType.BYTE));
});

test('control tokens are marked; user-defined runs of whitespace are escaped, not marked', () => {
  assert.deepEqual(tok.display(105), { text: '<start_of_turn>', kind: 'control', marked: true });
  assert.deepEqual(tok.display(2), { text: '<bos>', kind: 'control', marked: true });
  const [two, lines, tab] = tok.encode('a  b\n\nc\td', { addBos: false }).filter((id) => tok.typeOf(id) === TokenType.USER_DEFINED);
  assert.deepEqual(tok.display(two), { text: '▁▁', kind: 'user-defined', marked: false });
  assert.equal(tok.display(lines).text, '\\n\\n');
  assert.equal(tok.display(tab).text, '\\t');
  assert.deepEqual(tok.display(tok.idOf('<table>')!), { text: '<table>', kind: 'user-defined', marked: false });
});

test('displayToken and escapeTokenText are pure and total', () => {
  assert.equal(escapeTokenText('a b\r\n\\'), 'a▁b\\r\\n\\\\');
  assert.equal(escapeTokenText('zero\u200bwidth\u00ad'), 'zero\\u{200B}width\\u{AD}');
  assert.equal(escapeTokenText('東京 🙂'), '東京▁🙂');
  assert.deepEqual(
    displayToken('<0xZZ>', TokenType.BYTE),
    { text: '<0xZZ>', kind: 'byte', marked: false },
    'a malformed byte token is shown as written',
  );
  assert.deepEqual(displayToken('[PAD7]', TokenType.UNUSED), { text: '[PAD7]', kind: 'unused', marked: true });
  assert.deepEqual(displayToken('x', 99), { text: 'x', kind: 'unused', marked: true }, 'an unknown type is treated as unused');
});

test('display and typeOf reject ids outside the vocabulary', () => {
  assert.throws(() => tok.display(262_144), /outside the vocabulary \(0\.\.262143\)/);
  assert.throws(() => tok.typeOf(-1), /outside the vocabulary/);
  assert.throws(() => tok.display(1.5), /outside the vocabulary/);
});
