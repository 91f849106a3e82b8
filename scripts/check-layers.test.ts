import { test } from 'node:test';
import assert from 'node:assert/strict';
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
  for (const line of [`import { app } from 'electron';`, `const { app } = require('electron');`, `await import('electron')`, `import x from 'electron/main'`]) {
    const v = checkSource('electron/core/llm/x.ts', line);
    assert.equal(v.length, 1, line);
    assert.match(v[0], /electron\/core must run without Electron.*inject/);
  }
});

test('core may not use the DOM or reach into other layers', () => {
  assert.match(checkSource('electron/core/x.ts', 'const el = document.getElementById("a");')[0], /DOM global "document"/);
  assert.match(checkSource('electron/core/x.ts', 'window.alert(1)')[0], /DOM global "window"/);
  assert.deepEqual(checkSource('electron/core/x.ts', '// the window. of opportunity\nconst a = 1;'), []);
  assert.deepEqual(checkSource('electron/core/x.ts', 'if (T > mini.config.window) f(cfg.document.x);'), [], 'properties named like DOM globals are fine');
  assert.deepEqual(checkSource('electron/core/x.ts', 'assert.ok(x, `prompt must exceed the window (${T} tokens)`); f("document.x");'), [], 'words in strings are fine');
  assert.match(checkSource('electron/core/app/x.ts', `import { x } from '../../main/window.ts';`)[0], /core may not depend on main/);
  assert.deepEqual(checkSource('electron/core/app/x.ts', `import { x } from '../store/database.ts'; import fs from 'node:fs';`), []);
});

test('the contract imports only zod and itself', () => {
  assert.deepEqual(checkSource('electron/core/api/x.ts', `import { z } from 'zod'; import type { Y } from './y.ts';`), []);
  assert.match(checkSource('electron/core/api/x.ts', `import { readFileSync } from 'node:fs';`)[0], /bundled into the renderer/);
  assert.match(checkSource('electron/core/api/x.ts', `import type { Db } from '../store/database.ts';`)[0], /bundled into the renderer/);
});

test('renderer may not import Node builtins or electron', () => {
  assert.match(checkSource('renderer/src/x.tsx', `import { readFile } from 'node:fs/promises';`)[0], /runs in a browser.*API client/);
  assert.match(checkSource('renderer/src/x.tsx', `import path from 'path';`)[0], /runs in a browser/);
  assert.match(checkSource('renderer/src/x.tsx', `import { ipcRenderer } from 'electron';`)[0], /never talks to Electron directly/);
  assert.match(checkSource('renderer/src/app/x.tsx', `import { x } from '../../../electron/core/store/sessions.ts';`)[0], /only the contract/);
  assert.deepEqual(checkSource('renderer/src/app/x.tsx', `import type { X } from '../../../electron/core/api/contract.ts'; import React from 'react';`), []);
});

test('preload exposes the contract only', () => {
  assert.deepEqual(checkSource('electron/preload/preload.ts', `import { contextBridge } from 'electron'; import type { GlassboxBridge } from '../core/api/bridge.ts';`), []);
  assert.equal(checkSource('electron/preload/preload.ts', `import fs from 'node:fs';`).length, 1);
});

test('tests may use node:test and test-support, but core tests still not electron', () => {
  assert.deepEqual(checkSource('electron/core/api/x.test.ts', `import { test } from 'node:test'; import { m } from '../../../test-support/models.ts';`), []);
  assert.equal(checkSource('electron/core/app/x.test.ts', `import { app } from 'electron';`).length, 1);
});

test('the repository walk reports file paths relative to the root', () => {
  for (const v of checkRepo()) assert.match(v, /^(electron|renderer)\//);
});
