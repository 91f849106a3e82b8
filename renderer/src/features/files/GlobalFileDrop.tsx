// Files dropped anywhere on the window: a drop zone covers the window while something is dragged over
// it; on drop each file is read into the library and summarized, and the Files screen shows it.
import { useEffect, useRef, useState } from 'react';
import { useApi } from '../../api/hooks.ts';
import { addFiles, type AddOutcome } from './addFiles.ts';

export function GlobalFileDrop() {
  const api = useApi();
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<AddOutcome[] | null>(null);
  const depth = useRef(0);

  useEffect(() => {
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current++;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    };
    const dragover = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // allows the drop (and stops the browser from opening the file)
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = async (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current = 0;
      setOver(false);
      // A screen's own drop target (the Models screen's, for .gguf files) handled it: not ours.
      if (e.defaultPrevented) return;
      e.preventDefault();
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length === 0) return;
      setOutcome(null);
      setBusy(`Reading ${files.length} file${files.length === 1 ? '' : 's'}…`);
      const results = await addFiles(api, files, setBusy);
      // Each new document (or one without a summary yet) gets summarized; the Files screen shows it.
      let first: string | null = null;
      for (const r of results) {
        if (!r.document) continue;
        first ??= r.document.id;
        if (!r.document.latestSummary) await api.playground.summarize({ documentId: r.document.id }).catch(() => {});
      }
      setBusy(null);
      setOutcome(results);
      if (first) window.location.hash = `#/files/${first}`;
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', dragover);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', dragover);
      window.removeEventListener('drop', drop);
    };
  }, [api]);

  const failed = outcome?.filter((o) => o.error) ?? [];
  return (
    <>
      {over && (
        <div
          className="pointer-events-none fixed inset-0 z-50 flex items-center justify-center bg-accent-600/10 p-6 backdrop-blur-[1px]"
          data-testid="drop-zone"
        >
          <div className="flex h-full w-full items-center justify-center rounded-2xl border-2 border-dashed border-accent-500 bg-white/80 text-center dark:bg-zinc-900/80">
            <div>
              <p className="text-[17px] font-semibold text-accent-700 dark:text-accent-300">Drop to summarize</p>
              <p className="mt-1 text-[13px] text-zinc-600 dark:text-zinc-400">
                Text, Markdown, PDF, Word (.docx), HTML or source code, up to 50 MB
              </p>
            </div>
          </div>
        </div>
      )}
      {(busy || failed.length > 0) && (
        <div
          role="status"
          className="fixed bottom-10 right-4 z-40 max-w-sm space-y-1 rounded-lg bg-white p-3 text-[12.5px] shadow-lg ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-700"
          data-testid="drop-status"
        >
          {busy && <p>{busy}</p>}
          {failed.map((f) => (
            <p key={f.name} className="text-red-700 dark:text-red-300" data-testid="drop-error">
              {f.error}
            </p>
          ))}
          {!busy && (
            <button type="button" className="text-[11.5px] text-zinc-500 hover:underline" onClick={() => setOutcome(null)}>
              Dismiss
            </button>
          )}
        </div>
      )}
    </>
  );
}
