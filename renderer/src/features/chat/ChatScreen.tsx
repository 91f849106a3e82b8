// Chat: the sessions list (create, rename, delete, search, import) and the conversation: a streamed
// thread with branches, token probabilities, per-session system prompt and sampling, export.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { PanelLeftClose, PanelLeftOpen } from 'lucide-react';
import { downloadFile } from '../../components/download.ts';
import { AlertIcon, ChatIcon, PlusIcon } from '../../components/icons.tsx';
import { DownloadIcon, SlidersIcon, UploadIcon } from '../../components/more-icons.tsx';
import { Menu } from '../../components/menu.tsx';
import { Switch } from '../../components/fields.tsx';
import { Button, EmptyState, Kbd } from '../../components/ui.tsx';
import { navigate, useRouteParam } from '../../app/navigation.ts';
import { Composer } from './Composer.tsx';
import { ContextMeter } from './ContextMeter.tsx';
import { MessageView, type MessageActions } from './MessageView.tsx';
import { ModelPicker } from './ModelPicker.tsx';
import { SessionList } from './SessionList.tsx';
import { SessionPanel } from './SessionPanel.tsx';
import { SessionSearch, type SearchHitView } from './SessionSearch.tsx';
import { childrenByParent, type SiblingInfo, type TreeNode } from '../../../../electron/core/api/chat-tree.ts';
import { useChat } from './useChat.ts';
import { useChatLibrary } from './useChatLibrary.ts';
import { useChatAdapter } from './useChatAdapter.ts';
import { useSessions } from './useSessions.ts';
import { bandClass, bandLabel, type ConfidenceBand } from './confidence.ts';

export function ChatScreen() {
  const { sessions, loading, error, create, rename, remove, reload: reloadSessions, hasMore, loadMore } = useSessions();
  const library = useChatLibrary();
  // The open chat is in the URL (#/chat/<id>): a reload and back/forward restore it.
  const [routeId, setRouteId] = useRouteParam('chat');
  const selectedId = routeId || null;
  const setSelectedId = (id: string | null) => setRouteId(id ?? '', { replace: id === null });
  const [editingId, setEditingId] = useState<string | null>(null);
  // The chat list collapses (by hand, or when the settings panel opens on a narrow window).
  const [listHidden, setListHidden] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [focusMessage, setFocusMessage] = useState<string | null>(null);
  const importInput = useRef<HTMLInputElement>(null);
  const selected = sessions.find((s) => s.id === selectedId) ?? null;

  const run = (p: Promise<unknown>) =>
    p.then(
      () => setActionError(null),
      (e: Error) => setActionError(e.message),
    );
  // "New chat" opens an empty chat (reusing an untouched one rather than piling them up), with the
  // focus in the message box: the chat is named after its first message.
  const newChat = async () => {
    try {
      const s = sessions.find((x) => x.messageCount === 0 && x.title === 'New chat') ?? (await create());
      setSelectedId(s.id);
      setEditingId(null);
      setActionError(null);
      requestAnimationFrame(() => document.querySelector<HTMLElement>('textarea[aria-label="Message"]')?.focus());
    } catch (e) {
      setActionError((e as Error).message);
    }
  };
  const openHit = (hit: SearchHitView) => {
    setSelectedId(hit.sessionId);
    setFocusMessage(hit.messageId);
  };
  const importFile = async (file: File) => {
    try {
      const s = await library.importJson(await file.text());
      reloadSessions();
      setSelectedId(s.id);
      setActionError(null);
    } catch (e) {
      setActionError(`Could not import ${file.name}: ${(e as Error).message}`);
    }
  };

  return (
    <div className="flex min-h-0 flex-1">
      <section
        aria-label="Sessions"
        hidden={listHidden && selected !== null}
        className={`${listHidden && selected ? 'hidden' : 'flex'} w-[272px] shrink-0 flex-col border-r border-zinc-200 dark:border-zinc-800`}
      >
        <div className="flex items-center justify-between px-4 pt-3.5 pb-2">
          <h1 className="text-[15px] font-semibold tracking-tight">Chats</h1>
          <Button variant="primary" onClick={newChat} aria-label="New chat">
            <PlusIcon width={15} height={15} /> New chat
          </Button>
        </div>
        <SessionSearch search={library.search} onOpen={openHit} query={query} setQuery={setQuery} />
        {actionError && (
          <p
            role="alert"
            className="mx-3 mb-2 rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-700 dark:bg-red-500/10 dark:text-red-300"
          >
            {actionError}
          </p>
        )}
        <div className="min-h-0 flex-1 overflow-y-auto">
          {query.trim() ? null : error ? (
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
              onSelect={(id) => (setSelectedId(id), setFocusMessage(null))}
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
              onLoadMore={hasMore ? loadMore : undefined}
            />
          )}
        </div>
        <div className="border-t border-zinc-200 p-2 dark:border-zinc-800">
          <input
            ref={importInput}
            type="file"
            accept=".json,application/json"
            className="hidden"
            aria-label="Import chat file"
            data-testid="import-chat-input"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void importFile(f);
            }}
          />
          <Button variant="ghost" className="w-full" onClick={() => importInput.current?.click()}>
            <UploadIcon /> Import chat (JSON)
          </Button>
        </div>
      </section>

      {selected ? (
        <Conversation
          key={selected.id}
          sessionId={selected.id}
          title={selected.title}
          createdAt={selected.createdAt}
          focusMessage={focusMessage}
          onFocused={() => setFocusMessage(null)}
          listHidden={listHidden}
          setListHidden={setListHidden}
        />
      ) : (
        <section aria-label="Conversation" className="flex min-w-0 flex-1 flex-col">
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
        </section>
      )}
    </div>
  );
}

function Conversation({
  sessionId,
  title,
  createdAt,
  focusMessage,
  onFocused,
  listHidden,
  setListHidden,
}: {
  sessionId: string;
  title: string;
  createdAt: number;
  focusMessage: string | null;
  onFocused(): void;
  listHidden: boolean;
  setListHidden(hidden: boolean): void;
}) {
  const chat = useChat(sessionId);
  const library = useChatLibrary();
  const adapter = useChatAdapter();
  const [panelOpen, setPanelOpenState] = useState(false);
  const setPanelOpen = (open: boolean | ((o: boolean) => boolean)) => {
    const next = typeof open === 'function' ? open(panelOpen) : open;
    // Below 1280 px the conversation would be squeezed between the list and the panel.
    if (next && window.innerWidth < 1280) setListHidden(true);
    setPanelOpenState(next);
  };
  const [tokenView, setTokenView] = useState(false);
  const [colour, setColour] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  // Opening a search hit: show its branch, scroll to it and flash it.
  useEffect(() => {
    if (!focusMessage || !chat.loaded) return;
    chat.showMessage(focusMessage);
    requestAnimationFrame(() => {
      const el = scroller.current?.querySelector<HTMLElement>(`[data-message-id="${focusMessage}"]`);
      el?.scrollIntoView({ block: 'center' });
      el?.classList.add('ring-2', 'ring-amber-400', 'rounded-xl');
      setTimeout(() => el?.classList.remove('ring-2', 'ring-amber-400', 'rounded-xl'), 1600);
    });
    onFocused();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusMessage, chat.loaded]);

  // Follow the stream while the user is at the bottom; leave them be when they scrolled up to read.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [chat.thread, chat.streamingId]);

  const doExport = async (format: 'markdown' | 'json') => {
    try {
      downloadFile(await library.exportSession(sessionId, format));
      setExportError(null);
    } catch (e) {
      setExportError(`Export failed: ${(e as Error).message}`);
    }
  };

  const hasTokens = chat.thread.some((m) => m.tokens && m.tokens.length > 0);
  // Branch positions from one pass over the messages (not one per message per streamed frame).
  const children = useMemo(() => childrenByParent(chat.messages), [chat.messages]);
  const siblingsOf = (m: { id: string; parentId: string | null }): SiblingInfo | null => {
    const sibs = children.get(m.parentId ?? '') ?? [];
    const i = sibs.findIndex((s) => s.id === m.id);
    return i < 0 ? null : { index: i + 1, count: sibs.length, prevId: sibs[i - 1]?.id ?? null, nextId: sibs[i + 1]?.id ?? null };
  };
  // One actions object for the life of the view (MessageView is memoised); it calls the latest chat.
  const chatRef = useRef(chat);
  chatRef.current = chat;
  const actions = useMemo<MessageActions>(
    () => ({
      onEdit: (m, text) => chatRef.current.edit(m, text),
      onRegenerate: (m) => chatRef.current.regenerate(m),
      onSwitch: (id) => chatRef.current.switchTo(id),
      onContinue: (m) => chatRef.current.continueReply(m),
      onDelete: (m) => chatRef.current.deleteMessage(m),
      countBelow: (id) => countBelow(chatRef.current.messages, id),
    }),
    [],
  );

  return (
    <>
      <section aria-label="Conversation" className="flex min-w-0 flex-1 flex-col">
        <header className="border-b border-zinc-200 px-6 pt-2.5 pb-2 dark:border-zinc-800">
          <div className="flex items-center gap-2">
            <button
              type="button"
              onClick={() => setListHidden(!listHidden)}
              aria-label={listHidden ? 'Show chat list' : 'Hide chat list'}
              title={listHidden ? 'Show chat list' : 'Hide chat list'}
              className="-ml-2 shrink-0 rounded p-1 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
            >
              {listHidden ? <PanelLeftOpen size={16} aria-hidden="true" /> : <PanelLeftClose size={16} aria-hidden="true" />}
            </button>
            <h2 className="min-w-0 flex-1 truncate text-[15px] font-semibold tracking-tight" data-testid="conversation-title">
              {title}
            </h2>
            <ModelPicker disabled={chat.streamingId !== null} />
            <ExportMenu onExport={doExport} />
            <Button
              variant={panelOpen ? 'secondary' : 'ghost'}
              onClick={() => setPanelOpen((o) => !o)}
              aria-label="Chat settings"
              aria-expanded={panelOpen}
              title="System prompt and sampling"
            >
              <SlidersIcon /> Settings
            </Button>
          </div>
          <div className="mt-1 flex flex-wrap items-center gap-x-4 gap-y-1 text-[11.5px] text-zinc-500">
            <span>created {new Date(createdAt).toLocaleString()}</span>
            {adapter.appliedName && (
              <button
                type="button"
                onClick={() => setPanelOpen(true)}
                data-testid="chat-adapter-applied"
                title="llama.cpp applies this LoRA adapter to the model in every chat on it (change it in Settings)"
                className="rounded bg-accent-50 px-1.5 py-px text-[11px] text-accent-700 hover:bg-accent-100 dark:bg-accent-500/15 dark:text-accent-400 dark:hover:bg-accent-500/25"
              >
                adapter: {adapter.appliedName} ×{adapter.applied!.scale}
              </button>
            )}
            <ContextMeter used={chat.context.used} total={chat.context.total} usage={chat.context.usage} />
            {chat.settings?.systemPrompt.trim() && (
              <button
                type="button"
                onClick={() => setPanelOpen(true)}
                title={chat.settings.systemPrompt}
                className="rounded bg-zinc-100 px-1.5 py-px text-[11px] text-zinc-600 hover:bg-zinc-200 dark:bg-zinc-800 dark:text-zinc-400 dark:hover:bg-zinc-700"
              >
                system prompt
              </button>
            )}
            <div className="ml-auto flex items-center gap-3">
              <Switch label="Tokens" checked={tokenView} onChange={setTokenView} disabled={!hasTokens} />
              <Switch
                label="Confidence colours"
                checked={colour}
                onChange={(v) => (setColour(v), v && setTokenView(true))}
                disabled={!hasTokens}
              />
            </div>
          </div>
        </header>

        {chat.banner && (
          <div
            role="alert"
            data-testid="chat-banner"
            className={`flex items-start gap-2 border-b px-6 py-2 text-[13px] ${
              chat.banner.tone === 'error'
                ? 'border-red-200 bg-red-50 text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-300'
                : 'border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200'
            }`}
          >
            <AlertIcon width={16} height={16} className="mt-0.5 shrink-0" />
            <div className="flex-1">{chat.banner.text}</div>
            {chat.banner.action === 'models' && (
              <Button variant="secondary" onClick={() => navigate('models')}>
                Open Models
              </Button>
            )}
            {chat.banner.dismissible && (
              <Button variant="ghost" onClick={chat.dismissBanner}>
                Dismiss
              </Button>
            )}
          </div>
        )}
        {exportError && (
          <p
            role="alert"
            className="border-b border-red-200 bg-red-50 px-6 py-2 text-[13px] text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-300"
          >
            {exportError}
          </p>
        )}

        <div
          ref={scroller}
          className="min-h-0 flex-1 overflow-y-auto"
          onScroll={(e) => {
            const el = e.currentTarget;
            stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
          }}
        >
          {chat.loaded && chat.thread.length === 0 ? (
            <EmptyState icon={ChatIcon} title="No messages yet" status={null}>
              Write below to start. Replies stream as they are generated; hover a token (Tokens view) to see how sure the model was.
            </EmptyState>
          ) : (
            <div className="mx-auto max-w-3xl space-y-5 px-6 py-6" role="log" aria-label="Messages" aria-live="off">
              {chat.thread.map((m, i) => (
                <MessageView
                  key={m.id}
                  message={m}
                  last={i === chat.thread.length - 1}
                  siblings={siblingsOf(m)}
                  live={m.id === chat.streamingId}
                  busy={chat.streamingId !== null}
                  tokenView={tokenView}
                  colour={colour}
                  actions={actions}
                />
              ))}
              {chat.scoringTokens !== null && (
                <p className="text-[12px] text-zinc-500 dark:text-zinc-400" data-testid="chat-scoring" role="status">
                  Reply written. Working out the model's own probability of each of its {chat.scoringTokens.toLocaleString()} token
                  {chat.scoringTokens === 1 ? '' : 's'} (one more pass over the reply; Stop skips it and keeps the sampler's).
                </p>
              )}
              {colour && tokenView && <ConfidenceLegend />}
            </div>
          )}
        </div>

        {/* Streaming text is not read out token by token; its start and end are. */}
        <div aria-live="polite" className="sr-only" data-testid="chat-live-status">
          {chat.streamingId
            ? 'The model is writing a reply.'
            : chat.thread.at(-1)?.role === 'assistant'
              ? `Reply ${chat.thread.at(-1)!.status}.`
              : ''}
        </div>
        <Composer
          streaming={chat.streamingId !== null}
          disabledReason={chat.disabledReason}
          onSend={chat.send}
          onStop={chat.stop}
          focusKey={sessionId}
        />
      </section>
      {panelOpen && chat.settings && (
        <SessionPanel
          value={chat.settings}
          defaults={chat.defaultSampling}
          onChange={chat.updateSettings}
          onClose={() => setPanelOpen(false)}
          error={chat.settingsError}
        />
      )}
    </>
  );
}

/** Messages under `id` in every branch (what deleting it takes with it). */
function countBelow(messages: readonly TreeNode[], id: string): number {
  const kids = childrenByParent(messages);
  let n = 0;
  const stack = [id];
  while (stack.length) {
    for (const k of kids.get(stack.pop()!) ?? []) {
      n++;
      stack.push(k.id);
    }
  }
  return n;
}

function ExportMenu({ onExport }: { onExport(format: 'markdown' | 'json'): void }) {
  return (
    <Menu
      label="Export chat"
      trigger={
        <Button variant="ghost">
          <DownloadIcon /> Export
        </Button>
      }
      items={[
        {
          label: (
            <span title="A readable file of the messages on screen. Other branches (edits, regenerations) are left out: the JSON export holds them all.">
              Markdown (.md)
              <span className="block text-[11px] text-zinc-500 dark:text-zinc-400">Only the branch on screen</span>
            </span>
          ),
          textValue: 'Markdown (.md), only the branch on screen',
          onSelect: () => onExport('markdown'),
        },
        {
          label: (
            <span title="Every branch, with tokens, probabilities and stats: Import chat reads it back.">
              JSON (re-importable)
              <span className="block text-[11px] text-zinc-500 dark:text-zinc-400">Every branch, tokens and stats</span>
            </span>
          ),
          textValue: 'JSON (re-importable), every branch',
          onSelect: () => onExport('json'),
        },
      ]}
    />
  );
}

function ConfidenceLegend() {
  const bands: ConfidenceBand[] = ['high', 'medium', 'low', 'very-low'];
  return (
    <div className="flex items-center gap-2 text-[11.5px] text-zinc-500" aria-label="Confidence colour legend">
      Model's probability of the chosen token:
      {bands.map((b) => (
        <span key={b} className={`rounded px-1.5 py-0.5 ${bandClass[b]}`}>
          {bandLabel[b]}
        </span>
      ))}
    </div>
  );
}
