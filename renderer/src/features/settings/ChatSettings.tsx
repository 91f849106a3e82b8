// Chat settings that apply to every chat: what happens when a chat outgrows the model's context window.
import { useEffect, useState } from 'react';
import type { ContextPolicy } from '../../../../electron/core/api/chat.ts';
import { useApi, useEvent } from '../../api/hooks.ts';
import { Card } from '../../components/ui.tsx';

export const policyLabels: Record<ContextPolicy, { label: string; hint: string }> = {
  keepSystem: {
    label: 'Leave out the oldest turns, keep the system prompt',
    hint: 'The reply is written without the earliest messages; the system prompt always stays.',
  },
  dropOldest: {
    label: 'Leave out the oldest turns and the system prompt with them',
    hint: 'More of the conversation fits; the system prompt goes with the first message.',
  },
  refuse: { label: 'Refuse to send', hint: 'Nothing is left out: a message that would not fit is not sent, and you decide what to do.' },
};

export function ChatSettings() {
  const api = useApi();
  const [policy, setPolicy] = useState<ContextPolicy | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.settings.getAll().then(
      (s) => setPolicy(s['chat.contextPolicy']),
      (e: Error) => setError(e.message),
    );
  }, [api]);
  useEvent('settings.changed', (s) => setPolicy(s['chat.contextPolicy']));
  const choose = (p: ContextPolicy) => {
    setPolicy(p);
    api.settings.set({ key: 'chat.contextPolicy', value: p }).then(
      () => setError(null),
      (e: Error) => setError(e.message),
    );
  };
  return (
    <Card title="Chat" description="When a chat grows longer than the model's context window (shown by the meter under each chat's title).">
      <div role="radiogroup" aria-label="When a chat does not fit the context" className="space-y-2">
        {(Object.keys(policyLabels) as ContextPolicy[]).map((p) => (
          <label key={p} className="flex cursor-pointer items-start gap-2.5 text-[13px]">
            <input
              type="radio"
              name="context-policy"
              className="mt-0.5 accent-accent-600"
              checked={policy === p}
              onChange={() => choose(p)}
            />
            <span>
              <span className="font-medium">{policyLabels[p].label}</span>
              <span className="block text-[12px] text-zinc-500 dark:text-zinc-400">{policyLabels[p].hint}</span>
            </span>
          </label>
        ))}
      </div>
      {error && (
        <p role="alert" className="mt-2 text-[12.5px] text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </Card>
  );
}
