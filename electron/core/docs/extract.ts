// One file → Extracted. Runs inside the extraction worker process (see ./runner.ts): the bytes of an
// untrusted file are parsed only there.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { decodeText } from './decode.ts';
import { docxToText } from './docx.ts';
import { DocError } from './errors.ts';
import { checkedSize } from './file-check.ts';
import { htmlToText, tidy } from './html.ts';
import { pdfToText } from './pdf.ts';
import { sniff } from './sniff.ts';
import type { ExtractInput, Extracted } from './types.ts';

export async function extractFile(input: ExtractInput): Promise<Extracted> {
  await checkedSize(input.path, input.name, input.maxBytes);
  const bytes = new Uint8Array(await readFile(input.path));
  return extractBytes(bytes, input.name);
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
