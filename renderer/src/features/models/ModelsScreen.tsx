// Models: the GGUF library (architecture, parameters, quantization, context, size), the active chat
// model, imports (file dialog on desktop, a typed path, drag and drop) and Hugging Face downloads with
// progress, pause, resume and cancel. Every file is checked by our GGUF reader in the core first.
import { useEffect, useState, type DragEvent } from 'react';
import type { BackendConfig } from '../../../../electron/core/api/backend.ts';
import { DEFAULT_CHAT_CONTEXT } from '../../../../electron/core/api/chat.ts';
import type { GlassboxBridge } from '../../../../electron/core/api/bridge.ts';
import type { ImportedModel, ModelInfo } from '../../../../electron/core/api/models.ts';
import { ApiCallError } from '../../api/client.ts';
import { useApi, useEvent } from '../../api/hooks.ts';
import { AlertIcon, ModelsIcon } from '../../components/icons.tsx';
import { FileIcon, UploadIcon } from '../../components/more-icons.tsx';
import { Button, Card, PageHeader } from '../../components/ui.tsx';
import { DemoModelOffer } from './DemoModelOffer.tsx';
import { DownloadPanel } from './DownloadPanel.tsx';
import { formatBytes, formatContext, formatParams } from './format.ts';
import { TextSubmit } from './TextSubmit.tsx';
import { useModels } from './useModels.ts';
import { errorMessage } from '../../../../electron/core/api/errors.ts';

const bridge = () => (window as unknown as { glassbox?: GlassboxBridge }).glassbox;

const describe = errorMessage;

/** "Added …" for a new model, "Already in the library" for one recorded before; says when it became active. */
function importedText(model: ImportedModel): string {
  const facts = `${model.architecture}, ${formatParams(model.parameterCount)} parameters, ${model.quantization}`;
  if (model.alreadyInLibrary) return `Already in the library: ${model.name} (${facts}).`;
  return `Added ${model.name} (${facts})${model.active ? ' and made it the active model, as it is the first' : ''}.`;
}

export function ModelsScreen() {
  const m = useModels();
  const desktop = !!bridge();
  const [path, setPath] = useState('');
  const [importing, setImporting] = useState(false);
  const [importMsg, setImportMsg] = useState<{ tone: 'error' | 'ok' | 'info'; text: string } | null>(null);
  const [dragging, setDragging] = useState(false);

  const importOne = async (p: string) => {
    setImporting(true);
    try {
      const model = await m.importPath(p);
      setImportMsg({ tone: model.alreadyInLibrary ? 'info' : 'ok', text: importedText(model) });
      setPath('');
    } catch (e) {
      // the core's bad_input already reads "Could not import <path>: <reason>."; anything else gets that frame here
      const text = e instanceof ApiCallError && e.code === 'bad_input' ? e.message : `Could not import ${p}: ${describe(e)}`;
      setImportMsg({ tone: 'error', text });
    } finally {
      setImporting(false);
    }
  };
  const pick = async () => {
    try {
      const added = await m.pickAndImport();
      if (added.length)
        setImportMsg({ tone: added.every((x) => x.alreadyInLibrary) ? 'info' : 'ok', text: added.map(importedText).join(' ') });
    } catch (e) {
      setImportMsg({ tone: 'error', text: describe(e) });
    }
  };
  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const files = Array.from(e.dataTransfer.files);
    if (files.length === 0) return;
    const b = bridge();
    const paths = b ? files.map((f) => b.pathForFile(f)).filter(Boolean) : [];
    if (paths.length === 0) {
      setImportMsg({
        tone: 'info',
        text: `The browser does not tell Glassbox where "${files[0].name}" is on disk. Type its full path below (the desktop app imports dropped files directly).`,
      });
      return;
    }
    for (const p of paths) await importOne(p);
  };

  return (
    <>
      <PageHeader
        title="Models"
        subtitle="GGUF models on this machine, checked by Glassbox's own GGUF reader before llama.cpp opens them"
        actions={
          desktop ? (
            <Button variant="primary" onClick={pick}>
              <UploadIcon /> Import GGUF…
            </Button>
          ) : undefined
        }
      />
      <div className="min-h-0 flex-1 overflow-y-auto">
        <div className="mx-auto max-w-5xl space-y-5 p-6">
          {m.loadError && (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-[13px] text-red-700 dark:bg-red-500/10 dark:text-red-300">
              Could not load the model library: {m.loadError}
            </p>
          )}
          {m.models && m.models.length > 0 && <Library models={m.models} actions={m} />}
          <div className="grid gap-5 lg:grid-cols-2">
            <Card title="Import a GGUF file" description="The file stays where it is; Glassbox records it in its library.">
              <div
                onDragOver={(e) => (e.preventDefault(), setDragging(true))}
                onDragLeave={() => setDragging(false)}
                onDrop={onDrop}
                data-testid="model-drop-zone"
                className={`mb-3 flex flex-col items-center justify-center gap-1 rounded-lg border-2 border-dashed px-4 py-5 text-center text-[13px] transition-colors ${
                  dragging
                    ? 'border-accent-500 bg-accent-50 dark:bg-accent-500/10'
                    : 'border-zinc-300 text-zinc-500 dark:border-zinc-700 dark:text-zinc-400'
                }`}
              >
                <FileIcon width={22} height={22} />
                <span>Drop a .gguf file here</span>
              </div>
              <TextSubmit
                id="model-path"
                label="Path to a GGUF file"
                value={path}
                onChange={setPath}
                placeholder="/path/to/model.gguf"
                onSubmit={(p) => void importOne(p)}
                busy={importing}
                primary
              >
                {importing ? 'Checking…' : 'Import'}
              </TextSubmit>
              {importMsg && (
                <p
                  role={importMsg.tone === 'error' ? 'alert' : 'status'}
                  data-testid="import-message"
                  className={`mt-3 flex gap-2 rounded-md px-3 py-2 text-[12.5px] ${
                    importMsg.tone === 'error'
                      ? 'bg-red-50 text-red-800 dark:bg-red-500/10 dark:text-red-300'
                      : importMsg.tone === 'ok'
                        ? 'bg-emerald-50 text-emerald-800 dark:bg-emerald-500/10 dark:text-emerald-300'
                        : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300'
                  }`}
                >
                  {importMsg.tone === 'error' && <AlertIcon width={15} height={15} className="mt-0.5 shrink-0" />}
                  <span className="selectable min-w-0 break-words">{importMsg.text}</span>
                </p>
              )}
            </Card>
            <DownloadPanel models={m} />
          </div>
          {!(m.models && m.models.length > 0) && <Library models={m.models} actions={m} />}
        </div>
      </div>
    </>
  );
}

/** The context window chat really runs with, per model id (the trained length is often far larger). */
function useChatContext(): (m: ModelInfo) => number | null {
  const api = useApi();
  const [config, setConfig] = useState<BackendConfig | null>(null);
  const [loaded, setLoaded] = useState<{ id: string; contextSize: number } | null>(null);
  useEffect(() => {
    api.backend.getConfig({}).then(setConfig, () => {});
  }, [api]);
  useEvent('backend.changed', (r) => {
    setLoaded(r.model ? { id: r.model.id, contextSize: r.model.contextSize } : null);
    api.backend.getConfig({}).then(setConfig, () => {});
  });
  return (m) => {
    if (loaded?.id === m.id) return loaded.contextSize;
    if (!config || m.contextLength == null) return null;
    return config.contextSize ?? Math.min(m.contextLength, DEFAULT_CHAT_CONTEXT);
  };
}

function Library({ models, actions }: { models: ModelInfo[] | null; actions: ReturnType<typeof useModels> }) {
  const chatContext = useChatContext();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const act = async (id: string, f: () => Promise<unknown>) => {
    setBusy(id);
    try {
      await f();
      setError(null);
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card
      title="Library"
      description="The active model is the one chat uses. Removing forgets a model; its file is deleted only if you ask and it lies in the models folder."
    >
      {error && (
        <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-700 dark:bg-red-500/10 dark:text-red-300">
          {error}
        </p>
      )}
      {models === null ? (
        <p className="text-[13px] text-zinc-500">Loading…</p>
      ) : models.length === 0 ? (
        <div
          className="flex flex-col items-center py-6 text-center text-[13px] text-zinc-500 dark:text-zinc-400"
          role="status"
          aria-label="No models yet"
        >
          <ModelsIcon width={26} height={26} className="mb-2 text-accent-500" />
          No models yet. Import a GGUF file or download Gemma 3 270M above.
          <DemoModelOffer />
        </div>
      ) : (
        <div className="-mx-5 overflow-x-auto">
          <table className="w-full text-left text-[13px]" aria-label="Models">
            <thead className="text-[11px] tracking-wide text-zinc-500 uppercase">
              <tr>
                <th className="px-5 pb-2 font-medium">Model</th>
                <th className="pb-2 font-medium">Architecture</th>
                <th className="pb-2 pl-4 text-right font-medium">Parameters</th>
                <th className="pb-2 pl-4 font-medium">Quant</th>
                <th className="pb-2 pl-4 text-right font-medium">Context</th>
                <th className="pb-2 pl-4 text-right font-medium">Size</th>
                <th className="px-5 pb-2" />
              </tr>
            </thead>
            <tbody>
              {models.map((model) => (
                <tr
                  key={model.id}
                  data-testid="model-row"
                  data-model-id={model.id}
                  className={`border-t border-zinc-100 align-middle dark:border-zinc-800 ${model.active ? 'bg-accent-50/60 dark:bg-accent-500/5' : ''}`}
                >
                  <td className="max-w-[280px] px-5 py-2.5">
                    <div className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
                      <span className="font-medium break-words [overflow-wrap:anywhere]" data-testid="model-name" title={model.name}>
                        {model.name}
                      </span>
                      {model.active && (
                        <span className="rounded-full bg-accent-600 px-1.5 py-px text-[10.5px] font-medium text-white">active</span>
                      )}
                      {!model.fileExists && (
                        <span className="rounded-full bg-red-100 px-1.5 py-px text-[10.5px] font-medium text-red-700 dark:bg-red-500/15 dark:text-red-300">
                          file missing
                        </span>
                      )}
                      {!model.hasChatTemplate && (
                        <span
                          className="rounded-full bg-zinc-100 px-1.5 py-px text-[10.5px] text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400"
                          title="The file has no tokenizer.chat_template"
                        >
                          no chat template
                        </span>
                      )}
                    </div>
                    <div className="selectable truncate font-mono text-[11px] text-zinc-500" title={model.path}>
                      {model.path}
                    </div>
                    {(model.sourceUri || model.sha256) && (
                      <div
                        className="selectable truncate font-mono text-[11px] text-zinc-400 dark:text-zinc-500"
                        title={[model.sourceUri, model.sha256 && `sha256 ${model.sha256}`].filter(Boolean).join('\n')}
                      >
                        {model.sourceUri ? `from ${model.sourceUri}` : ''}
                        {model.sourceUri && model.sha256 ? ' · ' : ''}
                        {model.sha256 ? `sha256 ${model.sha256.slice(0, 12)}…` : ''}
                      </div>
                    )}
                  </td>
                  <td className="py-2.5 font-mono text-[12px]" data-testid="model-arch">
                    {model.architecture}
                  </td>
                  <td
                    className="py-2.5 pl-4 text-right font-mono text-[12px] tabular-nums"
                    data-testid="model-params"
                    title={model.parameterCount.toLocaleString('en-US')}
                  >
                    {formatParams(model.parameterCount)}
                  </td>
                  <td className="py-2.5 pl-4 font-mono text-[12px]" data-testid="model-quant">
                    {model.quantization}
                  </td>
                  <td
                    className="py-2.5 pl-4 text-right font-mono text-[12px] tabular-nums"
                    data-testid="model-context"
                    title="Trained context length (from the file). Chat runs with a smaller window unless you raise it in Settings → Backend: it needs memory."
                  >
                    {formatContext(model.contextLength)}
                    {(() => {
                      const used = chatContext(model);
                      return used !== null && used !== model.contextLength ? (
                        <div
                          className="text-[11px] whitespace-nowrap text-zinc-500"
                          data-testid="model-chat-context"
                          title={`The model was trained for ${model.contextLength?.toLocaleString('en-US')} tokens; chat runs with a ${used.toLocaleString('en-US')}-token window to save memory. Change it in Settings → Backend.`}
                        >
                          chat uses {used.toLocaleString('en-US')}
                        </div>
                      ) : null;
                    })()}
                  </td>
                  <td className="py-2.5 pl-4 text-right font-mono text-[12px] tabular-nums whitespace-nowrap">
                    {formatBytes(model.sizeBytes)}
                  </td>
                  <td className="px-5 py-2.5 text-right whitespace-nowrap">
                    {confirm === model.id ? (
                      <span className="inline-flex items-center gap-1.5">
                        <Button
                          variant="danger"
                          onClick={() => (setConfirm(null), void act(model.id, () => actions.remove(model.id, false)))}
                        >
                          Remove
                        </Button>
                        {model.source === 'download' && (
                          <Button
                            variant="danger"
                            onClick={() => (setConfirm(null), void act(model.id, () => actions.remove(model.id, true)))}
                          >
                            Remove and delete file
                          </Button>
                        )}
                        <Button variant="ghost" onClick={() => setConfirm(null)}>
                          Keep
                        </Button>
                      </span>
                    ) : (
                      <span className="inline-flex items-center gap-1.5">
                        {model.active ? (
                          <Button variant="ghost" disabled={busy !== null} onClick={() => act(model.id, () => actions.setActive(null))}>
                            Unload
                          </Button>
                        ) : (
                          <Button
                            variant="secondary"
                            disabled={busy !== null || !model.fileExists}
                            onClick={() => act(model.id, () => actions.setActive(model.id))}
                            aria-label={`Use ${model.name}`}
                          >
                            {busy === model.id ? 'Loading…' : 'Use'}
                          </Button>
                        )}
                        <Button
                          variant="ghost"
                          disabled={busy !== null}
                          onClick={() => setConfirm(model.id)}
                          aria-label={`Remove ${model.name}`}
                        >
                          Remove
                        </Button>
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
