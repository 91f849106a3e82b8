import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitStreamingBlocks } from './streamBlocks.ts';

test('blocks split at blank lines, never inside a code fence', () => {
  assert.deepEqual(splitStreamingBlocks('One\ntwo\n\nThree\n\n\n- a\n- b'), ['One\ntwo', 'Three', '- a\n- b']);
  const code = 'Intro\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\nAfter';
  assert.deepEqual(splitStreamingBlocks(code), ['Intro', '```js\nconst a = 1;\n\nconst b = 2;\n```', 'After']);
  // An unclosed fence (still streaming) keeps everything after it in one block.
  assert.deepEqual(splitStreamingBlocks('A\n\n~~~\nx\n\ny'), ['A', '~~~\nx\n\ny']);
  // A shorter or different fence does not close it.
  assert.deepEqual(splitStreamingBlocks('````\n```\n\nz\n````\n\nB'), ['````\n```\n\nz\n````', 'B']);
});

test('the last block is the one that grows; earlier blocks stay identical as text streams in', () => {
  const text = 'Para one.\n\nPara two is longer.\n\n- item';
  let previous: string[] = [];
  for (let n = 1; n <= text.length; n++) {
    const blocks = splitStreamingBlocks(text.slice(0, n));
    for (let i = 0; i < previous.length - 1; i++) assert.equal(blocks[i], previous[i], `block ${i} changed at length ${n}`);
    previous = blocks;
  }
  assert.deepEqual(previous, ['Para one.', 'Para two is longer.', '- item']);
  assert.deepEqual(splitStreamingBlocks(''), ['']);
});
