// Models: an honest empty state until the feature lands; it says what will come.
import { ModelsIcon } from '../../components/icons.tsx';
import { EmptyState, PageHeader } from '../../components/ui.tsx';

export function ModelsScreen() {
  return (
    <>
      <PageHeader title="Models" subtitle="GGUF models on this machine" />
      <div className="min-h-0 flex-1 overflow-y-auto">
        <EmptyState
          icon={ModelsIcon}
          title="No models yet"
          planned={[
            'Import a GGUF by file dialog or drag and drop, checked before loading',
            'Download from Hugging Face with progress, pause and resume',
            'Architecture, parameters, quantization and context length at a glance',
          ]}
        >
          Import a GGUF file or download Gemma 3 270M (instruction-tuned, Q8_0) to get started.
        </EmptyState>
      </div>
    </>
  );
}
