// Generated test documents (pdf-lib, jszip): used by the docs tests, the e2e tests and the playground
// benchmark. Not shipped: nothing in the app imports this file.
import JSZip from 'jszip';
import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFHexString, StandardFonts } from 'pdf-lib';

const WORDS = 'river stone market garden letter window harbor lantern meadow candle orchard bridge winter silver thunder valley'.split(' ');

/** Deterministic filler sentences: `seed` picks the words, so different paragraphs read differently. */
export function sentences(n: number, seed: number): string {
  const out: string[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    const len = 6 + (i % 5);
    const words: string[] = [];
    for (let w = 0; w < len; w++) {
      s = (s * 1103515245 + 12345) >>> 0;
      words.push(WORDS[s % WORDS.length]);
    }
    const first = words[0];
    out.push(first[0].toUpperCase() + first.slice(1) + ' ' + words.slice(1).join(' ') + '.');
  }
  return out.join(' ');
}

/** A one-page PDF whose body is set in two columns: LEFT-1..LEFT-n down the left, RIGHT-1..n on the right, drawn interleaved. */
export async function twoColumnPdf(lines = 12): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  page.drawText('Two Column Report Title Spanning The Page Width Here', { x: 72, y: 730, size: 16, font });
  // Drawn row by row (left then right line), as many PDF writers do: content order interleaves the columns.
  for (let i = 0; i < lines; i++) {
    const y = 690 - i * 16;
    page.drawText(`LEFT-${i + 1} alpha beta gamma`, { x: 72, y, size: 11, font });
    page.drawText(`RIGHT-${i + 1} delta epsilon zeta`, { x: 330, y, size: 11, font });
  }
  return doc.save();
}

/** A PDF with `pages` pages of prose (one column), for map-reduce and the benchmark. */
export async function prosePdf(pages: number, sentencesPerPage = 30): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([612, 792]);
    const words = sentences(sentencesPerPage, p + 1).split(' ');
    let line = '';
    let y = 740;
    for (const w of words) {
      if (font.widthOfTextAtSize(`${line} ${w}`, 11) > 468) {
        page.drawText(line, { x: 72, y, size: 11, font });
        y -= 14;
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    if (line) page.drawText(line, { x: 72, y, size: 11, font });
  }
  return doc.save();
}

/** A tiny grey PNG, made by hand (no image library needed). */
export function tinyPng(width = 16, height = 16): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Uint8Array) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    Buffer.from(data).copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) raw[y * (width + 1)] = 0; // filter byte
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** A PDF whose only page is an image (what a scanner makes): no text at all. */
export async function scannedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const img = await doc.embedPng(tinyPng());
  const page = doc.addPage([612, 792]);
  page.drawImage(img, { x: 0, y: 0, width: 612, height: 792 });
  return doc.save();
}

/** A PDF with a standard-security Encrypt dictionary whose user password is not empty. */
export async function encryptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([612, 792]).drawText('secret', { x: 72, y: 700, size: 12, font });
  const bytes32 = (fill: number) => PDFHexString.of(Buffer.alloc(32, fill).toString('hex'));
  const encrypt = doc.context.obj({ Filter: PDFName.of('Standard'), V: 1, R: 2, O: bytes32(0x41), U: bytes32(0x42), P: -4 });
  doc.context.trailerInfo.Encrypt = doc.context.register(encrypt);
  doc.context.trailerInfo.ID = doc.context.obj([
    PDFHexString.of('00112233445566778899aabbccddeeff'),
    PDFHexString.of('00112233445566778899aabbccddeeff'),
  ]);
  return doc.save({ useObjectStreams: false });
}

/** A minimal Word document: a heading and the given paragraphs. */
export async function docx(heading: string, paragraphs: string[]): Promise<Uint8Array> {
  const zip = new JSZip();
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  const body = [
    `<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>${esc(heading)}</w:t></w:r></w:p>`,
    ...paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${esc(p)}</w:t></w:r></w:p>`),
  ].join('');
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'uint8array' });
}

/** A zip holding a text file: not a Word document. */
export async function plainZip(): Promise<Uint8Array> {
  const zip = new JSZip();
  zip.file('notes.txt', 'just some notes');
  return zip.generateAsync({ type: 'uint8array' });
}

/** The header of an OLE compound file, which is what an encrypted .docx is. */
export function encryptedDocx(): Uint8Array {
  const b = Buffer.alloc(4096);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(b, 0);
  b.writeUInt16LE(0x003e, 24); // minor version
  b.writeUInt16LE(0x0003, 26); // major version 3
  b.writeUInt16LE(0xfffe, 28); // byte order
  b.writeUInt16LE(9, 30); // sector shift
  return b;
}

export function articleHtml(title: string, paragraphs: string[]): string {
  return `<!doctype html><html><head><title>${title}</title><script>window.evil = 1</script></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a> <a href="/contact">Contact</a></nav>
<article><h1>${title}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</article>
<footer>Copyright footer text</footer></body></html>`;
}
