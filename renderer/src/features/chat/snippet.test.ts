import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snippetParts } from './snippet.ts';

test('snippet markers become highlighted runs; text around them is kept', () => {
  assert.deepEqual(snippetParts('…about \u0002zebras\u0003 and their \u0002stripes\u0003.'), [
    { text: '…about ', hit: false },
    { text: 'zebras', hit: true },
    { text: ' and their ', hit: false },
    { text: 'stripes', hit: true },
    { text: '.', hit: false },
  ]);
});

test('no markers, an unclosed marker, and HTML-looking text stay plain text', () => {
  assert.deepEqual(snippetParts('plain'), [{ text: 'plain', hit: false }]);
  assert.deepEqual(snippetParts('a \u0002b'), [{ text: 'a \u0002b', hit: false }]);
  assert.deepEqual(snippetParts('<b>\u0002x\u0003</b>'), [
    { text: '<b>', hit: false },
    { text: 'x', hit: true },
    { text: '</b>', hit: false },
  ]);
  assert.deepEqual(snippetParts(''), []);
});
