// Cheap facts about the machine for backend selection, without loading any GPU library.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineFacts } from './backend-selection.ts';

const anyExists = (paths: string[]) => paths.some((p) => existsSync(p));

export function detectMachine(env: NodeJS.ProcessEnv = process.env): MachineFacts {
  const platform = process.platform;
  const sys32 = join(env.SystemRoot ?? 'C:\\Windows', 'System32');
  const libDirs = ['/usr/lib', '/usr/lib64', '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/local/lib'];
  const hasCuda =
    platform === 'win32'
      ? anyExists([join(sys32, 'nvcuda.dll')])
      : platform === 'linux'
        ? anyExists(['/proc/driver/nvidia/version', ...libDirs.map((d) => join(d, 'libcuda.so.1'))])
        : false;
  const hasVulkan =
    platform === 'win32'
      ? anyExists([join(sys32, 'vulkan-1.dll')])
      : platform === 'linux'
        ? anyExists(libDirs.map((d) => join(d, 'libvulkan.so.1')))
        : false;
  return { platform, arch: process.arch, hasCuda, hasVulkan };
}
