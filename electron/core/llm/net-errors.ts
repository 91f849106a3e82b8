import { errorMessage } from '../api/errors.ts';
// Network failures in plain words. Node's fetch throws "fetch failed" and hides the reason in
// `cause` (ECONNREFUSED, ENOTFOUND, …); a user needs to know whether they are offline, the server
// refused, or the name does not exist, not the wording of the HTTP library.

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'the server refused the connection (nothing is listening there)',
  ENOTFOUND: 'its name could not be looked up: this computer may be offline, or the address is misspelt',
  EAI_AGAIN: 'its name could not be looked up: this computer seems to be offline',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  ECONNRESET: 'the connection was dropped',
  UND_ERR_SOCKET: 'the connection was dropped',
  ENETUNREACH: 'the network is unreachable: this computer seems to be offline',
  EHOSTUNREACH: 'the server is unreachable',
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is not trusted",
};

/** The error code of a network failure, looking through fetch's `cause` chain. */
export function networkCode(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in REASONS) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** Why `host` could not be reached, in words; falls back to the error's own message. */
export function networkReason(err: unknown): string {
  const code = networkCode(err);
  if (code) return REASONS[code];
  const msg = errorMessage(err);
  return msg === 'fetch failed' ? 'the connection failed' : msg;
}
