// One open conversation: loads it, follows its streams and changes, and turns the user's intents
// (send, stop, regenerate, edit, switch branch, change settings) into calls. The core owns the state;
// this hook mirrors it through chatReducer.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import {
  defaultSampling,
  type ChatDelta,
  type ChatSessionView,
  type ContextUsage,
  type GenerationStarted,
  type SessionConfig,
} from '../../../../electron/core/api/chat.ts';
import type { ModelInfo } from '../../../../electron/core/api/models.ts';
import { useApi, useConnection, useEvent, useSettings } from '../../api/hooks.ts';
import { chatReducer, initialChatState, threadOf } from './chatState.ts';
import { PendingPatches } from '../../api/pendingPatches.ts';
import { newestLeafBelow } from '../../../../electron/core/api/chat-tree.ts';
import type { ChatMessage } from './types.ts';

export interface Banner {
  tone: 'error' | 'warn';
  text: string;
  action?: 'models';
  dismissible?: boolean;
}

/** The meter's numbers: live while a reply streams (usage null then), else what the next prompt will hold. */
export interface ContextView {
  used: number | null;
  total: number | null;
  usage: ContextUsage | null;
}

export function useChat(sessionId: string) {
  const api = useApi();
  const connection = useConnection();
  const [state, dispatch] = useReducer(chatReducer, sessionId, initialChatState);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [crash, setCrash] = useState<{ text: string; recovered: boolean } | null>(null);
  const [settingsError, setSettingsError] = useState<string | null>(null);
  const [activeModel, setActiveModel] = useState<ModelInfo | null | undefined>(undefined);
  const [contextUsage, setContextUsage] = useState<ContextUsage | null>(null);
  // Bumped when llama.cpp (re)loads a model: the context meter can only count tokens then.
  const [backendTick, setBackendTick] = useState(0);
  // The reply whose model probabilities are being worked out after it streamed (chat.scoring).
  const [scoring, setScoring] = useState<{ messageId: string; tokens: number } | null>(null);
  useEvent('backend.changed', () => setBackendTick((t) => t + 1));
  const generatingRef = useRef<string | null>(null);
  generatingRef.current = state.generatingId;
  const pendingConfig = useRef(new PendingPatches<SessionConfig>()).current;
  /** A snapshot from the core, with settings changes it has not answered yet laid over it. */
  const loaded = useCallback(
    (view: ChatSessionView) => dispatch({ type: 'loaded', view: { ...view, config: pendingConfig.over(view.config) } }),
    [pendingConfig],
  );

  const reload = useCallback(() => {
    api.chat.get({ sessionId }).then(
      (view) => (loaded(view), setLoadError(null)),
      (e: Error) => setLoadError(e.message),
    );
  }, [api, sessionId, loaded]);

  // (Re)load on open and whenever the connection comes back (events may have been missed).
  useEffect(() => {
    if (connection === 'open') reload();
  }, [connection, reload]);
  useEffect(() => {
    if (state.needsReload) reload();
  }, [state.needsReload, reload]);

  // Which model chat will use: no active model means no sending, and a banner that says where to go.
  useEffect(() => {
    if (connection !== 'open') return;
    api.models.list().then(
      (ms) => setActiveModel(ms.find((m) => m.active) ?? null),
      () => setActiveModel(null),
    );
  }, [api, connection]);
  useEvent('models.changed', ({ models }) => setActiveModel(models.find((m) => m.active) ?? null));

  // Deltas arrive up to hundreds of times a second: apply them once per frame (React batches the
  // dispatches into one render). Anything else about messages first applies what is queued, in order.
  const queuedDeltas = useRef<ChatDelta[]>([]);
  const frame = useRef<number | null>(null);
  const flushDeltas = useCallback(() => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
    frame.current = null;
    const deltas = queuedDeltas.current.splice(0);
    if (deltas.length) dispatch({ type: 'deltas', deltas });
  }, []);
  useEffect(() => () => flushDeltas(), [flushDeltas]);
  useEvent('chat.delta', (delta) => {
    queuedDeltas.current.push(delta);
    frame.current ??= requestAnimationFrame(flushDeltas);
  });
  useEvent('chat.message', ({ message }) => {
    flushDeltas();
    dispatch({ type: 'message', message });
    if (message.status !== 'streaming') setScoring((s) => (s?.messageId === message.id ? null : s));
  });
  useEvent('chat.scoring', (e) => e.sessionId === sessionId && (flushDeltas(), setScoring({ messageId: e.messageId, tokens: e.tokens })));
  useEvent('chat.messagesDeleted', (e) => e.sessionId === sessionId && dispatch({ type: 'deleted', ids: e.ids }));
  useEvent(
    'chat.sessionChanged',
    (e) =>
      e.sessionId === sessionId &&
      dispatch({ type: 'sessionChanged', currentLeafId: e.currentLeafId, config: pendingConfig.over(e.config) }),
  );
  useEvent('workers.state', (w) => {
    if (w.name !== 'model') return;
    if (w.state === 'crashed') {
      setCrash({
        text: generatingRef.current
          ? `The model process crashed while writing this reply (${w.lastError ?? 'no reason given'}). What was generated is kept; it is being restarted.`
          : `The model process crashed (${w.lastError ?? 'no reason given'}). It is being restarted.`,
        recovered: false,
      });
      reload();
    } else if (w.state === 'ready') {
      setCrash((c) =>
        c && !c.recovered
          ? {
              text: `${c.text.replace(/ It is being restarted\.$/, '')} It was restarted: regenerate the reply or send again.`,
              recovered: true,
            }
          : c,
      );
      reload();
    }
  });

  const thread = useMemo(() => threadOf(state), [state]);

  // Context meter: live while streaming, else asked for whenever the thread settles or the policy for
  // a full context changes (it decides what will be sent).
  const lastId = thread.at(-1)?.id ?? null;
  const contextPolicy = useSettings().data?.['chat.contextPolicy'];
  useEffect(() => {
    if (connection !== 'open' || state.generatingId) return;
    let live = true;
    api.chat.contextUsage({ sessionId }).then(
      (u) => live && setContextUsage(u.modelLoaded ? u : null),
      () => live && setContextUsage(null),
    );
    return () => {
      live = false;
    };
  }, [api, sessionId, connection, lastId, state.generatingId, activeModel?.id, backendTick, contextPolicy]);
  const context: ContextView =
    state.generatingId && state.liveContext
      ? { used: state.liveContext.used, total: state.liveContext.size, usage: null }
      : { used: contextUsage?.usedTokens ?? null, total: contextUsage?.contextSize ?? null, usage: contextUsage };

  const start = async (call: () => Promise<GenerationStarted>): Promise<boolean> => {
    try {
      const started = await call();
      dispatch({ type: 'started', started });
      setActionError(null);
      setCrash((c) => (c?.recovered ? null : c));
      return true;
    } catch (e) {
      setActionError((e as Error).message);
      return false;
    }
  };

  const send = (content: string) => start(() => api.chat.send({ sessionId, content }));
  const regenerate = (m: ChatMessage) => void start(() => api.chat.regenerate({ sessionId, messageId: m.id }));
  const edit = (m: ChatMessage, content: string) => void start(() => api.chat.edit({ sessionId, messageId: m.id, content }));
  const continueReply = (m: ChatMessage) => void start(() => api.chat.continue({ sessionId, messageId: m.id }));
  const deleteMessage = (m: ChatMessage) => {
    api.chat.deleteMessage({ sessionId, messageId: m.id }).then(
      (r) => (dispatch({ type: 'deleted', ids: r.deletedIds }), loaded(r.view), setActionError(null)),
      (e: Error) => (setActionError(`Could not delete: ${e.message}`), reload()),
    );
  };
  const stop = () => {
    api.chat.stop({ sessionId }).then(
      (r) => r.message && dispatch({ type: 'message', message: r.message }),
      (e: Error) => setActionError(e.message),
    );
  };
  const switchTo = (messageId: string) => {
    dispatch({ type: 'leaf', leafId: newestLeafBelow(state.messages, messageId) });
    api.chat.switchBranch({ sessionId, messageId }).then(
      (view) => loaded(view),
      (e: Error) => (setActionError(e.message), reload()),
    );
  };
  /** Shows the branch holding `messageId` (a search hit), if it is not shown already. */
  const showMessage = (messageId: string) => {
    if (thread.some((m) => m.id === messageId)) return;
    if (state.messages.some((m) => m.id === messageId)) switchTo(messageId);
  };
  const updateSettings = (patch: Partial<SessionConfig>) => {
    if (!state.config) return;
    const seq = pendingConfig.add(patch);
    dispatch({ type: 'config', config: pendingConfig.over(state.config) });
    api.chat.setConfig({ sessionId, ...patch }).then(
      (config) => (pendingConfig.answered(seq), dispatch({ type: 'config', config: pendingConfig.over(config) }), setSettingsError(null)),
      (e: Error) => (pendingConfig.failed(seq), setSettingsError(e.message), reload()),
    );
  };

  let banner: Banner | null = null;
  if (loadError) banner = { tone: 'error', text: `Could not load this chat: ${loadError}` };
  else if (crash) banner = { tone: crash.recovered ? 'warn' : 'error', text: crash.text, dismissible: true };
  else if (actionError) banner = { tone: 'error', text: actionError, dismissible: true };
  else if (activeModel === null)
    banner = { tone: 'warn', text: 'No model is loaded. Choose or import one on the Models screen to chat.', action: 'models' };

  return {
    loaded: state.loaded,
    messages: state.messages,
    thread,
    streamingId: state.generatingId,
    /** Tokens of the streamed reply whose model probabilities are being computed, or null. */
    scoringTokens: scoring && scoring.messageId === state.generatingId ? scoring.tokens : null,
    settings: state.config,
    defaultSampling,
    settingsError,
    context,
    banner,
    dismissBanner: () => (setCrash(null), setActionError(null)),
    disabledReason:
      activeModel === null
        ? 'Load a model on the Models screen to chat'
        : connection !== 'open'
          ? 'Disconnected from the host: reconnecting…'
          : null,
    send,
    stop,
    regenerate,
    edit,
    continueReply,
    deleteMessage,
    switchTo,
    showMessage,
    updateSettings,
  };
}
