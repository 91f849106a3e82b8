// Chart data exports: CSV (RFC 4180 quoting) and JSON, downloaded as files.
import { downloadBlob } from '../download.ts';

/** One CSV line per row; fields with a comma, quote or line break are quoted, quotes doubled. */
export function toCsv(rows: (string | number)[][]): string {
  return (
    rows
      .map((row) =>
        row
          .map((v) => {
            const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
            return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
          })
          .join(','),
      )
      .join('\r\n') + '\r\n'
  );
}

/** JSON with typed arrays written as plain number arrays. */
export function toJson(data: unknown): string {
  return JSON.stringify(
    { format: 'glassbox-inspect', version: 1, data },
    (_k, v: unknown) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v),
    1,
  );
}

export function downloadCsv(rows: (string | number)[][], name: string): void {
  downloadBlob(new Blob([toCsv(rows)], { type: 'text/csv' }), name.endsWith('.csv') ? name : `${name}.csv`);
}

export function downloadJson(data: unknown, name: string): void {
  downloadBlob(new Blob([toJson(data)], { type: 'application/json' }), name.endsWith('.json') ? name : `${name}.json`);
}
