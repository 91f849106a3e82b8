// DOCX → text with mammoth (paragraphs, tables, lists). The caller has sniffed the bytes: this is a
// zip that file-type recognised as a Word document.
import mammoth from 'mammoth';
import { DocError } from './errors.ts';
import { tidy } from './html.ts';
import { errorMessage } from '../api/errors.ts';

export async function docxToText(bytes: Uint8Array, name: string): Promise<{ text: string; sections: number }> {
  let raw: string;
  let sections: number;
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    raw = (await mammoth.extractRawText({ buffer })).value;
    const html = (await mammoth.convertToHtml({ buffer })).value;
    sections = (html.match(/<h[1-3][ >]/g) ?? []).length;
  } catch (err) {
    throw new DocError('corrupt', `${name} could not be read as a Word document (${errorMessage(err)})`);
  }
  return { text: tidy(raw), sections: Math.max(1, sections) };
}
