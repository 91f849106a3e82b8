// Who may talk to the host. Every HTTP request and WebSocket upgrade must:
//  1. name this host in its Host header (a DNS-rebinding page arrives with its own name there),
//  2. carry no Origin, or exactly this host's origin (another site's page is refused),
//  3. present the token, as `?token=` or as the cookie set when the page was opened with it.
// Refusals carry a status and a reason that say which rule failed.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface GuardConfig {
  token: string;
  port: number;
  /** Extra host names accepted in Host/Origin (e.g. the machine's name when bound beyond loopback). */
  allowedHosts: string[];
}

export type GuardVerdict = { ok: true; viaQuery: boolean } | { ok: false; status: 400 | 401 | 403 | 421; reason: string };

export const cookieName = (port: number) => `glassbox_token_${port}`;

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

function tokensEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function allowedHostHeaders(config: GuardConfig): Set<string> {
  return new Set([...LOOPBACK_NAMES, ...config.allowedHosts].map((h) => `${h.toLowerCase()}:${config.port}`));
}

export function checkRequest(req: IncomingMessage, config: GuardConfig): GuardVerdict {
  const hosts = allowedHostHeaders(config);
  const host = req.headers.host?.toLowerCase();
  if (!host) return { ok: false, status: 400, reason: 'missing Host header' };
  if (!hosts.has(host))
    return { ok: false, status: 421, reason: `foreign Host header "${host}" (DNS rebinding protection); open the URL the host printed` };

  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      const u = new URL(origin);
      if (u.protocol === 'http:' || u.protocol === 'ws:') originHost = u.host.toLowerCase();
    } catch {
      originHost = undefined;
    }
    if (!originHost || !hosts.has(originHost)) return { ok: false, status: 403, reason: `foreign Origin "${origin}"` };
  }

  const url = new URL(req.url ?? '/', 'http://placeholder');
  const fromQuery = url.searchParams.get('token');
  const presented = fromQuery ?? readCookie(req.headers.cookie, cookieName(config.port));
  if (presented === undefined || presented === null || presented === '') {
    return { ok: false, status: 401, reason: 'missing token: open the URL the host printed (it ends in ?token=…)' };
  }
  if (!tokensEqual(presented, config.token)) return { ok: false, status: 403, reason: 'wrong token' };
  return { ok: true, viaQuery: fromQuery !== null };
}
