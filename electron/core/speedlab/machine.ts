// What a speed-lab result was measured on, and which configurations this machine can run: llama.cpp
// on the CPU at 1…N threads plus every GPU backend node-llama-cpp can load here, and our engine.
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { getLlama, getLlamaGpuTypes } from 'node-llama-cpp';
import type { MachineInfo, SpeedConfig } from '../api/lab.ts';

export async function describeMachine(): Promise<MachineInfo> {
  const cpu = cpus()[0]?.model?.trim() || arch();
  const cores = cpus().length;
  const gpus: string[] = [];
  let backendBuild = 'node-llama-cpp';
  try {
    const llama = await getLlama({ gpu: 'auto', build: 'never', logLevel: 'error' as never, progressLogs: false });
    if (llama.gpu) gpus.push(...(await llama.getGpuDeviceNames()).map((n) => `${n} (${llama.gpu})`));
    backendBuild = `llama.cpp ${llama.llamaCppRelease.release}`;
  } catch {
    // No backend could load at all: the plan then offers only our engine.
  }
  const os = `${platform()} ${release()} ${arch()}`;
  return {
    os,
    cpu,
    cores,
    memoryBytes: totalmem(),
    gpus,
    backendBuild,
    label: `${cpu} · ${cores} cores${gpus.length ? ` · ${gpus.join(', ')}` : ''}`,
  };
}

/** Thread counts worth measuring: 1, powers of two, and every core. */
export function threadCounts(cores: number): number[] {
  const out = new Set<number>([1]);
  for (let t = 2; t < cores; t *= 2) out.add(t);
  out.add(Math.max(1, cores));
  return [...out].sort((a, b) => a - b);
}

export async function defaultConfigs(cores: number): Promise<SpeedConfig[]> {
  const configs: SpeedConfig[] = threadCounts(cores).map((threads) => ({ engine: 'llama.cpp', backend: 'cpu', threads }));
  let gpuTypes: string[];
  try {
    gpuTypes = (await getLlamaGpuTypes('supported')).filter((g) => g !== false) as string[];
  } catch {
    gpuTypes = [];
  }
  for (const g of gpuTypes) {
    if (g === 'metal' || g === 'cuda' || g === 'vulkan') configs.push({ engine: 'llama.cpp', backend: g, threads: cores });
  }
  configs.push({ engine: 'glassbox', backend: 'cpu', threads: cores });
  return configs;
}
