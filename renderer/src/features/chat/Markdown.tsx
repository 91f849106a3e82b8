// Renders sanitised markdown (see markdown.ts). Re-parses only when the text changes.
import { useMemo } from 'react';
import { renderMarkdown } from './markdown.ts';
import './markdown.css';

export function Markdown({ source, streaming = false }: { source: string; streaming?: boolean }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  return <div className={`md selectable ${streaming ? 'stream-caret' : ''}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
