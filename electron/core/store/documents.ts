// documents table (+ documents_fts kept by triggers).
import { randomUUID } from 'node:crypto';
import type { DocumentInfo, DocumentKind, DocumentSearchHit, DocumentView } from '../api/documents.ts';
import type { Extracted } from '../docs/types.ts';
import type { Db } from './database.ts';

interface Row {
  id: string;
  name: string;
  kind: DocumentKind;
  size_bytes: number;
  sha256: string;
  pages: number;
  sections: number;
  chars: number;
  encoding: string | null;
  replaced_chars: number;
  warnings: string;
  added_at: number;
  summary_run: string | null;
  summary_result: string | null;
  summary_at: number | null;
}

/** What extraction found (../docs/types.ts), under the name the user knows, its size as the contract names it. */
export type NewDocument = Omit<Extracted, 'size'> & { name: string; sizeBytes: number };

const SELECT = `SELECT d.id, d.name, d.kind, d.size_bytes, d.sha256, d.pages, d.sections, length(d.text) AS chars, d.encoding,
    d.replaced_chars, d.warnings, d.added_at, s.id AS summary_run, s.result AS summary_result, s.created_at AS summary_at
  FROM documents d
  LEFT JOIN playground_runs s ON s.id = (
    SELECT r.id FROM playground_runs r WHERE r.document_id = d.id AND r.kind = 'summarize' AND r.status = 'complete'
    ORDER BY r.created_at DESC LIMIT 1)`;

function toInfo(r: Row): DocumentInfo {
  let latestSummary: DocumentInfo['latestSummary'] = null;
  if (r.summary_run && r.summary_result) {
    const result = JSON.parse(r.summary_result) as { summary?: string };
    latestSummary = { runId: r.summary_run, text: result.summary ?? '', createdAt: r.summary_at ?? 0 };
  }
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    pages: r.pages,
    sections: r.sections,
    chars: r.chars,
    encoding: r.encoding,
    replacedChars: r.replaced_chars,
    warnings: JSON.parse(r.warnings) as string[],
    addedAt: r.added_at,
    latestSummary,
  };
}

export class DocumentsStore {
  constructor(private readonly db: Db) {}

  list(): DocumentInfo[] {
    return (this.db.prepare(`${SELECT} ORDER BY d.added_at DESC, d.rowid DESC`).all() as Row[]).map(toInfo);
  }

  get(id: string): DocumentInfo | undefined {
    const row = this.db.prepare(`${SELECT} WHERE d.id = ?`).get(id) as Row | undefined;
    return row && toInfo(row);
  }

  view(id: string): DocumentView | undefined {
    const info = this.get(id);
    if (!info) return undefined;
    const { text } = this.db.prepare('SELECT text FROM documents WHERE id = ?').get(id) as { text: string };
    return { ...info, text };
  }

  bySha256(sha256: string): DocumentInfo | undefined {
    const row = this.db.prepare('SELECT id FROM documents WHERE sha256 = ?').get(sha256) as { id: string } | undefined;
    return row && this.get(row.id);
  }

  /** Adds the document, or returns the stored one with the same bytes (`duplicate`). One transaction. */
  add(doc: NewDocument, now = Date.now()): { document: DocumentInfo; duplicate: boolean } {
    return this.db.transaction(() => {
      const existing = this.bySha256(doc.sha256);
      if (existing) return { document: existing, duplicate: true };
      const id = randomUUID();
      this.db
        .prepare(
          `INSERT INTO documents (id, name, kind, size_bytes, sha256, text, pages, sections, encoding, replaced_chars, warnings, added_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          doc.name,
          doc.kind,
          doc.sizeBytes,
          doc.sha256,
          doc.text,
          doc.pages,
          doc.sections,
          doc.encoding,
          doc.replacedChars,
          JSON.stringify(doc.warnings),
          now,
        );
      return { document: this.get(id)!, duplicate: false };
    })();
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM documents WHERE id = ?').run(id).changes > 0;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n;
  }

  /** Words are matched as prefixes; quotes in the query are taken literally. */
  search(query: string, limit: number): DocumentSearchHit[] {
    const terms = query
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => `"${w.replace(/"/g, '""')}"*`)
      .join(' ');
    if (!terms) return [];
    return this.db
      .prepare(
        `SELECT d.id, d.name, snippet(documents_fts, 1, char(2), char(3), '…', 16) AS snippet
         FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid
         WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?`,
      )
      .all(terms, limit) as DocumentSearchHit[];
  }
}
