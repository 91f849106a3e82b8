import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRepo, checkSource, importsOf } from './check-layers.mjs';

test('finds every kind of import', () => {
  const src = `
    import a from 'a';
    import type { B } from "b";
    import * as c from 'c';
    import 'd';
    export { e } from './e.ts';
    export * from './f.ts';
    const g = await import('g');
    const h = require('h');
    // import nope from 'commented';
    /* import nope2 from 'block'; */
  `;
  assert.deepEqual(importsOf(src).sort(), ['./e.ts', './f.ts', 'a', 'b', 'c', 'd', 'g', 'h']);
});

test('core may not import electron, in any form, and each ban names the way out', () => {
  for (const line of [
    `import { app } from 'electron';`,
    `const { app } = require('electron');`,
    `await import('electron')`,
    `import x from 'electron/main'`,
  ]) {
    const v = checkSource('electron/core/llm/x.ts', line);
    assert.equal(v.length, 1, line);
    assert.match(v[0], /electron\/core must run without Electron.*inject/);
  }
});

test('core may not use the DOM or reach into other layers', () => {
  assert.match(checkSource('electron/core/x.ts', 'const el = document.getElementById("a");')[0], /DOM global "document"/);
  assert.match(checkSource('electron/core/x.ts', 'window.alert(1)')[0], /DOM global "window"/);
  assert.deepEqual(checkSource('electron/core/x.ts', '// the window. of opportunity\nconst a = 1;'), []);
  assert.deepEqual(
    checkSource('electron/core/x.ts', 'if (T > mini.config.window) f(cfg.document.x);'),
    [],
    'properties named like DOM globals are fine',
  );
  assert.deepEqual(
    checkSource('electron/core/x.ts', 'assert.ok(x, `prompt must exceed the window (${T} tokens)`); f("document.x");'),
    [],
    'words in strings are fine',
  );
  assert.match(checkSource('electron/core/app/x.ts', `import { x } from '../../main/window.ts';`)[0], /core may not depend on main/);
  assert.deepEqual(checkSource('electron/core/app/x.ts', `import { x } from '../store/database.ts'; import fs from 'node:fs';`), []);
});

test('the contract imports only zod and itself', () => {
  assert.deepEqual(checkSource('electron/core/api/x.ts', `import { z } from 'zod'; import type { Y } from './y.ts';`), []);
  assert.match(checkSource('electron/core/api/x.ts', `import { readFileSync } from 'node:fs';`)[0], /bundled into the renderer/);
  assert.match(checkSource('electron/core/api/x.ts', `import type { Db } from '../store/database.ts';`)[0], /bundled into the renderer/);
});

test('the engine is numeric only: no API contract, no worker code, nothing else of the core; each ban names the way out', () => {
  const engineFile = 'electron/core/engine/models/gemma3/x.ts';
  const contract = checkSource(engineFile, `import type { GradientResult } from '../../../api/inspect.ts';`);
  assert.equal(contract.length, 1);
  assert.match(contract[0], /engine exports numeric APIs only.*shape them for the UI in the feature \(e\.g\. electron\/core\/inspect\/\)/);
  // a re-export or a dynamic import is the same dependency
  assert.equal(checkSource(engineFile, `export type { InspectRun } from '../../../api/inspect.ts';`).length, 1);
  assert.equal(checkSource(engineFile, `const c = await import('../../../api/contract.ts');`).length, 1);
  const worker = checkSource('electron/core/engine/x.ts', `import { defineTasks } from '../workers/task.ts';`);
  assert.equal(worker.length, 1);
  assert.match(worker[0], /knows nothing of worker processes: take an AbortSignal and an onProgress callback/);
  assert.match(checkSource('electron/core/engine/x.ts', `import { Inspector } from '../inspect/inspector.ts';`)[0], /bottom layer/);
  // engine tests are held to the same rule
  assert.equal(checkSource('electron/core/engine/x.test.ts', `import type { ModelSummary } from '../api/inspect.ts';`).length, 1);
  assert.deepEqual(
    checkSource(
      'electron/core/engine/tensor/x.test.ts',
      `import { matmul } from './ops.ts'; import { m } from '../../../../test-support/models.ts';`,
    ),
    [],
  );
  // still a core layer: no electron, no DOM
  assert.match(checkSource('electron/core/engine/x.ts', `import { app } from 'electron';`)[0], /electron\/core must run without Electron/);
  assert.match(checkSource('electron/core/engine/x.ts', 'document.title = "x";')[0], /DOM global/);
  // inside the engine, and packages and Node builtins, are fine; the feature may import the engine and the contract
  assert.deepEqual(
    checkSource(
      engineFile,
      `import { matmul } from '../../tensor/ops.ts'; import { z } from 'zod'; import { readFileSync } from 'node:fs';`,
    ),
    [],
  );
  assert.deepEqual(
    checkSource(
      'electron/core/inspect/x.ts',
      `import type { InspectRun } from '../api/inspect.ts'; import { loadGemma3 } from '../engine/models/gemma3/index.ts';`,
    ),
    [],
  );
});

test('the check fails on a tree where the engine imports the API contract', () => {
  const root = mkdtempSync(join(tmpdir(), 'glassbox-layers-'));
  try {
    mkdirSync(join(root, 'electron/core/engine/models'), { recursive: true });
    mkdirSync(join(root, 'electron/core/api'), { recursive: true });
    writeFileSync(join(root, 'electron/core/api/inspect.ts'), `import { z } from 'zod';\nexport const x = z.string();\n`);
    writeFileSync(join(root, 'electron/core/engine/models/ok.ts'), `export const n = 1;\n`);
    assert.deepEqual(checkRepo(root), [], 'a clean tree passes');
    writeFileSync(
      join(root, 'electron/core/engine/models/bad.ts'),
      `import type { x } from '../../api/inspect.ts';\nexport const n = 2;\n`,
    );
    const v = checkRepo(root);
    assert.equal(v.length, 1);
    assert.match(
      v[0],
      /^electron\/core\/engine\/models\/bad\.ts: imports "\.\.\/\.\.\/api\/inspect\.ts" — the engine exports numeric APIs only/,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('renderer may not import Node builtins or electron', () => {
  assert.match(checkSource('renderer/src/x.tsx', `import { readFile } from 'node:fs/promises';`)[0], /runs in a browser.*API client/);
  assert.match(checkSource('renderer/src/x.tsx', `import path from 'path';`)[0], /runs in a browser/);
  assert.match(checkSource('renderer/src/x.tsx', `import { ipcRenderer } from 'electron';`)[0], /never talks to Electron directly/);
  assert.match(
    checkSource('renderer/src/app/x.tsx', `import { x } from '../../../electron/core/store/sessions.ts';`)[0],
    /only the contract/,
  );
  assert.deepEqual(
    checkSource('renderer/src/app/x.tsx', `import type { X } from '../../../electron/core/api/contract.ts'; import React from 'react';`),
    [],
  );
});

test('preload exposes the contract only', () => {
  assert.deepEqual(
    checkSource(
      'electron/preload/preload.ts',
      `import { contextBridge } from 'electron'; import type { GlassboxBridge } from '../core/api/bridge.ts';`,
    ),
    [],
  );
  assert.equal(checkSource('electron/preload/preload.ts', `import fs from 'node:fs';`).length, 1);
});

test('tests may use node:test and test-support, but core tests still not electron', () => {
  assert.deepEqual(
    checkSource('electron/core/api/x.test.ts', `import { test } from 'node:test'; import { m } from '../../../test-support/models.ts';`),
    [],
  );
  assert.equal(checkSource('electron/core/app/x.test.ts', `import { app } from 'electron';`).length, 1);
});

test('the repository walk reports file paths relative to the root', () => {
  for (const v of checkRepo()) assert.match(v, /^(electron|renderer)\//);
});
