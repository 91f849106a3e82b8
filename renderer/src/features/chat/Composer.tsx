// The message box: Enter sends, Shift+Enter adds a line; while a reply streams, Stop (or Esc) ends it.
import { useEffect, useRef, useState } from 'react';
import { SendIcon } from '../../components/icons.tsx';
import { StopIcon } from '../../components/more-icons.tsx';
import { Button, Kbd } from '../../components/ui.tsx';
import { loadDraft, saveDraft } from './drafts.ts';

export function Composer({
  streaming,
  disabledReason,
  onSend,
  onStop,
  focusKey,
}: {
  streaming: boolean;
  /** Why sending is not possible now (no model loaded …); null when it is. */
  disabledReason: string | null;
  onSend(text: string): Promise<boolean>;
  onStop(): void;
  /** The chat it writes to: its draft is kept per chat; changing it refocuses the box. */
  focusKey: string;
}) {
  const [text, setTextState] = useState(() => loadDraft(focusKey));
  const setText = (t: string) => {
    setTextState(t);
    saveDraft(focusKey, t);
  };
  const ref = useRef<HTMLTextAreaElement>(null);
  // Focus the box when a chat opens, unless the user is typing elsewhere (e.g. naming the new chat).
  useEffect(() => {
    const a = document.activeElement;
    if (!a || a === document.body || a.tagName === 'BUTTON') ref.current?.focus();
  }, [focusKey]);
  // Grow with the text up to ~8 lines.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [text]);

  const canSend = !streaming && !disabledReason && text.trim().length > 0;
  const send = async () => {
    if (!canSend) return;
    const value = text;
    setText('');
    if (!(await onSend(value))) setText(value); // keep what was typed when the send failed
  };

  return (
    <div className="border-t border-zinc-200 px-6 pt-3 pb-4 dark:border-zinc-800">
      <div className="mx-auto flex max-w-3xl items-end gap-2 rounded-xl border border-zinc-300 bg-white p-2 shadow-xs focus-within:border-accent-500 focus-within:ring-2 focus-within:ring-accent-500/20 dark:border-zinc-700 dark:bg-zinc-900">
        <textarea
          ref={ref}
          rows={1}
          aria-label="Message"
          value={text}
          disabled={!!disabledReason}
          placeholder={disabledReason ?? 'Message the model…'}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void send();
            } else if (e.key === 'Escape' && streaming) {
              e.preventDefault();
              onStop();
            }
          }}
          className="max-h-[200px] min-h-9 flex-1 resize-none bg-transparent px-2 py-1.5 text-[14px] outline-none chat-composer-input placeholder:text-zinc-400 disabled:cursor-not-allowed"
        />
        {streaming && disabledReason ? (
          <span
            role="status"
            data-testid="composer-disconnected"
            className="px-2 py-1.5 text-[12px] whitespace-nowrap text-amber-700 dark:text-amber-400"
          >
            Disconnected
          </span>
        ) : streaming ? (
          <Button variant="secondary" onClick={onStop} aria-label="Stop generating">
            <StopIcon width={14} height={14} /> Stop
          </Button>
        ) : (
          <Button variant="primary" onClick={() => void send()} disabled={!canSend} aria-label="Send">
            <SendIcon width={15} height={15} />
          </Button>
        )}
      </div>
      <div className="mx-auto mt-1.5 flex max-w-3xl gap-3 px-1 text-[11px] text-zinc-500 dark:text-zinc-400">
        <span>
          <Kbd>Enter</Kbd> send · <Kbd>Shift</Kbd>+<Kbd>Enter</Kbd> new line
          {streaming && (
            <>
              {' '}
              · <Kbd>Esc</Kbd> stop
            </>
          )}
        </span>
      </div>
    </div>
  );
}
