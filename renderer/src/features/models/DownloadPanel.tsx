// Downloading from Hugging Face (`hf:user/repo:QUANT`) or a URL: the default offer (Gemma 3 270M IT,
// Q8_0), any other URI, and each download's progress with pause, resume and cancel. Free disk space,
// size and sha256 are checked by the core; its errors are shown as they come.
import { useState, type FormEvent } from 'react';
import type { DownloadInfo } from '../../../../electron/core/api/models.ts';
import { DownloadIcon, PauseIcon, PlayIcon } from '../../components/more-icons.tsx';
import { CloseIcon } from '../../components/icons.tsx';
import { textInputClass } from '../../components/fields.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { Button, Card } from '../../components/ui.tsx';
import { formatBytes, formatRate } from './format.ts';
import type { useModels } from './useModels.ts';

export function DownloadPanel({ models: m }: { models: ReturnType<typeof useModels> }) {
  const [uri, setUri] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const start = async (u: string, activate: boolean) => {
    setStarting(true);
    try {
      await m.download(u, activate);
      setError(null);
      setUri('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setStarting(false);
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (uri.trim()) void start(uri.trim(), false);
  };
  const offerRunning =
    m.offer &&
    m.downloads.some((d) => d.uri === m.offer!.uri && (d.state === 'downloading' || d.state === 'paused' || d.state === 'verifying'));

  return (
    <Card
      title="Download"
      description="From Hugging Face by hf: URI, or any https URL. Size and sha256 are verified, free disk space checked first."
    >
      {m.offer && (
        <div
          className="mb-3 flex items-center gap-3 rounded-lg bg-gradient-to-br from-accent-50 to-cyan-50 p-3 ring-1 ring-accent-500/15 dark:from-accent-500/10 dark:to-cyan-500/5"
          data-testid="default-download"
        >
          <div className="min-w-0 flex-1">
            <div className="text-[13px] font-medium">{m.offer.name}</div>
            <div className="text-[12px] text-zinc-600 dark:text-zinc-400">
              {m.offer.description} · about {formatBytes(m.offer.approxBytes)}
            </div>
            <div className="selectable truncate font-mono text-[11px] text-zinc-500">{m.offer.uri}</div>
          </div>
          <Button variant="primary" disabled={starting || !!offerRunning} onClick={() => start(m.offer!.uri, true)}>
            <DownloadIcon /> Download
          </Button>
        </div>
      )}
      <form onSubmit={onSubmit} className="flex gap-2">
        <label htmlFor="download-uri" className="sr-only">
          Model URI or URL
        </label>
        <input
          id="download-uri"
          value={uri}
          onChange={(e) => setUri(e.target.value)}
          placeholder="hf:user/repo:Q8_0 or https://…/model.gguf"
          spellCheck={false}
          className={`min-w-0 flex-1 font-mono ${textInputClass}`}
        />
        <Button type="submit" disabled={!uri.trim() || starting}>
          Download
        </Button>
      </form>
      {error && (
        <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-800 dark:bg-red-500/10 dark:text-red-300">
          {error}
        </p>
      )}
      {m.downloads.length > 0 && (
        <ul className="mt-4 space-y-3" aria-label="Downloads">
          {m.downloads.map((d) => (
            <DownloadRow key={d.downloadId} d={d} m={m} />
          ))}
        </ul>
      )}
    </Card>
  );
}

const stateText: Record<DownloadInfo['state'], string> = {
  downloading: 'Downloading',
  paused: 'Paused',
  verifying: 'Verifying',
  done: 'Done — added to the library',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

function DownloadRow({ d, m }: { d: DownloadInfo; m: ReturnType<typeof useModels> }) {
  const [error, setError] = useState<string | null>(null);
  const act = (f: () => Promise<void>) =>
    f().then(
      () => setError(null),
      (e: Error) => setError(e.message),
    );
  const frac = d.totalBytes ? d.receivedBytes / d.totalBytes : null;
  const active = d.state === 'downloading' || d.state === 'paused' || d.state === 'verifying';
  return (
    <li className="text-[12.5px]" data-testid="download-row" data-state={d.state}>
      <div className="mb-1 flex items-center gap-2">
        <span className="min-w-0 flex-1 truncate font-medium" title={d.uri}>
          {d.fileName}
        </span>
        <span className={d.state === 'failed' ? 'text-red-600 dark:text-red-400' : 'text-zinc-500'}>{stateText[d.state]}</span>
        {d.state === 'downloading' && (
          <Button variant="ghost" aria-label={`Pause ${d.fileName}`} onClick={() => act(() => m.pause(d.downloadId))}>
            <PauseIcon />
          </Button>
        )}
        {d.state === 'paused' && (
          <Button variant="ghost" aria-label={`Resume ${d.fileName}`} onClick={() => act(() => m.resume(d.downloadId))}>
            <PlayIcon />
          </Button>
        )}
        {active ? (
          <Button variant="ghost" aria-label={`Cancel ${d.fileName}`} onClick={() => act(() => m.cancel(d.downloadId))}>
            <CloseIcon width={16} height={16} />
          </Button>
        ) : (
          <Button variant="ghost" aria-label={`Dismiss ${d.fileName}`} onClick={() => m.dismiss(d.downloadId)}>
            <CloseIcon width={16} height={16} />
          </Button>
        )}
      </div>
      {active && <ProgressBar value={d.state === 'verifying' ? null : frac} label={`Download of ${d.fileName}`} />}
      <div className="mt-1 flex justify-between font-mono text-[11px] text-zinc-500 tabular-nums">
        <span>
          {formatBytes(d.receivedBytes)}
          {d.totalBytes ? ` of ${formatBytes(d.totalBytes)}` : ''}
          {frac !== null && active ? ` · ${Math.floor(frac * 100)}%` : ''}
        </span>
        <span>{d.state === 'downloading' ? formatRate(d.bytesPerSecond) : ''}</span>
      </div>
      {(d.error || error) && (
        <p role="alert" className="mt-1 text-[12px] text-red-700 dark:text-red-300">
          {d.error?.message ?? error}
        </p>
      )}
    </li>
  );
}
