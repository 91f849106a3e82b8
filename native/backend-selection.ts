// Which llama.cpp build node-llama-cpp would pick on a machine, explained. node-llama-cpp's own
// `getLlama({ gpu: 'auto' })` does the real selection (and test-loads each binary); this mirrors its
// order so the app can say in advance what it expects and why it fell back:
//   macOS arm64 → Metal · macOS x64 → CPU
//   Linux/Windows x64 → CUDA (driver found) → Vulkan (loader found) → CPU
//   Linux/Windows arm64, Linux armv7l → CPU
export type Backend = 'metal' | 'cuda' | 'vulkan' | 'cpu';

export interface MachineFacts {
  platform: NodeJS.Platform;
  arch: string;
  /** An NVIDIA driver is present (nvidia-smi, /proc/driver/nvidia, nvcuda.dll …). */
  hasCuda: boolean;
  /** A Vulkan loader is present (libvulkan.so.1 / vulkan-1.dll). */
  hasVulkan: boolean;
}

export interface Candidate {
  backend: Backend;
  /** npm package holding the prebuilt binary, e.g. "@node-llama-cpp/linux-x64-cuda". */
  binaryPackages: string[];
  /** Why this candidate is (or is not) usable. */
  reason: string;
  usable: boolean;
}

export interface Selection {
  selected: Backend;
  candidates: Candidate[];
  /** One line for the UI: "CUDA (NVIDIA driver found)" or "CPU — no CUDA driver, no Vulkan loader". */
  summary: string;
}

const osName = (p: NodeJS.Platform) => (p === 'darwin' ? 'mac' : p === 'win32' ? 'win' : p);

export function selectBackend(m: MachineFacts): Selection {
  const os = osName(m.platform);
  const base = `@node-llama-cpp/${os}-${m.arch}`;
  const candidates: Candidate[] = [];
  if (m.platform === 'darwin' && m.arch === 'arm64') {
    candidates.push({ backend: 'metal', binaryPackages: [`${base}-metal`], usable: true, reason: 'Apple silicon always has Metal' });
  } else if ((m.platform === 'linux' || m.platform === 'win32') && m.arch === 'x64') {
    candidates.push({
      backend: 'cuda',
      binaryPackages: [`${base}-cuda`, `${base}-cuda-ext`],
      usable: m.hasCuda,
      reason: m.hasCuda ? 'NVIDIA driver found' : 'no NVIDIA driver found',
    });
    candidates.push({
      backend: 'vulkan',
      binaryPackages: [`${base}-vulkan`],
      usable: m.hasVulkan,
      reason: m.hasVulkan ? 'Vulkan loader found' : 'no Vulkan loader found',
    });
  }
  candidates.push({ backend: 'cpu', binaryPackages: [base], usable: true, reason: 'always available' });
  const chosen = candidates.find((c) => c.usable)!;
  const skipped = candidates.filter((c) => c !== chosen && candidates.indexOf(c) < candidates.indexOf(chosen));
  const label = { metal: 'Metal', cuda: 'CUDA', vulkan: 'Vulkan', cpu: 'CPU' }[chosen.backend];
  const summary = skipped.length === 0 ? `${label} (${chosen.reason})` : `${label} — ${skipped.map((s) => s.reason).join(', ')}`;
  return { selected: chosen.backend, candidates, summary };
}
