#!/usr/bin/env node
// `npm run build:electron`: bundles the Electron side with esbuild.
//   electron/main/main.ts              → dist/electron/main.cjs     (CommonJS, Electron's main)
//   electron/preload/preload.ts        → dist/electron/preload.cjs  (CommonJS, one file: sandboxed preloads cannot require local files)
//   electron/core/workers/worker-main.ts → dist/electron/worker.mjs (ESM: node-llama-cpp is ESM-only; run by utilityProcess)
// Native and Electron-provided modules stay external. Usage: node scripts/build-electron.mjs [--outdir DIR]
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--outdir');
const outdir = resolve(at >= 0 ? process.argv[at + 1] : join(root, 'dist', 'electron'));
const external = ['electron', 'better-sqlite3', 'node-llama-cpp', '@node-llama-cpp/*'];
const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'warning', absWorkingDir: root };

export async function buildElectron(dir = outdir) {
  await Promise.all([
    build({ ...common, entryPoints: ['electron/main/main.ts'], outfile: join(dir, 'main.cjs'), format: 'cjs', external }),
    build({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: join(dir, 'preload.cjs'), format: 'cjs', external: ['electron'] }),
    build({
      ...common,
      entryPoints: ['electron/core/workers/worker-main.ts'],
      outfile: join(dir, 'worker.mjs'),
      format: 'esm',
      external,
      // Bundled CommonJS dependencies may call require(); give ESM one.
      banner: { js: "import { createRequire as __glassboxCreateRequire } from 'node:module'; const require = __glassboxCreateRequire(import.meta.url);" },
    }),
  ]);
  return dir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = await buildElectron();
  console.log(`built main.cjs, preload.cjs, worker.mjs in ${dir}`);
}
