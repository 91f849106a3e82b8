// The list of chat sessions: select, rename in place (double-click or F2), delete with a second click.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ChatSession } from '../../../../electron/core/api/sessions.ts';
import { PencilIcon, TrashIcon } from '../../components/icons.tsx';

function relativeTime(ms: number): string {
  const s = Math.round((Date.now() - ms) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(ms).toLocaleDateString();
}

export function SessionList({
  sessions,
  selectedId,
  editingId,
  onSelect,
  onStartRename,
  onRename,
  onCancelRename,
  onDelete,
  onLoadMore,
}: {
  sessions: ChatSession[];
  selectedId: string | null;
  editingId: string | null;
  onSelect(id: string): void;
  onStartRename(id: string): void;
  onRename(id: string, title: string): void;
  onCancelRename(): void;
  onDelete(id: string): void;
  /** Set while older chats remain on the server (the list is loaded in pages). */
  onLoadMore?: () => void;
}) {
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const onItemKey = (e: KeyboardEvent, s: ChatSession, index: number) => {
    if (e.key === 'F2') onStartRename(s.id);
    else if (e.key === 'Delete') setConfirmDelete(s.id);
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = sessions[index + (e.key === 'ArrowDown' ? 1 : -1)];
      if (next) {
        onSelect(next.id);
        document.querySelector<HTMLElement>(`[data-session-id="${next.id}"]`)?.focus();
      }
    }
  };

  return (
    <ul aria-label="Chat sessions" className="space-y-0.5 p-2">
      {sessions.map((s, i) => {
        const selected = s.id === selectedId;
        if (s.id === editingId) {
          return (
            <li key={s.id}>
              <RenameInput initial={s.title} onDone={(t) => onRename(s.id, t)} onCancel={onCancelRename} />
            </li>
          );
        }
        return (
          <li key={s.id} className="group relative">
            <button
              type="button"
              data-session-id={s.id}
              aria-current={selected ? 'true' : undefined}
              onClick={() => onSelect(s.id)}
              onDoubleClick={() => onStartRename(s.id)}
              onKeyDown={(e) => onItemKey(e, s, i)}
              className={`block w-full rounded-md px-3 py-2 pr-16 text-left transition-colors ${
                selected ? 'bg-accent-50 ring-1 ring-accent-500/20 dark:bg-accent-500/10' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800/60'
              }`}
            >
              <div className={`truncate text-[13.5px] ${selected ? 'font-medium text-accent-700 dark:text-accent-400' : ''}`}>
                {s.title}
              </div>
              <div className="mt-0.5 text-[11.5px] text-zinc-500 dark:text-zinc-400">
                {relativeTime(s.updatedAt)} · {s.messageCount} message{s.messageCount === 1 ? '' : 's'}
              </div>
            </button>
            <div className="absolute top-1/2 right-2 flex -translate-y-1/2 gap-0.5 opacity-0 transition-opacity group-hover:opacity-100 group-focus-within:opacity-100">
              {confirmDelete === s.id ? (
                <button
                  type="button"
                  onClick={() => (onDelete(s.id), setConfirmDelete(null))}
                  onBlur={() => setConfirmDelete(null)}
                  autoFocus
                  className="rounded bg-red-600 px-1.5 py-0.5 text-[11.5px] font-medium text-white hover:bg-red-700"
                  style={{ opacity: 1 }}
                >
                  Delete
                </button>
              ) : (
                <>
                  <IconButton label={`Rename ${s.title}`} onClick={() => onStartRename(s.id)}>
                    <PencilIcon width={14} height={14} />
                  </IconButton>
                  <IconButton label={`Delete ${s.title}`} onClick={() => setConfirmDelete(s.id)}>
                    <TrashIcon width={14} height={14} />
                  </IconButton>
                </>
              )}
            </div>
          </li>
        );
      })}
      {onLoadMore && (
        <li>
          <button
            type="button"
            onClick={onLoadMore}
            className="w-full rounded-md px-3 py-2 text-center text-[12.5px] text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-200"
          >
            Show older chats
          </button>
        </li>
      )}
    </ul>
  );
}

function IconButton({ label, onClick, children }: { label: string; onClick(): void; children: React.ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      onClick={onClick}
      className="rounded p-1 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-700 dark:hover:text-zinc-100"
    >
      {children}
    </button>
  );
}

function RenameInput({ initial, onDone, onCancel }: { initial: string; onDone(title: string): void; onCancel(): void }) {
  const [value, setValue] = useState(initial);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const commit = () => (value.trim() && value.trim() !== initial ? onDone(value.trim()) : onCancel());
  return (
    <input
      ref={ref}
      aria-label="Session title"
      value={value}
      maxLength={200}
      onChange={(e) => setValue(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        else if (e.key === 'Escape') onCancel();
      }}
      onBlur={commit}
      className="w-full rounded-md bg-white px-3 py-2 text-[13.5px] ring-2 ring-accent-500 outline-none dark:bg-zinc-900"
    />
  );
}
