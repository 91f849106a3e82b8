// Renders sanitised markdown (see markdown.ts). While a reply streams, the text is cut into blocks at
// blank lines outside code fences and each finished block is parsed once and kept: only the last,
// growing block is re-parsed per update, so the cost of an update does not grow with the reply (a
// 10,000-token reply re-parsed whole is a 100+ ms task per token batch). Once the reply is finished
// it is parsed whole, so lists and links that span blank lines come out exactly as markdown says.
import { memo, useDeferredValue, useMemo } from 'react';
import { renderMarkdown } from './markdown.ts';
import { splitStreamingBlocks } from './streamBlocks.ts';
import './markdown.css';

export function Markdown({ source, streaming = false }: { source: string; streaming?: boolean }) {
  const deferred = useDeferredValue(source);
  const blocks = useMemo(() => (streaming ? splitStreamingBlocks(deferred) : null), [deferred, streaming]);
  const html = useMemo(() => (streaming ? '' : renderMarkdown(deferred)), [deferred, streaming]);
  if (blocks) {
    return (
      <div className="md selectable stream-caret">
        {blocks.map((b, i) => (
          <Block key={i} source={b} />
        ))}
      </div>
    );
  }
  return <div className="md selectable" dangerouslySetInnerHTML={{ __html: html }} />;
}

/** One block, re-parsed only when its own text changes. `display: contents` keeps the .md styles applying as if unwrapped. */
const Block = memo(function Block({ source }: { source: string }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  return <div className="md-block contents" dangerouslySetInnerHTML={{ __html: html }} />;
});
