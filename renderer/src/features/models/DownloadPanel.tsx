// Downloading from Hugging Face (`hf:user/repo:QUANT`) or a URL: the default offer (Gemma 3 270M IT,
// Q8_0), any other URI, and each download's progress with pause, resume and cancel. Free disk space,
// size and sha256 are checked by the core; its errors are shown as they come.
import { useState } from 'react';
import { modelUri, type DownloadInfo } from '../../../../electron/core/api/models.ts';
import { ApiCallError } from '../../api/client.ts';
import { DownloadIcon, PauseIcon, PlayIcon } from '../../components/more-icons.tsx';
import { CloseIcon } from '../../components/icons.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { Button, Card } from '../../components/ui.tsx';
import { formatBytes, formatRate } from './format.ts';
import { TextSubmit } from './TextSubmit.tsx';
import type { useModels } from './useModels.ts';
import { errorMessage } from '../../../../electron/core/api/errors.ts';

const URI_HELP =
  'Use hf:<user>/<repo>:<quantization> (for example hf:ggml-org/gemma-3-270m-it-GGUF:Q8_0) or an https:// link to a .gguf file.';

/** What to tell the user when a download cannot start: the reason in their words, not the API's. */
export function downloadStartError(uri: string, e: unknown): string {
  if (e instanceof ApiCallError && e.code === 'bad_input') {
    // a schema failure names the method and field ("invalid input for models.download: uri: …"); say what to type instead
    if (e.issues?.length) return `“${uri}” is not a model address Glassbox can download. ${URI_HELP}`;
    return `“${uri}” cannot be downloaded: ${e.message.replace(/\.$/, '')}. ${URI_HELP}`;
  }
  return errorMessage(e);
}

export function DownloadPanel({ models: m }: { models: ReturnType<typeof useModels> }) {
  const [uri, setUri] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const start = async (u: string, activate: boolean) => {
    if (!modelUri.safeParse(u).success) {
      setError(`“${u}” is not a model address Glassbox can download. ${URI_HELP}`);
      return;
    }
    setStarting(true);
    try {
      await m.download(u, activate);
      setError(null);
      setUri('');
    } catch (e) {
      setError(downloadStartError(u, e));
    } finally {
      setStarting(false);
    }
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
      <TextSubmit
        id="download-uri"
        label="Model URI or URL"
        value={uri}
        onChange={setUri}
        placeholder="hf:user/repo:Q8_0 or https://…/model.gguf"
        onSubmit={(u) => void start(u, false)}
        busy={starting}
      >
        Download
      </TextSubmit>
      {error && (
        <p
          role="alert"
          data-testid="download-error"
          className="mt-3 rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-800 dark:bg-red-500/10 dark:text-red-300"
        >
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
  // Until the URI is resolved the file has no name yet: show what the user asked for.
  const resolved = d.fileName !== 'resolving…';
  const name = resolved ? d.fileName : d.uri;
  const stateLabel = !resolved && d.state === 'downloading' ? 'Looking up…' : stateText[d.state];
  const showBytes = d.state !== 'failed' || d.receivedBytes > 0;
  return (
    <li className="text-[12.5px]" data-testid="download-row" data-state={d.state}>
      <div className="mb-1 flex items-center gap-2">
        <span className="min-w-0 flex-1 truncate font-medium" title={d.uri} data-testid="download-name">
          {name}
        </span>
        <span className={d.state === 'failed' ? 'text-red-600 dark:text-red-400' : 'text-zinc-500'} data-testid="download-state">
          {stateLabel}
        </span>
        {d.state === 'downloading' && (
          <Button variant="ghost" aria-label={`Pause ${name}`} onClick={() => act(() => m.pause(d.downloadId))}>
            <PauseIcon />
          </Button>
        )}
        {d.state === 'paused' && (
          <Button variant="ghost" aria-label={`Resume ${name}`} onClick={() => act(() => m.resume(d.downloadId))}>
            <PlayIcon />
          </Button>
        )}
        {d.state === 'failed' && (
          <Button variant="secondary" className="!py-0.5" onClick={() => act(() => m.resume(d.downloadId))}>
            Retry
          </Button>
        )}
        {d.state === 'failed' || d.state === 'cancelled' ? (
          <Button variant="ghost" className="!py-0.5" onClick={() => act(() => m.removeDownload(d.downloadId))}>
            Remove
          </Button>
        ) : active ? (
          <Button variant="ghost" aria-label={`Cancel ${name}`} onClick={() => act(() => m.cancel(d.downloadId))}>
            <CloseIcon width={16} height={16} />
          </Button>
        ) : (
          <Button variant="ghost" aria-label={`Dismiss ${name}`} onClick={() => m.dismiss(d.downloadId)}>
            <CloseIcon width={16} height={16} />
          </Button>
        )}
      </div>
      {active && <ProgressBar value={d.state === 'verifying' || !resolved ? null : frac} label={`Download of ${name}`} />}
      {showBytes && (
        <div className="mt-1 flex justify-between font-mono text-[11px] text-zinc-500 tabular-nums">
          <span>
            {formatBytes(d.receivedBytes)}
            {d.totalBytes ? ` of ${formatBytes(d.totalBytes)}` : ''}
            {frac !== null && active ? ` · ${Math.floor(frac * 100)}%` : ''}
          </span>
          <span>{d.state === 'downloading' ? formatRate(d.bytesPerSecond) : ''}</span>
        </div>
      )}
      {(d.error || error) && (
        <p role="alert" className="mt-1 text-[12px] text-red-700 dark:text-red-300" data-testid="download-failure">
          {d.error?.message ?? error}
        </p>
      )}
    </li>
  );
}
