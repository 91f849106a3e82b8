// chat.*: replies are generated in the model worker; here they are stored and streamed. The user
// message and the assistant placeholder are committed together before generation starts; the
// streaming reply is saved every STREAM_SAVE_INTERVAL_MS (status 'streaming'); the final text, tokens and
// stats are committed in one transaction. A reply found 'streaming' at startup was cut off by a
// crash and becomes 'interrupted'.
import { randomInt, randomUUID } from 'node:crypto';
import {
  STREAM_SAVE_INTERVAL_MS,
  type ChatMessage,
  type ChatSessionView,
  type GenerationStarted,
  type MessageStats,
  type Sampling,
  type SamplingPreset,
  type SessionConfig,
  type StopReason,
  type TokenProb,
} from '../api/chat.ts';
import { errorMessage, notFound, ServiceError } from '../api/errors.ts';
import type { CoreContext, ServiceHandlers } from '../app/context.ts';
import { ChatStore, SearchSyntaxError } from '../store/chat.ts';
import { SessionsStore } from '../store/sessions.ts';
import { SettingsStore } from '../store/settings.ts';
import { ModelsStore } from '../store/models.ts';
import { presetsFor } from './presets.ts';
import { readSettings } from '../app/services/settings.ts';
import type { ModelHost } from './host.ts';
import { newestLeafBelow, pathTo } from '../api/chat-tree.ts';
import { ImportError, parseImport, toJsonExport, toMarkdown } from './transcript.ts';
import type { GenerateEvent, GenerateResult, Turn } from './worker/types.ts';

/** The title sessions.create gives a chat when none is asked for (app/services/sessions.ts). */
export const DEFAULT_TITLE = 'New chat';

/** A chat title from its first message: its first line, whitespace collapsed, cut at a word near 48 characters. */
export function titleFromMessage(content: string): string {
  const line =
    content
      .split('\n')
      .map((l) => l.replace(/\s+/g, ' ').trim())
      .find((l) => l.length > 0) ?? DEFAULT_TITLE;
  if (line.length <= 48) return line;
  const cut = line.slice(0, 48);
  const space = cut.lastIndexOf(' ');
  return `${(space > 24 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '')}…`;
}

/** A fixed seed or greedy decoding promises the same reply for the same prompt (see GenerateInput.reproducible). */
export const isReproducible = (s: Sampling) => s.seed !== null || s.temperature <= 0;

interface Generation {
  genId: string;
  messageId: string;
  jobId: string;
  stopRequested: boolean;
  done: Promise<void>;
}

export function chatHandlers(ctx: CoreContext, host: ModelHost): ServiceHandlers<'chat'> {
  const store = new ChatStore(ctx.db);
  const sessions = new SessionsStore(ctx.db);
  const generating = new Map<string, Generation>();

  store.markStaleStreamingInterrupted();
  ctx.onClose(async () => {
    // Closing: stop replies and commit what they have (a kill -9 leaves them 'streaming' instead).
    const all = [...generating.values()];
    for (const g of all) g.stopRequested = true;
    await Promise.all(all.map((g) => host.stop(g.genId).catch(() => {})));
    await Promise.all(all.map((g) => g.done));
  });

  const settingsStore = new SettingsStore(ctx.db);
  const contextPolicy = () => readSettings(settingsStore)['chat.contextPolicy'];
  const models = new ModelsStore(ctx.db);
  const savePresets = (presets: SamplingPreset[]) => {
    settingsStore.set('chat.samplingPresets', presets);
    ctx.events.publish('settings.changed', readSettings(settingsStore));
  };

  const requireSession = (id: string) => {
    const s = sessions.get(id);
    if (!s) throw notFound('chat session', id);
    return s;
  };
  const requireMessage = (sessionId: string, id: string): ChatMessage => {
    const m = store.get(id);
    if (!m || m.sessionId !== sessionId) throw notFound('message', id);
    return m;
  };
  const publishMessage = (m: ChatMessage | undefined) => m && ctx.events.publish('chat.message', { message: m });
  const publishSession = (sessionId: string) => {
    ctx.events.publish('chat.sessionChanged', { sessionId, currentLeafId: leafOf(sessionId), config: store.config(sessionId) });
    const session = sessions.get(sessionId);
    if (session) ctx.events.publish('sessions.changed', { kind: 'upsert', session });
  };

  function leafOf(sessionId: string, messages?: ChatMessage[]): string | null {
    const leaf = store.currentLeaf(sessionId);
    if (leaf) return leaf;
    return newestLeafBelow(messages ?? store.list(sessionId), null);
  }

  function view(sessionId: string): ChatSessionView {
    const session = requireSession(sessionId);
    const messages = store.list(sessionId);
    const currentLeafId = leafOf(sessionId, messages);
    return {
      session,
      config: store.config(sessionId),
      messages,
      currentLeafId,
      path: pathTo(messages, currentLeafId).map((m) => m.id),
      generatingMessageId: generating.get(sessionId)?.messageId ?? null,
    };
  }

  /** The conversation the model sees: the thread up to `lastId` (user/assistant turns with text). */
  function turnsUpTo(lastId: string): Turn[] {
    return store
      .threadText(lastId)
      .filter((m): m is typeof m & { role: 'user' | 'assistant' } => (m.role === 'user' || m.role === 'assistant') && m.content.length > 0)
      .map((m) => ({ role: m.role, content: m.content }));
  }

  /** Policy "refuse": a message that would not fit with the whole thread is refused before anything is written. */
  async function refuseIfTooLong(sessionId: string, history: Turn[], content: string) {
    if (contextPolicy() !== 'refuse') return;
    const config = store.config(sessionId);
    const u = await host.countTokens(host.requireActive(), config.systemPrompt, history, content, config.sampling.maxTokens, 'refuse');
    if (u.refused) {
      throw new ServiceError(
        'bad_input',
        `This chat no longer fits the model's context window: with your message it takes ${u.fullTokens} tokens, and ${u.reserveTokens} more are kept for the reply, but the window holds ${u.contextSize}. Nothing was sent (context policy: refuse). Start a new chat, edit an earlier message, or choose another policy in Settings.`,
      );
    }
  }

  function ensureIdle(sessionId: string) {
    if (generating.has(sessionId)) throw new ServiceError('conflict', 'this chat is still generating a reply: stop it first');
  }

  /**
   * Adds the assistant placeholder under `parentId` (a user message) and starts generating into it;
   * or, with `prior` (a reply that ended early), marks it streaming again and continues it.
   */
  function startReply(
    sessionId: string,
    parentId: string,
    userMessage: ChatMessage | null,
    prior: ChatMessage | null = null,
  ): GenerationStarted {
    const model = host.requireActive();
    const config = store.config(sessionId);
    const sampling: Sampling & { seed: number } = { ...config.sampling, seed: config.sampling.seed ?? randomInt(0, 2 ** 32 - 1) };
    const history = turnsUpTo(parentId);
    const assistant = ctx.db.transaction(() => {
      const a = prior
        ? store.update(prior.id, { status: 'streaming', error: null })!
        : store.add({ sessionId, parentId, role: 'assistant', content: '', status: 'streaming', tokens: [] });
      store.setCurrentLeaf(sessionId, a.id);
      sessions.touch(sessionId);
      return a;
    })();
    const genId = randomUUID();
    const gen: Generation = { genId, messageId: assistant.id, jobId: '', stopRequested: false, done: Promise.resolve() };
    generating.set(sessionId, gen);
    const { jobId, done } = ctx.jobs.start(
      { kind: 'chat.generate', title: `Reply in “${requireSession(sessionId).title}”` },
      async (job) => {
        job.signal.addEventListener('abort', () => {
          gen.stopRequested = true;
          void host.stop(genId).catch(() => {});
        });
        return runReply(sessionId, gen, model.name, config, sampling, history, prior);
      },
    );
    gen.jobId = jobId;
    gen.done = done.then(
      () => {},
      () => {},
    );
    if (userMessage) publishMessage(userMessage);
    publishMessage(assistant);
    publishSession(sessionId);
    return { jobId, userMessage, assistantMessage: assistant };
  }

  async function runReply(
    sessionId: string,
    gen: Generation,
    modelName: string,
    config: SessionConfig,
    sampling: Sampling & { seed: number },
    history: Turn[],
    prior: ChatMessage | null,
  ) {
    const id = gen.messageId;
    // A continued reply starts from what it has: new tokens are appended after these.
    let content = prior?.content ?? '';
    const tokens: TokenProb[] = [...(prior?.tokens ?? [])];
    const base = tokens.length;
    const tokenJson: string[] = tokens.map((t) => JSON.stringify(t)); // each token serialised once, for the periodic saves
    let promptTokens = 0;
    let contextSize = 0;
    let droppedTurns = 0;
    let systemDropped = false;
    let lastSave = Date.now();
    const t0 = performance.now();
    const onEvent = (e: GenerateEvent) => {
      if (e.type === 'start') {
        promptTokens = e.promptTokens;
        contextSize = e.contextSize;
        droppedTurns = e.droppedTurns;
        systemDropped = e.systemDropped;
        return;
      }
      if (e.type === 'scoring') {
        ctx.events.publish('chat.scoring', { sessionId, messageId: id, tokens: e.tokens });
        return;
      }
      content += e.text;
      if (e.tokens.length === 0 && e.text && tokens.length > 0) {
        // The detokenizer's held-back tail (an incomplete character) belongs to the last token sent.
        const last = { ...tokens[tokens.length - 1] };
        last.text += e.text;
        tokens[tokens.length - 1] = last;
        tokenJson[tokenJson.length - 1] = JSON.stringify(last);
      }
      tokens.push(...e.tokens);
      for (const tok of e.tokens) tokenJson.push(JSON.stringify(tok));
      ctx.events.publish('chat.delta', {
        sessionId,
        messageId: id,
        jobId: gen.jobId,
        index: base + e.index,
        text: e.text,
        tokens: e.tokens,
        contextUsed: e.contextUsed,
        contextSize,
      });
      const now = Date.now();
      if (now - lastSave >= STREAM_SAVE_INTERVAL_MS) {
        lastSave = now;
        store.saveStreaming(id, content, `[${tokenJson.join(',')}]`, now);
      }
    };
    const before = prior?.stats ?? null;
    const continued = prior ? (before?.continued ?? 0) + 1 : undefined;
    const stats = (r: Partial<GenerateResult>, stopReason: StopReason): MessageStats => ({
      model: modelName,
      promptTokens: r.promptTokens ?? promptTokens,
      // The whole reply, earlier parts included (tokens holds them all).
      generatedTokens: r.generatedTokens === undefined ? tokens.length : base + r.generatedTokens,
      tokensPerSecond: r.tokensPerSecond ?? null,
      timeToFirstTokenMs: before?.timeToFirstTokenMs ?? r.timeToFirstTokenMs ?? null,
      durationMs: (before?.durationMs ?? 0) + (r.durationMs ?? performance.now() - t0),
      stopReason,
      contextSize: r.contextSize ?? contextSize,
      contextUsed: r.contextUsed ?? promptTokens + tokens.length,
      sampling,
      droppedTurns: r.droppedTurns ?? droppedTurns,
      systemPromptDropped: r.systemDropped ?? systemDropped,
      // A reply written in parts is not what one uninterrupted generation gives.
      reproducible: continued ? false : isReproducible(config.sampling),
      ...(continued ? { continued } : {}),
    });
    const finish = (patch: Parameters<ChatStore['update']>[1]) => {
      generating.delete(sessionId);
      const m = ctx.db.transaction(() => store.update(id, { content, tokens, ...patch }))();
      publishMessage(m);
      publishSession(sessionId);
      return m;
    };
    try {
      const result = await host.generate(
        {
          genId: gen.genId,
          systemPrompt: config.systemPrompt,
          history,
          sampling,
          reproducible: isReproducible(config.sampling),
          contextPolicy: contextPolicy(),
          ...(prior ? { continueTokens: tokens.slice(0, base).map((t) => t.id) } : {}),
        },
        host.requireActive(),
        onEvent,
        () => !gen.stopRequested,
      );
      if (!result) {
        finish({ status: 'stopped', stats: stats({}, 'stopped') });
        return { messageId: id, stopReason: 'stopped' as const };
      }
      result.modelProbs.forEach((m, i) => {
        if (tokens[i]) tokens[i] = { ...tokens[i], modelProb: m.prob, modelTop: m.top };
      });
      finish({ status: result.stopReason === 'stopped' ? 'stopped' : 'complete', stats: stats(result, result.stopReason) });
      return { messageId: id, stopReason: result.stopReason };
    } catch (err) {
      const crashed = err instanceof ServiceError && err.code === 'worker_crashed';
      const message = errorMessage(err);
      finish({ status: crashed ? 'interrupted' : 'failed', error: message, stats: stats({}, crashed ? 'interrupted' : 'error') });
      throw err;
    }
  }

  return {
    'chat.get': ({ sessionId }) => view(sessionId),

    'chat.send': async ({ sessionId, content, parentId }) => {
      requireSession(sessionId);
      ensureIdle(sessionId);
      host.requireActive();
      const parent = parentId === undefined ? leafOf(sessionId) : parentId;
      if (parent !== null) requireMessage(sessionId, parent);
      await refuseIfTooLong(sessionId, parent ? turnsUpTo(parent) : [], content);
      ensureIdle(sessionId);
      const user = ctx.db.transaction(() => {
        // A chat still called "New chat" is named after its first message.
        const s = requireSession(sessionId);
        if (parent === null && s.title === DEFAULT_TITLE && s.messageCount === 0) sessions.rename(sessionId, titleFromMessage(content));
        return store.add({ sessionId, parentId: parent, role: 'user', content });
      })();
      return startReply(sessionId, user.id, user);
    },

    'chat.regenerate': ({ sessionId, messageId }) => {
      requireSession(sessionId);
      ensureIdle(sessionId);
      const m = requireMessage(sessionId, messageId);
      if (m.role !== 'assistant' || !m.parentId) throw new ServiceError('bad_input', 'only an assistant reply can be regenerated');
      host.requireActive();
      return startReply(sessionId, m.parentId, null);
    },

    'chat.edit': ({ sessionId, messageId, content }) => {
      requireSession(sessionId);
      ensureIdle(sessionId);
      const m = requireMessage(sessionId, messageId);
      if (m.role !== 'user') throw new ServiceError('bad_input', 'only a user message can be edited');
      host.requireActive();
      const user = ctx.db.transaction(() => store.add({ sessionId, parentId: m.parentId, role: 'user', content }))();
      return startReply(sessionId, user.id, user);
    },

    'chat.continue': ({ sessionId, messageId }) => {
      requireSession(sessionId);
      ensureIdle(sessionId);
      const m = requireMessage(sessionId, messageId);
      if (m.role !== 'assistant' || !m.parentId) throw new ServiceError('bad_input', 'only an assistant reply can be continued');
      const endedEarly =
        m.status === 'stopped' ||
        m.status === 'interrupted' ||
        m.status === 'failed' ||
        (m.status === 'complete' && m.stats?.stopReason === 'maxTokens');
      if (!endedEarly)
        throw new ServiceError(
          'bad_input',
          'this reply ended on its own (end of turn): there is nothing to continue; regenerate it instead',
        );
      if (m.tokens === null)
        throw new ServiceError(
          'bad_input',
          'this reply has no stored tokens to continue from (imported without them): regenerate it instead',
        );
      host.requireActive();
      return startReply(sessionId, m.parentId, null, m);
    },

    'chat.deleteMessage': ({ sessionId, messageId }) => {
      requireSession(sessionId);
      ensureIdle(sessionId);
      const m = requireMessage(sessionId, messageId);
      const deletedIds = ctx.db.transaction(() => {
        const ids = store.deleteSubtree(m.id);
        // The shown leaf was deleted (set to NULL by its foreign key): show what is left under the parent.
        if (store.currentLeaf(sessionId) === null) store.setCurrentLeaf(sessionId, newestLeafBelow(store.list(sessionId), m.parentId));
        sessions.touch(sessionId);
        return ids;
      })();
      ctx.events.publish('chat.messagesDeleted', { sessionId, ids: deletedIds });
      publishSession(sessionId);
      return { deletedIds, view: view(sessionId) };
    },

    'chat.presets': ({ modelId }) => {
      const model = modelId === undefined ? host.active() : models.get(modelId);
      if (modelId !== undefined && !model) throw notFound('model', modelId);
      return presetsFor(readSettings(settingsStore), model?.id ?? null, model?.path ?? null);
    },

    'chat.savePreset': ({ modelId, name, sampling }) => {
      const model = models.get(modelId);
      if (!model) throw notFound('model', modelId);
      const all = readSettings(settingsStore)['chat.samplingPresets'].filter((p) => !(p.modelId === modelId && p.name === name));
      savePresets([...all, { modelId, name, sampling }]);
      return presetsFor(readSettings(settingsStore), model.id, model.path);
    },

    'chat.deletePreset': ({ modelId, name }) => {
      const model = models.get(modelId);
      if (!model) throw notFound('model', modelId);
      const all = readSettings(settingsStore)['chat.samplingPresets'];
      const rest = all.filter((p) => !(p.modelId === modelId && p.name === name));
      if (rest.length === all.length) throw notFound('preset', name);
      savePresets(rest);
      return presetsFor(readSettings(settingsStore), model.id, model.path);
    },

    'chat.stop': async ({ sessionId }) => {
      requireSession(sessionId);
      const g = generating.get(sessionId);
      if (!g) return { stopped: false, message: null };
      g.stopRequested = true;
      await host.stop(g.genId).catch(() => {});
      await g.done;
      return { stopped: true, message: store.get(g.messageId) ?? null };
    },

    'chat.switchBranch': ({ sessionId, messageId }) => {
      requireSession(sessionId);
      requireMessage(sessionId, messageId);
      ensureIdle(sessionId);
      store.setCurrentLeaf(sessionId, newestLeafBelow(store.list(sessionId), messageId));
      publishSession(sessionId);
      return view(sessionId);
    },

    'chat.setConfig': ({ sessionId, systemPrompt, sampling }) => {
      requireSession(sessionId);
      const cur = store.config(sessionId);
      const next: SessionConfig = { systemPrompt: systemPrompt ?? cur.systemPrompt, sampling: { ...cur.sampling, ...sampling } };
      store.setConfig(sessionId, next);
      publishSession(sessionId);
      return next;
    },

    'chat.contextUsage': async ({ sessionId, draft }) => {
      requireSession(sessionId);
      const model = host.active();
      if (!model || !model.fileExists) return { usedTokens: 0, contextSize: 0, modelLoaded: false };
      const leaf = leafOf(sessionId);
      const config = store.config(sessionId);
      const r = await host.countTokens(
        model,
        config.systemPrompt,
        leaf ? turnsUpTo(leaf) : [],
        draft,
        config.sampling.maxTokens,
        contextPolicy(),
      );
      return { ...r, modelLoaded: true };
    },

    'chat.search': ({ query, limit }) => {
      const hint =
        'Hint: type plain words (each matches as a prefix), or FTS5 syntax: "an exact phrase", word OR word, word NOT word, prefix*.';
      // A query of only punctuation would silently match nothing.
      if (!/[\p{L}\p{N}_]/u.test(query))
        throw new ServiceError('bad_input', `Search syntax not understood: there are no words to search for. ${hint}`);
      try {
        return store.search(query, limit);
      } catch (err) {
        if (err instanceof SearchSyntaxError)
          throw new ServiceError('bad_input', `Search syntax not understood: ${err.message.replace(/^fts5:\s*/, '')}. ${hint}`);
        throw err;
      }
    },

    'chat.export': ({ sessionId, format }) => {
      const v = view(sessionId);
      const base =
        v.session.title
          .replace(/[^\p{L}\p{N}_ -]+/gu, '')
          .trim()
          .replace(/\s+/g, '-')
          .slice(0, 60) || 'chat';
      return format === 'json'
        ? { fileName: `${base}.json`, mimeType: 'application/json', content: JSON.stringify(toJsonExport(v), null, 2) }
        : { fileName: `${base}.md`, mimeType: 'text/markdown', content: toMarkdown(v) };
    },

    'chat.import': ({ content }) => {
      let data;
      try {
        data = parseImport(content);
      } catch (err) {
        if (err instanceof ImportError)
          throw new ServiceError('bad_input', `cannot import: ${err.message}`, err.issues.length ? err.issues : undefined);
        throw err;
      }
      const session = ctx.db.transaction(() => {
        const taken = new Set(sessions.list().map((x) => x.title));
        let title = data.session.title;
        for (let n = 2; taken.has(title); n++) title = `${data.session.title} (imported${n > 2 ? ` ${n - 1}` : ''})`;
        const s = sessions.create(title);
        const newId = new Map(data.messages.map((m) => [m.id, randomUUID()]));
        // Parents first, so every parent_id refers to a row already written.
        const written = new Set<string>();
        const pending = [...data.messages].sort((a, b) => a.createdAt - b.createdAt);
        while (pending.length) {
          const before = pending.length;
          for (let i = 0; i < pending.length; i++) {
            const m = pending[i];
            if (m.parentId !== null && !written.has(m.parentId)) continue;
            store.add({
              id: newId.get(m.id)!,
              sessionId: s.id,
              parentId: m.parentId === null ? null : newId.get(m.parentId)!,
              role: m.role,
              content: m.content,
              status: m.status === 'streaming' ? 'interrupted' : m.status,
              tokens: m.tokens ?? null,
              stats: (m.stats as MessageStats | null | undefined) ?? null,
              error: m.error ?? null,
              createdAt: m.createdAt,
              updatedAt: m.updatedAt ?? m.createdAt,
            });
            written.add(m.id);
            pending.splice(i--, 1);
          }
          if (pending.length === before) throw new ServiceError('bad_input', 'cannot import: the messages do not form a tree');
        }
        if (data.config) store.setConfig(s.id, data.config);
        store.setCurrentLeaf(s.id, data.currentLeafId ? newId.get(data.currentLeafId)! : newestLeafBelow(store.list(s.id), null));
        return sessions.get(s.id)!;
      })();
      ctx.events.publish('sessions.changed', { kind: 'upsert', session });
      return session;
    },
  };
}
