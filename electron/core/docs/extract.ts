// One file → Extracted. Runs inside the extraction worker process (see ./runner.ts): the bytes of an
// untrusted file are parsed only there.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { decodeText } from './decode.ts';
import { docxToText } from './docx.ts';
import { DocError, tooLarge } from './errors.ts';
import { htmlToText, tidy } from './html.ts';
import { pdfToText } from './pdf.ts';
import { sniff } from './sniff.ts';
import type { ExtractInput, Extracted } from './types.ts';

export async function extractFile(input: ExtractInput): Promise<Extracted> {
  const { name, maxBytes } = input;
  let size: number;
  try {
    const s = await stat(input.path);
    if (!s.isFile()) throw new DocError('unsupported', `${name} is not a file`);
    size = s.size;
  } catch (err) {
    if (err instanceof DocError) throw err;
    throw new DocError('not_found', `${name} could not be opened (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (size > maxBytes) throw tooLarge(name, size, maxBytes);
  if (size === 0) throw new DocError('empty', `${name} is empty (0 bytes)`);
  const bytes = new Uint8Array(await readFile(input.path));
  return extractBytes(bytes, name);
}

export async function extractBytes(bytes: Uint8Array, name: string): Promise<Extracted> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const size = bytes.length;
  if (size === 0) throw new DocError('empty', `${name} is empty (0 bytes)`);
  const what = await sniff(bytes, name);
  const base = { sha256, size, encoding: null, replacedChars: 0, warnings: [] as string[] };
  let out: Extracted;
  switch (what.kind) {
    case 'pdf': {
      const pdf = await pdfToText(bytes, name);
      out = { ...base, kind: 'pdf', text: pdf.text, pages: pdf.pages, sections: pdf.pages, warnings: pdf.warnings };
      break;
    }
    case 'docx': {
      const docx = await docxToText(bytes, name);
      out = { ...base, kind: 'docx', text: docx.text, pages: 0, sections: docx.sections };
      break;
    }
    case 'text-like': {
      const decoded = decodeText(bytes, name);
      const warnings: string[] = [];
      if (decoded.replacedChars > 0)
        warnings.push(
          `${decoded.replacedChars} invalid byte sequence${decoded.replacedChars === 1 ? ' was' : 's were'} not valid UTF-8 and ${decoded.replacedChars === 1 ? 'was' : 'were'} replaced with �`,
        );
      if (decoded.encoding === 'windows-1252') warnings.push('not UTF-8: read as Windows-1252 (Western European)');
      const common = { ...base, encoding: decoded.encoding, replacedChars: decoded.replacedChars, warnings };
      if (what.hint === 'html') {
        const html = htmlToText(decoded.text);
        out = { ...common, kind: 'html', text: html.text, pages: 0, sections: html.sections };
      } else {
        const text = what.hint === 'code' ? decoded.text.replace(/\r\n?/g, '\n').trimEnd() : tidy(decoded.text);
        const sections = what.hint === 'markdown' ? Math.max(1, (text.match(/^#{1,3} /gm) ?? []).length) : 1;
        out = { ...common, kind: what.hint, text, pages: 0, sections };
      }
      break;
    }
    default:
      what satisfies never;
      throw new Error('unreachable');
  }
  if (!out.text.trim()) throw new DocError('empty', `${name} has no text in it`);
  return out;
}
