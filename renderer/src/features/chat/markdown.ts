// Markdown → safe HTML for chat messages. marked parses (GFM) with raw HTML escaped, highlight.js
// colours code blocks, DOMPurify then removes anything executable that might still slip through. Model output is untrusted text: nothing it writes may run
// script, load a remote resource (the CSP would block it anyway, noisily) or restyle the app.
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/common';
import { Marked, type Tokens } from 'marked';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    code({ text, lang }: Tokens.Code) {
      const language = (lang ?? '').trim().split(/\s+/)[0].toLowerCase();
      const known = language && hljs.getLanguage(language);
      const body = known ? hljs.highlight(text, { language, ignoreIllegals: true }).value : escapeHtml(text);
      const label = language ? `<div class="md-code-lang">${escapeHtml(language)}</div>` : '';
      return `<div class="md-code">${label}<pre><code class="hljs${known ? ` language-${escapeHtml(language)}` : ''}">${body}</code></pre></div>`;
    },
    // Raw HTML in the model's text is shown as text, never parsed: nothing it writes becomes markup.
    // (Chromium reports a CSP violation merely for parsing an on* attribute, even in an inert document.)
    html({ text }: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(text);
    },
    // Images would be remote loads: show them as a plain link instead.
    image({ href, text }: Tokens.Image) {
      return `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`;
    },
  },
});

const purify = DOMPurify();
// Links open outside the app (Electron's main process / the browser opens a new tab); never navigate the window.
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    const href = node.getAttribute('href') ?? '';
    if (!/^(https?:|mailto:)/i.test(href)) node.removeAttribute('href');
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

const SANITIZE = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'style',
    'img',
    'svg',
    'math',
    'iframe',
    'form',
    'input',
    'button',
    'textarea',
    'select',
    'video',
    'audio',
    'source',
    'picture',
  ],
  FORBID_ATTR: ['style', 'id', 'srcset'],
  ADD_ATTR: ['target'],
};

/** Markdown source → sanitised HTML string (safe for innerHTML). */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source) as string;
  return purify.sanitize(html, SANITIZE) as unknown as string;
}
