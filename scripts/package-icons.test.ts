// The app icons are generated from resources/icon.svg (scripts/package-icons.mjs) and committed: they
// must be current, and each container must hold real PNGs of the sizes it claims.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ICNS_TYPES, ICO_SIZES, PNG_SIZES, encodeIco, sha256 } from './package-icons.mjs';

const resources = resolve(import.meta.dirname, '..', 'resources');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), 'a PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

test('the icons were generated from the current icon.svg', () => {
  const source = JSON.parse(readFileSync(join(resources, 'icon-source.json'), 'utf8'));
  assert.equal(source.sha256, sha256(readFileSync(join(resources, 'icon.svg'), 'utf8')), 'icon.svg changed: run npm run package:icons');
  assert.equal(
    readFileSync(join(resources, '..', 'renderer', 'public', 'favicon.svg'), 'utf8'),
    readFileSync(join(resources, 'icon.svg'), 'utf8'),
    'the favicon is the app icon',
  );
});

test('Linux PNGs and the 1024 px source PNG have their sizes', () => {
  for (const s of PNG_SIZES) assert.deepEqual(pngSize(readFileSync(join(resources, 'icons', `${s}x${s}.png`))), [s, s], `${s}x${s}.png`);
  assert.deepEqual(pngSize(readFileSync(join(resources, 'icon.png'))), [1024, 1024]);
});

test('icon.ico: a directory of PNG entries 16…256 px whose offsets and sizes are right', () => {
  const ico = readFileSync(join(resources, 'icon.ico'));
  assert.equal(ico.readUInt16LE(2), 1, 'type: icon');
  const n = ico.readUInt16LE(4);
  assert.equal(n, ICO_SIZES.length);
  for (let i = 0; i < n; i++) {
    const e = 6 + 16 * i;
    const size = ico.readUInt8(e) || 256;
    const [bytes, offset] = [ico.readUInt32LE(e + 8), ico.readUInt32LE(e + 12)];
    assert.deepEqual(pngSize(ico.subarray(offset, offset + bytes)), [size, size]);
    assert.equal(size, ICO_SIZES[i]);
  }
  // The encoder round-trips a known input too (offsets start after the directory).
  const png = readFileSync(join(resources, 'icons', '16x16.png'));
  const one = encodeIco([[16, png]]);
  assert.equal(one.readUInt32LE(6 + 12), 6 + 16);
  assert.ok(one.subarray(22).equals(png));
});

test('icon.icns: every entry a PNG of the size its type stands for, lengths adding up', () => {
  const icns = readFileSync(join(resources, 'icon.icns'));
  assert.equal(icns.toString('ascii', 0, 4), 'icns');
  assert.equal(icns.readUInt32BE(4), icns.length);
  const found: [string, number][] = [];
  for (let at = 8; at < icns.length;) {
    const type = icns.toString('ascii', at, at + 4);
    const len = icns.readUInt32BE(at + 4);
    const [w, h] = pngSize(icns.subarray(at + 8, at + len));
    assert.equal(w, h);
    found.push([type, w]);
    at += len;
  }
  assert.deepEqual(found, ICNS_TYPES);
});
