#!/usr/bin/env node
// `npm run build:electron`: bundles the Electron side with esbuild.
//   electron/main/main.ts              → dist/electron/main.cjs     (CommonJS, Electron's main)
//   electron/preload/preload.ts        → dist/electron/preload.cjs  (CommonJS, one file: sandboxed preloads cannot require local files)
//   electron/core/workers/worker-main.ts → dist/electron/worker.mjs (ESM: node-llama-cpp is ESM-only; run by utilityProcess)
//   every `new URL('./x.mjs', import.meta.url)` a bundled file spawns (the engine's thread-pool worker)
//                                      → dist/electron/<path-under-core>.mjs, e.g. engine-tensor-worker.mjs
// Native and Electron-provided modules stay external. Usage: node scripts/build-electron.mjs [--outdir DIR]
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--outdir');
const outdir = resolve(at >= 0 ? process.argv[at + 1] : join(root, 'dist', 'electron'));
const external = ['electron', 'better-sqlite3', 'node-llama-cpp', '@node-llama-cpp/*'];
const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'warning', absWorkingDir: root };

/** A worker file referenced as `new URL('./worker.mjs', import.meta.url)`. */
const WORKER_URL = /new URL\(\s*(['"])(\.\/[\w./-]+\.mjs)\1\s*,\s*import\.meta\.url\s*\)/g;

/** The bundle name of a worker file: its path under electron/core with dashes (two pools' `worker.mjs` never collide). */
export function workerBundleName(file) {
  const rel = relative(join(root, 'electron', 'core'), file)
    .split(sep)
    .join('/');
  return rel.replace(/\//g, '-');
}

/**
 * Once bundled, `import.meta.url` is the bundle's own URL, so `./worker.mjs` would name the bundle
 * itself (dist/electron/worker.mjs is the process worker). This plugin rewrites each such reference to
 * a unique file beside the bundle and records it, so it can be bundled there too.
 */
function workerAssets(found, format) {
  return {
    name: 'worker-assets',
    setup(b) {
      b.onLoad({ filter: /electron[\\/]core[\\/].*\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const contents = source.replace(WORKER_URL, (_m, _q, spec) => {
          const file = resolve(dirname(args.path), spec);
          const name = workerBundleName(file);
          found.set(name, file);
          return format === 'esm'
            ? `new URL(${JSON.stringify('./' + name)}, import.meta.url)`
            : `require('node:url').pathToFileURL(require('node:path').join(__dirname, ${JSON.stringify(name)}))`;
        });
        return contents === source ? undefined : { contents, loader: 'ts' };
      });
    },
  };
}

export async function buildElectron(dir = outdir) {
  const workers = new Map();
  await Promise.all([
    build({
      ...common,
      entryPoints: ['electron/main/main.ts'],
      outfile: join(dir, 'main.cjs'),
      format: 'cjs',
      external,
      plugins: [workerAssets(workers, 'cjs')],
    }),
    build({
      ...common,
      entryPoints: ['electron/preload/preload.ts'],
      outfile: join(dir, 'preload.cjs'),
      format: 'cjs',
      external: ['electron'],
    }),
    build({
      ...common,
      entryPoints: ['electron/core/workers/worker-main.ts'],
      outfile: join(dir, 'worker.mjs'),
      format: 'esm',
      external,
      plugins: [workerAssets(workers, 'esm')],
      // Bundled CommonJS dependencies may call require(); give ESM one.
      banner: {
        js: "import { createRequire as __glassboxCreateRequire } from 'node:module'; const require = __glassboxCreateRequire(import.meta.url);",
      },
    }),
  ]);
  // The thread-pool workers, each bundled on its own (they may import helpers) beside the bundles.
  await Promise.all(
    [...workers].map(([name, file]) => build({ ...common, entryPoints: [file], outfile: join(dir, name), format: 'esm', external })),
  );
  return dir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = await buildElectron();
  console.log(`built main.cjs, preload.cjs, worker.mjs and the thread-pool workers in ${dir}`);
}
