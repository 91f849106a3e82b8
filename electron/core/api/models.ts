// models.*: the model library (GGUF files recorded in SQLite), imports, downloads and the active
// chat model. Every file is checked by our own GGUF reader before llama.cpp ever opens it.
import { z } from 'zod';
import type { ApiErrorData } from './errors.ts';
import { event, method } from './define.ts';

export interface ModelInfo {
  id: string;
  /** Display name, e.g. "gemma-3-270m-it Q8_0" (file name without .gguf when the file has no name). */
  name: string;
  /** Absolute path of the .gguf file. */
  path: string;
  /** general.architecture, e.g. "gemma3". */
  architecture: string;
  /** Counted from the tensor shapes (exact), e.g. 268_098_176. */
  parameterCount: number;
  /** Dominant weight type, e.g. "Q8_0", "F16", "Q4_K_M" when general.file_type says so. */
  quantization: string;
  /** <arch>.context_length from the file (the model's trained maximum); null if absent. */
  contextLength: number | null;
  sizeBytes: number;
  /** Hex sha256 of the file when known (downloads with a known hash, or computed after download). */
  sha256: string | null;
  /** True when the file carries tokenizer.chat_template. */
  hasChatTemplate: boolean;
  source: 'import' | 'download';
  /** The hf: URI or URL it was downloaded from; null for imports. */
  sourceUri: string | null;
  addedAt: number;
  /** The model chat uses. At most one is active. */
  active: boolean;
  /** False when the file has vanished from disk since it was recorded. */
  fileExists: boolean;
}

/** A model as models.import answers: `alreadyInLibrary` when the file was recorded before. */
export type ImportedModel = ModelInfo & { alreadyInLibrary: boolean };

export type DownloadState = 'downloading' | 'paused' | 'verifying' | 'done' | 'failed' | 'cancelled';

export interface DownloadInfo {
  downloadId: string;
  /** What the user asked for: an `hf:user/repo:QUANT` URI or an https URL. */
  uri: string;
  /** Final file name in the models folder. */
  fileName: string;
  state: DownloadState;
  receivedBytes: number;
  /** null until the server told the size. */
  totalBytes: number | null;
  /** Smoothed over the last seconds; 0 when not downloading. */
  bytesPerSecond: number;
  /** Set when state is 'failed'. */
  error: ApiErrorData | null;
  /** The library entry once state is 'done'. */
  modelId: string | null;
  startedAt: number;
  updatedAt: number;
}

export interface DefaultDownload {
  uri: string;
  name: string;
  description: string;
  /** Approximate size, for the free-disk hint before the server answers. */
  approxBytes: number;
}

export const modelId = z.string().min(1).max(100);
export const downloadId = z.string().min(1).max(100);
const hexSha256 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'sha256 must be 64 hex digits');
/** `hf:<user>/<repo>:<quant>` (or `hf:<user>/<repo>/<file>.gguf`) or an http(s) URL. */
export const modelUri = z
  .string()
  .trim()
  .min(1, 'the URI is empty')
  .max(2000)
  .refine((s) => /^hf:[^\s/]+\/[^\s]+$/.test(s) || /^https?:\/\/\S+$/.test(s), 'expected hf:<user>/<repo>:<quant> or an http(s) URL');

export const modelsMethods = {
  /** Newest first. */
  list: method(z.object({}).strict()).returns<ModelInfo[]>(),
  /**
   * Records a GGUF file already on disk (not copied). bad_input with a clear reason if it is not a usable GGUF.
   * The path may be quoted or start with ~; a relative path is refused. `alreadyInLibrary`: it was recorded before
   * (its facts are refreshed). The first model of an empty library becomes the active one.
   */
  import: method(z.object({ path: z.string().min(1).max(4096) }).strict()).returns<ImportedModel>(),
  /** Desktop only: the native file dialog, then import of each chosen file. 'unavailable' in the browser. */
  pickAndImport: method(z.object({}).strict()).returns<ImportedModel[]>(),
  /** Forgets the model; `deleteFile` also deletes the file, but only if it lies inside the app's models folder. */
  remove: method(z.object({ id: modelId, deleteFile: z.boolean().default(false) }).strict()).returns<{ removed: true }>(),
  /** Makes this the chat model and loads it in the model worker (resolves once loaded); null unloads. */
  setActive: method(z.object({ id: modelId.nullable() }).strict()).returns<ModelInfo | null>(),
  /** Offline first run: writes a small Gemma 3 with random weights into the models folder (once) and imports it (electron/core/llm/demo-model.ts). */
  createDemo: method(z.object({}).strict()).returns<ModelInfo>(),
  /** The download the Models screen offers first: Gemma 3 270M instruction-tuned, Q8_0. */
  defaultDownload: method(z.object({}).strict()).returns<DefaultDownload>(),
  /** Starts a download into the models folder; free disk space is checked first. Known size/sha256 are verified at the end. */
  download: method(
    z
      .object({
        uri: modelUri,
        sha256: hexSha256.optional(),
        sizeBytes: z.number().int().positive().optional(),
        /** Make the downloaded model active when done. */
        activate: z.boolean().default(false),
      })
      .strict(),
  ).returns<DownloadInfo>(),
  downloads: method(z.object({}).strict()).returns<DownloadInfo[]>(),
  pauseDownload: method(z.object({ downloadId }).strict()).returns<DownloadInfo>(),
  resumeDownload: method(z.object({ downloadId }).strict()).returns<DownloadInfo>(),
  /** Stops and deletes the partial file. */
  cancelDownload: method(z.object({ downloadId }).strict()).returns<DownloadInfo>(),
  /** Forgets a download that is not running (a failed one, say) and deletes its partial file; conflict while it runs. */
  removeDownload: method(z.object({ downloadId }).strict()).returns<{ removed: true }>(),
};

export const modelsEvents = {
  /** The library changed (import, remove, active model, download finished). */
  changed: event<{ models: ModelInfo[] }>(),
  /** A download's progress or state changed (throttled to ~10/s while bytes flow). */
  download: event<DownloadInfo>(),
};
