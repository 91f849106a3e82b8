// Hugging Face model URIs, in node-llama-cpp's notation:
//   hf:<user>/<repo>:<quant>        the repo's single .gguf file whose name carries that quantization
//   hf:<user>/<repo>/<path>.gguf    that file
// resolved to a plain download URL (plus size and sha256 from the Hub's file listing when known).
// The Hub's address can be changed with HF_ENDPOINT (mirrors; tests point it at a loopback server).

import { networkReason } from './net-errors.ts';

export class ModelUriError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelUriError';
  }
}

export type ParsedModelUri =
  | { kind: 'url'; url: string }
  | { kind: 'hf-file'; user: string; repo: string; file: string; branch: string }
  | { kind: 'hf-quant'; user: string; repo: string; quant: string; branch: string };

export interface ResolvedModelUri {
  url: string;
  fileName: string;
  sizeBytes: number | null;
  sha256: string | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function parseModelUri(uri: string): ParsedModelUri {
  const s = uri.trim();
  if (/^https?:\/\//i.test(s)) {
    try {
      return { kind: 'url', url: new URL(s).toString() };
    } catch {
      throw new ModelUriError(`not a valid URL: ${s}`);
    }
  }
  if (!s.startsWith('hf:')) throw new ModelUriError(`expected hf:<user>/<repo>:<quant> or an http(s) URL, got ${JSON.stringify(s)}`);
  let rest = s.slice(3).replace(/^\/\//, '');
  let branch = 'main';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    branch = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  const [user, repoAndMore, ...filePath] = rest.split('/');
  if (!user || !repoAndMore || !NAME.test(user)) throw new ModelUriError(`hf: URI needs <user>/<repo>: ${JSON.stringify(s)}`);
  if (filePath.length > 0) {
    const file = filePath.join('/');
    if (!NAME.test(repoAndMore) || !/\.gguf$/i.test(file) || file.split('/').some((p) => !p || p === '..')) {
      throw new ModelUriError(`hf: file URIs must name a .gguf file: ${JSON.stringify(s)}`);
    }
    return { kind: 'hf-file', user, repo: repoAndMore, file, branch };
  }
  const colon = repoAndMore.indexOf(':');
  const repo = colon >= 0 ? repoAndMore.slice(0, colon) : repoAndMore;
  const quant = colon >= 0 ? repoAndMore.slice(colon + 1) : '';
  if (!NAME.test(repo)) throw new ModelUriError(`bad repository name in ${JSON.stringify(s)}`);
  if (!quant || !/^[A-Za-z0-9_.-]+$/.test(quant))
    throw new ModelUriError(`hf: URI needs a quantization after the repo, e.g. hf:${user}/${repo}:Q8_0`);
  return { kind: 'hf-quant', user, repo, quant, branch };
}

export function hfEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
}

const fileNameOfUrl = (url: string) => decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || 'model.gguf';

interface HubEntry {
  type: string;
  path: string;
  size?: number;
  lfs?: { oid?: string; size?: number };
}

/** Picks the one .gguf file of a repo listing that matches `quant` (as a whole word of its name). */
export function pickQuantFile(entries: HubEntry[], quant: string): HubEntry {
  const q = quant.toLowerCase();
  const ggufs = entries.filter((e) => e.type === 'file' && /\.gguf$/i.test(e.path) && !/mmproj/i.test(e.path));
  const matches = ggufs.filter((e) => {
    const base = e.path
      .split('/')
      .pop()!
      .toLowerCase()
      .replace(/\.gguf$/, '');
    return base.split(/[-.]/).includes(q) || base.endsWith(`-${q}`) || base.endsWith(`.${q}`);
  });
  if (matches.length === 0) {
    const have = ggufs.map((e) => e.path).join(', ') || 'none';
    throw new ModelUriError(`no .gguf file for ${quant} in that repository (files: ${have})`);
  }
  const single = matches.filter((e) => !/-\d{5}-of-\d{5}\.gguf$/i.test(e.path));
  if (single.length === 0) throw new ModelUriError(`the ${quant} model is split into several files, which is not supported yet`);
  return single.sort((a, b) => a.path.length - b.path.length)[0];
}

export async function resolveModelUri(
  uri: string,
  options: { signal?: AbortSignal; fetchImpl?: typeof fetch; endpoint?: string } = {},
): Promise<ResolvedModelUri> {
  const parsed = parseModelUri(uri);
  const doFetch = options.fetchImpl ?? fetch;
  const endpoint = options.endpoint ?? hfEndpoint();
  if (parsed.kind === 'url') return { url: parsed.url, fileName: fileNameOfUrl(parsed.url), sizeBytes: null, sha256: null };
  const repoUrl = `${endpoint}/${parsed.user}/${parsed.repo}`;
  if (parsed.kind === 'hf-file') {
    const url = `${repoUrl}/resolve/${encodeURIComponent(parsed.branch)}/${parsed.file.split('/').map(encodeURIComponent).join('/')}`;
    return { url, fileName: parsed.file.split('/').pop()!, sizeBytes: null, sha256: null };
  }
  const listUrl = `${endpoint}/api/models/${parsed.user}/${parsed.repo}/tree/${encodeURIComponent(parsed.branch)}?recursive=true`;
  let res: Response;
  try {
    res = await doFetch(listUrl, { signal: options.signal });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw new ModelUriError(`Could not reach ${new URL(endpoint).host} to look up ${uri}: ${networkReason(err)}.`);
  }
  if (res.status === 404 || res.status === 401)
    throw new ModelUriError(`Hugging Face has no public repository ${parsed.user}/${parsed.repo}`);
  if (!res.ok) throw new ModelUriError(`Hugging Face answered ${res.status} listing ${parsed.user}/${parsed.repo}`);
  const entries = (await res.json()) as HubEntry[];
  if (!Array.isArray(entries)) throw new ModelUriError(`unexpected answer from Hugging Face listing ${parsed.user}/${parsed.repo}`);
  const file = pickQuantFile(entries, parsed.quant);
  const oid = file.lfs?.oid;
  return {
    url: `${repoUrl}/resolve/${encodeURIComponent(parsed.branch)}/${file.path.split('/').map(encodeURIComponent).join('/')}`,
    fileName: file.path.split('/').pop()!,
    sizeBytes: file.lfs?.size ?? file.size ?? null,
    sha256: oid && /^[0-9a-f]{64}$/i.test(oid) ? oid.toLowerCase() : null,
  };
}
