// Chat: the sessions list (create, rename, delete — stored in SQLite) and the conversation pane.
// Sending messages, streaming and token probabilities arrive with the llama.cpp chat service.
import { useState } from 'react';
import { ChatIcon, PlusIcon, SendIcon } from '../../components/icons.tsx';
import { Button, EmptyState, Kbd } from '../../components/ui.tsx';
import { SessionList } from './SessionList.tsx';
import { useSessions } from './useSessions.ts';

export function ChatScreen() {
  const { sessions, loading, error, create, rename, remove } = useSessions();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const selected = sessions.find((s) => s.id === selectedId) ?? null;

  const run = (p: Promise<unknown>) => p.then(() => setActionError(null), (e: Error) => setActionError(e.message));
  const newChat = async () => {
    try {
      const s = await create();
      setSelectedId(s.id);
      setEditingId(s.id);
      setActionError(null);
    } catch (e) {
      setActionError((e as Error).message);
    }
  };

  return (
    <div className="flex min-h-0 flex-1">
      <section aria-label="Sessions" className="flex w-[272px] shrink-0 flex-col border-r border-zinc-200 dark:border-zinc-800">
        <div className="flex items-center justify-between px-4 pt-3.5 pb-2">
          <h1 className="text-[15px] font-semibold tracking-tight">Chats</h1>
          <Button variant="primary" onClick={newChat} aria-label="New chat">
            <PlusIcon width={15} height={15} /> New chat
          </Button>
        </div>
        {actionError && (
          <p role="alert" className="mx-3 mb-2 rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-700 dark:bg-red-500/10 dark:text-red-300">
            {actionError}
          </p>
        )}
        <div className="min-h-0 flex-1 overflow-y-auto">
          {error ? (
            <p role="alert" className="p-4 text-[13px] text-red-600">
              Could not load sessions: {error.message}
            </p>
          ) : !loading && sessions.length === 0 ? (
            <p className="px-4 py-6 text-center text-[13px] text-zinc-500 dark:text-zinc-400">No chats yet.</p>
          ) : (
            <SessionList
              sessions={sessions}
              selectedId={selectedId}
              editingId={editingId}
              onSelect={setSelectedId}
              onStartRename={setEditingId}
              onCancelRename={() => setEditingId(null)}
              onRename={(id, title) => {
                setEditingId(null);
                void run(rename(id, title));
              }}
              onDelete={(id) => {
                if (id === selectedId) setSelectedId(null);
                void run(remove(id));
              }}
            />
          )}
        </div>
      </section>

      <section aria-label="Conversation" className="flex min-w-0 flex-1 flex-col">
        {selected ? (
          <>
            <header className="flex items-center gap-3 border-b border-zinc-200 px-6 py-3.5 dark:border-zinc-800">
              <h2 className="truncate text-[15px] font-semibold tracking-tight" data-testid="conversation-title">
                {selected.title}
              </h2>
              <span className="text-[12px] text-zinc-500">
                created {new Date(selected.createdAt).toLocaleString()}
              </span>
            </header>
            <div className="min-h-0 flex-1 overflow-y-auto">
              <EmptyState icon={ChatIcon} title="No messages yet" status="Chat engine not connected yet">
                This session is saved. Sending messages needs a model: the llama.cpp chat service (streaming replies,
                stop and regenerate, branches when you edit a message, and each token's probability on hover) is the
                next piece being built.
              </EmptyState>
            </div>
            <div className="border-t border-zinc-200 p-4 dark:border-zinc-800">
              <div className="flex items-end gap-2 rounded-xl border border-zinc-300 bg-white p-2 shadow-xs dark:border-zinc-700 dark:bg-zinc-900">
                <textarea
                  disabled
                  rows={1}
                  aria-label="Message"
                  placeholder="Load a model to start chatting…"
                  className="min-h-9 flex-1 resize-none bg-transparent px-2 py-1.5 text-[14px] outline-none placeholder:text-zinc-400 disabled:cursor-not-allowed"
                />
                <Button variant="primary" disabled aria-label="Send">
                  <SendIcon width={15} height={15} />
                </Button>
              </div>
            </div>
          </>
        ) : (
          <EmptyState
            icon={ChatIcon}
            title="Chat with a local model"
            status={null}
            action={
              <Button variant="primary" onClick={newChat}>
                <PlusIcon width={15} height={15} /> Start a new chat
              </Button>
            }
          >
            Pick a chat on the left or start a new one. Everything stays on this machine, in one SQLite file.
            <div className="mt-3 text-[12px] text-zinc-500">
              Rename with <Kbd>F2</Kbd> or a double-click · delete with <Kbd>Del</Kbd>
            </div>
          </EmptyState>
        )}
      </section>
    </div>
  );
}
