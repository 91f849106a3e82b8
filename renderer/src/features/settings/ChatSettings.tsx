// Chat settings that apply to every chat: what happens when a chat outgrows the model's context window,
// and the system prompt and sampling a new chat starts with.
import { useEffect, useId, useState } from 'react';
import { defaultSampling, type ContextPolicy } from '../../../../electron/core/api/chat.ts';
import type { Settings } from '../../../../electron/core/api/settings.ts';
import { useApi, useEvent, useSetSetting, useSettings } from '../../api/hooks.ts';
import { textInputClass } from '../../components/fields.tsx';
import { Button, Card } from '../../components/ui.tsx';
import { SamplingFields } from '../chat/SamplingFields.tsx';

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

/**
 * What a new chat starts with: the system prompt and sampling (each chat then keeps and changes its
 * own in its settings panel). Saved as one setting each; a sampling change is saved as it is made.
 */
export function ChatDefaults() {
  const settings = useSettings();
  const setSetting = useSetSetting();
  const [error, setError] = useState<string | null>(null);
  const stored = settings.data?.['chat.defaultSystemPrompt'];
  const [prompt, setPrompt] = useState('');
  useEffect(() => setPrompt(stored ?? ''), [stored]);
  const promptId = useId();
  const save = <K extends 'chat.defaultSystemPrompt' | 'chat.defaultSampling'>(key: K, value: Settings[K]) =>
    setSetting(key, value).then(
      () => setError(null),
      (e: Error) => setError(e.message),
    );
  const sampling = settings.data?.['chat.defaultSampling'];
  return (
    <Card
      title="Defaults for new chats"
      description="A new chat starts with this system prompt and sampling; each chat can then change its own (Settings in the chat's header). Chats made before keep theirs."
    >
      <div className="space-y-4" data-testid="chat-defaults">
        <div className="space-y-1.5">
          <label htmlFor={promptId} className="block text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">
            Default system prompt
          </label>
          <textarea
            id={promptId}
            value={prompt}
            rows={3}
            maxLength={50000}
            placeholder="None"
            onChange={(e) => setPrompt(e.target.value)}
            onBlur={() => prompt !== (stored ?? '') && void save('chat.defaultSystemPrompt', prompt)}
            className={`w-full resize-y ${textInputClass}`}
          />
        </div>
        {sampling && (
          <div className="max-w-md">
            <SamplingFields
              legend="Default sampling"
              value={sampling}
              defaults={defaultSampling}
              onChange={(s) => void save('chat.defaultSampling', s)}
            />
            <Button variant="ghost" className="mt-2" onClick={() => void save('chat.defaultSampling', defaultSampling)}>
              Reset to the built-in defaults
            </Button>
          </div>
        )}
        {error && (
          <p role="alert" className="text-[12.5px] text-red-600 dark:text-red-400">
            {error}
          </p>
        )}
      </div>
    </Card>
  );
}
