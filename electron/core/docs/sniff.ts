// What a file is, from its bytes first (file-type reads magic numbers) and its name second (only to
// tell text kinds apart: Markdown, HTML, source code). A name never makes bytes into something they
// are not: a ".pdf" that is a PNG is an image.
import { fileTypeFromBuffer } from 'file-type';
import { DocError } from './errors.ts';
import type { DocumentKind } from './types.ts';

const CODE_EXTENSIONS = new Set(
  'ts tsx js jsx mjs cjs py rb go rs java kt kts c h cc cpp hpp cs swift m mm php pl sh bash zsh fish ps1 sql r scala lua dart ex exs erl hs ml clj vue svelte css scss less json yaml yml toml ini cfg xml gradle cmake make mk dockerfile tf proto graphql zig nim jl'.split(
    ' ',
  ),
);
const MARKDOWN_EXTENSIONS = new Set(['md', 'markdown', 'mdx', 'rst']);
const HTML_EXTENSIONS = new Set(['html', 'htm', 'xhtml']);

export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  if (/^(makefile|dockerfile)$/i.test(base)) return base.toLowerCase();
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export type Sniffed = { kind: 'pdf' | 'docx' } | { kind: 'text-like'; hint: Exclude<DocumentKind, 'pdf' | 'docx'> };

export async function sniff(bytes: Uint8Array, name: string): Promise<Sniffed> {
  const type = await fileTypeFromBuffer(bytes);
  if (type) {
    switch (type.ext) {
      case 'pdf':
        return { kind: 'pdf' };
      case 'docx':
        return { kind: 'docx' };
      case 'cfb':
        // Encrypted Office files (and old .doc/.xls) are OLE compound files, not zips.
        throw new DocError(
          'encrypted',
          /\.docx$/i.test(name)
            ? `${name} is password-protected (an encrypted Office file): remove the password in Word and drop it again`
            : `${name} is an old-format or password-protected Office file; save it as .docx without a password`,
        );
      case 'zip':
        throw new DocError('unsupported', `${name} is a zip archive but not a Word document (.docx): unpack it and drop the files inside`);
      case 'xml':
      case 'svg':
        break; // text after all: read below
      default:
        throw new DocError(
          'unsupported',
          `${name} is a ${type.ext.toUpperCase()} file (${type.mime}); supported are text, Markdown, source code, PDF, DOCX and HTML`,
        );
    }
  }
  const ext = extensionOf(name);
  if (HTML_EXTENSIONS.has(ext) || looksLikeHtml(bytes)) return { kind: 'text-like', hint: 'html' };
  if (MARKDOWN_EXTENSIONS.has(ext)) return { kind: 'text-like', hint: 'markdown' };
  if (CODE_EXTENSIONS.has(ext)) return { kind: 'text-like', hint: 'code' };
  return { kind: 'text-like', hint: 'text' };
}

function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html');
}
