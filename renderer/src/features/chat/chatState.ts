// The conversation's client-side state as a reducer over what the core sends: the loaded session,
// replies started, streamed deltas, message updates and branch/config changes. Events may arrive
// before the call that caused them returns (they share one socket), or twice after a reconnect, so
// every step is order-tolerant and idempotent. Pure: tested without a browser (chatState.test.ts).
import type {
  ChatDelta,
  ChatMessage,
  ChatSessionView,
  GenerationStarted,
  SessionConfig,
  TokenProb,
} from '../../../../electron/core/api/chat.ts';
import { pathTo } from '../../../../electron/core/api/chat-tree.ts';

export interface ChatState {
  sessionId: string;
  loaded: boolean;
  messages: ChatMessage[];
  currentLeafId: string | null;
  generatingId: string | null;
  config: SessionConfig | null;
  /** Tokens streamed so far for replies still generating, by message id. */
  live: Record<string, TokenProb[]>;
  /** Latest live context use from deltas (prompt + generated), null until a delta arrives. */
  liveContext: { used: number; size: number } | null;
  /** A delta arrived out of order (a gap): the caller should reload the session. */
  needsReload: boolean;
}

export type ChatAction =
  | { type: 'loaded'; view: ChatSessionView }
  | { type: 'started'; started: GenerationStarted }
  | { type: 'delta'; delta: ChatDelta }
  /** The deltas that arrived within one animation frame, applied with one copy of each reply's tokens. */
  | { type: 'deltas'; deltas: ChatDelta[] }
  | { type: 'message'; message: ChatMessage }
  | { type: 'sessionChanged'; currentLeafId: string | null; config: SessionConfig }
  | { type: 'config'; config: SessionConfig }
  | { type: 'leaf'; leafId: string | null }
  | { type: 'deleted'; ids: string[] };

export const initialChatState = (sessionId: string): ChatState => ({
  sessionId,
  loaded: false,
  messages: [],
  currentLeafId: null,
  generatingId: null,
  config: null,
  live: {},
  liveContext: null,
  needsReload: false,
});

/** Newer wins: a message we already hold is replaced only by an equal-or-later update. */
function upsert(messages: ChatMessage[], m: ChatMessage): ChatMessage[] {
  const i = messages.findIndex((x) => x.id === m.id);
  if (i < 0) return [...messages, m].sort((a, b) => a.createdAt - b.createdAt);
  if (messages[i].updatedAt > m.updatedAt) return messages;
  const next = messages.slice();
  next[i] = m;
  return next;
}

function withoutKey<T>(rec: Record<string, T>, key: string): Record<string, T> {
  if (!(key in rec)) return rec;
  const { [key]: _, ...rest } = rec;
  return rest;
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'loaded': {
      const v = action.view;
      let live = state.live;
      // Keep streamed tokens only for a reply still generating, and only if ahead of the snapshot.
      for (const id of Object.keys(live)) {
        const m = v.messages.find((x) => x.id === id);
        if (!m || m.status !== 'streaming' || (m.tokens?.length ?? 0) >= live[id].length) live = withoutKey(live, id);
      }
      return {
        ...state,
        loaded: true,
        messages: v.messages,
        currentLeafId: v.currentLeafId,
        generatingId: v.generatingMessageId,
        config: v.config,
        live,
        needsReload: false,
      };
    }
    case 'started': {
      const { userMessage, assistantMessage } = action.started;
      let messages = state.messages;
      if (userMessage) messages = upsert(messages, userMessage);
      messages = upsert(messages, assistantMessage);
      const stillStreaming = messages.find((m) => m.id === assistantMessage.id)?.status === 'streaming';
      return {
        ...state,
        messages,
        currentLeafId: assistantMessage.id,
        generatingId: stillStreaming ? assistantMessage.id : state.generatingId,
      };
    }
    case 'delta':
      return applyDeltas(state, [action.delta]);
    case 'deltas':
      return applyDeltas(state, action.deltas);
    case 'message': {
      const m = action.message;
      if (m.sessionId !== state.sessionId) return state;
      const messages = upsert(state.messages, m);
      const finished = m.status !== 'streaming';
      return {
        ...state,
        messages,
        live: finished ? withoutKey(state.live, m.id) : state.live,
        generatingId: finished
          ? state.generatingId === m.id
            ? null
            : state.generatingId
          : m.role === 'assistant'
            ? m.id
            : state.generatingId,
      };
    }
    case 'sessionChanged':
      return { ...state, currentLeafId: action.currentLeafId, config: action.config };
    case 'config':
      return { ...state, config: action.config };
    case 'leaf':
      return { ...state, currentLeafId: action.leafId };
    case 'deleted': {
      const gone = new Set(action.ids);
      if (!state.messages.some((m) => gone.has(m.id))) return state;
      let live = state.live;
      for (const id of action.ids) live = withoutKey(live, id);
      return {
        ...state,
        messages: state.messages.filter((m) => !gone.has(m.id)),
        live,
        // The core sends the new leaf (chat.sessionChanged); until then show nothing deleted.
        currentLeafId: state.currentLeafId && gone.has(state.currentLeafId) ? null : state.currentLeafId,
        generatingId: state.generatingId && gone.has(state.generatingId) ? null : state.generatingId,
      };
    }
    default:
      return action satisfies never;
  }
}

/**
 * Applies deltas in order. Each reply's token array is copied once (on its first delta here) and
 * then appended to in place, so a frame's worth of deltas costs one copy, not one per delta.
 */
function applyDeltas(state: ChatState, deltas: readonly ChatDelta[]): ChatState {
  const work = new Map<string, TokenProb[]>(); // arrays owned by this call
  let generatingId = state.generatingId;
  let liveContext = state.liveContext;
  let needsReload = state.needsReload;
  for (const d of deltas) {
    if (d.sessionId !== state.sessionId) continue;
    const done = state.messages.find((m) => m.id === d.messageId);
    if (done && done.status !== 'streaming') continue; // the final message already arrived
    const owned = work.get(d.messageId);
    const have = owned ?? state.live[d.messageId] ?? done?.tokens ?? [];
    if (d.index > have.length) {
      needsReload = true; // missed a delta
      continue;
    }
    if (d.index + d.tokens.length <= have.length) continue; // a repeat
    const tokens = owned ?? have.slice(0, d.index);
    tokens.length = d.index;
    for (const t of d.tokens) tokens.push(t);
    work.set(d.messageId, tokens);
    generatingId ??= d.messageId;
    liveContext = { used: d.contextUsed, size: d.contextSize };
  }
  if (work.size === 0) return needsReload === state.needsReload ? state : { ...state, needsReload };
  const live = { ...state.live };
  for (const [id, tokens] of work) live[id] = tokens;
  return { ...state, live, generatingId, liveContext, needsReload };
}

/** The thread shown: the current branch, with streamed text merged into replies still generating. */
export function threadOf(state: ChatState): ChatMessage[] {
  return pathTo(state.messages, state.currentLeafId).map((m) => {
    const live = state.live[m.id];
    if (!live || m.status !== 'streaming') return m;
    return { ...m, tokens: live, content: live.map((t) => t.text).join('') };
  });
}
