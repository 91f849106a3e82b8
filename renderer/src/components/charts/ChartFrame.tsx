// A titled box around a chart with its export buttons: PNG for the canvas inside, and optional
// JSON/CSV of the data behind it.
import { useRef, type ReactNode } from 'react';
import { Button } from '../ui.tsx';
import { savePng } from './canvas.ts';
import { downloadCsv, downloadJson } from './download.ts';

export function ChartFrame({
  title,
  description,
  name,
  children,
  csv,
  json,
  actions,
}: {
  title: string;
  description?: ReactNode;
  /** file name stem for exports */
  name: string;
  children: ReactNode;
  csv?: () => (string | number)[][];
  json?: () => unknown;
  actions?: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  return (
    <section className="rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900/60" aria-label={title}>
      <div className="flex flex-wrap items-start justify-between gap-2 border-b border-zinc-100 px-4 py-2.5 dark:border-zinc-800">
        <div className="min-w-0">
          <h3 className="text-[13px] font-semibold">{title}</h3>
          {description && <p className="mt-0.5 text-[12px] text-zinc-500 dark:text-zinc-400">{description}</p>}
        </div>
        <div className="flex shrink-0 items-center gap-1.5">
          {actions}
          {json && (
            <Button variant="ghost" className="!px-2 !py-1 text-[12px]" onClick={() => downloadJson(json(), name)}>
              JSON
            </Button>
          )}
          {csv && (
            <Button variant="ghost" className="!px-2 !py-1 text-[12px]" onClick={() => downloadCsv(csv(), name)}>
              CSV
            </Button>
          )}
          <Button
            variant="ghost"
            className="!px-2 !py-1 text-[12px]"
            aria-label={`Save ${title} as PNG`}
            onClick={() => {
              const canvases = box.current?.querySelectorAll('canvas');
              canvases?.forEach((c, i) => void savePng(c, canvases.length > 1 ? `${name}-${i + 1}` : name));
            }}
          >
            PNG
          </Button>
        </div>
      </div>
      <div ref={box} className="overflow-x-auto px-4 py-3">
        {children}
      </div>
    </section>
  );
}
