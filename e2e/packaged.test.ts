// The desktop app as electron-builder packages it, checked without the Electron binary:
//  1. `electron-builder --linux dir` with a stand-in Electron distribution (scripts/package-dir.mjs)
//     builds the unpacked app from electron-builder.yml and fresh bundles;
//  2. its tree is read: this platform's llama.cpp binaries (and no other platform's, no CUDA fallback
//     package), better-sqlite3's one prebuild and node-llama-cpp's binaries outside the asar, the
//     engine's thread-pool worker beside the bundles, no source maps or tests, within the size budget;
//  3. the asar is extracted (@electron/asar) into resources/app and the packaged main bundle boots
//     against the stand-in Electron module (support/packaged-host.ts); the shell e2e spec then runs
//     against it in Chromium, the UI served from the packaged files through main's app:// handler;
//  4. llama.cpp (backend report, loading a model) and the engine's thread pool (an inspector run)
//     work from the packaged files, and removing a runtime file makes that fail.
// The package is built in the system temp folder, outside the repository, so nothing it lacks can be
// found in the repository's node_modules instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import * as asar from '@electron/asar';
import { buildElectron } from '../scripts/build-electron.mjs';
import { packageDir } from '../scripts/package-dir.mjs';
import { ensureModel } from '../test-support/models.ts';
import { connectApi, nextEvent } from './support/api.ts';
import { goToScreen, launchBrowser, openApp, pageErrors } from './support/browser.ts';
import { currentPackagedHost } from './support/packaged-host.ts';
import { repoRoot, startTestHost, type TestHost } from './support/host.ts';

/** What the Linux x64 app may weigh, without Electron itself (its binary and Chromium, ~250 MB). */
const BUDGET = {
  /** app.asar: bundles, renderer, node-llama-cpp's JavaScript and its dependencies. */
  asarBytes: 25e6,
  /** Everything under resources/: the asar plus the unpacked native code (llama.cpp CPU + CUDA + Vulkan ≈ 290 MB). */
  resourcesBytes: 340e6,
};

const work = mkdtempSync(join(tmpdir(), 'glassbox-packaged-'));
let resources = '';
let appDir = '';
let asarPath = '';
let host: TestHost | undefined;
/** Every path in the app (asar contents and unpacked files), relative to resources/app, '/'-separated. */
let shipped: string[] = [];

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? filesUnder(p, base) : [relative(base, p).split(sep).join('/')];
  });
}
const sizeOf = (dir: string): number => filesUnder(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

before(
  async () => {
    // Fresh bundles and renderer: what `npm run package` builds first.
    const vite = spawnSync(
      process.execPath,
      [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'error'],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    assert.equal(vite.status, 0, `renderer build failed:\n${vite.stderr}`);
    rmSync(join(repoRoot, 'dist', 'electron'), { recursive: true, force: true });
    await buildElectron(join(repoRoot, 'dist', 'electron'));

    const layout = await packageDir({ platform: 'linux', arch: 'x64', outDir: join(work, 'out') });
    resources = layout.resources;
    asarPath = join(resources, 'app.asar');
    appDir = join(resources, 'app');
    // Electron also runs an app from a plain resources/app folder: extract the asar (unpacked files included) there.
    asar.extractAll(asarPath, appDir);
    shipped = filesUnder(appDir);
    copyFileSync(ensureModel({ preset: 'nano', weightType: 'F32' }), join(work, 'nano.gguf'));
    // Boot the package here (shared with the shell spec's startTestHost, stopped when both are done).
    process.env.GLASSBOX_E2E_PACKAGED_APP = appDir;
    host = await startTestHost();
  },
  { timeout: 300_000 },
);
after(async () => {
  await host?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('llama.cpp: the Linux x64 CPU, CUDA and Vulkan binaries are unpacked; no other platform, no CUDA fallback package', () => {
  const unpacked = join(resources, 'app.asar.unpacked', 'node_modules', '@node-llama-cpp');
  assert.deepEqual(readdirSync(unpacked).sort(), ['linux-x64', 'linux-x64-cuda', 'linux-x64-vulkan']);
  for (const pkg of ['linux-x64', 'linux-x64-cuda', 'linux-x64-vulkan']) {
    assert.ok(existsSync(join(unpacked, pkg, 'bins', pkg, 'llama-addon.node')), `${pkg}'s llama-addon.node is unpacked`);
  }
  const otherPlatforms = shipped.filter(
    (f) => /@node-llama-cpp\/(mac|win|linux-arm|linux-x64-cuda-ext)/.test(f) || /node-llama-cpp\/bins\/(mac|win|linux-arm)/.test(f),
  );
  assert.deepEqual(otherPlatforms, []);
  assert.equal(
    shipped.some((f) => f.startsWith('node_modules/node-llama-cpp/llama/gitRelease.bundle')),
    false,
    "llama.cpp's source bundle is not shipped",
  );
  assert.ok(shipped.includes('node_modules/node-llama-cpp/package.json'), 'node-llama-cpp itself ships');
});

test('native code lies outside the asar: every .node file is unpacked; better-sqlite3 ships only its linux-x64 prebuild', () => {
  const inAsar = asar.listPackage(asarPath, { isPack: false }).map((p) =>
    p
      .replace(/^[\\/]/, '')
      .split(sep)
      .join('/'),
  );
  const natives = inAsar.filter((p) => p.endsWith('.node'));
  assert.ok(natives.length > 0);
  for (const p of natives) assert.ok((asar.statFile(asarPath, p, false) as { unpacked?: boolean }).unpacked, `${p} is unpacked`);
  assert.deepEqual(
    shipped.filter((f) => f.startsWith('node_modules/better-sqlite3/prebuilds/')),
    ['node_modules/better-sqlite3/prebuilds/linux-x64.node'],
  );
  assert.ok(existsSync(join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'prebuilds', 'linux-x64.node')));
  assert.equal(
    shipped.some((f) => f.startsWith('node_modules/better-sqlite3/deps/')),
    false,
    "SQLite's C sources are not shipped",
  );
});

test('the bundles, the thread-pool workers beside them, and every renderer asset index.html names are present', () => {
  for (const f of ['main.cjs', 'preload.cjs', 'worker.mjs', 'engine-tensor-worker.mjs'])
    assert.ok(shipped.includes(`dist/electron/${f}`), f);
  for (const bundle of ['main.cjs', 'worker.mjs']) {
    const code = readFileSync(join(appDir, 'dist', 'electron', bundle), 'utf8');
    for (const [, name] of code.matchAll(/new URL\("\.\/([^"]+)", import\.meta\.url\)/g))
      assert.ok(shipped.includes(`dist/electron/${name}`), `${bundle} spawns ${name}`);
  }
  const html = readFileSync(join(appDir, 'renderer', 'dist', 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]);
  assert.ok(refs.some((r) => r.endsWith('.js')) && refs.some((r) => r.endsWith('.css')), 'index.html loads a script and a stylesheet');
  for (const r of refs) assert.ok(shipped.includes(`renderer/dist/${r}`), `renderer asset ${r}`);
  // Migrations are bundled into main (they are modules, not files read at run time): each one's name is there.
  const main = readFileSync(join(appDir, 'dist', 'electron', 'main.cjs'), 'utf8');
  const migrations = readdirSync(join(repoRoot, 'electron', 'core', 'store', 'migrations')).filter(
    (f) => /^\d{3}_.+\.ts$/.test(f) && !f.includes('.test.'),
  );
  assert.ok(migrations.length >= 3);
  for (const m of migrations) assert.ok(main.includes(`name: "${basename(m, '.ts').slice(4)}"`), `migration ${m} is in main.cjs`);
  const pkg = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));
  assert.equal(pkg.main, 'dist/electron/main.cjs');
});

test('no source maps, TypeScript sources, tests or our own source folders are shipped', () => {
  assert.deepEqual(
    shipped.filter((f) => /\.map$/.test(f)),
    [],
  );
  assert.deepEqual(
    shipped.filter((f) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(f)),
    [],
  );
  assert.deepEqual(
    shipped.filter((f) => /\.(ts|tsx|mts|cts)$/.test(f)),
    [],
  );
  assert.deepEqual(
    shipped.filter((f) => !/^(package\.json$|dist\/electron\/|renderer\/dist\/|node_modules\/)/.test(f)),
    [],
    'only the bundles, the renderer and node_modules',
  );
});

test('size budget (Linux x64, without Electron itself)', () => {
  const asarBytes = statSync(asarPath).size;
  const resourcesBytes = statSync(asarPath).size + sizeOf(join(resources, 'app.asar.unpacked'));
  console.log(
    `packaged size: app.asar ${(asarBytes / 1e6).toFixed(1)} MB, resources ${(resourcesBytes / 1e6).toFixed(1)} MB (budget ${BUDGET.asarBytes / 1e6} / ${BUDGET.resourcesBytes / 1e6} MB)`,
  );
  assert.ok(asarBytes <= BUDGET.asarBytes, `app.asar is ${(asarBytes / 1e6).toFixed(1)} MB, over the ${BUDGET.asarBytes / 1e6} MB budget`);
  assert.ok(
    resourcesBytes <= BUDGET.resourcesBytes,
    `resources are ${(resourcesBytes / 1e6).toFixed(1)} MB, over the ${BUDGET.resourcesBytes / 1e6} MB budget`,
  );
});

// The shell spec, run against the packaged app: its startTestHost() boots the package (GLASSBOX_E2E_PACKAGED_APP).
await import('./shell.test.ts');

test(
  'first run in the packaged app: no model yet → the default download with its size, or a demo model labelled random weights',
  { timeout: 120_000 },
  async () => {
    const browser = await launchBrowser();
    try {
      for (const scheme of ['light', 'dark'] as const) {
        const page = await openApp(browser, host!, { colorScheme: scheme, viewport: { width: 1024, height: 700 } });
        await goToScreen(page, 'models');
        await page.getByRole('status', { name: 'No models yet' }).waitFor();
        await page
          .getByTestId('default-download')
          .getByText(/about \d+(\.\d+)? [KMG]iB/)
          .waitFor();
        await page.getByRole('button', { name: 'Create demo model (random weights)' }).waitFor();
        await page.screenshot({ path: join(repoRoot, '.cache', 'screenshots', `first-run-${scheme}.png`) });
        await page.context().close();
      }
      const page = await openApp(browser, host!, { viewport: { width: 1024, height: 700 } });
      await goToScreen(page, 'models');
      await page.getByRole('button', { name: 'Create demo model (random weights)' }).click();
      const row = page.getByTestId('model-row').filter({ hasText: 'random weights' });
      await row.getByText('active', { exact: true }).waitFor({ timeout: 60_000 });
      await page.screenshot({ path: join(repoRoot, '.cache', 'screenshots', 'first-run-demo-active.png') });
      assert.deepEqual(pageErrors(page), []);
      await page.context().close();
    } finally {
      await browser.close();
    }
  },
);

test(
  'packaged llama.cpp: the backend report initialises node-llama-cpp from the unpacked binaries and a model loads',
  { timeout: 120_000 },
  async () => {
    assert.equal(currentPackagedHost(), host, 'the packaged app is the host');
    const report = await host!.core.dispatch('backend.report', {});
    assert.equal(report.ok, true, JSON.stringify(report));
    const value = (report as { value: { name: string; llamaCppRelease: string } }).value;
    assert.equal(value.name, 'cpu');
    assert.match(value.llamaCppRelease, /\S/);
    const model = join(work, 'nano.gguf');
    const imported = (await host!.core.dispatch('models.import', { path: model })) as { ok: boolean; value: { id: string } };
    assert.equal(imported.ok, true, JSON.stringify(imported));
    const active = await host!.core.dispatch('models.setActive', { id: imported.value.id });
    assert.equal(active.ok, true, JSON.stringify(active));
  },
);

test("packaged engine: an inspector run uses the thread pool's worker file from the package", { timeout: 120_000 }, async () => {
  const client = connectApi(host!);
  try {
    const { jobId } = await client.api.inspect.run({ modelPath: join(work, 'nano.gguf'), prompt: 'hello there', topK: 3 });
    const done = await nextEvent<{ jobId: string; state: string; error: unknown }>(
      client,
      'jobs.update',
      (j) => j.jobId === jobId && j.state !== 'running',
    );
    assert.equal(done.state, 'done', JSON.stringify(done.error));
  } finally {
    client.close();
  }
});

test(
  'a missing runtime file fails: without engine-tensor-worker.mjs the packaged engine worker cannot run the inspector',
  { timeout: 120_000 },
  async () => {
    const file = join(appDir, 'dist', 'electron', 'engine-tensor-worker.mjs');
    renameSync(file, `${file}.away`);
    const child = fork(join(appDir, 'dist', 'electron', 'worker.mjs'), ['--kind', 'engine'], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, GLASSBOX_ENGINE_THREADS: '2' },
    });
    try {
      const reply = await new Promise<{ ok: boolean; error?: { message: string } }>((res, rej) => {
        child.on('message', (m: { type: string; ok?: boolean; error?: { message: string } }) => {
          if (m.type === 'ready')
            child.send({
              type: 'request',
              id: 1,
              task: 'inspectRun',
              input: { modelPath: join(work, 'nano.gguf'), prompt: 'hello', topK: 3, addBos: true },
            });
          if (m.type === 'response') res(m as { ok: boolean; error?: { message: string } });
        });
        child.once('exit', (code) => rej(new Error(`worker exited with ${code}`)));
      });
      assert.equal(reply.ok, false);
      assert.match(reply.error!.message, /engine-tensor-worker\.mjs/);
    } finally {
      child.kill();
      renameSync(`${file}.away`, file);
    }
  },
);
