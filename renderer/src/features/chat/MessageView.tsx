// One message of the thread. User messages can be edited (which makes a new branch); replies can be
// regenerated (another branch), shown as markdown or as tokens with their probabilities, and carry
// their speed (tokens/s, time to first token). A fork shows "‹ 2/3 ›" to move between branches.
import { memo, useEffect, useRef, useState } from 'react';
import { AlertIcon, TrashIcon } from '../../components/icons.tsx';
import {
  CheckIcon,
  ChevronLeftIcon,
  ChevronRightIcon,
  CopyIcon,
  EditIcon,
  PlayIcon,
  RegenerateIcon,
} from '../../components/more-icons.tsx';
import { Button } from '../../components/ui.tsx';
import { Markdown } from './Markdown.tsx';
import { TokenText } from './TokenText.tsx';
import type { SiblingInfo } from '../../../../electron/core/api/chat-tree.ts';
import { STREAM_SAVE_INTERVAL_MS } from '../../../../electron/core/api/chat.ts';
import type { ChatMessage as Message } from './types.ts';

export interface MessageActions {
  onEdit(message: Message, content: string): void;
  onRegenerate(message: Message): void;
  onSwitch(id: string): void;
  onContinue(message: Message): void;
  onDelete(message: Message): void;
  /** Messages below this one (every branch under it): deleted with it. */
  countBelow(id: string): number;
}

/** A reply that ended before the model was done (Stop, a crash, an error part-way, the reply limit) can be continued. */
export const canContinue = (m: Message) =>
  m.role === 'assistant' &&
  m.tokens !== null &&
  (m.status === 'stopped' ||
    m.status === 'interrupted' ||
    m.status === 'failed' ||
    (m.status === 'complete' && m.stats?.stopReason === 'maxTokens'));

/**
 * Re-rendered only when what it shows changes: while a reply streams, the finished messages above it
 * are skipped (the actions object must be stable; ChatScreen passes one that calls through a ref).
 */
export const MessageView = memo(MessageViewImpl, (a, b) => {
  const sa = a.siblings,
    sb = b.siblings;
  const sameSiblings =
    sa === sb || (!!sa && !!sb && sa.index === sb.index && sa.count === sb.count && sa.prevId === sb.prevId && sa.nextId === sb.nextId);
  return (
    a.message === b.message &&
    sameSiblings &&
    a.last === b.last &&
    a.live === b.live &&
    a.busy === b.busy &&
    a.tokenView === b.tokenView &&
    a.colour === b.colour &&
    a.actions === b.actions
  );
});

function MessageViewImpl({
  message,
  siblings,
  last,
  live,
  busy,
  tokenView,
  colour,
  actions,
}: {
  message: Message;
  siblings: SiblingInfo | null;
  /** The newest message of the thread: its actions stay visible. */
  last: boolean;
  /** This reply is being generated right now. */
  live: boolean;
  /** Something is generating: editing and regenerating wait. */
  busy: boolean;
  tokenView: boolean;
  colour: boolean;
  actions: MessageActions;
}) {
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const isUser = message.role === 'user';
  const interrupted = message.status === 'interrupted';
  const who = isUser ? 'You' : message.role === 'system' ? 'System' : 'Assistant';

  return (
    <article
      aria-label={`${who} message`}
      data-testid={`message-${message.role}`}
      data-message-id={message.id}
      data-status={message.status}
      className={`group flex flex-col ${isUser ? 'items-end' : 'items-start'}`}
    >
      {editing ? (
        <EditBox
          initial={message.content}
          onCancel={() => setEditing(false)}
          onSave={(text) => {
            setEditing(false);
            if (text !== message.content) actions.onEdit(message, text);
          }}
        />
      ) : isUser ? (
        <div className="max-w-[85%] rounded-2xl rounded-br-md bg-accent-600 px-4 py-2.5 text-[14px] leading-relaxed whitespace-pre-wrap text-white selectable dark:bg-accent-500/80">
          {message.content}
        </div>
      ) : (
        <div className="w-full text-[14px]" data-testid="assistant-body">
          {tokenView && message.tokens && message.tokens.length > 0 ? (
            <TokenText tokens={message.tokens} colour={colour} label="Reply" sampling={message.stats?.sampling} />
          ) : message.content === '' && live ? (
            <div className="flex items-center gap-2 text-[13px] text-zinc-500" role="status">
              <span className="inline-flex gap-1" aria-hidden="true">
                <span className="size-1.5 animate-bounce rounded-full bg-zinc-400 [animation-delay:-0.3s]" />
                <span className="size-1.5 animate-bounce rounded-full bg-zinc-400 [animation-delay:-0.15s]" />
                <span className="size-1.5 animate-bounce rounded-full bg-zinc-400" />
              </span>
              Thinking…
            </div>
          ) : (
            <Markdown source={message.content} streaming={live} />
          )}
          <StateNote message={message} interrupted={interrupted} />
          <ContextNotes message={message} />
          {canContinue(message) && !live && (
            <div className="mt-1.5">
              <Button
                variant="secondary"
                className="!px-2 !py-1 text-[12px]"
                onClick={() => actions.onContinue(message)}
                disabled={busy}
                title="The model goes on from where this reply ended; the text is added to this message"
              >
                <PlayIcon width={12} height={12} /> Continue
              </Button>
            </div>
          )}
        </div>
      )}

      {!editing && (
        <div
          className={`mt-1 flex min-h-6 items-center gap-1 text-[11.5px] text-zinc-500 dark:text-zinc-400 ${isUser ? 'flex-row-reverse' : ''}`}
        >
          {siblings && siblings.count > 1 && <BranchSwitcher info={siblings} onSwitch={actions.onSwitch} disabled={busy} who={who} />}
          {message.role === 'assistant' && <Stats message={message} />}
          <div
            className={`flex items-center gap-0.5 transition-opacity ${last ? '' : 'opacity-0 group-hover:opacity-100 group-focus-within:opacity-100'}`}
          >
            <CopyButton text={message.content} />
            {isUser && (
              <IconAction label="Edit message" onClick={() => setEditing(true)} disabled={busy}>
                <EditIcon />
              </IconAction>
            )}
            {message.role === 'assistant' && !live && (
              <IconAction label="Regenerate reply" onClick={() => actions.onRegenerate(message)} disabled={busy}>
                <RegenerateIcon />
              </IconAction>
            )}
            {!live && (
              <IconAction label="Delete message" onClick={() => setConfirmDelete(true)} disabled={busy}>
                <TrashIcon width={15} height={15} />
              </IconAction>
            )}
          </div>
        </div>
      )}
      {confirmDelete && (
        <DeleteConfirm
          below={actions.countBelow(message.id)}
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => (setConfirmDelete(false), actions.onDelete(message))}
        />
      )}
    </article>
  );
}

function StateNote({ message, interrupted }: { message: Message; interrupted: boolean }) {
  if (message.status === 'failed') {
    return (
      <div
        role="alert"
        data-testid="message-error"
        className="mt-2 flex gap-2 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-[13px] text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-300"
      >
        <AlertIcon width={16} height={16} className="mt-0.5 shrink-0" />
        <div>
          <div className="font-medium">This reply failed.</div>
          <div>{message.error ?? 'The model stopped with an error.'} Regenerate to try again.</div>
        </div>
      </div>
    );
  }
  if (interrupted) {
    return (
      <div
        role="note"
        data-testid="message-interrupted"
        className="mt-2 inline-flex items-center gap-2 rounded-md bg-amber-50 px-2.5 py-1 text-[12px] text-amber-800 dark:bg-amber-500/10 dark:text-amber-300"
      >
        <AlertIcon width={14} height={14} /> Interrupted — the app stopped before this reply finished. What was saved is shown: a streaming
        reply is saved every {STREAM_SAVE_INTERVAL_MS} ms, so at most the last {STREAM_SAVE_INTERVAL_MS} ms of text shown before the stop is
        missing. Continue picks up from here.
      </div>
    );
  }
  if (message.status === 'stopped') {
    return (
      <div
        data-testid="message-stopped"
        className="mt-1.5 inline-block rounded bg-zinc-100 px-1.5 py-0.5 text-[11.5px] text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400"
      >
        Stopped
      </div>
    );
  }
  return null;
}

/** Says inline what the context window did to this reply: turns left out of its prompt, a stop at the limit. */
function ContextNotes({ message }: { message: Message }) {
  const s = message.stats;
  if (!s || message.status === 'streaming') return null;
  const notes: { id: string; text: string }[] = [];
  const dropped = s.droppedTurns ?? 0;
  if (dropped > 0) {
    notes.push({
      id: 'context-dropped',
      text: `Written without the ${dropped} oldest message${dropped === 1 ? '' : 's'}${s.systemPromptDropped ? ' and the system prompt' : ''}: the chat no longer fits the ${s.contextSize.toLocaleString('en-US')}-token context window.`,
    });
  }
  if (s.stopReason === 'contextFull') {
    notes.push({
      id: 'context-full',
      text: `Stopped at the context limit: prompt and reply fill all ${s.contextSize.toLocaleString('en-US')} tokens. Start a new chat, or raise the context size in Settings.`,
    });
  } else if (s.stopReason === 'maxTokens') {
    notes.push({
      id: 'reply-limit',
      text: `Stopped at the reply limit of ${s.sampling.maxTokens.toLocaleString('en-US')} tokens (Max reply tokens in this chat's settings).`,
    });
  }
  if (notes.length === 0) return null;
  return (
    <div className="mt-1.5 space-y-1">
      {notes.map((n) => (
        <div
          key={n.id}
          role="note"
          data-testid={n.id}
          className="flex items-start gap-1.5 rounded-md bg-amber-50 px-2.5 py-1 text-[12px] text-amber-900 dark:bg-amber-500/10 dark:text-amber-200"
        >
          <AlertIcon width={13} height={13} className="mt-0.5 shrink-0" /> {n.text}
        </div>
      ))}
    </div>
  );
}

function Stats({ message }: { message: Message }) {
  const s = message.stats;
  if (!s) return null;
  const parts: string[] = [];
  parts.push(`${s.generatedTokens} tokens`);
  if (s.tokensPerSecond !== null) parts.push(`${s.tokensPerSecond.toFixed(1)} tok/s`);
  if (s.timeToFirstTokenMs !== null) parts.push(`TTFT ${Math.round(s.timeToFirstTokenMs)} ms`);
  if (s.model) parts.push(s.model);
  if (parts.length === 0) return null;
  const p = s.sampling;
  const how = `${s.promptTokens} prompt tokens · ${Math.round(s.durationMs)} ms · stop: ${s.stopReason}\ntemperature ${p.temperature} · top-k ${p.topK} · top-p ${p.topP} · min-p ${p.minP} · repeat ${p.repeatPenalty} · seed ${p.seed ?? 'random'}${
    s.continued
      ? `\ncontinued ${s.continued === 1 ? 'once' : `${s.continued} times`}: not reproducible as one reply (each part was generated from where the last ended)`
      : s.reproducible === undefined
        ? ''
        : s.reproducible
          ? '\nreproducible: the same prompt gives this reply again on this model and backend'
          : '\nnot reproducible: a random seed'
  }`;
  return (
    <span className="mx-1 font-mono text-[11px] tabular-nums" data-testid="message-stats" title={how}>
      {parts.join(' · ')}
    </span>
  );
}

function BranchSwitcher({
  info,
  onSwitch,
  disabled,
  who,
}: {
  info: SiblingInfo;
  onSwitch(id: string): void;
  disabled: boolean;
  who: string;
}) {
  return (
    <nav aria-label={`${who} message branches`} className="flex items-center gap-0.5 font-mono text-[11.5px]" data-testid="branch-switcher">
      <button
        type="button"
        aria-label="Previous branch"
        disabled={disabled || !info.prevId}
        onClick={() => info.prevId && onSwitch(info.prevId)}
        className="rounded p-0.5 hover:bg-zinc-200 disabled:opacity-30 dark:hover:bg-zinc-700"
      >
        <ChevronLeftIcon width={14} height={14} />
      </button>
      <span data-testid="branch-position" aria-live="polite">
        {info.index}/{info.count}
      </span>
      <button
        type="button"
        aria-label="Next branch"
        disabled={disabled || !info.nextId}
        onClick={() => info.nextId && onSwitch(info.nextId)}
        className="rounded p-0.5 hover:bg-zinc-200 disabled:opacity-30 dark:hover:bg-zinc-700"
      >
        <ChevronRightIcon width={14} height={14} />
      </button>
    </nav>
  );
}

function IconAction({
  label,
  onClick,
  disabled,
  children,
}: {
  label: string;
  onClick(): void;
  disabled?: boolean;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      disabled={disabled}
      onClick={onClick}
      className="rounded p-1 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 disabled:opacity-40 dark:text-zinc-400 dark:hover:bg-zinc-700 dark:hover:text-zinc-100"
    >
      {children}
    </button>
  );
}

function CopyButton({ text }: { text: string }) {
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (!done) return;
    const t = setTimeout(() => setDone(false), 1200);
    return () => clearTimeout(t);
  }, [done]);
  return (
    <IconAction
      label={done ? 'Copied' : 'Copy message'}
      onClick={() =>
        navigator.clipboard?.writeText(text).then(
          () => setDone(true),
          () => {},
        )
      }
    >
      {done ? <CheckIcon /> : <CopyIcon />}
    </IconAction>
  );
}

function EditBox({ initial, onSave, onCancel }: { initial: string; onSave(text: string): void; onCancel(): void }) {
  const [text, setText] = useState(initial);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const save = () => text.trim() && onSave(text.trim());
  return (
    <div className="w-full max-w-[85%] rounded-xl border border-accent-500/40 bg-white p-2 shadow-xs dark:bg-zinc-900">
      <textarea
        ref={ref}
        aria-label="Edited message text"
        value={text}
        rows={Math.min(10, Math.max(2, text.split('\n').length))}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            save();
          } else if (e.key === 'Escape') onCancel();
        }}
        className="w-full resize-none bg-transparent px-2 py-1 text-[14px] outline-none"
      />
      <div className="flex items-center justify-end gap-2 pt-1">
        <span className="mr-auto px-2 text-[11.5px] text-zinc-500">Saving makes a new branch; the old one is kept.</span>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button variant="primary" onClick={save} disabled={!text.trim()}>
          Save &amp; send
        </Button>
      </div>
    </div>
  );
}

function DeleteConfirm({ below, onConfirm, onCancel }: { below: number; onConfirm(): void; onCancel(): void }) {
  return (
    <div
      role="alertdialog"
      aria-label="Delete message"
      data-testid="delete-confirm"
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      className="mt-1 flex max-w-[85%] flex-wrap items-center gap-2 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-[12.5px] text-red-900 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200"
    >
      <span className="mr-auto">
        {below === 0
          ? 'Delete this message? This cannot be undone.'
          : `Delete this message and the ${below} message${below === 1 ? '' : 's'} below it (every branch under it)? This cannot be undone.`}
      </span>
      <Button variant="ghost" onClick={onCancel}>
        Cancel
      </Button>
      <Button variant="danger" onClick={onConfirm} autoFocus>
        Delete
      </Button>
    </div>
  );
}
