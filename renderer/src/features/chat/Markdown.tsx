// Renders sanitised markdown (see markdown.ts). Re-parses only when the text changes, and while a
// reply streams React may skip intermediate texts (deferred value) so parsing never blocks typing.
import { useDeferredValue, useMemo } from 'react';
import { renderMarkdown } from './markdown.ts';
import './markdown.css';

export function Markdown({ source, streaming = false }: { source: string; streaming?: boolean }) {
  const deferred = useDeferredValue(source);
  const html = useMemo(() => renderMarkdown(deferred), [deferred]);
  return <div className={`md selectable ${streaming ? 'stream-caret' : ''}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
