// The security policy is written once and reaches every way the UI is served: the headless host's
// responses, the built index.html's <meta> tag, and (electron/main/main.test.ts) the Electron window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './headers.ts';
import * as served from '../../server/static.ts';

const directives = (policy: string) =>
  new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name, sources.join(' ')]),
  );

test('the policy allows only the app itself: no inline code, no eval, no remote origins, no framing', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);
  assert.equal(csp.get('default-src'), "'self'");
  assert.equal(csp.get('script-src'), "'self'");
  assert.equal(csp.get('style-src'), "'self'");
  assert.equal(csp.get('connect-src'), "'self'");
  assert.equal(csp.get('object-src'), "'none'");
  assert.equal(csp.get('frame-ancestors'), "'none'");
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|https?:|\*/);
});

test('the meta policy is the header policy less the directives a <meta> tag cannot carry', () => {
  const header = directives(CONTENT_SECURITY_POLICY);
  const meta = directives(META_CONTENT_SECURITY_POLICY);
  assert.equal(meta.has('frame-ancestors'), false, 'browsers ignore it in <meta> and warn in the console');
  header.delete('frame-ancestors');
  assert.deepEqual(meta, header);
});

test('the headless host serves the same headers (one definition, re-exported)', () => {
  assert.equal(served.SECURITY_HEADERS, SECURITY_HEADERS);
  assert.equal(served.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
  assert.equal(SECURITY_HEADERS['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
});

test('the renderer build injects the meta policy into index.html', { timeout: 120_000 }, () => {
  const root = resolve(import.meta.dirname, '..', '..', '..');
  const out = mkdtempSync(join(tmpdir(), 'glassbox-csp-build-'));
  try {
    const r = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--config',
        'renderer/vite.config.ts',
        '--outDir',
        out,
        '--emptyOutDir',
        '--logLevel',
        'error',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(metas, [META_CONTENT_SECURITY_POLICY]);
    assert.doesNotMatch(html, /<!-- csp -->/);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
