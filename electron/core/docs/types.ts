// Plain data that crosses between the core and the extraction worker (structured clone).
import type { DocumentKind } from '../api/documents.ts';

export type { DocumentKind };

export interface Extracted {
  kind: DocumentKind;
  /** Extracted plain text, paragraphs separated by blank lines. */
  text: string;
  /** Pages (PDF) or sections (headings in DOCX/HTML/Markdown; 1 when there are none). */
  pages: number;
  sections: number;
  /** How the bytes were decoded (text kinds), e.g. "utf-8", "windows-1252", "utf-16le". */
  encoding: string | null;
  /** Invalid byte sequences replaced with U+FFFD while decoding. */
  replacedChars: number;
  /** Things the user should know (replaced bytes, columns detected, pages without text). */
  warnings: string[];
  sha256: string;
  size: number;
}

export interface ExtractInput {
  path: string;
  /** The name the user knows it by (the upload's or the dropped file's), for type hints from the extension. */
  name: string;
  maxBytes: number;
}
