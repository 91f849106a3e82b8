// The LoRA adapter chat applies (issue 14 "Use it"): the adapters trained for the active model, the one
// chosen (kept by the finetune service: finetune.useInChat / chatAdapter, shared with the Fine-tune
// screen's cache) and a way to choose one, or none, from the chat itself.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AdapterInfo, ChatAdapterChoice } from '../../../../electron/core/api/finetune.ts';
import { useApi, useModelList } from '../../api/hooks.ts';
import { queryKeys } from '../../api/query.ts';

/** The adapter chat is told to use (on its base model) and how to change it; the Fine-tune screen shares it. */
export function useChatAdapterChoice() {
  const api = useApi();
  const queries = useQueryClient();
  const choice = useQuery({ queryKey: queryKeys.chatAdapter, queryFn: () => api.finetune.chatAdapter({}) });
  const choose = async (adapterId: string | null, scale: number) => {
    const next = (await api.finetune.useInChat({ adapterId, scale })) as ChatAdapterChoice | null;
    queries.setQueryData(queryKeys.chatAdapter, next);
    return next;
  };
  return { choice: choice.data ?? null, choose };
}

export function useChatAdapter() {
  const api = useApi();
  const activeModel = useModelList().data?.find((m) => m.active) ?? null;
  const { choice, choose } = useChatAdapterChoice();
  const adapters = useQuery({ queryKey: ['finetune.adapters'], queryFn: () => api.finetune.adapters({}) });
  const forModel: AdapterInfo[] = activeModel ? (adapters.data ?? []).filter((a) => a.modelPath === activeModel.path) : [];
  // The choice applies only while chat runs on the adapter's base model.
  const applied = choice && activeModel && choice.modelPath === activeModel.path ? choice : null;
  const appliedInfo = applied ? (adapters.data?.find((a) => a.id === applied.adapterId) ?? null) : null;
  return {
    adapters: forModel,
    applied,
    /** The applied adapter's name (null when none applies). */
    appliedName: applied ? (appliedInfo?.name ?? 'adapter') : null,
    choose,
    refresh: () => void adapters.refetch(),
  };
}
