// Opening .gguf files with Glassbox, and the remembered window: the command-line parsing and queue on
// their own, then the real bundled main process (against the stand-in Electron module) importing a
// model named on its command line, one handed over by a second launch ('second-instance'), and one
// from macOS's 'open-file'; a broken file gets an error dialog and imports nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildElectron } from '../../scripts/build-electron.mjs';
import { ensureModel } from '../../test-support/models.ts';
import { createOpenFileQueue, filesFromSecondInstance, ggufPathsIn } from './open-files.ts';
import { createElectronStandIn, loadMainWithStandIn, type FakeWindow } from './testing/electron-stand-in.ts';
import { fitToDisplays, windowStateFile } from './window-state.ts';

test('ggufPathsIn: .gguf arguments only, absolute, once each; never the executable or a flag', () => {
  const argv = [
    '/opt/Glassbox/glassbox',
    '--data-dir=/tmp/x.gguf',
    'models/a.gguf',
    '/abs/B.GGUF',
    'notes.txt',
    'models/a.gguf',
    '-psn_0_1234',
  ];
  assert.deepEqual(ggufPathsIn(argv, '/home/me'), ['/home/me/models/a.gguf', '/abs/B.GGUF']);
  assert.deepEqual(ggufPathsIn(['/x/file.gguf'], '/'), [], 'argv[0] is the executable, even if named .gguf');
});

test("a second launch's files: its hand-over data when well-formed, else its command line", () => {
  assert.deepEqual(filesFromSecondInstance(['/x/glassbox', '--flag'], '/', { files: ['/m/a.gguf', '/m/notes.txt'] }), ['/m/a.gguf']);
  for (const junk of [null, 'x', { files: 'a.gguf' }, { files: ['relative.gguf'] }, { files: [42] }]) {
    assert.deepEqual(filesFromSecondInstance(['/x/glassbox', 'b.gguf'], '/home/me', junk), ['/home/me/b.gguf'], JSON.stringify(junk));
  }
});

test('the open-file queue holds paths until started, then handles them one at a time in order', async () => {
  const q = createOpenFileQueue();
  const seen: string[] = [];
  let inFlight = 0;
  q.add(['/a.gguf', '/b.gguf']);
  assert.equal(seen.length, 0, 'nothing handled before start');
  q.start(async (p) => {
    inFlight++;
    assert.equal(inFlight, 1, 'one at a time');
    await new Promise((r) => setImmediate(r));
    seen.push(p);
    inFlight--;
  });
  q.add(['/c.gguf']);
  await q.idle();
  assert.deepEqual(seen, ['/a.gguf', '/b.gguf', '/c.gguf']);
});

test('window state: a saved position off every display is dropped, a size too big is shrunk, junk gives the default', () => {
  const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  assert.deepEqual(fitToDisplays({ x: 100, y: 80, width: 1000, height: 700, maximized: true }, screens), {
    x: 100,
    y: 80,
    width: 1000,
    height: 700,
    maximized: true,
  });
  assert.deepEqual(
    fitToDisplays({ x: 2500, y: 80, width: 1000, height: 700 }, screens),
    { width: 1000, height: 700, maximized: false },
    'monitor unplugged',
  );
  assert.deepEqual(fitToDisplays({ x: 0, y: 0, width: 4000, height: 3000 }, screens), {
    x: 0,
    y: 0,
    width: 1920,
    height: 1080,
    maximized: false,
  });
  const second = [...screens, { x: 1920, y: 0, width: 1280, height: 1024 }];
  assert.equal(fitToDisplays({ x: 2500, y: 80, width: 600, height: 500 }, second).x, 2500, 'on the second monitor');
  for (const junk of [null, 'x', { width: -5, height: 10 }, { width: 1.5, height: 700 }, { width: '900', height: 700 }]) {
    assert.deepEqual(fitToDisplays(junk, screens), { width: 1280, height: 820, maximized: false }, JSON.stringify(junk));
  }
});

// The booted app.
const repoRoot = resolve(import.meta.dirname, '..', '..');
mkdirSync(join(repoRoot, '.cache'), { recursive: true });
const work = mkdtempSync(join(repoRoot, '.cache', 'open-files-'));
const userData = join(work, 'user-data');
mkdirSync(userData);
const standIn = createElectronStandIn({ userData });
let window: FakeWindow;
let modelPath: string;

type ModelsEvent = { name: string; payload: { models: { path: string }[] } };
/** Resolves once main has told the window that the library holds `path`. */
const importedEvent = (path: string) =>
  new Promise<void>((res) => {
    const check = () =>
      window.webContents.sent.some(
        ([, e]) => e.name === 'models.changed' && (e as ModelsEvent).payload.models.some((m) => m.path === path),
      );
    if (check()) return res();
    const prev = window.webContents.onSend;
    window.webContents.onSend = (ch, e) => {
      prev?.(ch, e);
      if (check()) res();
    };
  });
const libraryPaths = async () => ((await standIn.call('models.list', {})).value as { path: string }[]).map((m) => m.path).sort();

before(async () => {
  modelPath = join(work, 'first.gguf');
  copyFileSync(ensureModel({ preset: 'nano', weightType: 'F32' }), modelPath);
  // The window last closed here, at this size.
  writeFileSync(windowStateFile(userData), JSON.stringify({ x: 140, y: 90, width: 1100, height: 760, maximized: false }));
  const dir = await buildElectron(join(work, 'dist', 'electron'));
  window = await loadMainWithStandIn(join(dir, 'main.cjs'), standIn, [process.execPath, repoRoot, '--enable-logging', modelPath]);
});

after(async () => {
  await standIn.quit();
  rmSync(work, { recursive: true, force: true });
});

test('the window opens where it was left', () => {
  assert.deepEqual(window.getBounds(), { x: 140, y: 90, width: 1100, height: 760 });
});

test('a .gguf on the command line (double-click, "Open with") is imported at launch, and offered to the single-instance lock', async () => {
  assert.deepEqual(standIn.app.singleInstanceData, { files: [modelPath] }, 'a later launch would hand this over');
  await importedEvent(modelPath);
  assert.deepEqual(await libraryPaths(), [modelPath]);
});

test("a second launch focuses this window and hands over its file (relative to the second launch's folder)", async () => {
  const other = join(work, 'sub', 'second.gguf');
  mkdirSync(join(work, 'sub'));
  copyFileSync(modelPath, other);
  window.minimize();
  const focusedBefore = window.focusCount;
  // As Electron delivers it: the second launch's argv and folder, and its hand-over data (absent here: parsed from argv).
  standIn.app.emit('second-instance', {}, ['/opt/Glassbox/glassbox', '--no-sandbox', 'second.gguf'], join(work, 'sub'), null);
  assert.equal(window.minimized, false, 'restored');
  assert.ok(window.focusCount > focusedBefore, 'focused');
  await importedEvent(other);
  assert.deepEqual(await libraryPaths(), [modelPath, other].sort());
});

test("a second launch's hand-over data names its files even when its argv does not", async () => {
  const third = join(work, 'third.gguf');
  copyFileSync(modelPath, third);
  standIn.app.emit('second-instance', {}, ['C:\\Glassbox\\Glassbox.exe', '--allow-file-access-from-files'], 'C:\\', { files: [third] });
  await importedEvent(third);
  assert.ok((await libraryPaths()).includes(third));
});

test('File > Open Model… (Ctrl/Cmd+O) imports the chosen files the same way', async () => {
  type Item = { label?: string; accelerator?: string; click?: () => void; submenu?: Item[] };
  const file = (standIn.recorded.menu as Item[]).find((m) => m.label === 'File')!;
  const open = file.submenu!.find((i) => i.label === 'Open Model…')!;
  assert.equal(open.accelerator, 'CmdOrCtrl+O');
  const chosen = join(work, 'chosen.gguf');
  copyFileSync(modelPath, chosen);
  standIn.recorded.nextOpenDialog = { canceled: false, filePaths: [chosen] };
  open.click!();
  await importedEvent(chosen);
  assert.ok((await libraryPaths()).includes(chosen));
});

test('macOS open-file: handled (default prevented); a file that is not a model gets an error dialog and imports nothing', async () => {
  const bad = join(work, 'broken.gguf');
  writeFileSync(bad, 'this is not a GGUF file');
  let prevented = false;
  const dialogShown = new Promise<{ message: string; detail?: string }>((r) => standIn.app.once('message-box-for-test', r));
  standIn.app.emit('open-file', { preventDefault: () => (prevented = true) }, bad);
  assert.equal(prevented, true, 'macOS is told the app handles the file');
  const box = await dialogShown;
  assert.match(box.message, /could not open broken\.gguf/);
  assert.match(box.detail ?? '', /\S/, 'says why');
  assert.equal((await libraryPaths()).includes(bad), false);
});

test('moving and resizing the window is remembered when it closes', async () => {
  window.setBounds({ x: 300, y: 200, width: 1000, height: 700 });
  window.close();
  assert.deepEqual(JSON.parse(readFileSync(windowStateFile(userData), 'utf8')), {
    x: 300,
    y: 200,
    width: 1000,
    height: 700,
    maximized: false,
  });
});
