#!/usr/bin/env node
// `npm run package:icons`: every platform's app icon from the one source, resources/icon.svg.
//   resources/icon.png          1024×1024 (electron-builder's default source; the window icon on Linux)
//   resources/icons/NxN.png     16…1024 (Linux: hicolor theme sizes for the desktop entry)
//   resources/icon.icns         macOS (PNG-compressed entries 16…1024, @2x included)
//   resources/icon.ico          Windows (PNG-compressed entries 16…256)
//   resources/icon-source.json  the SVG's hash (the icon test checks the files are current)
//   renderer/public/favicon.svg a copy of the SVG
// The SVG is rasterised at each size by Chromium (headless, through playwright-core), so small sizes
// are drawn, not downscaled. ICNS and ICO are plain containers around PNGs, written here.
// Usage: node scripts/package-icons.mjs [--chromium PATH]. The outputs are committed; run it again
// after changing icon.svg.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resources = join(root, 'resources');

export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS entry types and the pixel size each holds (Apple's icns format, PNG payloads). */
export const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];

export async function rasterise(svg, sizes, chromiumPath = process.env.GLASSBOX_CHROMIUM ?? '/usr/bin/chromium') {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    const out = new Map();
    for (const size of sizes) {
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(
        `<html><body style="margin:0;background:transparent"><img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
      );
      await page.locator('img').evaluate((img) => img.decode());
      out.set(size, await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
    }
    return out;
  } finally {
    await browser.close();
  }
}

/** ICO: a 6-byte header, one 16-byte entry per image, then the PNGs (Windows Vista+ reads PNG entries). */
export function encodeIco(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = 6 + 16 * pngs.length;
  const entries = pngs.map(([size, png]) => {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...pngs.map(([, png]) => png)]);
}

/** ICNS: 'icns' + total length, then (type, length incl. 8-byte header, PNG) per entry, big-endian. */
export function encodeIcns(entries) {
  const chunks = entries.map(([type, png]) => {
    const h = Buffer.alloc(8);
    h.write(type, 0, 'ascii');
    h.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([h, png]);
  });
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'ascii');
  header.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([header, ...chunks]);
}

export const sha256 = (data) => createHash('sha256').update(data).digest('hex');

export async function writeIcons(svgPath = join(resources, 'icon.svg'), outDir = resources, chromiumPath) {
  const svg = readFileSync(svgPath, 'utf8');
  const pngs = await rasterise(svg, PNG_SIZES, chromiumPath);
  mkdirSync(join(outDir, 'icons'), { recursive: true });
  for (const [size, png] of pngs) writeFileSync(join(outDir, 'icons', `${size}x${size}.png`), png);
  writeFileSync(join(outDir, 'icon.png'), pngs.get(1024));
  writeFileSync(join(outDir, 'icon.ico'), encodeIco(ICO_SIZES.map((s) => [s, pngs.get(s)])));
  writeFileSync(join(outDir, 'icon.icns'), encodeIcns(ICNS_TYPES.map(([type, s]) => [type, pngs.get(s)])));
  // The renderer's favicon is the same drawing.
  if (outDir === resources) writeFileSync(join(root, 'renderer', 'public', 'favicon.svg'), svg);
  // Which source these were drawn from: the icon test fails when icon.svg changes without a rerun.
  writeFileSync(join(outDir, 'icon-source.json'), JSON.stringify({ source: 'resources/icon.svg', sha256: sha256(svg) }, null, 2) + '\n');
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--chromium');
  const dir = await writeIcons(undefined, undefined, at >= 0 ? process.argv[at + 1] : undefined);
  console.log(`icons written to ${dir}: icon.png, icon.icns, icon.ico, icons/{${PNG_SIZES.join(',')}}px`);
}
