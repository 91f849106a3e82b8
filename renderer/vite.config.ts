// Builds the renderer into renderer/dist; served by the headless host and loaded by Electron.
import tailwindcss from '@tailwindcss/vite';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { cspMetaTag } from '../electron/core/security/headers.ts';

/** index.html gets the app's CSP as a <meta> tag from the one definition (electron/core/security/headers.ts). */
function cspMeta(): Plugin {
  return {
    name: 'glassbox-csp-meta',
    transformIndexHtml: {
      order: 'pre',
      handler: (html) => {
        if (!html.includes('<!-- csp -->')) throw new Error('renderer/index.html lost its <!-- csp --> placeholder');
        return html.replace('<!-- csp -->', cspMetaTag());
      },
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [cspMeta(), tailwindcss()],
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts anywhere: the CSP forbids them.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1' },
});
