// Extraction in a worker process, through the same runner the app uses: each supported kind, reading
// order of a two-column PDF, and every bad input with its message.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeSpawner } from '../workers/node-spawner.ts';
import { DocError } from './errors.ts';
import { articleHtml, docx, encryptedDocx, encryptedPdf, plainZip, scannedPdf, sentences, tinyPng, twoColumnPdf } from './fixtures.ts';
import { extractInWorker, type SpawnWorker } from './runner.ts';

let dir: string;
const spawn: SpawnWorker = (kind, env = {}) => nodeSpawner(kind, { env: { GLASSBOX_TEST: '1', ...env } });
const write = (name: string, bytes: Uint8Array | string) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};
const extract = (name: string, bytes: Uint8Array | string, opts = {}) => extractInWorker(spawn, write(name, bytes), name, opts);
async function rejects(p: Promise<unknown>, reason: string, message: RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof DocError, `a DocError, got ${String(err)}`);
    assert.match(err.message, message);
    if (reason !== 'any') assert.equal(err.reason, reason);
    return true;
  });
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'glassbox-docs-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a two-column PDF reads title, then the left column, then the right', async () => {
  const r = await extract('report.pdf', await twoColumnPdf(12));
  assert.equal(r.kind, 'pdf');
  assert.equal(r.pages, 1);
  const at = (s: string) => r.text.indexOf(s);
  assert.ok(at('Two Column Report Title') >= 0 && at('Two Column Report Title') < at('LEFT-1 '), 'title first');
  for (let i = 1; i < 12; i++) assert.ok(at(`LEFT-${i} `) < at(`LEFT-${i + 1} `), `LEFT-${i} before LEFT-${i + 1}`);
  assert.ok(at('LEFT-12 ') < at('RIGHT-1 '), 'the whole left column before the right one');
  for (let i = 1; i < 12; i++) assert.ok(at(`RIGHT-${i} `) < at(`RIGHT-${i + 1} `));
  assert.ok(r.warnings.some((w) => /two columns/.test(w)));
  assert.match(r.sha256, /^[0-9a-f]{64}$/);
});

test('DOCX, HTML (article only, no navigation or script), Markdown and source code', async () => {
  const d = await extract('notes.docx', await docx('Quarterly notes', ['First paragraph here.', 'Second paragraph there.']));
  assert.equal(d.kind, 'docx');
  assert.match(d.text, /Quarterly notes[\s\S]*First paragraph here\.[\s\S]*Second paragraph there\./);

  const paras = [sentences(6, 1), sentences(6, 2), sentences(6, 3)];
  const h = await extract('page.html', articleHtml('Harbor Lanterns', paras));
  assert.equal(h.kind, 'html');
  assert.ok(h.text.includes(paras[0]) && h.text.includes(paras[2]));
  assert.doesNotMatch(h.text, /evil|Contact|Copyright footer/);

  const m = await extract('readme.md', '# Title\n\nSome text.\n\n## Part two\n\nMore.');
  assert.equal(m.kind, 'markdown');
  assert.equal(m.sections, 2);
  const c = await extract('main.py', 'def f(x):\n    return x + 1\n');
  assert.equal(c.kind, 'code');
  assert.equal(c.text, 'def f(x):\n    return x + 1');
});

test('text encodings: BOM, UTF-16, legacy Windows-1252, and invalid UTF-8 with a count', async () => {
  const bom = await extract('bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('café ünïcode', 'utf8')]));
  assert.equal(bom.text, 'café ünïcode');
  const u16 = await extract('u16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('wide text', 'utf16le')]));
  assert.equal(u16.encoding, 'utf-16le');
  assert.equal(u16.text, 'wide text');
  // “smart quotes” and € in Windows-1252 (0x93, 0x94, 0x80): a naive latin1 read gets these wrong.
  const legacy = await extract('legacy.txt', Buffer.from([0x93, 0x48, 0x69, 0x94, 0x20, 0x80, 0x35, 0x20, 0x63, 0x61, 0x66, 0xe9]));
  assert.equal(legacy.encoding, 'windows-1252');
  assert.equal(legacy.text, '\u201cHi\u201d \u20ac5 café');
  const broken = await extract(
    'broken.txt',
    Buffer.concat([
      Buffer.from('Good text ünïcode here ', 'utf8'),
      Buffer.from([0xff, 0xfe, 0x41]),
      Buffer.from(' more ✓ text', 'utf8'),
      Buffer.from([0xc3]),
    ]),
  );
  assert.equal(broken.encoding, 'utf-8');
  assert.equal(broken.replacedChars, 3);
  assert.ok(
    broken.warnings.some((w) => /3 invalid byte sequences/.test(w)),
    broken.warnings.join('; '),
  );
});

test('bad inputs each get a clear message', async () => {
  await rejects(extract('secret.pdf', await encryptedPdf()), 'encrypted', /password-protected/);
  await rejects(extract('scan.pdf', await scannedPdf()), 'scanned', /scanned PDF.*needs OCR.*not supported/);
  await rejects(extract('locked.docx', encryptedDocx()), 'encrypted', /password-protected/);
  await rejects(extract('archive.docx', await plainZip()), 'unsupported', /zip archive but not a Word document/);
  await rejects(extract('empty.txt', ''), 'empty', /empty \(0 bytes\)/);
  await rejects(extract('blank.md', '\n\n   \n'), 'any', /no text/);
  await rejects(extract('photo.png', tinyPng()), 'unsupported', /PNG file/);
  await rejects(extract('program.bin', Buffer.from([0x01, 0x02, 0x00, 0x00, 0x7f, 0x45, 0x10, 0x00, 0x33])), 'binary', /binary file/);
  await rejects(extract('big.txt', 'x'.repeat(2048), { maxBytes: 1024 }), 'too_large', /big\.txt is 2\.0 KB; files up to 1\.0 KB/);
  await rejects(
    extract('missing.txt', 'x').then(() => extractInWorker(spawn, join(dir, 'nope.txt'), 'nope.txt')),
    'not_found',
    /could not be opened/,
  );
  await rejects(extractInWorker(spawn, dir, 'notes'), 'unsupported', /^notes is a folder, not a file$/);
});

test('an extraction that never finishes is killed at the timeout', async () => {
  const started = Date.now();
  await rejects(
    extract('hang.pdf', await twoColumnPdf(), { timeoutMs: 1500, task: 'hangForTest' }),
    'timeout',
    /took longer than 2 s and was stopped/,
  );
  assert.ok(Date.now() - started < 30_000);
});
