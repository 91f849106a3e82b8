// Export of a session (Markdown: the thread shown, for reading; JSON: the whole tree with tokens and
// stats, for re-import) and import of such JSON, validated before anything is written.
import { z } from 'zod';
import { samplingSchema, type ChatMessage, type ChatSessionView } from '../api/chat.ts';
import { errorMessage } from '../api/errors.ts';

export const EXPORT_FORMAT = 'glassbox.chat';
export const EXPORT_VERSION = 1;

const tokenSchema = z.object({
  id: z.number().int(),
  text: z.string(),
  prob: z.number().min(0).max(1),
  top: z.array(z.object({ text: z.string(), prob: z.number().min(0).max(1) })).max(50),
  modelProb: z.number().min(0).max(1).optional(),
  modelTop: z
    .array(z.object({ text: z.string(), prob: z.number().min(0).max(1) }))
    .max(50)
    .optional(),
});

const statsSchema = z.object({
  model: z.string().nullable(),
  promptTokens: z.number(),
  generatedTokens: z.number(),
  tokensPerSecond: z.number().nullable(),
  timeToFirstTokenMs: z.number().nullable(),
  durationMs: z.number(),
  stopReason: z.enum(['eos', 'maxTokens', 'stopped', 'contextFull', 'error', 'interrupted']),
  contextSize: z.number(),
  contextUsed: z.number(),
  sampling: z.object({
    temperature: z.number(),
    topK: z.number(),
    topP: z.number(),
    minP: z.number(),
    repeatPenalty: z.number(),
    seed: z.number().nullable(),
    maxTokens: z.number(),
  }),
  droppedTurns: z.number().int().nonnegative().optional(),
  reproducible: z.boolean().optional(),
}); // unknown keys (from a newer app) are dropped

const messageSchema = z.object({
  id: z.string().min(1).max(100),
  parentId: z.string().min(1).max(100).nullable(),
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().max(10_000_000),
  status: z.enum(['streaming', 'complete', 'stopped', 'interrupted', 'failed']),
  createdAt: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative().optional(),
  tokens: z.array(tokenSchema).nullable().optional(),
  stats: statsSchema.nullable().optional(),
  error: z.string().nullable().optional(),
});

export const exportSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: z.number().optional(),
  session: z.object({ title: z.string().trim().min(1).max(200), createdAt: z.number().int().nonnegative().optional() }),
  config: z
    .object({
      systemPrompt: z.string().max(50_000),
      sampling: samplingSchema,
    })
    .optional(),
  currentLeafId: z.string().nullable().optional(),
  messages: z.array(messageSchema).max(100_000),
});

export type ChatExport = z.infer<typeof exportSchema>;

export function toJsonExport(view: ChatSessionView, now = Date.now()): ChatExport {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now,
    session: { title: view.session.title, createdAt: view.session.createdAt },
    config: view.config,
    currentLeafId: view.currentLeafId,
    messages: view.messages.map((m) => ({
      id: m.id,
      parentId: m.parentId,
      role: m.role,
      content: m.content,
      status: m.status,
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      tokens: m.tokens,
      stats: m.stats,
      error: m.error,
    })),
  };
}

export function toMarkdown(view: ChatSessionView): string {
  const byId = new Map(view.messages.map((m) => [m.id, m]));
  const thread = view.path.map((id) => byId.get(id)!).filter(Boolean);
  // Always said, branches or not: a reader of the file cannot tell otherwise what was left out.
  const lines = [
    `# ${view.session.title}`,
    '',
    `_Exported from Glassbox on ${new Date().toISOString().slice(0, 10)}: only the branch on screen, the branch shown (${thread.length} of ${view.messages.length} messages). The JSON export holds every branch._`,
    '',
  ];
  if (view.config.systemPrompt.trim()) lines.push('**System prompt:**', '', quote(view.config.systemPrompt), '');
  for (const m of thread) lines.push(...messageMarkdown(m), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

function messageMarkdown(m: ChatMessage): string[] {
  const who = m.role === 'user' ? 'You' : m.role === 'assistant' ? 'Assistant' : 'System';
  const notes: string[] = [];
  if (m.stats?.model) notes.push(m.stats.model);
  if (m.stats?.tokensPerSecond) notes.push(`${m.stats.tokensPerSecond.toFixed(1)} tok/s`);
  if (m.status !== 'complete') notes.push(m.status);
  return [`## ${who}${notes.length ? ` _(${notes.join(', ')})_` : ''}`, '', m.content || '_(empty)_'];
}

const quote = (s: string) =>
  s
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');

export class ImportError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

/** Parses and checks an export: JSON syntax, shape, and that parents form a tree inside the file. */
export function parseImport(text: string): ChatExport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ImportError(`not valid JSON: ${errorMessage(err)}`);
  }
  const parsed = exportSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    const first = issues
      .slice(0, 3)
      .map((i) => `${i.path || '(root)'}: ${i.message}`)
      .join('; ');
    throw new ImportError(`not a Glassbox chat export: ${first}`, issues);
  }
  const data = parsed.data;
  const ids = new Set<string>();
  for (const m of data.messages) {
    if (ids.has(m.id)) throw new ImportError(`message id ${m.id} appears twice`);
    ids.add(m.id);
  }
  const byId = new Map(data.messages.map((m) => [m.id, m]));
  for (const m of data.messages) {
    if (m.parentId !== null && !byId.has(m.parentId))
      throw new ImportError(`message ${m.id} answers ${m.parentId}, which is not in the file`);
    // Walk up: a cycle would make the tree endless.
    const seen = new Set<string>();
    for (let cur: typeof m | undefined = m; cur; cur = cur.parentId ? byId.get(cur.parentId) : undefined) {
      if (seen.has(cur.id)) throw new ImportError(`messages form a cycle at ${cur.id}`);
      seen.add(cur.id);
    }
  }
  if (data.currentLeafId && !byId.has(data.currentLeafId))
    throw new ImportError(`currentLeafId ${data.currentLeafId} is not a message in the file`);
  return data;
}
