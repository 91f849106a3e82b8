#!/usr/bin/env node
// `npm run lint:layers`: the folder says which process runs the code, and this enforces it.
//   electron/core/**      platform-free services: no `electron`, no DOM, nothing from main/preload/server/renderer
//   electron/core/api/**  the contract, bundled into the renderer too: only `zod` and its own files
//   electron/core/engine/** numeric only: nothing from the rest of the core (no contract, no workers, no features)
//   electron/preload/**   only `electron` and the contract
//   renderer/src/**       browser code: no Node builtins, no `electron`, from electron/ only the contract
// Each rule says what to use instead. Exits 1 on any violation. `checkSource` is exported for the test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Every module specifier a file imports: static, dynamic, re-exports, require. */
export function importsOf(source) {
  const code = stripComments(source);
  const specs = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) specs.push(m[1]);
  return specs;
}

function stripComments(source) {
  // Good enough for our sources: block comments, then line comments not inside a string on that line.
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

// A bare global, not a property that happens to share the name (`config.window` is fine).
/** Blanks string and template literals, so words inside messages are not read as code. */
function stripStrings(code) {
  return code.replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, '""');
}

const DOM_GLOBALS = /(?<![.\w$])(window|document|localStorage|sessionStorage|navigator|HTMLElement|requestAnimationFrame)\s*[.(]/;

function layerOf(file) {
  const f = file.split(sep).join('/');
  if (f.startsWith('electron/core/api/')) return 'api';
  if (f.startsWith('electron/core/engine/')) return 'engine';
  if (f.startsWith('electron/core/')) return 'core';
  if (f.startsWith('electron/preload/')) return 'preload';
  if (f.startsWith('electron/main/')) return 'main';
  if (f.startsWith('electron/server/')) return 'server';
  if (f.startsWith('renderer/src/')) return 'renderer';
  return null;
}

/** Repo-relative path a relative specifier points at, or null for packages. */
function target(file, spec) {
  if (!spec.startsWith('.')) return null;
  return relative(repoRoot, resolve(repoRoot, dirname(file), spec))
    .split(sep)
    .join('/');
}

// The one piece of test support that ships: the random-weight generator behind the first run's demo
// model (electron/core/llm/demo-model.ts). Its made-up-vocabulary presets need no dev dependency.
const DEMO_GENERATOR = /^test-support\/synth\/[\w-]+\.ts$/;

const isElectron = (spec) => spec === 'electron' || spec.startsWith('electron/');

/**
 * Why the engine may not import `to` (a repo-relative path), or null when it may.
 * The engine is the bottom layer: features (the inspector, fine-tuning) and worker tasks call it, never
 * the other way round, so it runs the same in a worker, the CLI, a benchmark or a test.
 */
function engineBan(to) {
  if (to.startsWith('electron/core/engine/')) return null;
  if (to.startsWith('electron/core/api/')) {
    return 'the engine exports numeric APIs only and never speaks the API contract: return plain engine types (typed arrays, numbers) and shape them for the UI in the feature (e.g. electron/core/inspect/)';
  }
  if (to.startsWith('electron/core/workers/')) {
    return 'the engine knows nothing of worker processes: take an AbortSignal and an onProgress callback, and wrap the call in a task in the feature folder (e.g. electron/core/inspect/tasks.ts)';
  }
  if (to.startsWith('electron/core/')) {
    return 'the engine is the bottom layer of the core: the rest of the core may import it, not the other way round (move the shared numeric part into electron/core/engine/)';
  }
  return null;
}

/** Violations of one file (`file` is repo-relative). */
export function checkSource(file, source) {
  const layer = layerOf(file);
  if (!layer) return [];
  const out = [];
  const bad = (spec, why) => out.push(`${file}: imports "${spec}" — ${why}`);
  // Tests run in Node beside the code they test: they may use node:test and test-support, but
  // core tests still must not need Electron.
  const isTest = /\.test\.tsx?$/.test(file);
  for (const spec of importsOf(source)) {
    const to = target(file, spec);
    if (isTest) {
      if ((layer === 'core' || layer === 'api' || layer === 'engine') && isElectron(spec))
        bad(spec, 'core tests run in plain Node, where Electron cannot load');
      else if (layer === 'engine' && to && engineBan(to)) bad(spec, engineBan(to));
      continue;
    }
    switch (layer) {
      case 'api':
        if (spec === 'zod') break;
        if (to && to.startsWith('electron/core/api/')) break;
        bad(
          spec,
          'the API contract is bundled into the renderer: use only zod and other files in electron/core/api/ (move shared types here)',
        );
        break;
      case 'engine':
        if (to && engineBan(to)) {
          bad(spec, engineBan(to));
          break;
        }
      // falls through: everything else the core may not do, the engine may not do either
      case 'core':
        if (isElectron(spec))
          bad(
            spec,
            'electron/core must run without Electron (tests, headless host): inject the capability from electron/main (see WorkerSpawner in electron/core/workers/protocol.ts)',
          );
        else if (to && DEMO_GENERATOR.test(to) && file.split(sep).join('/') === 'electron/core/llm/demo-model.ts') break;
        else if (to && !to.startsWith('electron/core/'))
          bad(spec, 'core may not depend on main, preload, server or renderer: move the shared part into electron/core');
        else if (spec === 'react' || spec.startsWith('react-dom')) bad(spec, 'UI code belongs in renderer/src');
        break;
      case 'preload':
        if (spec === 'electron') break;
        if (to && to.startsWith('electron/core/api/')) break;
        bad(spec, 'the sandboxed preload exposes the contract and nothing else: import only "electron" and electron/core/api types');
        break;
      case 'renderer':
        if (builtins.has(spec))
          bad(
            spec,
            'the renderer runs in a browser: ask the core through the API client (renderer/src/api/client.ts) instead of using Node',
          );
        else if (isElectron(spec))
          bad(
            spec,
            'the renderer never talks to Electron directly: use the API client (window.glassbox is wrapped by renderer/src/api/transport-ipc.ts)',
          );
        else if (to && !to.startsWith('renderer/') && !to.startsWith('electron/core/api/'))
          bad(spec, 'from outside renderer/ only the contract (electron/core/api/) may be imported');
        break;
      case 'main':
      case 'server':
        if (to && to.startsWith('renderer/')) bad(spec, 'main and server reach the UI only through the API contract');
        if (layer === 'server' && isElectron(spec)) bad(spec, 'the headless host runs without Electron');
        break;
    }
  }
  if (layer === 'core' || layer === 'api' || layer === 'engine') {
    const code = stripStrings(stripComments(source));
    const m = code.match(DOM_GLOBALS);
    if (m)
      out.push(
        `${file}: uses the DOM global "${m[1]}" — core runs in Node: take what you need as a parameter, or put UI code in renderer/src`,
      );
  }
  return out;
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

export function checkRepo(root = repoRoot) {
  const files = [join(root, 'electron'), join(root, 'renderer', 'src')].flatMap((d) => {
    try {
      return walk(d);
    } catch {
      return [];
    }
  });
  return files.flatMap((f) => checkSource(relative(root, f), readFileSync(f, 'utf8')));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const violations = checkRepo();
  if (violations.length) {
    console.error(`layer check failed (${violations.length}):\n  ${violations.join('\n  ')}`);
    process.exit(1);
  }
  console.log('layer check: ok');
}
