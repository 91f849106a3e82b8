// PDF → text with unpdf (PDF.js without a DOM). Pages in reading order (./layout.ts); encrypted
// files and scanned (image-only) files get their own message. Runs only in the extraction worker:
// PDF.js works on the caller's event loop and a hostile file can keep it busy, so the core kills the
// worker at its timeout.
import { getDocumentProxy, getResolvedPDFJS } from 'unpdf';
import { DocError } from './errors.ts';
import { pageText, type PositionedItem } from './layout.ts';

export interface PdfText {
  text: string;
  pages: number;
  warnings: string[];
}

const MAX_PAGES = 2000;

export async function pdfToText(bytes: Uint8Array, name: string): Promise<PdfText> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // A copy: PDF.js transfers (detaches) the buffer it is given.
    pdf = await getDocumentProxy(new Uint8Array(bytes), {
      verbosity: 0,
      disableFontFace: true,
      useSystemFonts: false,
      maxImageSize: 4096 * 4096,
      stopAtErrors: false,
    });
  } catch (err) {
    const e = err as { name?: string; message?: string };
    if (e?.name === 'PasswordException')
      throw new DocError('encrypted', `${name} is password-protected: open it, save a copy without a password, and drop that`);
    throw new DocError('corrupt', `${name} is not a readable PDF (${e?.message ?? String(err)})`);
  }
  try {
    if (pdf.numPages > MAX_PAGES)
      throw new DocError('too_large', `${name} has ${pdf.numPages} pages; at most ${MAX_PAGES} can be summarized`);
    const { OPS } = await getResolvedPDFJS();
    const imageOps = new Set<number>(
      [OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageMaskXObject, OPS.paintImageXObjectRepeat].filter(
        (x) => typeof x === 'number',
      ),
    );
    const pages: string[] = [];
    const imageOnly: number[] = [];
    let twoColumn = 0;
    for (let p = 1; p <= pdf.numPages; p++) {
      const page = await pdf.getPage(p);
      const content = await page.getTextContent();
      const items: PositionedItem[] = [];
      for (const it of content.items) {
        if (!('str' in it)) continue;
        items.push({
          str: it.str,
          x: it.transform[4],
          y: it.transform[5],
          width: it.width,
          height: it.height || Math.hypot(it.transform[2], it.transform[3]),
        });
      }
      const laid = pageText(items);
      if (laid.columns === 2) twoColumn++;
      if (!laid.text.trim()) {
        const ops = await page.getOperatorList();
        if (ops.fnArray.some((fn) => imageOps.has(fn))) imageOnly.push(p);
      }
      pages.push(laid.text);
      page.cleanup();
    }
    const text = pages.filter((t) => t.trim()).join('\n\n');
    if (!text.trim()) {
      if (imageOnly.length > 0)
        throw new DocError('scanned', `${name} is a scanned PDF (its pages are images without text): it needs OCR, which is not supported`);
      throw new DocError('empty', `${name} has no text in it`);
    }
    const warnings: string[] = [];
    if (imageOnly.length > 0)
      warnings.push(
        `${imageOnly.length} page${imageOnly.length === 1 ? ' is a scanned image' : 's are scanned images'} without text (page ${imageOnly.slice(0, 5).join(', ')}${imageOnly.length > 5 ? ', …' : ''}) and ${imageOnly.length === 1 ? 'was' : 'were'} skipped`,
      );
    if (twoColumn > 0) warnings.push(`${twoColumn} page${twoColumn === 1 ? ' has' : 's have'} two columns, read left column first`);
    return { text, pages: pdf.numPages, warnings };
  } finally {
    await pdf.loadingTask.destroy();
  }
}
