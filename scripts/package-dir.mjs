#!/usr/bin/env node
// Builds the unpacked desktop app (electron-builder's `dir` target) with electron-builder.yml, on a
// machine without the Electron binary: a stand-in Electron distribution takes the binary's place, so
// the app's own layout (asar, unpacked native modules, bundles, renderer) is exactly what an installer
// would carry. e2e/packaged.test.ts reads and boots the result.
//   node scripts/package-dir.mjs [--platform linux|mac|win] [--arch x64|arm64] [--out DIR] [--project DIR]
// `--project` packages another folder with this repo's electron-builder.yml (the file-list tests use a
// fixture tree that holds every platform's binaries).
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export const electronVersion = () => JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;

/**
 * A folder shaped like an unpacked Electron release for `platform`, with a script where the binary
 * would be. electron-builder copies it, renames the executable and puts the app beside it.
 */
export function makeStandInElectron(dir, platform) {
  rmSync(dir, { recursive: true, force: true });
  const note =
    '#!/bin/sh\necho "stand-in for the Electron binary (scripts/package-dir.mjs): the app layout is real, this file is not" >&2\nexit 1\n';
  const version = electronVersion();
  const executable = (path) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, note);
    chmodSync(path, 0o755);
  };
  if (platform === 'mac') {
    const contents = join(dir, 'Electron.app', 'Contents');
    mkdirSync(join(contents, 'Resources'), { recursive: true });
    executable(join(contents, 'MacOS', 'Electron'));
    writeFileSync(
      join(contents, 'Info.plist'),
      plist({
        CFBundleExecutable: 'Electron',
        CFBundleIdentifier: 'com.github.Electron',
        CFBundleName: 'Electron',
        CFBundleDisplayName: 'Electron',
        CFBundleVersion: version,
        CFBundleShortVersionString: version,
        CFBundleIconFile: 'electron.icns',
        CFBundlePackageType: 'APPL',
      }),
    );
    for (const helper of ['Electron Helper', 'Electron Helper (GPU)', 'Electron Helper (Plugin)', 'Electron Helper (Renderer)']) {
      const hc = join(contents, 'Frameworks', `${helper}.app`, 'Contents');
      executable(join(hc, 'MacOS', helper));
      writeFileSync(
        join(hc, 'Info.plist'),
        plist({
          CFBundleExecutable: helper,
          CFBundleIdentifier: 'com.github.Electron.helper',
          CFBundleName: helper,
          CFBundleDisplayName: helper,
          CFBundleVersion: version,
          CFBundlePackageType: 'APPL',
        }),
      );
    }
  } else {
    mkdirSync(join(dir, 'resources'), { recursive: true });
    executable(join(dir, platform === 'win' ? 'electron.exe' : 'electron'));
    writeFileSync(join(dir, 'LICENSE'), 'Electron stand-in\n');
    writeFileSync(join(dir, 'LICENSES.chromium.html'), '<p>Electron stand-in</p>\n');
  }
  writeFileSync(join(dir, 'version'), version);
  return dir;
}

function plist(dict) {
  const body = Object.entries(dict)
    .map(([k, v]) => `  <key>${k}</key>\n  <string>${v}</string>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n${body}\n</dict>\n</plist>\n`;
}

/** Where electron-builder puts the unpacked app for a platform/arch, and where the app's resources lie in it. */
export function layoutOf(outDir, platform, arch) {
  if (platform === 'mac') {
    const appDir = join(outDir, arch === 'arm64' ? 'mac-arm64' : 'mac', 'Glassbox.app');
    return { appDir, resources: join(appDir, 'Contents', 'Resources') };
  }
  const appDir = join(outDir, `${platform}-${arch === 'x64' ? '' : arch + '-'}unpacked`);
  return { appDir, resources: join(appDir, 'resources') };
}

/**
 * Runs `electron-builder --<platform> dir --<arch>` on `project` (default: this repo, which must be
 * built first: npm run build) and resolves with the unpacked app's layout.
 */
export async function packageDir({
  platform = 'linux',
  arch = 'x64',
  outDir = join(root, '.cache', 'package'),
  project = root,
  log = () => {},
} = {}) {
  const standIn = makeStandInElectron(join(outDir, `electron-stand-in-${platform}`), platform);
  const args = [
    require.resolve('electron-builder/cli.js'),
    `--${platform}`,
    'dir',
    `--${arch}`,
    '--projectDir',
    project,
    '--config',
    join(root, 'electron-builder.yml'),
    `-c.electronDist=${standIn}`,
    `-c.electronVersion=${electronVersion()}`,
    `-c.directories.output=${outDir}`,
    // Nothing real to sign here, and editing a Windows executable would need wine.
    '-c.mac.identity=null',
    '-c.win.signAndEditExecutable=false',
    // The stand-in executable is no PE file to write the asar's hash into (Electron checks it only when the integrity fuse is on).
    ...(platform === 'win' ? ['-c.disableAsarIntegrity=true'] : []),
    '--publish',
    'never',
  ];
  let output = '';
  const code = await new Promise((res, rej) => {
    const child = spawn(process.execPath, args, {
      cwd: project,
      env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false', ELECTRON_SKIP_BINARY_DOWNLOAD: '1', NO_UPDATE_NOTIFIER: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const take = (d) => {
      output += d;
      log(String(d));
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', rej);
    child.once('exit', res);
  });
  if (code !== 0) throw new Error(`electron-builder failed (exit ${code}):\n${output.slice(-4000)}`);
  return { ...layoutOf(outDir, platform, arch), outDir, output };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const at = process.argv.indexOf(`--${name}`);
    return at >= 0 ? process.argv[at + 1] : fallback;
  };
  const result = await packageDir({
    platform: arg('platform', 'linux'),
    arch: arg('arch', 'x64'),
    outDir: resolve(arg('out', join(root, '.cache', 'package'))),
    project: resolve(arg('project', root)),
    log: (s) => process.stdout.write(s.replace(/^.*duplicate dependency references.*$/gm, '')),
  });
  console.log(`unpacked app: ${result.appDir}`);
}
