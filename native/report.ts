// `npm run native:report [-- --probe]`: which llama.cpp binary Glassbox expects to use here, which
// prebuilt packages are installed, and (with --probe) what node-llama-cpp actually loads.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from './backend-selection.ts';
import { detectMachine } from './detect.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const machine = detectMachine();
const selection = selectBackend(machine);

console.log(
  `machine: ${machine.platform} ${machine.arch}; NVIDIA driver: ${machine.hasCuda ? 'yes' : 'no'}; Vulkan loader: ${machine.hasVulkan ? 'yes' : 'no'}`,
);
console.log(`expected backend: ${selection.summary}\n`);
for (const c of selection.candidates) {
  const installed = c.binaryPackages.map((p) => `${p}${existsSync(join(root, 'node_modules', p)) ? ' (installed)' : ' (not installed)'}`);
  console.log(
    `  ${c.backend === selection.selected ? '→' : ' '} ${c.backend.padEnd(6)} ${c.usable ? 'usable  ' : 'skipped '} ${c.reason}\n             ${installed.join('\n             ')}`,
  );
}

if (process.argv.includes('--probe')) {
  console.log('\nprobing node-llama-cpp (getLlama({ gpu: "auto" }))…');
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: 'auto', build: 'never', maxThreads: 2 });
  console.log(`  loaded backend: ${llama.gpu === false ? 'cpu' : llama.gpu}`);
  console.log(`  devices: ${(await llama.getGpuDeviceNames()).join(', ') || '(none)'}`);
  const vram = await llama.getVramState();
  console.log(`  VRAM: ${(vram.total / 2 ** 30).toFixed(1)} GiB total, ${(vram.free / 2 ** 30).toFixed(1)} GiB free`);
  await llama.dispose();
}
