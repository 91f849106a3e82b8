// Picks the transport for where the renderer runs: inside Electron the preload bridge exists;
// in a browser we talk to the headless host that served this page.
import type { GlassboxBridge } from '../../../electron/core/api/bridge.ts';
import { createApiClient, type ApiClient } from './client.ts';
import { ipcTransport } from './transport-ipc.ts';
import { wsTransport } from './transport-ws.ts';

const TOKEN_KEY = 'glassbox.token';

/** Takes ?token= out of the address bar (it stays in this tab's sessionStorage; the host also set a cookie). */
function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function connectToCore(): ApiClient {
  const bridge = (window as unknown as { glassbox?: GlassboxBridge }).glassbox;
  if (bridge) return createApiClient(ipcTransport(bridge));
  const token = takeToken();
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${window.location.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  return createApiClient(wsTransport(url));
}
