// documents.*: files the user dropped or picked, with their extracted text. Extraction runs in a
// one-off worker process (never in the core's own process); the same file (same sha256) is stored
// once. A file that cannot be read answers bad_input with a message that says why, and stores nothing.
import { z } from 'zod';
import { event, method } from './define.ts';

/** What a file was recognised as. `code` covers source files read as plain text. */
export type DocumentKind = 'text' | 'markdown' | 'code' | 'pdf' | 'docx' | 'html';

export interface DocumentInfo {
  id: string;
  /** The file name the user knows (no folders). */
  name: string;
  kind: DocumentKind;
  sizeBytes: number;
  sha256: string;
  /** PDF pages (0 for other kinds). */
  pages: number;
  /** Headings found (1 when there are none). */
  sections: number;
  /** Characters of extracted text. */
  chars: number;
  /** How text was decoded ("utf-8", "windows-1252", …); null for PDF/DOCX. */
  encoding: string | null;
  /** Invalid bytes replaced with U+FFFD while decoding. */
  replacedChars: number;
  warnings: string[];
  addedAt: number;
  /** The newest finished summary of this document, if any (its run id and text). */
  latestSummary: { runId: string; text: string; createdAt: number } | null;
}

export interface DocumentView extends DocumentInfo {
  text: string;
}

export interface DocumentSearchHit {
  id: string;
  name: string;
  /** Excerpt with matches wrapped in \u0002 … \u0003 (never HTML). */
  snippet: string;
}

export const documentId = z.string().min(1).max(100);

/** Upload limit of the browser host and the extraction limit (bytes). */
export const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

export const documentsMethods = {
  list: method(z.object({}).strict()).returns<DocumentInfo[]>(),
  get: method(z.object({ id: documentId }).strict()).returns<DocumentView>(),
  /**
   * Reads a file into the library. `path`: a file on this machine (desktop drop or dialog); `uploadId`:
   * a file the browser uploaded to the host (POST /upload). `duplicate` is true when the same bytes
   * were already stored (that document is returned).
   */
  add: method(
    z
      .object({
        path: z.string().min(1).max(4096).optional(),
        uploadId: z
          .string()
          .regex(/^[0-9a-f-]{36}$/, 'not an upload id')
          .optional(),
        name: z.string().min(1).max(500).optional(),
      })
      .strict()
      .refine((v) => (v.path === undefined) !== (v.uploadId === undefined), 'give either path or uploadId'),
  ).returns<{ document: DocumentInfo; duplicate: boolean }>(),
  remove: method(z.object({ id: documentId }).strict()).returns<{ removed: boolean }>(),
  search: method(
    z.object({ query: z.string().trim().min(1).max(500), limit: z.number().int().min(1).max(100).default(20) }).strict(),
  ).returns<DocumentSearchHit[]>(),
};

export const documentsEvents = {
  /** The library changed (added, removed, a new summary). */
  changed: event<{ documents: DocumentInfo[] }>(),
};
