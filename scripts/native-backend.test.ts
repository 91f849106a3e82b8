import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { selectBackend } from '../native/backend-selection.ts';
import { detectMachine } from '../native/detect.ts';

test('macOS arm64 picks Metal', () => {
  const s = selectBackend({ platform: 'darwin', arch: 'arm64', hasCuda: false, hasVulkan: false });
  assert.equal(s.selected, 'metal');
  assert.deepEqual(s.candidates[0].binaryPackages, ['@node-llama-cpp/mac-arm64-metal']);
});

test('Linux and Windows x64: CUDA, then Vulkan, then CPU, and the summary says why it fell back', () => {
  assert.equal(selectBackend({ platform: 'linux', arch: 'x64', hasCuda: true, hasVulkan: true }).selected, 'cuda');
  const vk = selectBackend({ platform: 'win32', arch: 'x64', hasCuda: false, hasVulkan: true });
  assert.equal(vk.selected, 'vulkan');
  assert.equal(vk.summary, 'Vulkan — no NVIDIA driver found');
  assert.deepEqual(vk.candidates.find((c) => c.backend === 'cuda')!.binaryPackages, [
    '@node-llama-cpp/win-x64-cuda',
    '@node-llama-cpp/win-x64-cuda-ext',
  ]);
  const cpu = selectBackend({ platform: 'linux', arch: 'x64', hasCuda: false, hasVulkan: false });
  assert.equal(cpu.selected, 'cpu');
  assert.equal(cpu.summary, 'CPU — no NVIDIA driver found, no Vulkan loader found');
  assert.deepEqual(cpu.candidates.at(-1)!.binaryPackages, ['@node-llama-cpp/linux-x64']);
});

test('macOS x64 and ARM Linux use the CPU build', () => {
  assert.equal(selectBackend({ platform: 'darwin', arch: 'x64', hasCuda: false, hasVulkan: true }).selected, 'cpu');
  assert.equal(selectBackend({ platform: 'linux', arch: 'arm64', hasCuda: true, hasVulkan: true }).selected, 'cpu');
});

test('on this machine the expected CPU/GPU package for the selection is installed', () => {
  const s = selectBackend(detectMachine());
  const chosen = s.candidates.find((c) => c.backend === s.selected)!;
  assert.ok(
    chosen.binaryPackages.some((p) => existsSync(`node_modules/${p}`)),
    `none of ${chosen.binaryPackages.join(', ')} is installed`,
  );
});
