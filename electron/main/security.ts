// Electron hardening, applied to every web contents the app ever creates: no navigation away from
// the app, no new windows, no permissions, a strict CSP on every response, and external links
// opened in the user's browser only when they are https and on the allow-list.
import { app, session, shell, type WebContents } from 'electron';
import { SECURITY_HEADERS } from '../core/security/headers.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'glassbox';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Hosts whose https pages may be opened in the user's browser (docs, model pages). */
export const EXTERNAL_ALLOW_LIST = new Set(['huggingface.co', 'github.com', 'ai.google.dev', 'node-llama-cpp.withcat.ai']);

export function isAllowedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && EXTERNAL_ALLOW_LIST.has(u.hostname) && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** True for pages of the app itself (app://glassbox/…). Compares scheme and host: WHATWG URL gives
 * custom schemes an opaque origin ("null"), so `origin === APP_ORIGIN` would never match. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

export function openExternalSafely(url: string): void {
  if (isAllowedExternal(url)) void shell.openExternal(url);
  else console.warn(`blocked opening ${url}: not an allow-listed https address`);
}

function harden(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) {
      event.preventDefault();
      openExternalSafely(url);
    }
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url);
    return { action: 'deny' };
  });
}

export function applySecurityPolicy(): void {
  app.on('web-contents-created', (_event, contents) => harden(contents));
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    const ours = Object.fromEntries(Object.entries(SECURITY_HEADERS).map(([k, v]) => [k, [v]]));
    callback({ responseHeaders: { ...details.responseHeaders, ...ours } });
  });
}
