// Where a Chromium or Chrome that the e2e tests can drive lives on this machine. Playwright never
// downloads a browser here: the tests use one that is installed. GLASSBOX_CHROMIUM wins when set.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const CANDIDATES = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/snap/bin/chromium',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
  ],
  darwin: ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'],
  win32: [
    join(process.env.PROGRAMFILES ?? 'C:\\Program Files', 'Google', 'Chrome', 'Application', 'chrome.exe'),
    join(process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)', 'Google', 'Chrome', 'Application', 'chrome.exe'),
    join(process.env.LOCALAPPDATA ?? '', 'Chromium', 'Application', 'chrome.exe'),
  ],
};

/** The browser's path, or null when none is found. */
export function findChromium(env = process.env) {
  if (env.GLASSBOX_CHROMIUM) return existsSync(env.GLASSBOX_CHROMIUM) ? env.GLASSBOX_CHROMIUM : null;
  return (CANDIDATES[process.platform] ?? CANDIDATES.linux).find((p) => existsSync(p)) ?? null;
}

/** The one line a user reads when no browser is found. */
export function noChromiumMessage(env = process.env) {
  if (env.GLASSBOX_CHROMIUM)
    return `GLASSBOX_CHROMIUM points to ${env.GLASSBOX_CHROMIUM}, which does not exist: point it at a Chromium or Chrome executable.`;
  const install =
    { darwin: 'brew install --cask chromium', win32: 'install Google Chrome' }[process.platform] ?? 'apt-get install chromium';
  return `The end-to-end tests need Chromium or Chrome and none was found: ${install}, or set GLASSBOX_CHROMIUM=/path/to/chrome.`;
}
