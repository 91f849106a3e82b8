// The file lists electron-builder resolves from electron-builder.yml for the macOS and Windows
// installers, checked here on Linux. npm installs only this machine's llama.cpp packages, so the
// project packaged is a fixture: the app's package.json shape with stub node-llama-cpp, every
// @node-llama-cpp/<platform> package and better-sqlite3 with all eight prebuilds. electron-builder
// packages it for each target (`dir`, stand-in Electron) and the test reads what it kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import * as asar from '@electron/asar';
import { packageDir } from './package-dir.mjs';

const LLAMA_PACKAGES = [
  'linux-arm64',
  'linux-armv7l',
  'linux-riscv64',
  'linux-x64',
  'linux-x64-cuda',
  'linux-x64-cuda-ext',
  'linux-x64-vulkan',
  'mac-arm64-metal',
  'mac-x64',
  'win-arm64',
  'win-x64',
  'win-x64-cuda',
  'win-x64-cuda-ext',
  'win-x64-vulkan',
];
const SQLITE_PREBUILDS = [
  'darwin-arm64',
  'darwin-x64',
  'linux-arm64',
  'linux-x64',
  'linuxmusl-arm64',
  'linuxmusl-x64',
  'win32-arm64',
  'win32-x64',
];

const work = mkdtempSync(join(tmpdir(), 'glassbox-targets-'));
const project = join(work, 'project');
after(() => rmSync(work, { recursive: true, force: true }));

function put(path: string, content = 'stub\n') {
  mkdirSync(dirname(join(project, path)), { recursive: true });
  writeFileSync(join(project, path), content);
}
const pkg = (name: string, extra: object = {}) => JSON.stringify({ name, version: '3.21.1', main: 'dist/index.js', ...extra });

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? filesUnder(p, base) : [relative(base, p).split(sep).join('/')];
  });
}

/** Packages the fixture for a target; every shipped path (asar and unpacked), and the unpacked ones. */
async function shippedFor(platform: 'mac' | 'win', arch: 'x64' | 'arm64') {
  const { resources } = await packageDir({ platform, arch, project, outDir: join(work, `out-${platform}-${arch}`) });
  const extracted = join(work, `app-${platform}-${arch}`);
  asar.extractAll(join(resources, 'app.asar'), extracted);
  return { all: filesUnder(extracted), unpacked: filesUnder(join(resources, 'app.asar.unpacked')) };
}
const llamaPackagesIn = (files: string[]) =>
  [...new Set(files.flatMap((f) => /^node_modules\/@node-llama-cpp\/([^/]+)\//.exec(f)?.[1] ?? []))].sort();

before(() => {
  put(
    'package.json',
    JSON.stringify({
      name: 'glassbox',
      productName: 'Glassbox',
      version: '0.1.0',
      main: 'dist/electron/main.cjs',
      dependencies: { 'node-llama-cpp': '3.21.1', 'better-sqlite3': '13.2.0' },
    }),
  );
  put('dist/electron/main.cjs', '// main\n');
  put('dist/electron/main.cjs.map', '{}');
  put('dist/electron/worker.mjs', '// worker\n');
  put('dist/electron/engine-tensor-worker.mjs', '// pool worker\n');
  put('renderer/dist/index.html', '<!doctype html>');
  put('.cache/stray/left-over.js', '// a stray build folder');
  put('electron/main/main.ts', '// source');
  put(
    'node_modules/node-llama-cpp/package.json',
    pkg('node-llama-cpp', { optionalDependencies: Object.fromEntries(LLAMA_PACKAGES.map((p) => [`@node-llama-cpp/${p}`, '3.21.1'])) }),
  );
  put('node_modules/node-llama-cpp/dist/index.js');
  put('node_modules/node-llama-cpp/llama/gitRelease.bundle', 'llama.cpp source\n');
  for (const p of LLAMA_PACKAGES) {
    put(`node_modules/@node-llama-cpp/${p}/package.json`, pkg(`@node-llama-cpp/${p}`));
    put(`node_modules/@node-llama-cpp/${p}/dist/index.js`);
    const bins = `node_modules/@node-llama-cpp/${p}/bins/${p.replace(/-ext$/, '')}`;
    if (p.endsWith('-cuda-ext')) put(`${bins}/fallback/ggml-cuda.bin`);
    else put(`${bins}/llama-addon.node`);
  }
  put('node_modules/better-sqlite3/package.json', JSON.stringify({ name: 'better-sqlite3', version: '13.2.0', main: 'lib/index.js' }));
  put('node_modules/better-sqlite3/lib/index.js');
  put('node_modules/better-sqlite3/binding.gyp');
  put('node_modules/better-sqlite3/deps/sqlite3/sqlite3.c');
  put('node_modules/better-sqlite3/src/better_sqlite3.cpp');
  for (const p of SQLITE_PREBUILDS) put(`node_modules/better-sqlite3/prebuilds/${p}.node`);
});

test('macOS arm64: the Metal build only; better-sqlite3 darwin-arm64 only; native code unpacked', { timeout: 180_000 }, async () => {
  const { all, unpacked } = await shippedFor('mac', 'arm64');
  assert.deepEqual(llamaPackagesIn(all), ['mac-arm64-metal']);
  assert.ok(unpacked.includes('node_modules/@node-llama-cpp/mac-arm64-metal/bins/mac-arm64-metal/llama-addon.node'));
  assert.deepEqual(
    all.filter((f) => f.includes('better-sqlite3/prebuilds/')),
    ['node_modules/better-sqlite3/prebuilds/darwin-arm64.node'],
  );
  assert.ok(unpacked.includes('node_modules/better-sqlite3/prebuilds/darwin-arm64.node'));
  assert.deepEqual(
    all.filter((f) => /\.map$|gitRelease|better-sqlite3\/(deps|src)\//.test(f)),
    [],
  );
  assert.ok(all.includes('dist/electron/engine-tensor-worker.mjs'));
  assert.deepEqual(
    all.filter((f) => !/^(package\.json$|dist\/electron\/|renderer\/dist\/|node_modules\/)/.test(f)),
    [],
    'only the bundles, the renderer and node_modules',
  );
});

test('macOS x64: the x64 CPU build only', { timeout: 180_000 }, async () => {
  const { all } = await shippedFor('mac', 'x64');
  assert.deepEqual(llamaPackagesIn(all), ['mac-x64']);
  assert.deepEqual(
    all.filter((f) => f.includes('better-sqlite3/prebuilds/')),
    ['node_modules/better-sqlite3/prebuilds/darwin-x64.node'],
  );
});

test(
  'Windows x64: CPU, CUDA and Vulkan builds, no CUDA fallback package, nothing for arm64 or other systems',
  { timeout: 180_000 },
  async () => {
    const { all, unpacked } = await shippedFor('win', 'x64');
    assert.deepEqual(llamaPackagesIn(all), ['win-x64', 'win-x64-cuda', 'win-x64-vulkan']);
    for (const p of ['win-x64', 'win-x64-cuda', 'win-x64-vulkan'])
      assert.ok(unpacked.includes(`node_modules/@node-llama-cpp/${p}/bins/${p}/llama-addon.node`), p);
    assert.deepEqual(
      all.filter((f) => f.includes('better-sqlite3/prebuilds/')),
      ['node_modules/better-sqlite3/prebuilds/win32-x64.node'],
    );
    assert.deepEqual(
      all.filter((f) => /\.map$|gitRelease/.test(f)),
      [],
    );
  },
);
