// Rows from a chat: pick a session, tick the replies worth learning; each becomes one row (the
// conversation up to it as the prompt, the reply as the answer).
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useApi, useSessionList } from '../../api/hooks.ts';
import { queryKeys } from '../../api/query.ts';
import { textInputClass } from '../../components/fields.tsx';
import { Button } from '../../components/ui.tsx';
import { errorMessage } from '../../../../electron/core/api/errors.ts';

export function FromChat({ datasetId, onDone }: { datasetId: string; onDone(): void }) {
  const api = useApi();
  const { sessions } = useSessionList();
  const [sessionId, setSessionId] = useState('');
  const view = useQuery({ queryKey: queryKeys.chatView(sessionId), queryFn: () => api.chat.get({ sessionId }), enabled: sessionId !== '' });
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const replies = (view.data?.messages ?? []).filter((m) => m.role === 'assistant' && m.content.trim());
  return (
    <div className="m-3 space-y-2 rounded-lg border border-zinc-200 p-3 text-[12.5px] dark:border-zinc-800" data-testid="from-chat">
      <label className="block font-medium">
        Chat
        <select
          value={sessionId}
          onChange={(e) => {
            setSessionId(e.target.value);
            setChosen(new Set());
          }}
          className={`mt-0.5 w-full ${textInputClass}`}
        >
          <option value="">Choose a chat…</option>
          {sessions.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title} ({s.messageCount} messages)
            </option>
          ))}
        </select>
      </label>
      {sessionId && replies.length === 0 && <p className="text-zinc-500">This chat has no replies yet.</p>}
      <ul className="max-h-56 space-y-1 overflow-y-auto">
        {replies.map((m) => (
          <li key={m.id}>
            <label className="flex items-start gap-2">
              <input
                type="checkbox"
                checked={chosen.has(m.id)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if (e.target.checked) next.add(m.id);
                  else next.delete(m.id);
                  setChosen(next);
                }}
              />
              <span className="line-clamp-2">{m.content}</span>
            </label>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="text-red-700">
          {error}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button onClick={onDone}>Cancel</Button>
        <Button
          variant="primary"
          disabled={chosen.size === 0}
          onClick={async () => {
            try {
              await api.datasets.fromChat({ id: datasetId, sessionId, messageIds: [...chosen] });
              onDone();
            } catch (e) {
              setError(errorMessage(e));
            }
          }}
        >
          Add {chosen.size} row{chosen.size === 1 ? '' : 's'}
        </Button>
      </div>
    </div>
  );
}
