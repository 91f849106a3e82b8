// Finetune: an honest empty state until the feature lands; it says what will come.
import { FinetuneIcon } from '../../components/icons.tsx';
import { EmptyState, PageHeader } from '../../components/ui.tsx';

export function FinetuneScreen() {
  return (
    <>
      <PageHeader title="Fine-tune" subtitle="LoRA training on your own machine" />
      <div className="min-h-0 flex-1 overflow-y-auto">
        <EmptyState
          icon={FinetuneIcon}
          title="Fine-tune"
          planned={[
            'LoRA on chosen layers, AdamW, live loss curves',
            'Export the adapter as GGUF for llama.cpp',
            'Check the taught behaviour in chat before and after',
          ]}
        >
          Train a LoRA adapter on a dataset with the engine, watch the loss, and load the result into chat.
        </EmptyState>
      </div>
    </>
  );
}
