// "Chat with this adapter": llama.cpp applies the adapter at this scale whenever Chat uses its base
// model (a new scale means a new llama.cpp context, made at the next message).
import { useState } from 'react';
import type { AdapterInfo } from '../../../../electron/core/api/finetune.ts';
import { AdapterScaleInput } from '../../components/fields.tsx';
import { Button } from '../../components/ui.tsx';
import { errorMessage } from '../../../../electron/core/api/errors.ts';
import { useChatAdapterChoice } from '../chat/useChatAdapter.ts';

export function ChatAdapterControl({ adapter }: { adapter: AdapterInfo }) {
  const chatAdapter = useChatAdapterChoice();
  const [scale, setScale] = useState(1);
  const [error, setError] = useState<string | null>(null);
  const current = chatAdapter.choice;
  const inUse = current?.adapterId === adapter.id;
  const choose = async (id: string | null) => {
    setError(null);
    try {
      await chatAdapter.choose(id, scale);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <div className="mt-2 flex flex-wrap items-center gap-2" data-testid="chat-adapter">
      <label className="flex items-center gap-1">
        Scale
        <AdapterScaleInput value={scale} onChange={setScale} />
      </label>
      {inUse ? (
        <>
          <span className="text-accent-700 dark:text-accent-400" data-testid="chat-adapter-active">
            Chat uses this adapter (scale {current!.scale})
          </span>
          <Button onClick={() => void choose(adapter.id)}>Apply scale</Button>
          <Button variant="ghost" onClick={() => void choose(null)}>
            Stop using
          </Button>
        </>
      ) : (
        <Button variant="primary" onClick={() => void choose(adapter.id)} data-testid="use-in-chat">
          Chat with this adapter
        </Button>
      )}
      {error && (
        <span role="alert" className="text-red-700">
          {error}
        </span>
      )}
    </div>
  );
}
