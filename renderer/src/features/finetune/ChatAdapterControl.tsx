// "Chat with this adapter": llama.cpp applies the adapter at this scale whenever Chat uses its base
// model (a new scale means a new llama.cpp context, made at the next message).
import { useState } from 'react';
import { ADAPTER_SCALE, type AdapterInfo, type ChatAdapterChoice } from '../../../../electron/core/api/finetune.ts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/hooks.ts';
import { queryKeys } from '../../api/query.ts';
import { textInputClass } from '../../components/fields.tsx';
import { Button } from '../../components/ui.tsx';
import { errorMessage } from '../../../../electron/core/api/errors.ts';

export function ChatAdapterControl({ adapter }: { adapter: AdapterInfo }) {
  const api = useApi();
  const queries = useQueryClient();
  const current = useQuery({ queryKey: queryKeys.chatAdapter, queryFn: () => api.finetune.chatAdapter({}) });
  const [scale, setScale] = useState(1);
  const [error, setError] = useState<string | null>(null);
  const inUse = current.data?.adapterId === adapter.id;
  const choose = async (id: string | null) => {
    setError(null);
    try {
      queries.setQueryData(queryKeys.chatAdapter, (await api.finetune.useInChat({ adapterId: id, scale })) as ChatAdapterChoice | null);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <div className="mt-2 flex flex-wrap items-center gap-2" data-testid="chat-adapter">
      <label className="flex items-center gap-1">
        Scale
        <input
          type="number"
          min={0}
          max={ADAPTER_SCALE.max}
          step={0.1}
          value={scale}
          onChange={(e) => setScale(Number(e.target.value))}
          className={`w-16 text-right font-mono ${textInputClass}`}
          aria-label="Adapter scale"
        />
      </label>
      {inUse ? (
        <>
          <span className="text-accent-700 dark:text-accent-400" data-testid="chat-adapter-active">
            Chat uses this adapter (scale {current.data!.scale})
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
