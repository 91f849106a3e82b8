// The app's security headers and Content-Security-Policy, written once. Served by the Electron window's
// app:// handler (electron/main), by the headless host (electron/server/static.ts), and injected into
// renderer/index.html as a <meta> tag at build time (renderer/vite.config.ts), so a page opened any
// way (desktop, browser, Vite dev server) runs under the same policy.
//
// No inline scripts or styles anywhere, no eval, no remote origins: everything comes from the app
// itself. WebSocket (the headless host's /api) is same-origin, which 'self' covers in CSP Level 3.

const DIRECTIVES: [name: string, sources: string][] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data: blob:"],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  ['worker-src', "'self' blob:"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

/** Directives a <meta> policy may not carry (browsers ignore them there, with a console warning). */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

/** The policy as a response header. */
export const CONTENT_SECURITY_POLICY = DIRECTIVES.map(([n, s]) => `${n} ${s}`).join('; ');

/** The same policy for index.html's <meta http-equiv> tag: the header-only directives left out. */
export const META_CONTENT_SECURITY_POLICY = DIRECTIVES.filter(([n]) => !HEADER_ONLY.has(n))
  .map(([n, s]) => `${n} ${s}`)
  .join('; ');

/** Headers on every response the app serves. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

/** The <meta> tag for index.html. */
export const cspMetaTag = () => `<meta http-equiv="Content-Security-Policy" content="${META_CONTENT_SECURITY_POLICY}" />`;
